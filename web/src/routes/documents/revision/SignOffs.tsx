import { Badge, List, Text } from '@mantine/core';
import type { Revision } from '../../../api/types';
import { m } from '../../../i18n';
import { formatDateTime } from '../../../lib/dates';

export function SignOffs({ revision }: { revision: Revision }) {
  if (!revision.signOffs.length) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <List spacing={4} size="sm">
      {revision.signOffs.map((s) => (
        <List.Item key={s.id}>
          <strong>{m.revision.meaning[s.meaning]}</strong>: {s.capacity ? `${s.capacity} ` : ''}
          {m.revision.signedBy(s.fullName + (s.title ? ` (${s.title})` : ''), formatDateTime(s.signedAt))}{' '}
          <Badge size="xs" color={s.valid ? 'green' : 'gray'} variant="light" style={{ textTransform: 'none' }}>
            {s.valid ? m.revision.signOffValid : m.revision.signOffInvalid}
          </Badge>
        </List.Item>
      ))}
    </List>
  );
}
