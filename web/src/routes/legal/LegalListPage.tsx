import { AnchorLink } from '../../components/Links';
import { Button, Group, Select, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { notify } from '../../components/notify';
import { Page } from '../../components/Page';
import { fieldError } from '../../components/ProblemAlert';
import { m } from '../../i18n';
import { mayWriteLegal } from '../../lib/access';
import { useDebounced } from '../../lib/useDebounced';
import { FormDialog } from '../../components/FormDialog';
import { ImportPanel } from '../../components/ImportPanel';

type Legal = Schemas['LegalDocumentView'];
type LegalType = Schemas['CreateLegalDocumentRequest']['type'];
type LegalStatus = Schemas['CreateLegalDocumentRequest']['status'];

/** The registry's vocabulary (types and statuses with their Vietnamese labels), from the API. */
export function useLegalVocabulary() {
  return useQuery({ queryKey: ['legal', 'vocabulary'], queryFn: () => call(api.GET('/api/v1/legal-document-types')), staleTime: Infinity });
}

function CreateLegalDialog({ onClose }: { onClose: () => void }) {
  const vocab = useLegalVocabulary();
  const navigate = useNavigate();
  const [v, setV] = useState({ number: '', type: 'decree' as LegalType, issuer: '', title: '', issuedOn: null as string | null, effectiveFrom: null as string | null, status: 'in_force' as LegalStatus });
  return (
    <FormDialog
      title={m.legal.create} onClose={onClose} size="lg" submitLabel={m.app.create} shown={Object.keys(v)}
      onSubmit={async () => {
            const d = await call(api.POST('/api/v1/legal-documents', { body: { ...v, issuedOn: v.issuedOn ?? '', effectiveFrom: v.effectiveFrom ?? '' } }));
            await navigate({ to: '/van-ban-phap-luat/$legalId', params: { legalId: d.id } });
      }}
    >
      {(error) => {
        const fe = (f: string) => fieldError(error, f);
        return (
          <>
          <Group grow wrap="wrap" align="flex-start">
            <TextInput label={m.legal.number} placeholder="19/2014/QĐ-TTg" value={v.number} onChange={(e) => setV({ ...v, number: e.currentTarget.value })} required error={fe('number')} miw={180} />
            <Select label={m.legal.type} data={(vocab.data?.types ?? []).map((t) => ({ value: t.code, label: t.label }))} value={v.type} onChange={(type) => setV({ ...v, type: (type ?? 'decree') as LegalType })} allowDeselect={false} searchable error={fe('type')} miw={180} />
          </Group>
          <TextInput label={m.legal.issuer} value={v.issuer} onChange={(e) => setV({ ...v, issuer: e.currentTarget.value })} required error={fe('issuer')} />
          <TextInput label={m.legal.docTitle} value={v.title} onChange={(e) => setV({ ...v, title: e.currentTarget.value })} required error={fe('title')} />
          <Group grow wrap="wrap" align="flex-start">
            <DateInput label={m.legal.issuedOn} value={v.issuedOn} onChange={(issuedOn) => setV({ ...v, issuedOn })} valueFormat="DD/MM/YYYY" required error={fe('issuedOn')} miw={150} />
            <DateInput label={m.legal.effectiveFrom} value={v.effectiveFrom} onChange={(effectiveFrom) => setV({ ...v, effectiveFrom })} valueFormat="DD/MM/YYYY" required error={fe('effectiveFrom')} miw={150} />
            <Select label={m.legal.status} data={(vocab.data?.statuses ?? []).map((s) => ({ value: s.code, label: s.label }))} value={v.status} onChange={(status) => setV({ ...v, status: (status ?? 'in_force') as LegalStatus })} allowDeselect={false} error={fe('status')} miw={150} />
          </Group>
          </>
        );
      }}
    </FormDialog>
  );
}

/** The legal registry: search (accents ignored), and for admin/supervisors create and import. */
export function LegalListPage() {
  const session = useSession()!;
  const qc = useQueryClient();
  const vocab = useLegalVocabulary();
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const query = useDebounced(q.trim());
  const list = useCursorList(['legal', 'list', query, status], (cursor) =>
    call(api.GET('/api/v1/legal-documents', { params: { query: { q: query || undefined, status: (status ?? undefined) as LegalStatus | undefined, cursor, limit: 50 } } })),
  );
  const writer = mayWriteLegal(session.user);
  const columns: Column<Legal>[] = [
    {
      header: m.legal.number,
      cell: (d) => (
        <AnchorLink to="/van-ban-phap-luat/$legalId" params={{ legalId: d.id }}>
          {d.number}
        </AnchorLink>
      ),
      width: 170,
    },
    { header: m.legal.docTitle, cell: (d) => d.title },
    { header: m.legal.issuer, cell: (d) => d.issuer, hideBelow: 'md' },
    { header: m.legal.effectiveFrom, cell: (d) => <DateText value={d.effectiveFrom} />, hideBelow: 'sm' },
    { header: m.legal.status, cell: (d) => d.statusLabel },
  ];
  return (
    <Page title={m.legal.title} actions={writer && <Button onClick={() => setCreating(true)}>{m.legal.create}</Button>}>
      <Group align="flex-end" wrap="wrap" role="search">
        <TextInput label={m.app.search} placeholder={m.legal.search} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} style={{ flex: 1, minWidth: 220 }} />
        <Select label={m.legal.status} data={(vocab.data?.statuses ?? []).map((s) => ({ value: s.code, label: s.label }))} value={status} onChange={setStatus} clearable placeholder={m.app.all} w={220} />
      </Group>
      {writer && (
        <ImportPanel<Schemas['LegalImportResult']>
          url="/api/v1/legal-documents/import"
          accept=".csv,.json,text/csv,application/json"
          label={m.legal.import}
          errorsTitle={m.legal.importErrors}
          invalidCode="legal_import_invalid"
          onDone={(r) => {
            notify(m.legal.importDone(r.created));
            void qc.invalidateQueries({ queryKey: ['legal', 'list'] });
          }}
        />
      )}
      <PagedTable caption={m.legal.title} columns={columns} list={list} rowKey={(d) => d.id} />
      {creating && <CreateLegalDialog onClose={() => setCreating(false)} />}
    </Page>
  );
}
