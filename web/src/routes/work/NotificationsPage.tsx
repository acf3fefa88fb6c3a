import { AnchorLink } from '../../components/Links';
import { Button, Checkbox, Group, Paper, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useCursorList } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { notifyError } from '../../components/notify';
import { Page } from '../../components/Page';
import { ErrorAlert, Loading } from '../../components/QueryState';
import { m } from '../../i18n';

type Notice = Schemas['NotificationView'];

function Target({ n }: { n: Notice }) {
  if (!n.entityId) return null;
  if (n.entityType === 'revision')
    return (
      <AnchorLink to="/ban/$revisionId" params={{ revisionId: n.entityId }} size="sm">
        {m.notifications.open}
      </AnchorLink>
    );
  if (n.entityType === 'document')
    return (
      <AnchorLink to="/tai-lieu/$documentId" params={{ documentId: n.entityId }} size="sm">
        {m.notifications.open}
      </AnchorLink>
    );
  if (n.entityType === 'legal_change')
    return (
      <AnchorLink to="/thay-doi-phap-luat/$changeId" params={{ changeId: n.entityId }} size="sm">
        {m.notifications.open}
      </AnchorLink>
    );
  return null;
}

export function NotificationsPage() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const qc = useQueryClient();
  const list = useCursorList(['me', 'notifications', unreadOnly], (cursor) =>
    call(api.GET('/api/v1/me/notifications', { params: { query: { unread: unreadOnly ? 'true' : undefined, cursor, limit: 50 } } })),
  );
  const refresh = () => qc.invalidateQueries({ queryKey: ['me', 'notifications'] });
  const markOne = useMutation({
    mutationFn: (id: string) => call(api.POST('/api/v1/me/notifications/{id}/read', { params: { path: { id } } })),
    onSuccess: refresh,
    onError: notifyError,
  });
  const markAll = useMutation({ mutationFn: () => call(api.POST('/api/v1/me/notifications/read-all')), onSuccess: refresh, onError: notifyError });
  return (
    <Page
      title={m.notifications.title}
      actions={
        <Button variant="light" onClick={() => markAll.mutate()} loading={markAll.isPending}>
          {m.notifications.markAll}
        </Button>
      }
    >
      <Checkbox label={m.notifications.unreadOnly} checked={unreadOnly} onChange={(e) => setUnreadOnly(e.currentTarget.checked)} />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
      ) : list.rows.length === 0 ? (
        <Text role="status">{m.notifications.none}</Text>
      ) : (
        <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {list.rows.map((n) => (
            <Paper key={n.id} withBorder p="sm" component="li" bg={n.readAt ? undefined : 'var(--mantine-color-blue-light)'}>
              <Group justify="space-between" align="flex-start" wrap="wrap">
                <Stack gap={2} style={{ flex: 1, minWidth: 200 }}>
                  <Text fw={n.readAt ? 400 : 700} size="sm">
                    {n.title}
                  </Text>
                  {n.body && (
                    <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-line' }}>
                      {n.body}
                    </Text>
                  )}
                  <Text size="xs" c="dimmed">
                    <DateText value={n.createdAt} format="datetime" />
                  </Text>
                </Stack>
                <Group gap="xs">
                  <Target n={n} />
                  {!n.readAt && (
                    <Button size="xs" variant="subtle" onClick={() => markOne.mutate(n.id)}>
                      {m.notifications.markRead}
                    </Button>
                  )}
                </Group>
              </Group>
            </Paper>
          ))}
          {list.hasNextPage && (
            <Button variant="light" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
              {m.app.loadMore}
            </Button>
          )}
        </Stack>
      )}
    </Page>
  );
}
