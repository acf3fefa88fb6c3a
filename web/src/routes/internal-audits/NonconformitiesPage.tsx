import { Button, Checkbox, Group, Select, Textarea } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Me, Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { FormDialog } from '../../components/FormDialog';
import { AnchorLink } from '../../components/Links';
import { Page } from '../../components/Page';
import { fieldError } from '../../components/ProblemAlert';
import { m } from '../../i18n';
import { agenciesWith } from '../../lib/access';
import { useDocumentOptions } from './members';
import { ISO_CLAUSES, OverdueBadge, RecordBadge } from './RecordBadge';
import { nonconformitiesRoute } from './routes';

type Nc = Schemas['NonconformityView'];
type Source = Nc['source'];
type NcState = Nc['state'];
const SOURCES: Source[] = ['internal_audit', 'inspection', 'complaint', 'process', 'management_review', 'other'];
const STATES: NcState[] = ['open', 'action_planned', 'awaiting_verification', 'closed'];
const WRITERS = ['head', 'deputy', 'iso_secretary', 'drafter'] as const;

function RaiseDialog({ user, onClose }: { user: Me; onClose: () => void }) {
  const agencies = agenciesWith(user, WRITERS);
  const navigate = useNavigate();
  const [agencyId, setAgencyId] = useState<string | null>(agencies[0]?.agencyId ?? null);
  const [source, setSource] = useState<Source>('process');
  const [severity, setSeverity] = useState<'major' | 'minor'>('minor');
  const [description, setDescription] = useState('');
  const [clause, setClause] = useState<string | null>(null);
  const [documentId, setDocumentId] = useState<string | null>(null);
  const docOptions = useDocumentOptions(agencyId);
  return (
    <FormDialog
      title={m.improvement.raise}
      onClose={onClose}
      size="lg"
      submitLabel={m.improvement.raise}
      shown={['agencyId', 'source', 'severity', 'description', 'clause', 'documentId']}
      onSubmit={async () => {
        const nc = await call(api.POST('/api/v1/nonconformities', { body: { agencyId: agencyId ?? '', source, severity, description, clause: (clause ?? undefined) as Schemas['CreateNonconformityRequest']['clause'], documentId: documentId ?? undefined } }));
        await navigate({ to: '/khong-phu-hop/$ncId', params: { ncId: nc.id } });
      }}
    >
      {(error) => {
        const fe = (f: string) => fieldError(error, f);
        return (
          <>
            <Select label={m.improvement.agency} data={agencies.map((a) => ({ value: a.agencyId, label: a.agencyName }))} value={agencyId} onChange={setAgencyId} required allowDeselect={false} error={fe('agencyId')} />
            <Group grow align="flex-start" wrap="wrap">
              <Select label={m.improvement.source} data={SOURCES.map((s) => ({ value: s, label: m.improvement.sources[s] }))} value={source} onChange={(v) => setSource((v ?? 'process') as Source)} allowDeselect={false} error={fe('source')} miw={180} />
              <Select label={m.improvement.severity} data={(['minor', 'major'] as const).map((s) => ({ value: s, label: m.improvement.severities[s] }))} value={severity} onChange={(v) => setSeverity((v ?? 'minor') as 'major' | 'minor')} allowDeselect={false} error={fe('severity')} miw={120} />
              <Select label={m.improvement.clause} data={ISO_CLAUSES.map((c) => ({ value: c, label: c }))} value={clause} onChange={setClause} searchable clearable error={fe('clause')} miw={120} />
            </Group>
            <Textarea label={m.improvement.description} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={3} required error={fe('description')} />
            <Select label={m.improvement.document} data={docOptions} value={documentId} onChange={setDocumentId} searchable clearable error={fe('documentId')} />
          </>
        );
      }}
    </FormDialog>
  );
}

/** The nonconformity register: filters by state, source and overdue. */
export function NonconformitiesPage() {
  const session = useSession()!;
  const search = nonconformitiesRoute.useSearch();
  const navigate = useNavigate();
  const [raising, setRaising] = useState(false);
  const state = STATES.includes(search.state as NcState) ? (search.state as NcState) : undefined;
  const source = SOURCES.includes(search.source as Source) ? (search.source as Source) : undefined;
  const overdue = search.overdue === 'true' ? ('true' as const) : undefined;
  const list = useCursorList(['nonconformities', state ?? '', source ?? '', overdue ?? ''], (cursor) =>
    call(api.GET('/api/v1/nonconformities', { params: { query: { state, source, overdue, cursor, limit: 50 } } })),
  );
  const setFilter = (next: { state?: string; source?: string; overdue?: string }) =>
    navigate({ to: '/khong-phu-hop', search: { ...(state ? { state } : {}), ...(source ? { source } : {}), ...(overdue ? { overdue } : {}), ...next } });
  const columns: Column<Nc>[] = [
    {
      header: m.improvement.code,
      cell: (n) => (
        <AnchorLink to="/khong-phu-hop/$ncId" params={{ ncId: n.id }}>
          {n.code}
        </AnchorLink>
      ),
      width: 100,
    },
    { header: m.improvement.description, cell: (n) => n.description },
    { header: m.improvement.source, cell: (n) => m.improvement.sources[n.source], hideBelow: 'sm' },
    { header: m.improvement.severity, cell: (n) => m.improvement.severities[n.severity], hideBelow: 'md' },
    { header: m.improvement.opened, cell: (n) => <DateText value={n.createdAt} />, hideBelow: 'md' },
    {
      header: m.improvement.state,
      cell: (n) => (
        <Group gap={4}>
          <RecordBadge kind="nc" state={n.state} />
          {n.overdue && <OverdueBadge />}
        </Group>
      ),
    },
  ];
  const mayRaise = agenciesWith(session.user, WRITERS).length > 0;
  return (
    <Page title={m.improvement.nonconformities} actions={mayRaise && <Button onClick={() => setRaising(true)}>{m.improvement.raise}</Button>}>
      <Group align="flex-end" wrap="wrap">
        <Select
          label={m.improvement.state}
          data={[{ value: '', label: m.app.all }, ...STATES.map((s) => ({ value: s, label: m.improvement.ncStates[s] }))]}
          value={state ?? ''}
          onChange={(v) => setFilter({ state: v || undefined })}
          allowDeselect={false}
        />
        <Select
          label={m.improvement.source}
          data={[{ value: '', label: m.app.all }, ...SOURCES.map((s) => ({ value: s, label: m.improvement.sources[s] }))]}
          value={source ?? ''}
          onChange={(v) => setFilter({ source: v || undefined })}
          allowDeselect={false}
        />
        <Checkbox label={m.improvement.onlyOverdue} checked={!!overdue} onChange={(e) => setFilter({ overdue: e.currentTarget.checked ? 'true' : undefined })} />
      </Group>
      <PagedTable caption={m.improvement.nonconformities} columns={columns} list={list} rowKey={(n) => n.id} empty={m.improvement.noNcs} />
      {raising && <RaiseDialog user={session.user} onClose={() => setRaising(false)} />}
    </Page>
  );
}
