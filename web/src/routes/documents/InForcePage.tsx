import { AnchorLink } from '../../components/Links';
import { Group } from '@mantine/core';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { DocumentType, Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { DownloadButton } from '../../components/DownloadButton';
import { Page } from '../../components/Page';
import { m } from '../../i18n';
import { SearchMatches } from '../../components/SearchMatches';
import { useDebounced } from '../../lib/useDebounced';
import { DocumentFilters, type Filters } from './DocumentFilters';

type Item = Schemas['DocumentListItem'];
export const FILE_BASED_TYPES: DocumentType[] = ['form', 'manual', 'decision', 'other'];

/** The current file of a document in one click: its controlled copy, or the source form. */
export function CurrentFileButtons({ doc, compact }: { doc: { id: string; code: string; type: DocumentType }; compact?: boolean }) {
  const base = `/api/v1/documents/${doc.id}/current/file`;
  const safe = doc.code.replace(/[\\/]/g, '-');
  return (
    <Group gap={4} wrap="wrap">
      {FILE_BASED_TYPES.includes(doc.type) && (
        <DownloadButton size="xs" url={`${base}?variant=source`} filename={safe} aria-label={`${m.documents.downloadSource} ${doc.code}`}>
          {compact ? m.documents.downloadSource : m.documents.downloadSource}
        </DownloadButton>
      )}
      <DownloadButton size="xs" variant="light" url={`${base}?variant=controlled`} filename={`${safe}.pdf`} aria-label={`${m.documents.downloadControlled} ${doc.code}`}>
        {m.documents.downloadControlled}
      </DownloadButton>
    </Group>
  );
}

/** Staff: the documents in force of my agencies, with search and type filter; never a draft. */
export function InForcePage() {
  const session = useSession()!;
  const [filters, setFilters] = useState<Filters>({ q: '', type: null, agencyId: null });
  const q = useDebounced(filters.q.trim());
  const list = useCursorList(['documents', 'in-force', q, filters.type, filters.agencyId], (cursor) =>
    call(
      api.GET('/api/v1/documents', {
        params: { query: { state: 'effective', q: q || undefined, type: (filters.type ?? undefined) as DocumentType | undefined, agencyId: filters.agencyId ?? undefined, cursor, limit: 50 } },
      }),
    ),
  );
  const columns: Column<Item>[] = [
    { header: m.documents.code, cell: (d) => <strong>{d.code}</strong>, width: 140 },
    {
      header: m.documents.title,
      cell: (d) => (
        <>
<AnchorLink to="/tai-lieu/$documentId" params={{ documentId: d.id }}>
          {d.title}
        </AnchorLink>
<SearchMatches matches={d.matches} />
</>
      ),
    },
    { header: m.documents.type, cell: (d) => m.types[d.type], hideBelow: 'sm' },
    { header: m.documents.revision, cell: (d) => (d.currentRevision ? String(d.currentRevision.number).padStart(2, '0') : '—'), hideBelow: 'sm' },
    { header: m.documents.effectiveAt, cell: (d) => <DateText value={d.currentRevision?.effectiveAt} />, hideBelow: 'md' },
    { header: m.app.download, cell: (d) => (d.currentRevision ? <CurrentFileButtons doc={d} compact /> : '—') },
  ];
  return (
    <Page title={m.documents.inForce}>
      <DocumentFilters value={filters} onChange={setFilters} user={session.user} />
      <PagedTable caption={m.documents.inForce} columns={columns} list={list} rowKey={(d) => d.id} empty={m.documents.noneFound} minWidth={560} />
    </Page>
  );
}
