import { Badge, Button, Group, Select, Stack, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { notifyError } from '../../components/notify';
import { Page } from '../../components/Page';
import { fieldError } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';
import { agenciesWith } from '../../lib/access';
import { startOfVietnamDay, todayInVietnam } from '../../lib/dates';
import { FormDialog } from '../../components/FormDialog';

type Delegation = Schemas['DelegationView'];

function CreateDialog({ agencyId, onClose }: { agencyId: string; onClose: () => void }) {
  const qc = useQueryClient();
  const session = useSession()!;
  const members = useQuery({ queryKey: ['agency', agencyId, 'members', 'all'], queryFn: () => call(api.GET('/api/v1/agencies/{id}/members', { params: { path: { id: agencyId }, query: { limit: 200 } } })) });
  const [fromUserId, setFrom] = useState<string | null>(session.user.id);
  const [toUserId, setTo] = useState<string | null>(null);
  const [validFrom, setValidFrom] = useState<string | null>(todayInVietnam());
  const [validTo, setValidTo] = useState<string | null>(null);
  const heads = (members.data?.items ?? []).filter((x) => x.roles.includes('head'));
  const deputies = (members.data?.items ?? []).filter((x) => x.roles.includes('deputy'));
  return (
    <FormDialog
      title={m.delegations.create} onClose={onClose} submitLabel={m.delegations.create} shown={['fromUserId', 'toUserId', 'validFrom', 'validTo']}
      onSubmit={async () => {
            await call(
              api.POST('/api/v1/agencies/{id}/delegations', {
                params: { path: { id: agencyId } },
                body: { fromUserId: fromUserId ?? '', toUserId: toUserId ?? '', validFrom: validFrom ? startOfVietnamDay(validFrom) : '', validTo: validTo ? `${validTo}T23:59:59+07:00` : '' },
              }),
            );
            await qc.invalidateQueries({ queryKey: ['delegations', agencyId] });
      }}
    >
      {(error) => {
                return (
          <>
          <Select label={m.delegations.from} data={heads.map((x) => ({ value: x.userId, label: x.fullName }))} value={fromUserId} onChange={setFrom} required error={fieldError(error, 'fromUserId')} />
          <Select label={m.delegations.to} data={deputies.map((x) => ({ value: x.userId, label: x.fullName }))} value={toUserId} onChange={setTo} required error={fieldError(error, 'toUserId')} />
          <Group grow wrap="wrap" align="flex-start">
            <DateInput label={m.delegations.validFrom} value={validFrom} onChange={setValidFrom} valueFormat="DD/MM/YYYY" required error={fieldError(error, 'validFrom')} miw={150} />
            <DateInput label={m.delegations.validTo} value={validTo} onChange={setValidTo} valueFormat="DD/MM/YYYY" required error={fieldError(error, 'validTo')} miw={150} />
          </Group>
          </>
        );
      }}
    </FormDialog>
  );
}

function AgencyDelegations({ agencyId, agencyName, mayCreate }: { agencyId: string; agencyName: string; mayCreate: boolean }) {
  const qc = useQueryClient();
  const [creating, setCreating] = useState(false);
  const list = useQuery({ queryKey: ['delegations', agencyId], queryFn: () => call(api.GET('/api/v1/agencies/{id}/delegations', { params: { path: { id: agencyId } } })) });
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={2} size="h4">
          {agencyName}
        </Title>
        {mayCreate && <Button onClick={() => setCreating(true)}>{m.delegations.create}</Button>}
      </Group>
      <QueryView query={list}>
        {(d) => (
          <DataTable<Delegation>
            caption={`${m.delegations.title} — ${agencyName}`}
            rows={d.items}
            rowKey={(x) => x.id}
            columns={[
              { header: m.delegations.from, cell: (x) => x.fromUserName },
              { header: m.delegations.to, cell: (x) => x.toUserName },
              { header: m.delegations.validFrom, cell: (x) => <DateText value={x.validFrom} /> },
              { header: m.delegations.validTo, cell: (x) => <DateText value={x.validTo} /> },
              { header: m.documents.state, cell: (x) => <Badge color={x.active ? 'green' : 'gray'} variant="light" style={{ textTransform: 'none' }}>{x.active ? m.delegations.active : x.revokedAt ? m.delegations.revoked : m.delegations.expired}</Badge> },
              {
                header: m.app.actions,
                cell: (x) =>
                  mayCreate && x.active && !x.revokedAt ? (
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      onClick={async () => {
                        try {
                          await call(api.DELETE('/api/v1/agencies/{id}/delegations/{delegationId}', { params: { path: { id: agencyId, delegationId: x.id } } }));
                          await qc.invalidateQueries({ queryKey: ['delegations', agencyId] });
                        } catch (err) {
                          notifyError(err);
                        }
                      }}
                    >
                      {m.delegations.revoke}
                    </Button>
                  ) : null,
              },
            ]}
          />
        )}
      </QueryView>
      {creating && <CreateDialog agencyId={agencyId} onClose={() => setCreating(false)} />}
    </Stack>
  );
}

/** Heads: "KT." delegations to their deputies; deputies see what they hold. */
export function DelegationsPage() {
  const session = useSession()!;
  const agencies = agenciesWith(session.user, ['head', 'deputy']);
  return (
    <Page title={m.delegations.title}>
      {agencies.map((a) => (
        <AgencyDelegations key={a.agencyId} agencyId={a.agencyId} agencyName={a.agencyName} mayCreate={a.roles.includes('head') || session.user.isAdmin} />
      ))}
    </Page>
  );
}
