import { Alert, Button, Code, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { DateText } from '../../components/DateText';
import { notify, notifyError } from '../../components/notify';
import { Page } from '../../components/Page';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';

/** System administrator: the job queues (renders, legal changes, mail…), the outbox, failures. */
export function QueuesPage() {
  const status = useQuery({ queryKey: ['admin', 'queues'], queryFn: () => call(api.GET('/api/v1/admin/queues')), refetchInterval: 5000 });
  return (
    <Page title={m.admin.queues}>
      <QueryView query={status}>
        {(s) => (
          <Stack>
            <Table.ScrollContainer minWidth={560} type="native">
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    {[m.admin.queue, m.admin.waiting, m.admin.activeJobs, m.admin.delayed, m.admin.failedJobs, m.admin.completed, m.app.actions].map((h) => (
                      <Table.Th key={h} scope="col">
                        {h}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {s.queues.map((q) => (
                    <Table.Tr key={q.name}>
                      <Table.Td>{q.name}</Table.Td>
                      {q.counts ? (
                        <>
                          <Table.Td>{q.counts.waiting}</Table.Td>
                          <Table.Td>{q.counts.active}</Table.Td>
                          <Table.Td>{q.counts.delayed}</Table.Td>
                          <Table.Td>{q.counts.failed}</Table.Td>
                          <Table.Td>{q.counts.completed}</Table.Td>
                        </>
                      ) : (
                        <Table.Td colSpan={5}>{m.admin.redisDown}</Table.Td>
                      )}
                      <Table.Td>
                        {q.counts && q.counts.failed > 0 && (
                          <Button
                            size="xs"
                            variant="light"
                            onClick={async () => {
                              try {
                                await call(api.POST('/api/v1/admin/queues/{queue}/failed/retry', { params: { path: { queue: q.name } } }));
                                notify(m.admin.retryFailed);
                                await status.refetch();
                              } catch (err) {
                                notifyError(err);
                              }
                            }}
                          >
                            {m.admin.retryFailed}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Text>
              {m.admin.outbox}: {s.outbox.pending} {s.outbox.oldestPendingAt && <>(<DateText value={s.outbox.oldestPendingAt} format="datetime" />)</>}
            </Text>
            {s.outbox.lastError && <Alert color="orange">{s.outbox.lastError}</Alert>}
            {s.queues
              .flatMap((q) => q.recentFailures.map((f) => ({ q: q.name, f })))
              .map(({ q, f }) => (
                <Alert key={`${q}:${f.jobId}`} color="red" title={`${q} · ${f.name} · ${f.jobId}`}>
                  <Code block>{f.failedReason}</Code>
                </Alert>
              ))}
          </Stack>
        )}
      </QueryView>
    </Page>
  );
}
