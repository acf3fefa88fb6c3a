import { Alert, Button, Checkbox, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { PasswordDialog } from '../../components/PasswordDialog';
import { fieldError } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';

type Announcement = Schemas['AnnouncementView'];

/** The scope is chosen from the agency's procedures in force. */
function AnnounceDialog({ agencyId, initial, onClose }: { agencyId: string; initial: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const procedures = useQuery({
    queryKey: ['procedures-in-force', agencyId],
    queryFn: () => call(api.GET('/api/v1/documents', { params: { query: { agencyId, type: 'procedure', state: 'effective', limit: 200 } } })),
  });
  const [kind, setKind] = useState<string | null>(initial ? 'initial' : 're_announcement');
  const [decisionNumber, setNumber] = useState('');
  const [signedOn, setSignedOn] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const items = procedures.data?.items ?? [];
  return (
    <PasswordDialog
      opened
      onClose={onClose}
      title={m.quality.announce}
      confirmLabel={m.quality.announce}
      fieldNames={['kind', 'decisionNumber', 'signedOn', 'documentIds', ...chosen.map((_, i) => `documentIds[${i}]`)]}
      renderFields={(error) => (
        <Stack>
          <Select label={m.quality.kind} data={Object.entries(m.quality.announceKind).map(([value, label]) => ({ value, label }))} value={kind} onChange={setKind} required error={fieldError(error, 'kind')} />
          <TextInput label={m.quality.decisionNumber} placeholder="15/QĐ-UBND" value={decisionNumber} onChange={(e) => setNumber(e.currentTarget.value)} required error={fieldError(error, 'decisionNumber')} />
          <DateInput label={m.quality.signedOn} value={signedOn} onChange={setSignedOn} valueFormat="DD/MM/YYYY" required error={fieldError(error, 'signedOn')} />
          <Checkbox.Group label={m.quality.scope} value={chosen} onChange={setChosen} error={fieldError(error, 'documentIds')}>
            <Stack gap={4} mt="xs">
              {items.map((d) => (
                <Checkbox key={d.id} value={d.id} label={`${d.code} — ${d.title}`} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Button size="xs" variant="subtle" onClick={() => setChosen(items.map((d) => d.id))}>
            {m.quality.scope} ({items.length})
          </Button>
        </Stack>
      )}
      onConfirm={async (password) => {
        await call(
          api.POST('/api/v1/agencies/{id}/announcements', {
            params: { path: { id: agencyId } },
            body: { kind: (kind ?? 'initial') as 'initial' | 're_announcement', decisionNumber, signedOn: signedOn ?? '', documentIds: chosen, password },
          }),
        );
        await qc.invalidateQueries({ queryKey: ['announcements', agencyId] });
      }}
    />
  );
}

/** Announcements of conformity, newest first, and what changed since the last one. */
export function AnnouncementsPanel({ agencyId, maySign }: { agencyId: string; maySign: boolean }) {
  const [signing, setSigning] = useState(false);
  const q = useQuery({ queryKey: ['announcements', agencyId], queryFn: () => call(api.GET('/api/v1/agencies/{id}/announcements', { params: { path: { id: agencyId } } })) });
  return (
    <QueryView query={q}>
      {(d) => (
        <Stack>
          <Group justify="space-between">
            <Title order={3} size="h5">{m.quality.announcements}</Title>
            {maySign && <Button size="xs" onClick={() => setSigning(true)}>{m.quality.announce}</Button>}
          </Group>
          {!d.items.length && <Text c="dimmed">{m.quality.noAnnouncement}</Text>}
          {d.scopeChangedSince.reannouncementDue && (
            <Alert color="orange" title={m.quality.reannouncementDue}>
              {!!d.scopeChangedSince.added.length && <Text size="sm">{m.quality.added}: {d.scopeChangedSince.added.map((x) => x.code).join(', ')}</Text>}
              {!!d.scopeChangedSince.withdrawn.length && <Text size="sm">{m.quality.withdrawn}: {d.scopeChangedSince.withdrawn.map((x) => x.code).join(', ')}</Text>}
            </Alert>
          )}
          <DataTable<Announcement>
            caption={m.quality.announcements}
            rows={d.items}
            rowKey={(x) => x.id}
            columns={[
              { header: m.quality.decisionNumber, cell: (x) => x.decisionNumber },
              { header: m.quality.signedOn, cell: (x) => <DateText value={x.signedOn} /> },
              { header: m.quality.kind, cell: (x) => m.quality.announceKind[x.kind] },
              { header: m.quality.scopeCount, cell: (x) => x.scope.length },
              { header: m.quality.signer, cell: (x) => (x.capacity === 'deputy' ? `KT. ${x.signedBy.fullName}` : x.signedBy.fullName), hideBelow: 'sm' },
            ]}
          />
          {signing && <AnnounceDialog agencyId={agencyId} initial={!d.items.length} onClose={() => setSigning(false)} />}
        </Stack>
      )}
    </QueryView>
  );
}
