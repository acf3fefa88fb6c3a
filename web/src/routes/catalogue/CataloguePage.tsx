import { Button, FileButton, Group, Progress, Select, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable, PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { notify } from '../../components/notify';
import { Page } from '../../components/Page';
import { ProblemAlert } from '../../components/ProblemAlert';
import { m } from '../../i18n';
import { mayWriteLegal } from '../../lib/access';
import { uploadWithProgress } from '../../lib/files';
import { useDebounced } from '../../lib/useDebounced';

type Tthc = Schemas['TthcView'];
type ImportError = Schemas['TthcImportError'];
type Level = 'province' | 'district' | 'commune';

export function timeLimitText(t: Tthc): string {
  if (t.timeLimit) return `${t.timeLimit.value} ${m.units[t.timeLimit.unit]}`;
  return t.timeLimitText ?? '—';
}

/** Import CSV/XLSX/JSON: all rows or none; the row errors listed so the file can be fixed. */
function ImportPanel({ onDone }: { onDone: () => void }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [rowErrors, setRowErrors] = useState<ImportError[]>([]);
  const [error, setError] = useState<unknown>(null);
  return (
    <Stack gap="xs">
      <FileButton
        accept=".csv,.xlsx,.json,text/csv,application/json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        onChange={async (file) => {
          if (!file) return;
          setRowErrors([]);
          setError(null);
          setProgress(0);
          try {
            const r = await uploadWithProgress<Schemas['TthcImportResult']>('/api/v1/tthc/import', file, setProgress);
            notify(m.catalogue.importDone(r.created, r.updated, r.unchanged, r.flaggedDocuments));
            onDone();
          } catch (err) {
            if (err instanceof ApiError && err.code === 'tthc_import_invalid') setRowErrors((err.problem.errors ?? []) as unknown as ImportError[]);
            else setError(err);
          } finally {
            setProgress(null);
          }
        }}
      >
        {(props) => (
          <Button {...props} variant="light" loading={progress !== null}>
            {m.catalogue.import}
          </Button>
        )}
      </FileButton>
      {progress !== null && <Progress value={progress} aria-label={m.revision.uploading(progress)} />}
      {error != null && <ProblemAlert error={error} />}
      {rowErrors.length > 0 && (
        <Stack gap={4} role="alert" data-testid="import-errors">
          <Text c="red" size="sm" fw={600}>
            {m.catalogue.importErrors}
          </Text>
          <DataTable<ImportError>
            caption={m.catalogue.importErrors}
            rows={rowErrors}
            rowKey={(e) => `${e.row}:${e.field}:${e.message}`}
            minWidth={420}
            columns={[
              { header: m.legal.row, cell: (e) => e.line ?? e.row },
              { header: m.legal.field, cell: (e) => e.field },
              { header: m.legal.message, cell: (e) => e.message },
            ]}
          />
        </Stack>
      )}
    </Stack>
  );
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
      {mayWriteLegal(session.user) && <ImportPanel onDone={() => qc.invalidateQueries({ queryKey: ['tthc', 'list'] })} />}
      <PagedTable caption={m.catalogue.title} columns={columns} list={list} rowKey={(t) => t.code} />
    </Page>
  );
}
