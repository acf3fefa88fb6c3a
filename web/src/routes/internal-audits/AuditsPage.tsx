import { Button, Group, MultiSelect, NumberInput, Select, Textarea, TextInput } from '@mantine/core';
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
import { todayInVietnam } from '../../lib/dates';
import { lines, useDocumentOptions, useMembers } from './members';
import { RecordBadge } from './RecordBadge';

type Audit = Schemas['InternalAuditView'];

const PLANNERS = ['iso_secretary', 'auditor'] as const;
const SHOWN = ['agencyId', 'year', 'title', 'scope', 'scope.units', 'scope.processes', 'scope.documentIds', 'criteria', 'plannedFrom', 'plannedTo', 'leadAuditorId', 'auditorIds'];

function PlanDialog({ user, onClose }: { user: Me; onClose: () => void }) {
  const agencies = agenciesWith(user, PLANNERS);
  const navigate = useNavigate();
  const [agencyId, setAgencyId] = useState<string | null>(agencies[0]?.agencyId ?? null);
  const [year, setYear] = useState<number | string>(Number(todayInVietnam().slice(0, 4)));
  const [title, setTitle] = useState(`Đánh giá chất lượng nội bộ năm ${todayInVietnam().slice(0, 4)}`);
  const [units, setUnits] = useState('');
  const [processes, setProcesses] = useState('');
  const [documentIds, setDocumentIds] = useState<string[]>([]);
  const [criteria, setCriteria] = useState('');
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [lead, setLead] = useState<string | null>(null);
  const [auditorIds, setAuditorIds] = useState<string[]>([]);
  const members = useMembers(agencyId);
  const docOptions = useDocumentOptions(agencyId, 'procedure');
  const people = (members.data?.items ?? []).map((u) => ({ value: u.userId, label: `${u.fullName}${u.roles.includes('auditor') ? '' : ' *'}` }));
  return (
    <FormDialog
      title={m.improvement.planTitle}
      onClose={onClose}
      size="lg"
      submitLabel={m.improvement.plan}
      shown={SHOWN}
      onSubmit={async () => {
        const audit = await call(
          api.POST('/api/v1/internal-audits', {
            body: {
              agencyId: agencyId ?? '',
              year: Number(year),
              title,
              scope: { units: lines(units), processes: lines(processes), documentIds },
              criteria: criteria.trim() || undefined,
              plannedFrom: from ?? '',
              plannedTo: to ?? '',
              leadAuditorId: lead ?? '',
              auditorIds: auditorIds.filter((a) => a !== lead),
            },
          }),
        );
        await navigate({ to: '/danh-gia-noi-bo/$auditId', params: { auditId: audit.id } });
      }}
    >
      {(error) => {
        const fe = (f: string) => fieldError(error, f);
        return (
          <>
            <Group grow align="flex-start" wrap="wrap">
              <Select label={m.improvement.agency} data={agencies.map((a) => ({ value: a.agencyId, label: a.agencyName }))} value={agencyId} onChange={setAgencyId} required allowDeselect={false} error={fe('agencyId')} miw={200} />
              <NumberInput label={m.improvement.year} value={year} onChange={setYear} min={2000} max={2200} required error={fe('year')} miw={120} />
            </Group>
            <TextInput label={m.improvement.title} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required error={fe('title')} />
            <Textarea label={m.improvement.units} value={units} onChange={(e) => setUnits(e.currentTarget.value)} autosize minRows={2} error={fe('scope.units')} />
            <Textarea label={m.improvement.processes} value={processes} onChange={(e) => setProcesses(e.currentTarget.value)} autosize minRows={2} error={fe('scope.processes')} />
            <MultiSelect
              label={m.improvement.scopeDocuments}
              data={docOptions}
              value={documentIds}
              onChange={setDocumentIds}
              searchable
              error={fe('scope.documentIds')}
            />
            <TextInput label={m.improvement.criteria} description={m.improvement.criteriaHint} value={criteria} onChange={(e) => setCriteria(e.currentTarget.value)} error={fe('criteria')} />
            <Group grow align="flex-start" wrap="wrap">
              <TextInput type="date" label={m.improvement.plannedFrom} value={from ?? ''} onChange={(e) => setFrom(e.currentTarget.value || null)} required error={fe('plannedFrom')} miw={150} />
              <TextInput type="date" label={m.improvement.plannedTo} value={to ?? ''} onChange={(e) => setTo(e.currentTarget.value || null)} required error={fe('plannedTo')} miw={150} />
            </Group>
            <Select label={m.improvement.lead} data={people} value={lead} onChange={setLead} searchable required error={fe('leadAuditorId')} />
            <MultiSelect label={m.improvement.auditors} data={people.filter((p) => p.value !== lead)} value={auditorIds} onChange={setAuditorIds} searchable error={fe('auditorIds')} />
          </>
        );
      }}
    </FormDialog>
  );
}

/** The internal audit programme: every audit the user may read, newest first. */
export function AuditsPage() {
  const session = useSession()!;
  const [planning, setPlanning] = useState(false);
  const list = useCursorList(['internal-audits'], (cursor) => call(api.GET('/api/v1/internal-audits', { params: { query: { cursor, limit: 50 } } })));
  const columns: Column<Audit>[] = [
    { header: m.improvement.year, cell: (a) => a.year, width: 70 },
    {
      header: m.improvement.title,
      cell: (a) => (
        <AnchorLink to="/danh-gia-noi-bo/$auditId" params={{ auditId: a.id }}>
          {a.title}
        </AnchorLink>
      ),
    },
    { header: m.improvement.plannedFrom, cell: (a) => <DateText value={a.plannedFrom} />, hideBelow: 'sm' },
    { header: m.improvement.lead, cell: (a) => a.auditors.find((x) => x.lead)?.fullName ?? '—', hideBelow: 'md' },
    { header: m.improvement.findings, cell: (a) => a.findings.length, hideBelow: 'md' },
    { header: m.improvement.state, cell: (a) => <RecordBadge kind="audit" state={a.state} /> },
  ];
  const mayPlan = agenciesWith(session.user, PLANNERS).length > 0;
  return (
    <Page title={m.improvement.audits} actions={mayPlan && <Button onClick={() => setPlanning(true)}>{m.improvement.plan}</Button>}>
      <PagedTable caption={m.improvement.audits} columns={columns} list={list} rowKey={(a) => a.id} empty={m.improvement.noAudits} />
      {planning && <PlanDialog user={session.user} onClose={() => setPlanning(false)} />}
    </Page>
  );
}
