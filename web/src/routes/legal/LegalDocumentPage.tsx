import { AnchorLink } from '../../components/Links';
import { Button, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { Page } from '../../components/Page';
import { fieldError } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';
import { m } from '../../i18n';
import { mayWriteLegal } from '../../lib/access';
import { todayInVietnam } from '../../lib/dates';
import { useDebounced } from '../../lib/useDebounced';
import { legalDocumentRoute } from './routes';
import { FormDialog } from '../../components/FormDialog';

type Citation = Schemas['CitationView'];
type Change = Schemas['LegalChangeSummaryView'];
type Kind = Schemas['CreateLegalChangeRequest']['kind'];

function PostChangeDialog({ legalId, onClose }: { legalId: string; onClose: () => void }) {
  const navigate = useNavigate();
  const [kind, setKind] = useState<Kind>('amended');
  const [by, setBy] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [effectiveFrom, setEffectiveFrom] = useState<string | null>(todayInVietnam());
  const [note, setNote] = useState('');
  const q = useDebounced(search.trim(), 250);
  const found = useQuery({ queryKey: ['legal', 'search', q], queryFn: () => call(api.GET('/api/v1/legal-documents', { params: { query: { q: q || undefined, limit: 20 } } })) });
  return (
    <FormDialog
      title={m.legal.postChange} onClose={onClose} size="lg" submitLabel={m.legal.postChange} shown={['kind', 'byLegalDocumentId', 'effectiveFrom', 'note']}
      onSubmit={async () => {
            const r = await call(api.POST('/api/v1/legal-documents/{id}/changes', { params: { path: { id: legalId } }, body: { kind, byLegalDocumentId: by ?? undefined, effectiveFrom: effectiveFrom ?? '', note: note || undefined } }));
            await navigate({ to: '/thay-doi-phap-luat/$changeId', params: { changeId: r.changeId } });
      }}
    >
      {(error) => {
                return (
          <>
          <Select label={m.legal.kind} data={Object.entries(m.legal.kinds).map(([value, label]) => ({ value, label }))} value={kind} onChange={(k) => setKind((k ?? 'amended') as Kind)} allowDeselect={false} error={fieldError(error, 'kind')} />
          <Select
            label={m.legal.byDocument}
            searchable
            searchValue={search}
            onSearchChange={setSearch}
            filter={({ options }) => options}
            data={(found.data?.items ?? []).filter((d) => d.id !== legalId).map((d) => ({ value: d.id, label: `${d.number} — ${d.title}` }))}
            value={by}
            onChange={setBy}
            clearable
            error={fieldError(error, 'byLegalDocumentId')}
          />
          <DateInput label={m.legal.effectiveFrom} value={effectiveFrom} onChange={setEffectiveFrom} valueFormat="DD/MM/YYYY" required error={fieldError(error, 'effectiveFrom')} />
          <Textarea label={m.legal.note} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize error={fieldError(error, 'note')} />
          </>
        );
      }}
    </FormDialog>
  );
}

/** A legal document: its data, the documents citing it, its changes; post a change (admin, supervisor). */
export function LegalDocumentPage() {
  const { legalId } = legalDocumentRoute.useParams();
  const session = useSession()!;
  const [posting, setPosting] = useState(false);
  const legal = useQuery({ queryKey: ['legal', legalId], queryFn: () => call(api.GET('/api/v1/legal-documents/{id}', { params: { path: { id: legalId } } })) });
  const citations = useCursorList(['legal', legalId, 'citations'], (cursor) => call(api.GET('/api/v1/legal-documents/{id}/citations', { params: { path: { id: legalId }, query: { cursor } } })));
  const changes = useCursorList(['legal', legalId, 'changes'], (cursor) => call(api.GET('/api/v1/legal-documents/{id}/changes', { params: { path: { id: legalId }, query: { cursor } } })));
  const citationColumns: Column<Citation>[] = [
    { header: m.documents.agency, cell: (c) => c.agencyName, hideBelow: 'sm' },
    {
      header: m.documents.title,
      cell: (c) => (
        <AnchorLink to="/tai-lieu/$documentId" params={{ documentId: c.documentId }}>
          {c.code} — {c.title}
        </AnchorLink>
      ),
    },
    { header: m.procedure.articles, cell: (c) => c.articles ?? '—' },
    { header: m.documents.state, cell: (c) => <StatusBadge state={c.revision.state} /> },
  ];
  const changeColumns: Column<Change>[] = [
    {
      header: m.legal.kind,
      cell: (c) => (
        <AnchorLink to="/thay-doi-phap-luat/$changeId" params={{ changeId: c.id }}>
          {m.legal.kinds[c.kind]}
        </AnchorLink>
      ),
    },
    { header: m.legal.effectiveFrom, cell: (c) => <DateText value={c.effectiveFrom} /> },
    { header: m.legal.status, cell: (c) => `${m.legal.changeStatus[c.status]} · ${m.legal.progress(c.processed, c.total)}` },
  ];
  return (
    <QueryView query={legal}>
      {(d) => (
        <Page title={d.number} actions={mayWriteLegal(session.user) && <Button onClick={() => setPosting(true)}>{m.legal.postChange}</Button>}>
          <Stack gap={4}>
            <Text>{d.title}</Text>
            <Text size="sm" c="dimmed">
              {d.typeLabel} · {d.issuer} · {m.legal.issuedOn}: <DateText value={d.issuedOn} format="long" /> · {m.legal.effectiveFrom}: <DateText value={d.effectiveFrom} /> · {d.statusLabel}
            </Text>
          </Stack>
          <Title order={2} size="h4">
            {m.legal.citations}
          </Title>
          <PagedTable caption={m.legal.citations} columns={citationColumns} list={citations} rowKey={(c) => `${c.documentId}:${c.revision.id}`} />
          <Title order={2} size="h4">
            {m.legal.changes}
          </Title>
          <PagedTable caption={m.legal.changes} columns={changeColumns} list={changes} rowKey={(c) => c.id} minWidth={420} />
          {posting && <PostChangeDialog legalId={d.id} onClose={() => setPosting(false)} />}
        </Page>
      )}
    </QueryView>
  );
}
