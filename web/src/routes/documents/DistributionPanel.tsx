import { Button, Card, Group, MultiSelect, Progress, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useAllAgencies } from '../../api/agencies';
import { api, ApiError, call } from '../../api/client';
import type { Role, Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { FormDialog } from '../../components/FormDialog';
import { ButtonLink } from '../../components/Links';
import { notify } from '../../components/notify';
import { m } from '../../i18n';

type Doc = Schemas['DocumentDetailView'];

/** Roles a distribution may name, in the order an ISO secretary thinks of them. */
const READER_ROLES: Role[] = ['staff', 'drafter', 'iso_secretary', 'deputy', 'head', 'auditor'];

/**
 * Who must read a document (roles in the document's agency or agencies below it), how many are
 * asked now, and — for those who follow acknowledgements — the acknowledged share of the revision
 * in force with a link to who is missing. The ISO secretary changes it here.
 */
export function DistributionPanel({ doc, mayManage, followsReading }: { doc: Doc; mayManage: boolean; followsReading: boolean }) {
  const qc = useQueryClient();
  const session = useSession();
  const ownName = session?.user.memberships.find((x) => x.agencyId === doc.agencyId)?.agencyName;
  const [editing, setEditing] = useState(false);
  const [roles, setRoles] = useState<string[]>([]);
  const [agencyIds, setAgencyIds] = useState<string[]>([]);
  const distribution = useQuery({
    queryKey: ['distribution', doc.id],
    queryFn: () => call(api.GET('/api/v1/documents/{id}/distribution', { params: { path: { id: doc.id } } })),
  });
  const current = doc.currentRevision;
  const acknowledgements = useQuery({
    queryKey: ['acknowledgements', current?.id],
    enabled: followsReading && !!current,
    retry: false,
    queryFn: () => call(api.GET('/api/v1/revisions/{id}/acknowledgements', { params: { path: { id: current!.id } } })),
  });
  const agencies = useAllAgencies(editing || (distribution.data?.agencyIds.length ?? 0) > 0);
  const byId = new Map((agencies.data ?? []).map((a) => [a.id, a]));
  // The document's agency and those below it (by their parents), as far as the user sees them.
  const below = (agencies.data ?? []).filter((a) => {
    for (let x: typeof a | undefined = a; x; x = x.parentId ? byId.get(x.parentId) : undefined) if (x.id === doc.agencyId) return true;
    return false;
  });
  const agencyOptions = below.length ? below.map((a) => ({ value: a.id, label: a.name })) : [{ value: doc.agencyId, label: ownName ?? doc.agencyId }];
  const d = distribution.data;
  if (!d || (!mayManage && d.roles.length === 0)) return null;
  const ack = acknowledgements.data;
  const share = ack && ack.required > 0 ? Math.round((100 * ack.acknowledged) / ack.required) : null;

  return (
    <Card withBorder>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h4">
            {m.reading.distribution}
          </Title>
          {mayManage && !doc.withdrawnAt && (
            <Button
              size="xs"
              variant="light"
              onClick={() => {
                setRoles(d.roles);
                setAgencyIds(d.agencyIds.length ? d.agencyIds : [doc.agencyId]);
                setEditing(true);
              }}
            >
              {m.reading.setDistribution}
            </Button>
          )}
        </Group>
        {d.roles.length === 0 ? (
          <Text size="sm">{m.reading.noDistribution}</Text>
        ) : (
          <>
            <Text size="sm">
              {m.reading.rolesLine(d.roles.map((r) => m.roles[r] ?? r).join(', '))}
            </Text>
            <Text size="sm">{m.reading.agenciesLine(d.agencyIds.map((id) => byId.get(id)?.name ?? (id === doc.agencyId ? ownName : undefined) ?? '…').join('; '))}</Text>
            <Text size="sm">{m.reading.asked(d.asked)}</Text>
          </>
        )}
        {ack && current && (
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              {m.reading.required(ack.acknowledged, ack.required)}
            </Text>
            {share !== null && <Progress value={share} aria-label={m.reading.share(share)} />}
            <Group>
              <ButtonLink to="/xac-nhan-doc/$revisionId" params={{ revisionId: current.id }} size="xs" variant="default">
                {m.reading.whoRead}
              </ButtonLink>
            </Group>
          </Stack>
        )}
      </Stack>
      <FormDialog
        opened={editing}
        title={m.reading.setDistribution}
        onClose={() => setEditing(false)}
        shown={['roles', 'agencyIds']}
        hideError={(e) => e instanceof ApiError && e.code === 'distribution_invalid'}
        onSubmit={async () => {
          const view = await call(api.PUT('/api/v1/documents/{id}/distribution', { params: { path: { id: doc.id } }, body: { roles: roles as Role[], agencyIds } }));
          qc.setQueryData(['distribution', doc.id], view);
          await qc.invalidateQueries({ queryKey: ['acknowledgements'] });
          notify(m.reading.distributionSaved(view.asked));
        }}
      >
        {(error) => {
          const agencyError = error instanceof ApiError ? (error.field('agencyIds') ?? error.fieldsUnder('agencyIds')[0]?.message) : undefined;
          return (
            <Stack>
              <MultiSelect
                label={m.reading.roles}
                description={m.reading.rolesHint}
                data={READER_ROLES.map((r) => ({ value: r, label: m.roles[r] }))}
                value={roles}
                onChange={setRoles}
                error={error instanceof ApiError ? error.field('roles') : undefined}
              />
              <MultiSelect label={m.reading.agencies} description={m.reading.agenciesHint} data={agencyOptions} value={agencyIds} onChange={setAgencyIds} searchable error={agencyError} />
            </Stack>
          );
        }}
      </FormDialog>
    </Card>
  );
}
