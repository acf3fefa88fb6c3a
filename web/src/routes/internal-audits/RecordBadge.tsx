import { Badge } from '@mantine/core';
import { m } from '../../i18n';

const COLORS: Record<string, string> = {
  planned: 'gray',
  approved: 'teal',
  in_progress: 'yellow',
  reported: 'blue',
  closed: 'green',
  open: 'red',
  action_planned: 'orange',
  awaiting_verification: 'yellow',
};

/** The state of an internal audit or a nonconformity, in words. */
export function RecordBadge({ kind, state }: { kind: 'audit' | 'nc'; state: string }) {
  const names = kind === 'audit' ? m.improvement.auditStates : m.improvement.ncStates;
  return (
    <Badge color={COLORS[state] ?? 'gray'} variant="light" radius="sm" style={{ textTransform: 'none' }}>
      {names[state] ?? state}
    </Badge>
  );
}

/** An open corrective action is past its due date. */
export function OverdueBadge() {
  return (
    <Badge color="red" variant="filled" radius="sm" style={{ textTransform: 'none' }}>
      {m.improvement.overdue}
    </Badge>
  );
}

/** The ISO 9001:2015 clauses a finding or a nonconformity may name: the service's own list. */
export { ISO_9001_CLAUSES as ISO_CLAUSES } from '../../../../src/nonconformities/iso-clauses.js';
