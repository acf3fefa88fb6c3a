import { Button, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { FormDialog } from '../../components/FormDialog';
import { notify } from '../../components/notify';
import { Page } from '../../components/Page';
import { fieldError } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';
import { inspectionRoute } from './routes';

type Finding = Schemas['InspectionFindingView'];

/** An inspection: its team, its findings (each a nonconformity of the inspected agency), the conclusion. */
export function InspectionPage() {
  const { inspectionId } = inspectionRoute.useParams();
  const session = useSession()!;
  const qc = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [concluding, setConcluding] = useState(false);
  const [finding, setFinding] = useState({ description: '', severity: 'minor', clause: '' });
  const [conclusion, setConclusion] = useState('');
  const inspection = useQuery({ queryKey: ['inspection', inspectionId], queryFn: () => call(api.GET('/api/v1/inspections/{id}', { params: { path: { id: inspectionId } } })) });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['inspection', inspectionId] });
  return (
    <QueryView query={inspection}>
      {(i) => {
        const inspector = i.inspectors.some((x) => x.userId === session.user.id);
        const open = i.state === 'planned';
        return (
          <Page
            title={`${m.inspections.title}: ${i.title}`}
            description={`${m.inspections.kinds[i.kind]} · ${m.inspections.states[i.state]}`}
            actions={
              inspector &&
              open && (
                <>
                  <Button onClick={() => setAdding(true)}>{m.inspections.addFinding}</Button>
                  <Button variant="light" onClick={() => setConcluding(true)}>
                    {m.inspections.conclude}
                  </Button>
                </>
              )
            }
          >
            <Stack gap={4}>
              <Text>
                {m.inspections.plannedOn}: <DateText value={i.plannedOn} format="long" />
              </Text>
              <Text>
                {m.inspections.inspectors}: {i.inspectors.map((x) => x.fullName).join(', ')}
              </Text>
              {i.scope && <Text>{m.inspections.scope}: {i.scope}</Text>}
              {i.conclusion && (
                <Text style={{ whiteSpace: 'pre-wrap' }}>
                  {m.inspections.conclusion}: {i.conclusion}
                </Text>
              )}
            </Stack>
            <Title order={2} size="h4">
              {m.inspections.findings}
            </Title>
            <DataTable<Finding>
              caption={m.inspections.findings}
              rows={i.findings}
              rowKey={(f) => f.id}
              columns={[
                { header: '#', cell: (f) => f.number, width: 40 },
                { header: m.inspections.description, cell: (f) => f.description },
                { header: m.inspections.severity, cell: (f) => m.inspections.severities[f.severity] },
                { header: m.inspections.clause, cell: (f) => f.clause ?? '—', hideBelow: 'sm' },
                { header: m.inspections.nonconformity, cell: (f) => `${f.nonconformityCode} · ${f.nonconformityState}` },
              ]}
            />
            {adding && (
              <FormDialog
                title={m.inspections.addFinding}
                onClose={() => setAdding(false)}
                shown={['description', 'severity', 'clause']}
                onSubmit={async () => {
                  await call(
                    api.POST('/api/v1/inspections/{id}/findings', {
                      params: { path: { id: i.id } },
                      body: { description: finding.description, severity: finding.severity as 'minor', clause: finding.clause.trim() || undefined },
                    }),
                  );
                  setFinding({ description: '', severity: 'minor', clause: '' });
                  refresh();
                }}
              >
                {(error) => (
                  <>
                    <Textarea label={m.inspections.description} value={finding.description} onChange={(e) => setFinding({ ...finding, description: e.currentTarget.value })} error={fieldError(error, 'description')} required autosize minRows={3} />
                    <Select
                      label={m.inspections.severity}
                      data={Object.entries(m.inspections.severities).map(([value, label]) => ({ value, label }))}
                      value={finding.severity}
                      onChange={(v) => v && setFinding({ ...finding, severity: v })}
                      allowDeselect={false}
                    />
                    <TextInput label={m.inspections.clause} value={finding.clause} onChange={(e) => setFinding({ ...finding, clause: e.currentTarget.value })} error={fieldError(error, 'clause')} placeholder="7.5" />
                  </>
                )}
              </FormDialog>
            )}
            {concluding && (
              <FormDialog
                title={m.inspections.conclude}
                onClose={() => setConcluding(false)}
                shown={['conclusion']}
                onSubmit={async () => {
                  await call(api.POST('/api/v1/inspections/{id}/conclude', { params: { path: { id: i.id } }, body: { conclusion } }));
                  notify(m.inspections.conclude);
                  refresh();
                }}
              >
                {(error) => <Textarea label={m.inspections.conclusion} value={conclusion} onChange={(e) => setConclusion(e.currentTarget.value)} error={fieldError(error, 'conclusion')} required autosize minRows={3} />}
              </FormDialog>
            )}
          </Page>
        );
      }}
    </QueryView>
  );
}
