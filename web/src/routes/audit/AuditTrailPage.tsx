import { Alert, Button, Code, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useState } from 'react';
import { useAllAgencies } from '../../api/agencies';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { Page } from '../../components/Page';
import { ErrorAlert } from '../../components/QueryState';
import { m } from '../../i18n';
import { startOfVietnamDay } from '../../lib/dates';

type Event = Schemas['AuditEventView'];
type Verification = Schemas['ChainVerification'];

interface Filters {
  agencyId: string | null;
  entityType: string;
  entityId: string;
  actorId: string;
  action: string;
  from: string | null;
  to: string | null;
}

const EMPTY: Filters = { agencyId: null, entityType: '', entityId: '', actorId: '', action: '', from: null, to: null };

/** The day after a calendar date, for an inclusive "to" date. */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Auditors: the append-only audit trail with filters, and the hash-chain check per agency. */
export function AuditTrailPage() {
  const session = useSession()!;
  const [draft, setDraft] = useState<Filters>({ ...EMPTY, agencyId: session.user.memberships[0]?.agencyId ?? null });
  const [filters, setFilters] = useState<Filters>(draft);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [verifying, setVerifying] = useState(false);
  const list = useCursorList(['audit', filters], (cursor) =>
    call(
      api.GET('/api/v1/audit-events', {
        params: {
          query: {
            agencyId: filters.agencyId ?? undefined,
            entityType: filters.entityType || undefined,
            entityId: filters.entityId || undefined,
            actorId: filters.actorId || undefined,
            action: filters.action || undefined,
            from: filters.from ? startOfVietnamDay(filters.from) : undefined,
            to: filters.to ? startOfVietnamDay(nextDay(filters.to)) : undefined,
            cursor,
            limit: 50,
          },
        },
      }),
    ),
  );
  const columns: Column<Event>[] = [
    { header: m.auditTrail.seq, cell: (e) => e.seq, width: 60 },
    { header: m.history.at, cell: (e) => <DateText value={e.occurredAt} format="datetime" />, width: 150 },
    { header: m.auditTrail.actor, cell: (e) => e.actor?.name ?? '—', hideBelow: 'sm' },
    {
      header: m.auditTrail.action,
      cell: (e) => (
        <Stack gap={2}>
          <Text size="sm" fw={600}>
            {e.action}
          </Text>
          <Text size="xs" c="dimmed">
            {e.entityType} {e.entityId ?? ''}
          </Text>
        </Stack>
      ),
    },
    { header: m.auditTrail.changes, cell: (e) => (e.changes ? <Code block style={{ maxWidth: 420, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{JSON.stringify(e.changes, null, 1)}</Code> : '—'), hideBelow: 'md' },
  ];
  const all = useAllAgencies(session.user.isAdmin);
  const agencies = session.user.isAdmin ? (all.data ?? []).map((a) => ({ value: a.id, label: a.name })) : session.user.memberships.map((x) => ({ value: x.agencyId, label: x.agencyName }));
  return (
    <Page title={m.auditTrail.title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <Group align="flex-end" wrap="wrap" gap="sm">
          <Select label={m.auditTrail.agency} data={agencies} value={draft.agencyId} onChange={(agencyId) => setDraft({ ...draft, agencyId })} clearable={session.user.isAdmin} w={240} />
          <TextInput label={m.auditTrail.entityType} placeholder="revision, document…" value={draft.entityType} onChange={(e) => setDraft({ ...draft, entityType: e.currentTarget.value })} w={160} />
          <TextInput label={m.auditTrail.entityId} value={draft.entityId} onChange={(e) => setDraft({ ...draft, entityId: e.currentTarget.value })} w={200} />
          <TextInput label={m.auditTrail.action} placeholder="revision.approved" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value })} w={180} />
          <TextInput label={m.auditTrail.actor} value={draft.actorId} onChange={(e) => setDraft({ ...draft, actorId: e.currentTarget.value })} w={200} />
          <DateInput label={m.auditTrail.from} value={draft.from} onChange={(from) => setDraft({ ...draft, from })} valueFormat="DD/MM/YYYY" clearable w={150} />
          <DateInput label={m.auditTrail.to} value={draft.to} onChange={(to) => setDraft({ ...draft, to })} valueFormat="DD/MM/YYYY" clearable w={150} />
          <Button type="submit">{m.auditTrail.filter}</Button>
          <Button
            variant="light"
            loading={verifying}
            disabled={!draft.agencyId}
            title={draft.agencyId ? undefined : m.auditTrail.chooseAgency}
            onClick={async () => {
              setVerifying(true);
              setVerifyError(null);
              try {
                setVerification(await call(api.GET('/api/v1/audit-events/verify', { params: { query: { agencyId: draft.agencyId ?? undefined } } })));
              } catch (err) {
                setVerifyError(err);
              } finally {
                setVerifying(false);
              }
            }}
          >
            {m.auditTrail.verify}
          </Button>
        </Group>
      </form>
      {verification && (
        <Alert color={verification.ok ? 'green' : 'red'} role="status" data-testid="verify-result">
          {verification.ok ? m.auditTrail.verifyOk(verification.checked) : m.auditTrail.verifyBroken(verification.checked, verification.firstBrokenEventId ?? '?')}
        </Alert>
      )}
      {verifyError != null && <ErrorAlert error={verifyError} />}
      <PagedTable caption={m.auditTrail.title} columns={columns} list={list} rowKey={(e) => e.id} minWidth={640} />
    </Page>
  );
}
