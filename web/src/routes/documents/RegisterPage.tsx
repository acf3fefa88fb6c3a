import { AnchorLink } from '../../components/Links';
import { Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { DocumentType, RevisionState, Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { Page } from '../../components/Page';
import { StatusBadge } from '../../components/StatusBadge';
import { m } from '../../i18n';
import { SearchMatches } from '../../components/SearchMatches';
import { agenciesWith, DRAFTING_ROLES } from '../../lib/access';
import { useDebounced } from '../../lib/useDebounced';
import { CreateDocumentDialog } from './CreateDocumentDialog';
import { DocumentFilters, type Filters } from './DocumentFilters';

type Item = Schemas['DocumentListItem'];

/** Drafters, the ISO secretary, approvers, auditors: every document with its open revision. */
export function RegisterPage() {
  const session = useSession()!;
  const [filters, setFilters] = useState<Filters>({ q: '', type: null, agencyId: null, state: null });
  const [creating, setCreating] = useState(false);
  const q = useDebounced(filters.q.trim());
  const list = useCursorList(['documents', 'register', q, filters.type, filters.agencyId, filters.state], (cursor) =>
    call(
      api.GET('/api/v1/documents', {
        params: {
          query: {
            q: q || undefined,
            type: (filters.type ?? undefined) as DocumentType | undefined,
            agencyId: filters.agencyId ?? undefined,
            state: (filters.state ?? undefined) as RevisionState | undefined,
            cursor,
            limit: 50,
          },
        },
      }),
    ),
  );
  const mayCreate = agenciesWith(session.user, DRAFTING_ROLES).length > 0;
  const columns: Column<Item>[] = [
    { header: m.documents.code, cell: (d) => <strong>{d.code}</strong>, width: 140 },
    {
      header: m.documents.title,
      cell: (d) => (
        <Stack gap={0}>
          <>
<AnchorLink to="/tai-lieu/$documentId" params={{ documentId: d.id }}>
            {d.title}
          </AnchorLink>
<SearchMatches matches={d.matches} />
</>
          {d.withdrawnAt && (
            <Text size="xs" c="red">
              {m.documents.withdrawn('')}
            </Text>
          )}
        </Stack>
      ),
    },
    { header: m.documents.type, cell: (d) => m.types[d.type], hideBelow: 'sm' },
    {
      header: m.documents.current,
      cell: (d) => (d.currentRevision ? <Text size="sm">{String(d.currentRevision.number).padStart(2, '0')} · <DateText value={d.currentRevision.effectiveAt} /></Text> : '—'),
      hideBelow: 'md',
    },
    {
      header: m.documents.state,
      cell: (d) =>
        d.openRevision ? (
          <AnchorLink to="/ban/$revisionId" params={{ revisionId: d.openRevision.id }} aria-label={`${m.documents.gotoDraft} ${d.code}`}>
            <StatusBadge state={d.openRevision.state} />
          </AnchorLink>
        ) : (
          <StatusBadge state={d.currentRevision?.state} />
        ),
    },
  ];
  return (
    <Page title={m.documents.register} actions={mayCreate && <Button onClick={() => setCreating(true)}>{m.documents.create}</Button>}>
      <DocumentFilters value={filters} onChange={setFilters} user={session.user} withState />
      <PagedTable caption={m.documents.register} columns={columns} list={list} rowKey={(d) => d.id} empty={m.documents.noneFound} />
      {creating && <CreateDocumentDialog opened onClose={() => setCreating(false)} user={session.user} />}
    </Page>
  );
}
