import { AnchorLink } from '../../components/Links';
import { Button, Group, Select, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { Page } from '../../components/Page';
import { fieldError } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { useAllAgencies } from '../../api/agencies';
import { m } from '../../i18n';
import { FormDialog } from '../../components/FormDialog';

type Agency = Schemas['AgencyView'];
type Level = Agency['level'];
const LEVELS: Level[] = ['province', 'department', 'district', 'commune', 'unit'];

export function AgencyForm({ agencies, onClose, agency }: { agencies: Agency[]; onClose: () => void; agency?: Agency }) {
  const qc = useQueryClient();
  const [v, setV] = useState({ code: agency?.code ?? '', name: agency?.name ?? '', level: (agency?.level ?? 'commune') as Level, parentId: agency?.parentId ?? null });
  return (
    <FormDialog
      title={agency ? `${m.app.edit}: ${agency.name}` : m.admin.createAgency} onClose={onClose} submitLabel={m.app.save} shown={['code', 'name', 'level', 'parentId']}
      onSubmit={async () => {
            if (agency) await call(api.PATCH('/api/v1/agencies/{id}', { params: { path: { id: agency.id } }, body: { code: v.code, name: v.name, parentId: v.parentId ?? undefined } }));
            else await call(api.POST('/api/v1/agencies', { body: { code: v.code, name: v.name, level: v.level, parentId: v.parentId ?? undefined } }));
            await qc.invalidateQueries({ queryKey: ['agencies'] });
      }}
    >
      {(error) => {
        const fe = (f: string) => fieldError(error, f);
        return (
          <>
          <TextInput label={m.admin.agencyCode} placeholder="UBND-XA-TANLAP" value={v.code} onChange={(e) => setV({ ...v, code: e.currentTarget.value })} required error={fe('code')} />
          <TextInput label={m.admin.agencyName} value={v.name} onChange={(e) => setV({ ...v, name: e.currentTarget.value })} required error={fe('name')} />
          {!agency && <Select label={m.admin.level} data={LEVELS.map((l) => ({ value: l, label: m.levels[l] }))} value={v.level} onChange={(l) => setV({ ...v, level: (l ?? 'commune') as Level })} allowDeselect={false} error={fe('level')} />}
          <Select label={m.admin.parent} data={agencies.filter((a) => a.id !== agency?.id).map((a) => ({ value: a.id, label: `${a.name} (${a.code})` }))} value={v.parentId} onChange={(parentId) => setV({ ...v, parentId })} searchable clearable error={fe('parentId')} />
          </>
        );
      }}
    </FormDialog>
  );
}

function Tree({ agencies, parentId, depth }: { agencies: Agency[]; parentId: string | null; depth: number }) {
  const ids = new Set(agencies.map((a) => a.id));
  const children = agencies.filter((a) => (parentId === null ? !a.parentId || !ids.has(a.parentId) : a.parentId === parentId));
  if (!children.length) return null;
  return (
    <ul role={depth === 0 ? 'tree' : 'group'} aria-label={depth === 0 ? m.admin.agencies : undefined} style={{ listStyle: 'none', paddingLeft: depth ? 20 : 0, margin: 0 }}>
      {children.map((a) => (
        <li key={a.id} role="treeitem" aria-expanded={agencies.some((c) => c.parentId === a.id) ? true : undefined}>
          <Group gap="xs" py={4} wrap="wrap">
            <AnchorLink to="/quan-tri/co-quan/$agencyId" params={{ agencyId: a.id }} fw={500}>
              {a.name}
            </AnchorLink>
            <Text size="xs" c="dimmed">
              {a.code} · {m.levels[a.level]}
            </Text>
          </Group>
          <Tree agencies={agencies} parentId={a.id} depth={depth + 1} />
        </li>
      ))}
    </ul>
  );
}

/** The agencies tree (province › department/district › commune/unit). */
export function AgenciesPage() {
  const session = useSession()!;
  const agencies = useAllAgencies();
  const [creating, setCreating] = useState(false);
  return (
    <Page title={m.admin.agencies} actions={session.user.isAdmin && <Button onClick={() => setCreating(true)}>{m.admin.createAgency}</Button>}>
      <QueryView query={agencies}>
        {(list) => (
          <>
            <Tree agencies={list} parentId={null} depth={0} />
            {creating && <AgencyForm agencies={list} onClose={() => setCreating(false)} />}
          </>
        )}
      </QueryView>
    </Page>
  );
}
