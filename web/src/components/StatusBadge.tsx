import { Badge } from '@mantine/core';
import { m } from '../i18n';

const COLORS: Record<string, string> = {
  draft: 'gray',
  in_review: 'yellow',
  pending_approval: 'orange',
  approved: 'teal',
  effective: 'green',
  superseded: 'dark',
  obsolete: 'red',
};

/** A revision state in words (the same names as on the printed copy). */
export function StatusBadge({ state }: { state: string | null | undefined }) {
  if (!state) return null;
  return (
    <Badge color={COLORS[state] ?? 'gray'} variant="light" radius="sm" style={{ textTransform: 'none' }}>
      {m.states[state] ?? state}
    </Badge>
  );
}
