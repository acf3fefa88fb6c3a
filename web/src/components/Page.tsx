import { Group, Stack, Title } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';
import { m } from '../i18n';

/** A screen: its heading (also the document title, announced by screen readers) and actions. */
export function Page({ title, actions, children, description }: { title: string; actions?: ReactNode; description?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} — ${m.app.name}`;
  }, [title]);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
          {title}
        </Title>
        {actions && (
          <Group gap="xs" wrap="wrap">
            {actions}
          </Group>
        )}
      </Group>
      {description}
      {children}
    </Stack>
  );
}
