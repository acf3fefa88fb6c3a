import { Anchor, Badge, Button, Card, Container, Group, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { PublicObjectives } from './PublicObjectives';
import { useParams } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { api, call } from '../../api/client';
import type { paths, Schemas } from '../../api/types';
import { useCursorList } from '../../components/DataTable';
import { ErrorAlert, Loading } from '../../components/QueryState';
import { m } from '../../i18n';
import { formatDate } from '../../lib/dates';
import { useDebounced } from '../../lib/useDebounced';
import { sizeText } from '../../lib/sizes';

type PublicType = NonNullable<paths['/api/v1/public/agencies/{agencyCode}/documents']['get']['parameters']['query']>['type'];
type PublicDocument = Schemas['PublicDocumentView'];

const TYPE_FILTERS: { value: string; label: string }[] = [
  { value: '', label: m.app.all },
  { value: 'procedure', label: m.types.procedure },
  { value: 'form', label: m.types.form },
  { value: 'quality_policy', label: m.types.quality_policy },
  { value: 'quality_objectives', label: m.types.quality_objectives },
];


function DocumentCard({ doc }: { doc: PublicDocument }) {
  const source = doc.files.find((f) => f.role === 'source');
  return (
    <Card withBorder padding="md" component="article" aria-labelledby={`doc-${doc.code}`}>
      <Stack gap={6}>
        <Group gap="xs" wrap="wrap">
          <Badge variant="light" radius="sm" style={{ textTransform: 'none' }}>
            {m.types[doc.type]}
          </Badge>
          <Text size="sm" fw={600}>
            {doc.code}
          </Text>
          <Text size="sm" c="dimmed">
            {m.public.revision(doc.revisionNumber)} · {m.public.effective(formatDate(doc.effectiveAt))}
          </Text>
        </Group>
        <Title order={3} size="h5" id={`doc-${doc.code}`} style={{ overflowWrap: 'anywhere' }}>
          {doc.title}
        </Title>
        {(doc.procedureCode || doc.tthcCode) && (
          <Text size="sm" c="dimmed">
            {[doc.procedureCode && m.public.procedure(doc.procedureCode), doc.tthcCode && m.public.tthc(doc.tthcCode)].filter(Boolean).join(' · ')}
          </Text>
        )}
        <Group gap="xs" mt={4} wrap="wrap">
          {doc.sourceUrl && source && (
            <Button component="a" href={doc.sourceUrl} download size="sm" aria-label={`${m.public.source}: ${doc.title}`}>
              {m.public.source} ({sizeText(source.size)})
            </Button>
          )}
          <Button component="a" href={doc.controlledCopyUrl} download variant={doc.sourceUrl ? 'light' : 'filled'} size="sm" aria-label={`${m.public.controlled}: ${doc.title}`}>
            {m.public.controlled}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Citizens: the agency's procedures, forms, quality policy and objectives in force. */
export function PublicAgencyPage() {
  const { agencyCode } = useParams({ from: '/cong-khai/$agencyCode' });
  const [q, setQ] = useState('');
  const [type, setType] = useState('');
  const query = useDebounced(q.trim(), 300);
  const agency = useQuery({
    queryKey: ['public', agencyCode],
    queryFn: () => call(api.GET('/api/v1/public/agencies/{agencyCode}', { params: { path: { agencyCode } } })),
  });
  const list = useCursorList(
    ['public', agencyCode, 'documents', query, type],
    (cursor) =>
      call(
        api.GET('/api/v1/public/agencies/{agencyCode}/documents', {
          params: { path: { agencyCode }, query: { q: query || undefined, type: (type || undefined) as PublicType, cursor, limit: 50 } },
        }),
      ),
    agency.isSuccess,
  );
  useEffect(() => {
    if (agency.data) document.title = `${agency.data.name} — ${m.app.name}`;
  }, [agency.data]);

  return (
    <Container size="md" py="md" px="sm" component="main">
      {agency.isPending ? (
        <Loading />
      ) : agency.isError ? (
        <ErrorAlert error={agency.error} title={m.public.agencyNotFound} />
      ) : (
        <Stack gap="md">
          <header>
            <Text size="sm" c="dimmed">
              {m.app.fullName}
            </Text>
            <Title order={1} size="h3">
              {m.public.title(agency.data.name)}
            </Title>
            <Text size="sm" mt={4}>
              {m.public.intro}
            </Text>
          </header>
          <PublicObjectives agencyCode={agencyCode} />
          <form role="search" onSubmit={(e) => e.preventDefault()}>
            <Stack gap="xs">
              <TextInput label={m.public.search} description={m.public.searchHint} value={q} onChange={(e) => setQ(e.currentTarget.value)} type="search" size="md" />
              <SegmentedControl aria-label={m.public.type} value={type} onChange={setType} data={TYPE_FILTERS} fullWidth orientation="horizontal" size="xs" style={{ flexWrap: 'wrap' }} />
            </Stack>
          </form>
          <section aria-live="polite" aria-busy={list.isFetching}>
            {list.isPending ? (
              <Loading />
            ) : list.isError ? (
              <ErrorAlert error={list.error} onRetry={() => list.refetch()} />
            ) : list.rows.length === 0 ? (
              <Text role="status">{m.public.none}</Text>
            ) : (
              <Stack gap="sm">
                <Text size="sm" c="dimmed" role="status">
                  {m.public.count(list.rows.length)}
                  {list.hasNextPage ? '+' : ''}
                </Text>
                {list.rows.map((d) => (
                  <DocumentCard key={d.code} doc={d} />
                ))}
                {list.hasNextPage && (
                  <Button variant="light" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                    {m.app.loadMore}
                  </Button>
                )}
              </Stack>
            )}
          </section>
          <Text size="xs" c="dimmed" component="footer">
            <Anchor href="/dang-nhap" size="xs">
              {m.auth.title}
            </Anchor>
          </Text>
        </Stack>
      )}
    </Container>
  );
}
