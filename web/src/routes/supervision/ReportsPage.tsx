import { Button, Group, Select } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { AnchorLink } from '../../components/Links';
import { notifyError } from '../../components/notify';
import { Page } from '../../components/Page';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';
import { agenciesWith } from '../../lib/access';
import { todayInVietnam } from '../../lib/dates';
import { ReportStatusBadge, thisYear, YearSelect } from './common';

const WRITERS = ['head', 'deputy', 'iso_secretary'] as const;

/** An agency's periodic reports: every period of the year with its due date and report, and "Lập báo cáo" for the ones not opened. */
export function ReportsPage() {
  const session = useSession()!;
  const navigate = useNavigate();
  const agencies = agenciesWith(session.user, ['head', 'deputy', 'iso_secretary', 'drafter', 'auditor']);
  const [agencyId, setAgencyId] = useState<string | null>(agencies[0]?.agencyId ?? null);
  const [year, setYear] = useState(thisYear());
  const [opening, setOpening] = useState<string | null>(null);
  const periods = useQuery({ queryKey: ['reporting-periods', year], queryFn: () => call(api.GET('/api/v1/reporting-periods', { params: { query: { year } } })) });
  const reports = useQuery({
    enabled: !!agencyId,
    queryKey: ['reports', agencyId, year],
    queryFn: () => call(api.GET('/api/v1/reports', { params: { query: { agencyId: agencyId!, year } } })),
  });
  const mayWrite = !!agencyId && agenciesWith(session.user, WRITERS).some((a) => a.agencyId === agencyId);
  const today = todayInVietnam();
  return (
    <Page title={m.reports.title}>
      <Group align="flex-end" gap="sm">
        {agencies.length > 1 && (
          <Select label={m.reports.agency} data={agencies.map((a) => ({ value: a.agencyId, label: a.agencyName }))} value={agencyId} onChange={setAgencyId} allowDeselect={false} w={280} />
        )}
        <YearSelect value={year} onChange={setYear} />
      </Group>
      <QueryView query={periods}>
        {(ps) => (
          <DataTable<Schemas['ReportingPeriodView']>
            caption={m.reports.title}
            rows={ps}
            rowKey={(p) => p.period}
            columns={[
              { header: m.reports.period, cell: (p) => `${p.period} — ${m.reports.periodNames[p.kind]}` },
              { header: m.reports.dueOn, cell: (p) => <DateText value={p.dueOn} /> },
              {
                header: m.reports.state,
                cell: (p) => {
                  const r = reports.data?.items.find((x) => x.period === p.period);
                  if (r) return <ReportStatusBadge status={r.state === 'submitted' && r.late ? 'late' : r.state} />;
                  return <ReportStatusBadge status="missing" />;
                },
              },
              {
                header: m.app.actions,
                cell: (p) => {
                  const r = reports.data?.items.find((x) => x.period === p.period);
                  if (r) return <AnchorLink to="/bao-cao/$reportId" params={{ reportId: r.id }}>{m.reports.view}</AnchorLink>;
                  if (!mayWrite || p.from > today) return '—';
                  return (
                    <Button
                      size="xs"
                      variant="light"
                      loading={opening === p.period}
                      onClick={async () => {
                        setOpening(p.period);
                        try {
                          const created = await call(api.POST('/api/v1/agencies/{id}/reports', { params: { path: { id: agencyId! } }, body: { period: p.period } }));
                          void navigate({ to: '/bao-cao/$reportId', params: { reportId: created.id } });
                        } catch (err) {
                          notifyError(err);
                        } finally {
                          setOpening(null);
                        }
                      }}
                    >
                      {m.reports.open}
                    </Button>
                  );
                },
              },
            ]}
          />
        )}
      </QueryView>
    </Page>
  );
}
