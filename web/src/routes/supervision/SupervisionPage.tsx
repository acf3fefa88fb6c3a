import { Alert, Badge, Checkbox, Group, Progress, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { DownloadButton } from '../../components/DownloadButton';
import { AnchorLink } from '../../components/Links';
import { Page } from '../../components/Page';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';
import { agenciesWith } from '../../lib/access';
import { filterOverview, NO_FILTERS, percentText, rowTone, type OverviewFilters } from '../../lib/overview';
import { ReportStatusBadge, thisYear, YearSelect } from './common';

type Row = Schemas['OverviewRowView'];
type Overview = Schemas['OverviewView'];

const TONE: Record<string, string | undefined> = { ok: undefined, warning: 'var(--mantine-color-yellow-0)', alert: 'var(--mantine-color-red-0)' };

/** The rollout toward the targets: one bar per target group (share announced against 100% by its year). */
function RolloutChart({ o }: { o: Overview }) {
  return (
    <Stack gap="xs" aria-labelledby="rollout-title">
      <Title order={2} size="h4" id="rollout-title">
        {m.supervision.rollout} — {o.year}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {o.rollout.map((r) => (
          <Stack key={r.target} gap={4}>
            <Group justify="space-between" gap="xs">
              <Text fw={600} size="sm">
                {m.supervision.rolloutTargets[r.target]}
              </Text>
              <Badge color={r.onTrack ? 'green' : 'red'} variant="light" style={{ textTransform: 'none' }}>
                {r.onTrack ? m.supervision.onTrack : m.supervision.behind}
              </Badge>
            </Group>
            <Progress
              value={r.announcedShare}
              color={r.onTrack ? 'green' : 'red'}
              size="lg"
              aria-label={`${m.supervision.rolloutTargets[r.target]}: ${m.supervision.rolloutLine(r.announced, r.agencies, percentText(r.announcedShare))}`}
            />
            <Text size="xs" c="dimmed">
              {m.supervision.rolloutLine(r.announced, r.agencies, percentText(r.announcedShare))}
            </Text>
          </Stack>
        ))}
      </SimpleGrid>
    </Stack>
  );
}

/** The supervisor's dashboard: the overview of the subtree for a year, with filters, colours, the rollout and the totals. */
export function SupervisionPage() {
  const session = useSession()!;
  const roots = agenciesWith(session.user, ['supervisor']);
  const [rootId, setRootId] = useState<string | null>(roots[0]?.agencyId ?? null);
  const [year, setYear] = useState(thisYear());
  const [filters, setFilters] = useState<OverviewFilters>(NO_FILTERS);
  const overview = useQuery({
    enabled: !!rootId,
    queryKey: ['supervision-overview', rootId, year],
    queryFn: () => call(api.GET('/api/v1/supervision/overview', { params: { query: { agencyId: rootId!, year } } })) as Promise<Overview>,
  });
  const exportUrl = (format: 'csv' | 'xlsx') => `/api/v1/supervision/overview?agencyId=${rootId}&year=${year}&format=${format}`;
  const rows = useMemo(() => (overview.data ? filterOverview(overview.data.items, filters) : []), [overview.data, filters]);
  if (!roots.length) {
    return (
      <Page title={m.supervision.dashboard}>
        <Alert>{m.supervision.noSupervision}</Alert>
      </Page>
    );
  }
  return (
    <Page
      title={m.supervision.dashboard}
      description={m.supervision.dashboardHint}
      actions={
        rootId && (
          <>
            <DownloadButton variant="default" url={exportUrl('csv')} filename={`tong-quan-${year}.csv`}>
              {m.supervision.exportCsv}
            </DownloadButton>
            <DownloadButton variant="default" url={exportUrl('xlsx')} filename={`tong-quan-${year}.xlsx`}>
              {m.supervision.exportXlsx}
            </DownloadButton>
          </>
        )
      }
    >
      <Group align="flex-end" wrap="wrap" gap="sm" role="search">
        {roots.length > 1 && (
          <Select label={m.supervision.root} data={roots.map((r) => ({ value: r.agencyId, label: r.agencyName }))} value={rootId} onChange={setRootId} allowDeselect={false} w={260} />
        )}
        <YearSelect value={year} onChange={setYear} />
        <Select
          label={m.supervision.level}
          data={Object.entries(m.levels).map(([value, label]) => ({ value, label }))}
          value={filters.level}
          onChange={(level) => setFilters({ ...filters, level })}
          clearable
          placeholder={m.app.all}
          w={170}
        />
        <Select
          label={m.supervision.period}
          data={(overview.data?.periods ?? []).map((p) => ({ value: p, label: p }))}
          value={filters.period}
          onChange={(period) => setFilters({ ...filters, period })}
          clearable
          placeholder={m.app.all}
          w={140}
        />
        <Select
          label={m.supervision.status}
          data={Object.entries(m.supervision.statuses).map(([value, label]) => ({ value, label }))}
          value={filters.status}
          onChange={(status) => setFilters({ ...filters, status })}
          clearable
          placeholder={m.app.all}
          w={170}
        />
        <Checkbox label={m.supervision.lateOnly} checked={filters.lateOnly} onChange={(e) => setFilters({ ...filters, lateOnly: e.currentTarget.checked })} mb={8} />
      </Group>
      <QueryView query={overview}>
        {(o) => (
          <Stack>
            <RolloutChart o={o} />
            <Text size="sm" role="status" aria-live="polite">
              {m.supervision.rows(rows.length, o.items.length)}
            </Text>
            <DataTable<Row>
              caption={m.supervision.dashboard}
              rows={rows}
              rowKey={(r) => r.agency.id}
              rowStyle={(r) => ({ background: TONE[rowTone(r)] })}
              columns={[
                {
                  header: m.supervision.agency,
                  cell: (r) => (
                    <AnchorLink to="/giam-sat/co-quan/$agencyId" params={{ agencyId: r.agency.id }} search={{ year }} style={{ paddingLeft: r.agency.depth * 12 }}>
                      {r.agency.name}
                    </AnchorLink>
                  ),
                },
                { header: m.supervision.level, cell: (r) => m.levels[r.level] ?? r.level, hideBelow: 'sm' },
                { header: m.supervision.announcedOn, cell: (r) => (r.announcedOn ? <DateText value={r.announcedOn} /> : <Text c="red" size="sm">{m.supervision.notAnnounced}</Text>) },
                ...o.periods.map((p) => ({ header: p, cell: (r: Row) => <ReportStatusBadge status={r.reports[p] ?? 'missing'} /> })),
                { header: m.supervision.objectivesIssued, cell: (r) => (r.objectivesIssued ? m.supervision.yes : m.supervision.no), hideBelow: 'md' },
                { header: m.supervision.audit, cell: (r) => (r.auditHeld ? m.supervision.yes : m.supervision.no), hideBelow: 'md' },
                { header: m.supervision.review, cell: (r) => (r.reviewHeld ? m.supervision.yes : m.supervision.no), hideBelow: 'md' },
                { header: m.supervision.openNc, cell: (r) => r.openNonconformities, hideBelow: 'md' },
                { header: m.supervision.overdueActions, cell: (r) => <Text c={r.overdueActions ? 'red' : undefined} size="sm">{r.overdueActions}</Text> },
                { header: m.supervision.legalOverdue, cell: (r) => <Text c={r.legalUpdatesOverdue ? 'red' : undefined} size="sm">{r.legalUpdatesOverdue}</Text>, hideBelow: 'md' },
                { header: m.supervision.reviewsOverdue, cell: (r) => r.reviewsOverdue, hideBelow: 'md' },
                { header: m.supervision.tthc, cell: (r) => `${r.tthcCoverage.covered}/${r.tthcCoverage.total}`, hideBelow: 'md' },
              ]}
            />
            <DataTable<Schemas['LevelTotalView']>
              caption={m.supervision.totals}
              rows={o.totals}
              rowKey={(t) => t.level}
              columns={[
                { header: m.supervision.level, cell: (t) => m.levels[t.level] ?? t.level },
                { header: m.supervision.agencies, cell: (t) => t.agencies },
                { header: m.supervision.announced, cell: (t) => `${t.announced} (${percentText(t.announcedShare)})` },
                { header: m.supervision.targetYear, cell: (t) => t.targetYear },
                ...o.periods.map((p) => ({ header: m.supervision.submitted(p), cell: (t: Schemas['LevelTotalView']) => t.reportsSubmitted[p] ?? 0, hideBelow: 'sm' as const })),
              ]}
            />
          </Stack>
        )}
      </QueryView>
    </Page>
  );
}
