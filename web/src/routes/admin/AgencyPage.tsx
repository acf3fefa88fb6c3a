import { AnchorLink } from '../../components/Links';
import { Anchor, Button, Checkbox, Group, Select, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Role, Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { notifyError } from '../../components/notify';
import { Page } from '../../components/Page';
import { fieldError } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';
import { useDebounced } from '../../lib/useDebounced';
import { useAllAgencies } from '../../api/agencies';
import { AgencyForm } from './AgenciesPage';
import { agencyRoute } from './routes';
import { FormDialog } from '../../components/FormDialog';

type Member = Schemas['MemberView'];
const ROLES: Role[] = ['head', 'deputy', 'iso_secretary', 'drafter', 'staff', 'auditor', 'supervisor', 'admin'];

function RolesDialog({ agencyId, member, onClose }: { agencyId: string; member?: Member; onClose: () => void }) {
  const qc = useQueryClient();
  const [userId, setUserId] = useState<string | null>(member?.userId ?? null);
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim(), 250);
  const [roles, setRoles] = useState<Role[]>(member?.roles ?? ['staff']);
  const users = useQuery({ queryKey: ['users', 'search', q], queryFn: () => call(api.GET('/api/v1/users', { params: { query: { q: q || undefined, limit: 20 } } })), enabled: !member });
  return (
    <FormDialog
      title={member ? `${m.admin.roles}: ${member.fullName}` : m.admin.addMember} onClose={onClose} submitLabel={m.app.save} shown={['roles']}
      onSubmit={async () => {
            await call(api.PUT('/api/v1/agencies/{id}/members/{userId}', { params: { path: { id: agencyId, userId: userId ?? '' } }, body: { roles } }));
            await qc.invalidateQueries({ queryKey: ['agency', agencyId, 'members'] });
      }}
    >
      {(error) => {
                return (
          <>
          {!member && (
            <Select
              label={m.admin.user}
              searchable
              searchValue={search}
              onSearchChange={setSearch}
              filter={({ options }) => options}
              data={(users.data?.items ?? []).map((u) => ({ value: u.id, label: `${u.fullName} (${u.username})` }))}
              value={userId}
              onChange={setUserId}
              required
            />
          )}
          <Checkbox.Group label={m.admin.roles} value={roles} onChange={(v) => setRoles(v as Role[])} error={fieldError(error, 'roles')}>
            <Stack gap={4} mt={4}>
              {ROLES.map((r) => (
                <Checkbox key={r} value={r} label={m.roles[r]} />
              ))}
            </Stack>
          </Checkbox.Group>
          </>
        );
      }}
    </FormDialog>
  );
}

/** One agency: its data, members and their roles. */
export function AgencyPage() {
  const { agencyId } = agencyRoute.useParams();
  const session = useSession()!;
  const qc = useQueryClient();
  const agency = useQuery({ queryKey: ['agency', agencyId], queryFn: () => call(api.GET('/api/v1/agencies/{id}', { params: { path: { id: agencyId } } })) });
  const all = useAllAgencies();
  const members = useCursorList(['agency', agencyId, 'members'], (cursor) => call(api.GET('/api/v1/agencies/{id}/members', { params: { path: { id: agencyId }, query: { cursor, limit: 100 } } })));
  const [dialog, setDialog] = useState<{ member?: Member } | null>(null);
  const [editing, setEditing] = useState(false);
  const admin = session.user.isAdmin;
  const columns: Column<Member>[] = [
    { header: m.admin.fullName, cell: (u) => <Text size="sm">{u.fullName}{u.title ? ` — ${u.title}` : ''}</Text> },
    { header: m.admin.username, cell: (u) => u.username, hideBelow: 'sm' },
    { header: m.admin.roles, cell: (u) => u.roles.map((r) => m.roles[r]).join(', ') },
    {
      header: m.app.actions,
      cell: (u) =>
        admin ? (
          <Group gap={4}>
            <Button size="xs" variant="light" onClick={() => setDialog({ member: u })} aria-label={`${m.app.edit} ${u.fullName}`}>
              {m.app.edit}
            </Button>
            <Button
              size="xs"
              variant="subtle"
              color="red"
              aria-label={`${m.admin.removeMember} ${u.fullName}`}
              onClick={async () => {
                try {
                  await call(api.DELETE('/api/v1/agencies/{id}/members/{userId}', { params: { path: { id: agencyId, userId: u.userId } } }));
                  await qc.invalidateQueries({ queryKey: ['agency', agencyId, 'members'] });
                } catch (err) {
                  notifyError(err);
                }
              }}
            >
              {m.admin.removeMember}
            </Button>
          </Group>
        ) : null,
    },
  ];
  return (
    <QueryView query={agency}>
      {(a) => (
        <Page
          title={a.name}
          description={
            <Text size="sm" c="dimmed">
              {a.code} · {m.levels[a.level]} ·{' '}
              <Anchor href={`/cong-khai/${encodeURIComponent(a.code)}`} size="sm">
                {m.admin.publicPage}
              </Anchor>
            </Text>
          }
          actions={
            admin && (
              <>
                <Button variant="default" onClick={() => setEditing(true)}>
                  {m.app.edit}
                </Button>
                <Button onClick={() => setDialog({})}>{m.admin.addMember}</Button>
              </>
            )
          }
        >
          <AnchorLink to="/quan-tri/co-quan" size="sm">
            ← {m.admin.agencies}
          </AnchorLink>
          <PagedTable caption={m.admin.members} columns={columns} list={members} rowKey={(u) => u.userId} />
          {dialog && <RolesDialog agencyId={a.id} member={dialog.member} onClose={() => setDialog(null)} />}
          {editing && all.data && <AgencyForm agencies={all.data} agency={a} onClose={() => setEditing(false)} />}
        </Page>
      )}
    </QueryView>
  );
}
