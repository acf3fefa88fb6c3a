import { Button, Checkbox, PasswordInput, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { Page } from '../../components/Page';
import { fieldError } from '../../components/ProblemAlert';
import { m } from '../../i18n';
import { useDebounced } from '../../lib/useDebounced';
import { FormDialog } from '../../components/FormDialog';

type User = Schemas['UserView'];
const SHOWN = ['username', 'fullName', 'title', 'email', 'password', 'isActive'];

function UserDialog({ user, onClose }: { user?: User; onClose: () => void }) {
  const qc = useQueryClient();
  const [v, setV] = useState({ username: user?.username ?? '', fullName: user?.fullName ?? '', title: user?.title ?? '', email: user?.email ?? '', password: '', isActive: user?.isActive ?? true });
  return (
    <FormDialog
      title={user ? `${m.app.edit}: ${user.fullName}` : m.admin.createUser} onClose={onClose} submitLabel={m.app.save} shown={SHOWN}
      onSubmit={async () => {
            const optional = (s: string) => (s.trim() ? s : undefined);
            if (user)
              await call(
                api.PATCH('/api/v1/users/{id}', {
                  params: { path: { id: user.id } },
                  body: { fullName: v.fullName, title: optional(v.title) ?? null, email: optional(v.email) ?? null, isActive: v.isActive, password: optional(v.password) } as Schemas['UpdateUserRequest'],
                }),
              );
            else await call(api.POST('/api/v1/users', { body: { username: v.username, fullName: v.fullName, password: v.password, title: optional(v.title), email: optional(v.email) } }));
            await qc.invalidateQueries({ queryKey: ['users'] });
      }}
    >
      {(error) => {
        const fe = (f: string) => fieldError(error, f);
        return (
          <>
          <TextInput label={m.admin.username} value={v.username} onChange={(e) => setV({ ...v, username: e.currentTarget.value })} required disabled={!!user} error={fe('username')} autoComplete="off" />
          <TextInput label={m.admin.fullName} value={v.fullName} onChange={(e) => setV({ ...v, fullName: e.currentTarget.value })} required error={fe('fullName')} />
          <TextInput label={m.admin.jobTitle} value={v.title} onChange={(e) => setV({ ...v, title: e.currentTarget.value })} error={fe('title')} />
          <TextInput label={m.admin.email} type="email" value={v.email} onChange={(e) => setV({ ...v, email: e.currentTarget.value })} error={fe('email')} />
          <PasswordInput label={m.admin.password} value={v.password} onChange={(e) => setV({ ...v, password: e.currentTarget.value })} required={!user} error={fe('password')} autoComplete="new-password" />
          {user && <Checkbox label={m.admin.active} checked={v.isActive} onChange={(e) => setV({ ...v, isActive: e.currentTarget.checked })} />}
          </>
        );
      }}
    </FormDialog>
  );
}

/** System administrator: user accounts. */
export function UsersPage() {
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const [dialog, setDialog] = useState<{ user?: User } | null>(null);
  const list = useCursorList(['users', query], (cursor) => call(api.GET('/api/v1/users', { params: { query: { q: query || undefined, cursor, limit: 50 } } })));
  const columns: Column<User>[] = [
    { header: m.admin.fullName, cell: (u) => u.fullName },
    { header: m.admin.username, cell: (u) => u.username },
    { header: m.admin.jobTitle, cell: (u) => u.title ?? '—', hideBelow: 'sm' },
    { header: m.admin.active, cell: (u) => (u.isActive ? m.app.yes : m.app.no), hideBelow: 'sm' },
    { header: m.history.at, cell: (u) => <DateText value={u.createdAt} />, hideBelow: 'md' },
    {
      header: m.app.actions,
      cell: (u) => (
        <Button size="xs" variant="light" onClick={() => setDialog({ user: u })} aria-label={`${m.app.edit} ${u.fullName}`}>
          {m.app.edit}
        </Button>
      ),
    },
  ];
  return (
    <Page title={m.admin.users} actions={<Button onClick={() => setDialog({})}>{m.admin.createUser}</Button>}>
      <TextInput label={m.app.search} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={360} />
      <PagedTable caption={m.admin.users} columns={columns} list={list} rowKey={(u) => u.id} />
      {dialog && <UserDialog user={dialog.user} onClose={() => setDialog(null)} />}
    </Page>
  );
}
