import { Badge, Button, Checkbox, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { DateText } from '../../components/DateText';
import { FormDialog } from '../../components/FormDialog';
import { fieldError } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';

type ObjectivesDocument = Schemas['ObjectivesDocumentView'];

/** The evaluation form: one row per objective of the revision in force. */
function EvaluationDialog({ doc, onClose }: { doc: ObjectivesDocument; onClose: () => void }) {
  const qc = useQueryClient();
  const [period, setPeriod] = useState<string | null>(`${doc.year}`);
  const [rows, setRows] = useState(() => doc.objectives.map((o) => ({ no: o.no, actual: '', achieved: false, note: '' })));
  const periods = [`${doc.year}-Q1`, `${doc.year}-Q2`, `${doc.year}-H1`, `${doc.year}-Q3`, `${doc.year}-Q4`, `${doc.year}`];
  const set = (i: number, patch: Partial<(typeof rows)[number]>) => setRows((r) => r.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  return (
    <FormDialog
      title={`${m.quality.evaluate}: ${doc.code}`}
      size="xl"
      onClose={onClose}
      shown={['period', 'results', ...rows.flatMap((_, i) => [`results[${i}].no`, `results[${i}].actual`, `results[${i}].achieved`, `results[${i}].note`])]}
      onSubmit={async () => {
        await call(
          api.POST('/api/v1/documents/{id}/evaluations', {
            params: { path: { id: doc.documentId } },
            body: { period: period ?? '', results: rows.map((r) => ({ no: r.no, actual: r.actual, achieved: r.achieved, ...(r.note ? { note: r.note } : {}) })) },
          }),
        );
        await qc.invalidateQueries({ queryKey: ['objectives'] });
      }}
    >
      {(error) => (
        <Stack>
          <Select label={m.quality.period} data={periods.map((p) => ({ value: p, label: p === `${doc.year}` ? `${m.quality.periodYear} ${p}` : p }))} value={period} onChange={setPeriod} required error={fieldError(error, 'period')} />
          {fieldError(error, 'results') && <Text c="red" size="sm">{fieldError(error, 'results')}</Text>}
          <Table.ScrollContainer minWidth={640}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>STT</Table.Th>
                  <Table.Th>{m.quality.objective}</Table.Th>
                  <Table.Th>{m.quality.target}</Table.Th>
                  <Table.Th>{m.quality.actual}</Table.Th>
                  <Table.Th>{m.quality.achieved}</Table.Th>
                  <Table.Th>{m.quality.note}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {doc.objectives.map((o, i) => (
                  <Table.Tr key={o.no}>
                    <Table.Td>{o.no}</Table.Td>
                    <Table.Td>{o.objective}</Table.Td>
                    <Table.Td>{o.target}</Table.Td>
                    <Table.Td>
                      <TextInput aria-label={`${m.quality.actual} ${o.no}`} value={rows[i].actual} onChange={(e) => set(i, { actual: e.currentTarget.value })} required error={fieldError(error, `results[${i}].actual`) ?? fieldError(error, `results[${i}].no`)} />
                    </Table.Td>
                    <Table.Td>
                      <Checkbox aria-label={`${m.quality.achieved} ${o.no}`} checked={rows[i].achieved} onChange={(e) => set(i, { achieved: e.currentTarget.checked })} />
                    </Table.Td>
                    <Table.Td>
                      <TextInput aria-label={`${m.quality.note} ${o.no}`} value={rows[i].note} onChange={(e) => set(i, { note: e.currentTarget.value })} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      )}
    </FormDialog>
  );
}

function Evaluations({ documentId }: { documentId: string }) {
  const list = useQuery({ queryKey: ['objectives', 'evaluations', documentId], queryFn: () => call(api.GET('/api/v1/documents/{id}/evaluations', { params: { path: { id: documentId } } })) });
  return (
    <QueryView query={list}>
      {(d) =>
        d.items.length ? (
          <Stack gap={4}>
            {d.items.map((e) => (
              <Text key={e.id} size="sm" td={e.current ? undefined : 'line-through'}>
                {e.period}: {m.quality.achievedOf(e.achievedCount, e.total)} — {e.evaluatedByName}, <DateText value={e.at} />
                {!e.current && ` (${m.quality.corrected})`}
              </Text>
            ))}
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">{m.quality.notEvaluated}</Text>
        )
      }
    </QueryView>
  );
}

/** The agency's objectives in force for the year and its units', with their evaluations. */
export function ObjectivesPanel({ agencyId, year, mayEvaluate }: { agencyId: string; year: number; mayEvaluate: boolean }) {
  const [evaluating, setEvaluating] = useState<ObjectivesDocument | null>(null);
  const view = useQuery({ queryKey: ['objectives', agencyId, year], queryFn: () => call(api.GET('/api/v1/agencies/{id}/objectives', { params: { path: { id: agencyId }, query: { year } } })) });
  return (
    <QueryView query={view}>
      {(d) => (
        <Stack>
          {!d.items.length && <Text c="dimmed">{m.quality.noObjectives}</Text>}
          {d.items.map((doc) => (
            <Stack key={doc.documentId} gap="xs">
              <Group justify="space-between">
                <Title order={3} size="h5">
                  {doc.code} — {doc.title} <Badge variant="light" style={{ textTransform: 'none' }}>{doc.scope === 'agency' ? m.quality.ownObjectives : `${m.quality.unitObjectives}: ${doc.agencyName}`}</Badge>
                </Title>
                {mayEvaluate && doc.scope === 'agency' && <Button size="xs" onClick={() => setEvaluating(doc)}>{m.quality.evaluate}</Button>}
              </Group>
              <Table.ScrollContainer minWidth={500}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>STT</Table.Th>
                      <Table.Th>{m.quality.objective}</Table.Th>
                      <Table.Th>{m.quality.target}</Table.Th>
                      <Table.Th>{m.quality.actual}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {doc.objectives.map((o) => {
                      const r = doc.yearResult?.results.find((x) => x.no === o.no);
                      return (
                        <Table.Tr key={o.no}>
                          <Table.Td>{o.no}</Table.Td>
                          <Table.Td>{o.objective}</Table.Td>
                          <Table.Td>{o.target}</Table.Td>
                          <Table.Td>{r ? `${r.actual} (${r.achieved ? m.quality.achieved : m.quality.notAchieved})` : '—'}</Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Text size="sm" fw={500}>{m.quality.evaluations}</Text>
              <Evaluations documentId={doc.documentId} />
            </Stack>
          ))}
          {evaluating && <EvaluationDialog doc={evaluating} onClose={() => setEvaluating(null)} />}
        </Stack>
      )}
    </QueryView>
  );
}
