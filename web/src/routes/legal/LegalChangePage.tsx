import { AnchorLink } from '../../components/Links';
import { Alert, Button, Group, Progress, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { notify, notifyError } from '../../components/notify';
import { Page } from '../../components/Page';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';
import { mayWriteLegal } from '../../lib/access';
import { legalChangeRoute } from './routes';

type Item = Schemas['LegalChangeItemView'];

/** A legal change's fan-out, live: processed / total, failures, each document's outcome, retry. */
export function LegalChangePage() {
  const { changeId } = legalChangeRoute.useParams();
  const session = useSession()!;
  const [retrying, setRetrying] = useState(false);
  const change = useQuery({
    queryKey: ['legal-change', changeId],
    queryFn: () => call(api.GET('/api/v1/legal-changes/{changeId}', { params: { path: { changeId }, query: { limit: 200 } } })),
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'pending' || q.state.data.status === 'running') ? 1500 : false),
  });
  return (
    <QueryView query={change}>
      {(c) => {
        const percent = c.total ? Math.round((c.processed / c.total) * 100) : c.status.startsWith('completed') ? 100 : 0;
        return (
          <Page
            title={m.legal.changeTitle}
            actions={
              mayWriteLegal(session.user) &&
              c.failed > 0 && (
                <Button
                  loading={retrying}
                  onClick={async () => {
                    setRetrying(true);
                    try {
                      await call(api.POST('/api/v1/legal-changes/{changeId}/retry', { params: { path: { changeId } } }));
                      notify(m.legal.retry);
                      await change.refetch();
                    } catch (err) {
                      notifyError(err);
                    } finally {
                      setRetrying(false);
                    }
                  }}
                >
                  {m.legal.retry}
                </Button>
              )
            }
          >
            <Stack gap={4}>
              <Text>
                <AnchorLink to="/van-ban-phap-luat/$legalId" params={{ legalId: c.legalDocument.id }}>
                  {c.legalDocument.number}
                </AnchorLink>{' '}
                — {m.legal.kinds[c.kind]}
                {c.byLegalDocument ? ` (${c.byLegalDocument.number})` : ''} · {m.legal.effectiveFrom}: <DateText value={c.effectiveFrom} />
              </Text>
              {c.note && <Text size="sm">{c.note}</Text>}
            </Stack>
            <Stack gap={4} role="status" aria-live="polite" data-testid="change-progress">
              <Group justify="space-between">
                <Text fw={600}>{m.legal.changeStatus[c.status]}</Text>
                <Text size="sm">
                  {m.legal.progress(c.processed, c.total)}
                  {c.failed ? ` · ${m.legal.failed(c.failed)}` : ''}
                </Text>
              </Group>
              <Progress value={percent} color={c.failed ? 'orange' : 'blue'} animated={c.status === 'running' || c.status === 'pending'} aria-label={m.legal.progress(c.processed, c.total)} />
            </Stack>
            {c.failed > 0 && <Alert color="orange">{m.legal.failed(c.failed)}</Alert>}
            <DataTable<Item>
              caption={m.legal.changeTitle}
              rows={c.items}
              rowKey={(i) => i.documentId}
              columns={[
                { header: m.documents.agency, cell: (i) => i.agencyName, hideBelow: 'sm' },
                {
                  header: m.documents.title,
                  cell: (i) => (
                    <AnchorLink to="/tai-lieu/$documentId" params={{ documentId: i.documentId }}>
                      {i.code} — {i.title}
                    </AnchorLink>
                  ),
                },
                { header: m.legal.status, cell: (i) => (i.outcome ? m.legal.outcome[i.outcome] : m.legal.changeStatus.pending) },
                { header: m.history.detail, cell: (i) => i.reason ?? '—', hideBelow: 'md' },
                {
                  header: m.app.actions,
                  cell: (i) =>
                    i.draftRevisionId ? (
                      <AnchorLink to="/ban/$revisionId" params={{ revisionId: i.draftRevisionId }}>
                        {m.legal.openDraft}
                      </AnchorLink>
                    ) : (
                      '—'
                    ),
                },
              ]}
            />
          </Page>
        );
      }}
    </QueryView>
  );
}
