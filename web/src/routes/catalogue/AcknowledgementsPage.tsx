import { m } from '../../i18n';
import { Button, Group, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { notify } from '../../components/notify';
import { Page } from '../../components/Page';
import { ProblemAlert } from '../../components/ProblemAlert';
import { acknowledgementsRoute } from './routes';

type Done = Schemas['AcknowledgedPerson'];
type Missing = Schemas['MissingPerson'];

/** The read task: confirm having read the revision in force; for managers, who did and who did not. */
export function AcknowledgementsPage() {
  const { revisionId } = acknowledgementsRoute.useParams();
  const qc = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const list = useQuery({
    queryKey: ['acknowledgements', revisionId],
    retry: false,
    queryFn: () => call(api.GET('/api/v1/revisions/{id}/acknowledgements', { params: { path: { id: revisionId } } })),
  });
  const acknowledge = async () => {
    setError(null);
    try {
      await call(api.POST('/api/v1/revisions/{id}/acknowledge', { params: { path: { id: revisionId } } }));
      setDone(true);
      notify(m.reading.acknowledged);
      await qc.invalidateQueries({ queryKey: ['acknowledgements', revisionId] });
      await qc.invalidateQueries({ queryKey: ['tasks'] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Page title={m.reading.title}>
      <Group>
        <Button onClick={acknowledge} disabled={done}>
          {m.reading.acknowledge}
        </Button>
      </Group>
      {error != null && <ProblemAlert error={error} />}
      {list.data && (
        <Stack gap="xs">
          <Text fw={600}>{m.reading.required(list.data.acknowledged, list.data.required)}</Text>
          <DataTable<Done>
            caption={m.reading.done}
            rows={list.data.items}
            rowKey={(i) => i.userId}
            columns={[
              { header: m.reading.person, cell: (i) => i.fullName },
              { header: m.reading.at, cell: (i) => <DateText value={i.at} format="datetime" /> },
            ]}
          />
          <DataTable<Missing>
            caption={m.reading.missing}
            rows={list.data.missing}
            rowKey={(i) => i.userId}
            columns={[
              { header: m.reading.person, cell: (i) => i.fullName },
              { header: m.reading.askedAt, cell: (i) => <DateText value={i.askedAt} /> },
              { header: m.reading.reminded, cell: (i) => (i.remindedAt ? <DateText value={i.remindedAt} /> : '—') },
            ]}
          />
        </Stack>
      )}
    </Page>
  );
}
