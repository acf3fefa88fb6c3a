import { Button, Checkbox, Group, Select, Stack, Text } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { DownloadButton } from '../../components/DownloadButton';
import { Page } from '../../components/Page';
import { m } from '../../i18n';
import { historyRoute } from './routes';

type Entry = Schemas['HistoryEntryView'];
/** format=json (the default): pages of entries; csv and pdf are downloaded as files. */
type HistoryPageView = Schemas['DocumentHistoryPage'];

/** Auditors: a document's whole timeline (revisions, sign-offs with validity, transitions, downloads), exports, compare. */
export function HistoryPage() {
  const { documentId } = historyRoute.useParams();
  const navigate = useNavigate();
  const [downloads, setDownloads] = useState(true);
  const [pair, setPair] = useState<{ a: string | null; b: string | null }>({ a: null, b: null });
  const list = useCursorList(['document', documentId, 'history', downloads], (cursor) =>
    call(api.GET('/api/v1/documents/{id}/history', { params: { path: { id: documentId }, query: { cursor, limit: 100, downloads: downloads ? 'include' : 'exclude' } } })) as Promise<HistoryPageView>,
  );
  const revisions = useCursorList(['document', documentId, 'revisions'], (cursor) => call(api.GET('/api/v1/documents/{id}/revisions', { params: { path: { id: documentId }, query: { cursor } } })));
  const doc = list.data?.pages[0]?.document;
  const revisionOptions = revisions.rows.map((r) => ({ value: r.id, label: `${m.documents.revision} ${r.number === null ? '—' : String(r.number).padStart(2, '0')} (${m.states[r.state]})` }));
  const columns: Column<Entry>[] = [
    { header: m.history.at, cell: (e) => <DateText value={e.at} format="datetime" />, width: 150 },
    { header: m.history.actor, cell: (e) => e.actor?.name ?? '—', hideBelow: 'sm' },
    {
      header: m.history.action,
      cell: (e) => (
        <Stack gap={2}>
          <Text size="sm" fw={600}>
            {e.actionLabel}
            {e.revisionNumber !== null ? ` · ${m.documents.revision} ${String(e.revisionNumber).padStart(2, '0')}` : ''}
          </Text>
          {e.summary && <Text size="sm">{e.summary}</Text>}
          {e.signOff && (
            <Text size="xs" c="dimmed">
              {m.revision.meaning[e.signOff.meaning]}: {e.signOff.capacity ? `${e.signOff.capacity} ` : ''}
              {e.signOff.fullName}
              {e.signOff.title ? ` (${e.signOff.title})` : ''} · SHA-256 {e.signOff.digest.slice(0, 12)}…
            </Text>
          )}
        </Stack>
      ),
    },
    { header: m.auditTrail.requestId, cell: (e) => <Text size="xs" c="dimmed">{e.requestId ?? '—'}</Text>, hideBelow: 'md' },
  ];
  const exportUrl = (format: 'csv' | 'pdf') => `/api/v1/documents/${documentId}/history?format=${format}&downloads=${downloads ? 'include' : 'exclude'}`;
  const name = (doc?.code ?? 'lich-su').replace(/[\\/]/g, '-');
  return (
    <Page
      title={m.history.title(doc?.code ?? '')}
      description={doc && <Text size="sm">{doc.title} · {doc.agencyName}</Text>}
      actions={
        <>
          <DownloadButton variant="default" url={exportUrl('csv')} filename={`${name}-lich-su.csv`}>
            {m.history.exportCsv}
          </DownloadButton>
          <DownloadButton variant="default" url={exportUrl('pdf')} filename={`${name}-lich-su.pdf`}>
            {m.history.exportPdf}
          </DownloadButton>
        </>
      }
    >
      <Group align="flex-end" wrap="wrap">
        <Select label={m.diff.right} data={revisionOptions} value={pair.b} onChange={(b) => setPair({ ...pair, b })} w={260} />
        <Select label={m.history.compareWith} data={revisionOptions} value={pair.a} onChange={(a) => setPair({ ...pair, a })} w={260} />
        <Button disabled={!pair.a || !pair.b || pair.a === pair.b} onClick={() => navigate({ to: '/ban/$revisionId/so-sanh', params: { revisionId: pair.b! }, search: { voi: pair.a! } })}>
          {m.history.compare}
        </Button>
      </Group>
      <Checkbox label={m.history.downloads} checked={downloads} onChange={(e) => setDownloads(e.currentTarget.checked)} />
      <PagedTable caption={m.history.title(doc?.code ?? '')} columns={columns} list={list} rowKey={(e) => e.id} />
    </Page>
  );
}
