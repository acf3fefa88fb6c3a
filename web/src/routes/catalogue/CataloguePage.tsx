import { Group, Select, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { ImportPanel } from '../../components/ImportPanel';
import { notify } from '../../components/notify';
import { Page } from '../../components/Page';
import { m } from '../../i18n';
import { mayWriteLegal } from '../../lib/access';
import { useDebounced } from '../../lib/useDebounced';

type Tthc = Schemas['TthcView'];
type Level = 'province' | 'district' | 'commune';

export function timeLimitText(t: Tthc): string {
  if (t.timeLimit) return `${t.timeLimit.value} ${m.units[t.timeLimit.unit]}`;
  return t.timeLimitText ?? '—';
}

/** The TTHC catalogue: search (accents ignored), level and status filters; admin and supervisors import. */
export function CataloguePage() {
  const session = useSession()!;
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [level, setLevel] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const query = useDebounced(q.trim());
  const list = useCursorList(['tthc', 'list', query, level, status], (cursor) =>
    call(
      api.GET('/api/v1/tthc', {
        params: { query: { q: query || undefined, level: (level ?? undefined) as Level | undefined, status: (status ?? undefined) as 'in_force' | 'abolished' | undefined, cursor, limit: 50 } },
      }),
    ),
  );
  const columns: Column<Tthc>[] = [
    { header: m.catalogue.code, cell: (t) => <strong>{t.code}</strong>, width: 110 },
    { header: m.catalogue.name, cell: (t) => t.name },
    { header: m.catalogue.field, cell: (t) => t.field, hideBelow: 'md' },
    { header: m.catalogue.levels, cell: (t) => t.levels.map((l) => m.catalogue.levelNames[l]).join(', '), hideBelow: 'md' },
    { header: m.catalogue.timeLimit, cell: timeLimitText, hideBelow: 'sm' },
    { header: m.catalogue.fee, cell: (t) => t.fee ?? '—', hideBelow: 'md' },
    { header: m.catalogue.status, cell: (t) => m.catalogue.statuses[t.status] },
  ];
  return (
    <Page title={m.catalogue.title}>
      <Group align="flex-end" wrap="wrap" role="search">
        <TextInput label={m.app.search} placeholder={m.catalogue.search} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} style={{ flex: 1, minWidth: 220 }} />
        <Select label={m.catalogue.level} data={Object.entries(m.catalogue.levelNames).map(([value, label]) => ({ value, label }))} value={level} onChange={setLevel} clearable placeholder={m.app.all} w={160} />
        <Select label={m.catalogue.status} data={Object.entries(m.catalogue.statuses).map(([value, label]) => ({ value, label }))} value={status} onChange={setStatus} clearable placeholder={m.app.all} w={180} />
      </Group>
      {mayWriteLegal(session.user) && (
        <ImportPanel<Schemas['TthcImportResult']>
          url="/api/v1/tthc/import"
          accept=".csv,.xlsx,.json,text/csv,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          label={m.catalogue.import}
          errorsTitle={m.catalogue.importErrors}
          invalidCode="tthc_import_invalid"
          onDone={(r) => {
            notify(m.catalogue.importDone(r.created, r.updated, r.unchanged, r.flaggedDocuments));
            void qc.invalidateQueries({ queryKey: ['tthc', 'list'] });
          }}
        />
      )}
      <PagedTable caption={m.catalogue.title} columns={columns} list={list} rowKey={(t) => t.code} />
    </Page>
  );
}
