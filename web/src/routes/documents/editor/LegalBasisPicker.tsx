import { Group, Select, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import { m } from '../../../i18n';
import { useDebounced } from '../../../lib/useDebounced';
import { RemoveRow } from './fields';

/** One legal basis: a document chosen from the legal registry (searched as you type) and articles. */
export function LegalBasisRow({
  index,
  value,
  onChange,
  onRemove,
  readOnly,
  error,
}: {
  index: number;
  value: { legalDocumentId: string; articles?: string };
  onChange: (v: { legalDocumentId: string; articles?: string }) => void;
  onRemove: () => void;
  readOnly?: boolean;
  error?: string;
}) {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const chosen = useQuery({
    queryKey: ['legal', value.legalDocumentId],
    queryFn: () => call(api.GET('/api/v1/legal-documents/{id}', { params: { path: { id: value.legalDocumentId } } })),
    enabled: !!value.legalDocumentId,
  });
  const found = useQuery({
    queryKey: ['legal', 'search', q],
    queryFn: () => call(api.GET('/api/v1/legal-documents', { params: { query: { q: q || undefined, limit: 20 } } })),
    enabled: !readOnly,
  });
  const options = new Map<string, string>();
  if (chosen.data) options.set(chosen.data.id, `${chosen.data.number} — ${chosen.data.title}`);
  for (const d of found.data?.items ?? []) options.set(d.id, `${d.number} — ${d.title}${d.status !== 'in_force' ? ` (${d.statusLabel})` : ''}`);
  return (
    <Group align="flex-start" wrap="wrap" gap="xs">
      <Select
        label={`${m.procedure.legalDocument} ${index + 1}`}
        placeholder={m.procedure.legalSearch}
        searchable
        searchValue={search}
        onSearchChange={setSearch}
        filter={({ options }) => options}
        data={[...options].map(([v, label]) => ({ value: v, label }))}
        value={value.legalDocumentId || null}
        onChange={(id) => onChange({ ...value, legalDocumentId: id ?? '' })}
        nothingFoundMessage={found.isFetching ? m.app.loading : m.app.empty}
        style={{ flex: 1, minWidth: 240 }}
        readOnly={readOnly}
        error={error}
      />
      <TextInput label={m.procedure.articles} value={value.articles ?? ''} onChange={(e) => onChange({ ...value, articles: e.currentTarget.value })} w={180} readOnly={readOnly} />
      <div style={{ paddingTop: 28 }}>
        <RemoveRow index={index} onRemove={onRemove} disabled={readOnly} />
      </div>
      {chosen.data && chosen.data.status !== 'in_force' && (
        <Text size="xs" c="orange" w="100%">
          {chosen.data.statusLabel}
        </Text>
      )}
    </Group>
  );
}
