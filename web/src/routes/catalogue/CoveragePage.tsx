import { Button, Group, Select, Stack, Text, Textarea } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable } from '../../components/DataTable';
import { AnchorLink } from '../../components/Links';
import { notify } from '../../components/notify';
import { Page } from '../../components/Page';
import { ProblemAlert } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';
import { m } from '../../i18n';
import { agenciesWith, DRAFTING_ROLES, isAdmin } from '../../lib/access';

type Item = Schemas['TthcCoverageItem'];

/** Which TTHC of an agency have a procedure in force; "create the procedure" from a missing one. */
export function CoveragePage() {
  const session = useSession()!;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const agencies = session.user.memberships;
  const [agencyId, setAgencyId] = useState<string | null>(agencies[0]?.agencyId ?? null);
  const [error, setError] = useState<unknown>(null);
  const [codes, setCodes] = useState<string | null>(null);
  const coverage = useQuery({
    queryKey: ['tthc', 'coverage', agencyId],
    enabled: !!agencyId,
    queryFn: () => call(api.GET('/api/v1/agencies/{id}/tthc-coverage', { params: { path: { id: agencyId! } } })),
  });
  const drafting = agenciesWith(session.user, DRAFTING_ROLES).some((x) => x.agencyId === agencyId);
  const declaring = isAdmin(session.user) || agenciesWith(session.user, ['iso_secretary', 'supervisor']).some((x) => x.agencyId === agencyId);
  const create = async (t: Item) => {
    setError(null);
    try {
      const d = await call(
        api.POST('/api/v1/documents', { body: { agencyId: agencyId!, type: 'procedure', reviewIntervalMonths: 12, code: `QT.TTHC-${t.code}`, title: `Quy trình ${t.name.charAt(0).toLowerCase()}${t.name.slice(1)}`.slice(0, 500), tthcCode: t.code } }),
      );
      notify(m.catalogue.created);
      await navigate({ to: '/tai-lieu/$documentId', params: { documentId: d.id } });
    } catch (err) {
      setError(err);
    }
  };
  const save = async () => {
    setError(null);
    try {
      const list = (codes ?? '').split(/[\s,;]+/).filter(Boolean);
      await call(api.PUT('/api/v1/agencies/{id}/tthc', { params: { path: { id: agencyId! } }, body: { codes: list } }));
      notify(m.catalogue.declared);
      setCodes(null);
      await qc.invalidateQueries({ queryKey: ['tthc', 'coverage', agencyId] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Page title={m.catalogue.coverageTitle}>
      <Group align="flex-end" wrap="wrap">
        <Select label={m.catalogue.agency} data={agencies.map((x) => ({ value: x.agencyId, label: x.agencyName }))} value={agencyId} onChange={setAgencyId} allowDeselect={false} w={320} />
        {declaring && codes === null && (
          <Button variant="light" onClick={() => setCodes((coverage.data?.items ?? []).map((i) => i.code).join('\n'))}>
            {m.catalogue.declare}
          </Button>
        )}
      </Group>
      {codes !== null && (
        <Stack gap="xs">
          <Textarea label={m.catalogue.declare} description={m.catalogue.declareHint} autosize minRows={4} value={codes} onChange={(e) => setCodes(e.currentTarget.value)} />
          <Group>
            <Button onClick={save}>{m.app.save}</Button>
            <Button variant="subtle" onClick={() => setCodes(null)}>
              {m.app.cancel}
            </Button>
          </Group>
        </Stack>
      )}
      {error != null && <ProblemAlert error={error} />}
      <QueryView query={coverage}>
        {(c) => (
          <Stack gap="xs">
            <Text fw={600}>{m.catalogue.covered(c.covered, c.total)}</Text>
            <DataTable<Item>
              caption={m.catalogue.coverageTitle}
              rows={c.items}
              rowKey={(i) => i.code}
              minWidth={560}
              columns={[
                { header: m.catalogue.code, cell: (i) => <strong>{i.code}</strong>, width: 110 },
                { header: m.catalogue.name, cell: (i) => i.name },
                {
                  header: m.catalogue.procedure,
                  cell: (i) =>
                    i.documentId ? (
                      <Group gap={6}>
                        <AnchorLink to="/tai-lieu/$documentId" params={{ documentId: i.documentId }}>
                          {i.documentCode}
                        </AnchorLink>
                        {i.state && <StatusBadge state={i.state} />}
                      </Group>
                    ) : drafting ? (
                      <Button size="xs" onClick={() => create(i)} aria-label={`${m.catalogue.create} ${i.code}`}>
                        {m.catalogue.create}
                      </Button>
                    ) : (
                      m.catalogue.none
                    ),
                },
              ]}
            />
          </Stack>
        )}
      </QueryView>
    </Page>
  );
}
