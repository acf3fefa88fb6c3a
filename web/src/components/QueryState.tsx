import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError, errorMessage } from '../api/client';
import { m } from '../i18n';

export function Loading({ label = m.app.loading }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader size="sm" aria-hidden />
        <Text size="sm" c="dimmed">
          {label}
        </Text>
      </Stack>
    </Center>
  );
}

/** An error in words, with a retry where it can help. */
export function ErrorAlert({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <Alert color={notFound ? 'gray' : 'red'} title={title ?? (notFound ? m.errors.notFound : m.errors.generic)} role="alert">
      {!notFound && <Text size="sm">{errorMessage(error)}</Text>}
      {onRetry && !notFound && (
        <Button variant="light" size="xs" mt="xs" onClick={onRetry}>
          {m.app.retry}
        </Button>
      )}
    </Alert>
  );
}

/** Renders a query's data, or its loading and error states. */
export function QueryView<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => query.refetch()} />;
  return <>{children(query.data)}</>;
}
