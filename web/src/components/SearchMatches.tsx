import { Badge, Group, Stack, Text } from '@mantine/core';
import type { Schemas } from '../api/types';
import { m } from '../i18n';

type Match = Schemas['SearchMatchView'];

/**
 * Where a search hit matched, with its snippet. The server sends snippets HTML-escaped with the
 * matched words in <mark>; nothing else is ever inside, so they are rendered as they are.
 */
export function SearchMatches({ matches }: { matches?: Match[] }) {
  const shown = (matches ?? []).filter((x) => x.in === 'content' || x.in === 'file');
  if (!shown.length) return null;
  return (
    <Stack gap={2} mt={4}>
      {shown.map((x, i) => (
        <Group key={i} gap={6} wrap="nowrap" align="flex-start">
          <Badge size="xs" variant="light">
            {m.search.in[x.in]}
          </Badge>
          <Text size="xs" c="dimmed" className="search-snippet">
            {x.filename ? <strong>{x.filename}: </strong> : null}
            <span dangerouslySetInnerHTML={{ __html: x.snippet }} />
          </Text>
        </Group>
      ))}
    </Stack>
  );
}
