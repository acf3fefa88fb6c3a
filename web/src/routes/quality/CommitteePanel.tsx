import { Button, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { FormDialog } from '../../components/FormDialog';
import { fieldError } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';

type Committee = Schemas['SteeringCommitteeView'];
type Member = Schemas['CommitteeMemberView'];
const ROLE_BY_WORD: Record<string, Member['role']> = { 'trưởng ban': 'head', 'phó trưởng ban': 'deputy', 'thư ký': 'secretary', 'thành viên': 'member' };

function members(text: string): { fullName: string; position: string; role: Member['role'] }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [fullName = '', position = '', role = ''] = l.split(' - ').map((x) => x.trim());
      return { fullName, position, role: ROLE_BY_WORD[role.toLowerCase()] ?? 'member' };
    });
}

function CommitteeDialog({ agencyId, onClose }: { agencyId: string; onClose: () => void }) {
  const qc = useQueryClient();
  const [decisionNumber, setNumber] = useState('');
  const [signedOn, setSignedOn] = useState<string | null>(null);
  const [text, setText] = useState('');
  return (
    <FormDialog
      title={m.quality.newCommittee}
      onClose={onClose}
      shown={['decisionNumber', 'signedOn', 'members']}
      onSubmit={async () => {
        await call(api.PUT('/api/v1/agencies/{id}/steering-committee', { params: { path: { id: agencyId } }, body: { decisionNumber, signedOn: signedOn ?? '', members: members(text) } }));
        await qc.invalidateQueries({ queryKey: ['committee', agencyId] });
      }}
    >
      {(error) => (
        <Stack>
          <TextInput label={m.quality.decisionNumber} placeholder="15/QĐ-UBND" value={decisionNumber} onChange={(e) => setNumber(e.currentTarget.value)} required error={fieldError(error, 'decisionNumber')} />
          <DateInput label={m.quality.signedOn} value={signedOn} onChange={setSignedOn} valueFormat="DD/MM/YYYY" required error={fieldError(error, 'signedOn')} />
          <Textarea label={m.quality.members} autosize minRows={4} value={text} onChange={(e) => setText(e.currentTarget.value)} required error={fieldError(error, 'members')} />
        </Stack>
      )}
    </FormDialog>
  );
}

function MembersTable({ c }: { c: Committee }) {
  return (
    <DataTable<Member>
      caption={`${m.quality.committee} — ${c.decisionNumber}`}
      rows={c.members}
      rowKey={(x) => `${x.fullName}-${x.role}-${x.position}`}
      columns={[
        { header: m.quality.fullName, cell: (x) => x.fullName },
        { header: m.quality.position, cell: (x) => x.position },
        { header: m.quality.role, cell: (x) => m.quality.roles[x.role] },
      ]}
    />
  );
}

/** The steering committee in force, its earlier compositions, and a new composition from a decision. */
export function CommitteePanel({ agencyId, mayManage }: { agencyId: string; mayManage: boolean }) {
  const [creating, setCreating] = useState(false);
  const q = useQuery({ queryKey: ['committee', agencyId], queryFn: () => call(api.GET('/api/v1/agencies/{id}/steering-committee', { params: { path: { id: agencyId }, query: { history: 'true' } } })) });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3} size="h5">{m.quality.committee}</Title>
        {mayManage && <Button size="xs" onClick={() => setCreating(true)}>{m.quality.newCommittee}</Button>}
      </Group>
      <QueryView query={q}>
        {(d) => (
          <Stack>
            {d.current ? (
              <>
                <Text size="sm">
                  {m.quality.decisionNumber}: {d.current.decisionNumber}, {m.quality.signedOn.toLowerCase()} <DateText value={d.current.signedOn} />
                </Text>
                <MembersTable c={d.current} />
              </>
            ) : (
              <Text c="dimmed">{m.quality.noCommittee}</Text>
            )}
            {!!d.history?.length && <Title order={4} size="h6">{m.quality.history}</Title>}
            {d.history?.map((h) => (
              <Text key={h.id} size="sm">
                {h.decisionNumber} (<DateText value={h.signedOn} />): {h.members.map((x) => x.fullName).join(', ')}
              </Text>
            ))}
          </Stack>
        )}
      </QueryView>
      {creating && <CommitteeDialog agencyId={agencyId} onClose={() => setCreating(false)} />}
    </Stack>
  );
}
