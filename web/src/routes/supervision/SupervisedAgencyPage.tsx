import { Group, MultiSelect, Select, SimpleGrid, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { FormDialog } from '../../components/FormDialog';
import { AnchorLink } from '../../components/Links';
import { Page } from '../../components/Page';
import { fieldError } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { Button } from '@mantine/core';
import { m } from '../../i18n';
import { agenciesWith } from '../../lib/access';
import { todayInVietnam } from '../../lib/dates';
import { ReportStatusBadge, thisYear, YearSelect } from './common';
import { supervisedAgencyRoute } from './routes';

type Row = Schemas['OverviewRowView'];

/** Plans an inspection of the agency: kind, date, inspectors (supervisors of the caller's agency). */
function PlanInspectionDialog({ agencyId, onClose }: { agencyId: string; onClose: () => void }) {
  const session = useSession()!;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const root = agenciesWith(session.user, ['supervisor'])[0]?.agencyId;
  const members = useQuery({
    enabled: !!root,
    queryKey: ['members', root],
    queryFn: () => call(api.GET('/api/v1/agencies/{id}/members', { params: { path: { id: root! }, query: { limit: 200 } } })),
  });
  const supervisors = (members.data?.items ?? []).filter((x) => x.roles.includes('supervisor'));
  const [kind, setKind] = useState<string>('on_site');
  const [plannedOn, setPlannedOn] = useState(todayInVietnam());
  const [inspectorIds, setInspectorIds] = useState<string[]>([session.user.id]);
  const [title, setTitle] = useState('');
  const [scope, setScope] = useState('');
  return (
    <FormDialog
      title={m.supervision.planInspection}
      onClose={onClose}
      submitLabel={m.inspections.plan}
      shown={['kind', 'plannedOn', 'inspectorIds', 'title', 'scope']}
      onSubmit={async () => {
        const created = await call(
          api.POST('/api/v1/inspections', { body: { agencyId, kind: kind as 'on_site', plannedOn, inspectorIds, title: title.trim() || undefined, scope: scope.trim() || undefined } }),
        );
        await qc.invalidateQueries({ queryKey: ['inspections', agencyId] });
        void navigate({ to: '/kiem-tra/$inspectionId', params: { inspectionId: created.id } });
      }}
    >
      {(error) => (
        <>
          <Select
            label={m.inspections.kind}
            data={Object.entries(m.inspections.kinds).map(([value, label]) => ({ value, label }))}
            value={kind}
            onChange={(v) => v && setKind(v)}
            allowDeselect={false}
            error={fieldError(error, 'kind')}
          />
          <TextInput label={m.inspections.plannedOn} type="date" value={plannedOn} onChange={(e) => setPlannedOn(e.currentTarget.value)} error={fieldError(error, 'plannedOn')} required />
          <MultiSelect
            label={m.inspections.inspectors}
            data={supervisors.map((s) => ({ value: s.userId, label: s.fullName }))}
            value={inspectorIds}
            onChange={setInspectorIds}
            error={fieldError(error, 'inspectorIds')}
            searchable
          />
          <TextInput label={m.inspections.titleField} value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={fieldError(error, 'title')} />
          <Textarea label={m.inspections.scope} value={scope} onChange={(e) => setScope(e.currentTarget.value)} error={fieldError(error, 'scope')} autosize minRows={2} />
        </>
      )}
    </FormDialog>
  );
}

/** Drill-down into one agency of the overview: its figures, its reports and its inspections. */
export function SupervisedAgencyPage() {
  const { agencyId } = supervisedAgencyRoute.useParams();
  const search = supervisedAgencyRoute.useSearch();
  const [year, setYear] = useState(search.year ?? thisYear());
  const [planning, setPlanning] = useState(false);
  const overview = useQuery({
    queryKey: ['supervision-overview', agencyId, year],
    queryFn: () => call(api.GET('/api/v1/supervision/overview', { params: { query: { agencyId, year } } })),
  });
  const reports = useQuery({
    queryKey: ['reports', agencyId, year],
    queryFn: () => call(api.GET('/api/v1/reports', { params: { query: { agencyId, year } } })),
  });
  const inspections = useQuery({
    queryKey: ['inspections', agencyId, year],
    queryFn: () => call(api.GET('/api/v1/inspections', { params: { query: { agencyId, year } } })),
  });
  return (
    <QueryView query={overview}>
      {(o) => {
        const row = o.items[0] as Row;
        const facts: [string, React.ReactNode][] = [
          [m.supervision.level, m.levels[row.level] ?? row.level],
          [m.supervision.announcedOn, row.announcedOn ? <DateText value={row.announcedOn} /> : m.supervision.notAnnounced],
          [m.supervision.objectivesIssued, row.objectivesIssued ? m.supervision.yes : m.supervision.no],
          [m.supervision.audit, row.auditHeld ? m.supervision.yes : m.supervision.no],
          [m.supervision.review, row.reviewHeld ? m.supervision.yes : m.supervision.no],
          [m.supervision.openNc, row.openNonconformities],
          [m.supervision.overdueActions, row.overdueActions],
          [m.supervision.legalOverdue, row.legalUpdatesOverdue],
          [m.supervision.reviewsOverdue, row.reviewsOverdue],
          [m.supervision.tthc, `${row.tthcCoverage.covered}/${row.tthcCoverage.total}`],
        ];
        return (
          <Page title={`${m.supervision.agencyTitle}: ${row.agency.name}`} actions={<Button onClick={() => setPlanning(true)}>{m.supervision.planInspection}</Button>}>
            <Group>
              <YearSelect value={year} onChange={setYear} />
            </Group>
            <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="xs">
              {facts.map(([label, value]) => (
                <Stack key={label} gap={0}>
                  <Text size="xs" c="dimmed">
                    {label}
                  </Text>
                  <Text fw={600}>{value}</Text>
                </Stack>
              ))}
            </SimpleGrid>
            <Group gap="xs">
              {o.periods.map((p) => (
                <Group key={p} gap={4}>
                  <Text size="sm">{p}:</Text>
                  <ReportStatusBadge status={row.reports[p] ?? 'missing'} />
                </Group>
              ))}
            </Group>
            <Title order={2} size="h4">
              {m.supervision.reports}
            </Title>
            <QueryView query={reports}>
              {(r) => (
                <DataTable<Schemas['ReportSummaryView']>
                  caption={m.supervision.reports}
                  rows={r.items}
                  rowKey={(x) => x.id}
                  columns={[
                    { header: m.reports.period, cell: (x) => <AnchorLink to="/bao-cao/$reportId" params={{ reportId: x.id }}>{x.period}</AnchorLink> },
                    { header: m.reports.dueOn, cell: (x) => <DateText value={x.dueOn} /> },
                    { header: m.reports.state, cell: (x) => <ReportStatusBadge status={x.state === 'submitted' && x.late ? 'late' : x.state} /> },
                    { header: m.reports.versions, cell: (x) => x.submissionCount, hideBelow: 'sm' },
                  ]}
                />
              )}
            </QueryView>
            {o.items.length > 1 && (
              <>
                <Title order={2} size="h4">
                  {m.supervision.agencies}
                </Title>
                <DataTable<Row>
                  caption={m.supervision.agencies}
                  rows={o.items.slice(1)}
                  rowKey={(x) => x.agency.id}
                  columns={[
                    { header: m.supervision.agency, cell: (x) => <AnchorLink to="/giam-sat/co-quan/$agencyId" params={{ agencyId: x.agency.id }} search={{ year }}>{x.agency.name}</AnchorLink> },
                    ...o.periods.map((p) => ({ header: p, cell: (x: Row) => <ReportStatusBadge status={x.reports[p] ?? 'missing'} /> })),
                  ]}
                />
              </>
            )}
            <Title order={2} size="h4">
              {m.supervision.inspections}
            </Title>
            <QueryView query={inspections}>
              {(list) => (
                <DataTable<Schemas['InspectionView']>
                  caption={m.supervision.inspections}
                  rows={list.items}
                  rowKey={(x) => x.id}
                  empty={m.inspections.none}
                  columns={[
                    { header: m.inspections.plannedOn, cell: (x) => <AnchorLink to="/kiem-tra/$inspectionId" params={{ inspectionId: x.id }}><DateText value={x.plannedOn} /></AnchorLink> },
                    { header: m.inspections.kind, cell: (x) => m.inspections.kinds[x.kind] },
                    { header: m.inspections.state, cell: (x) => m.inspections.states[x.state] },
                    { header: m.inspections.findings, cell: (x) => x.findings.length },
                  ]}
                />
              )}
            </QueryView>
            {planning && <PlanInspectionDialog agencyId={agencyId} onClose={() => setPlanning(false)} />}
          </Page>
        );
      }}
    </QueryView>
  );
}
