import { AnchorLink, ButtonLink } from '../../components/Links';
import { Alert, Button, Card, Stack, Text, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable, PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { notify, notifyError } from '../../components/notify';
import { Page } from '../../components/Page';
import { PasswordDialog } from '../../components/PasswordDialog';
import { fieldError } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';
import { m } from '../../i18n';
import { AUDIT_READERS, DRAFTING_ROLES, rolesIn } from '../../lib/access';
import { formatDate } from '../../lib/dates';
import { DistributionPanel } from './DistributionPanel';
import { CurrentFileButtons } from './InForcePage';
import { documentRoute } from './routes';

type Flag = Schemas['FlagView'];
type RevisionSummary = Schemas['RevisionSummaryView'];

function FlagAlert({ flag }: { flag: Flag }) {
  const title = (m.flags[flag.kind] as string | undefined) ?? flag.kind;
  const todo = (m.flags[`${flag.kind}_todo`] as string | undefined) ?? (m.flags.other_todo as string);
  return (
    <Alert color="orange" title={title}>
      <Stack gap={4}>
        <Text size="sm">{flag.reason}</Text>
        <Text size="sm" fw={600}>
          {todo}
        </Text>
        {flag.dueOn && <Text size="sm">{(m.flags.due as (d: string) => string)(formatDate(flag.dueOn))}</Text>}
      </Stack>
    </Alert>
  );
}

/** A document: what is in force (one-click downloads), flags and what to do, revisions, forms. */
export function DocumentPage() {
  const { documentId } = documentRoute.useParams();
  const session = useSession()!;
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [withdrawing, setWithdrawing] = useState(false);
  const [reason, setReason] = useState('');
  const document = useQuery({ queryKey: ['document', documentId], queryFn: () => call(api.GET('/api/v1/documents/{id}', { params: { path: { id: documentId } } })) });
  const roles = document.data ? rolesIn(session.user, document.data.agencyId) : [];
  const readsDrafts = roles.some((r) => AUDIT_READERS.includes(r));
  const revisions = useCursorList(
    ['document', documentId, 'revisions'],
    (cursor) => call(api.GET('/api/v1/documents/{id}/revisions', { params: { path: { id: documentId }, query: { cursor } } })),
    readsDrafts,
  );
  const forms = useQuery({
    queryKey: ['documents', 'forms', documentId],
    queryFn: () => call(api.GET('/api/v1/documents', { params: { query: { procedureId: documentId, limit: 200 } } })),
    enabled: document.data?.type === 'procedure',
  });

  return (
    <QueryView query={document}>
      {(doc) => {
        const mayDraft = roles.some((r) => DRAFTING_ROLES.includes(r));
        const mayWithdraw = roles.some((r) => r === 'head' || r === 'deputy') && !doc.withdrawnAt && !!doc.currentRevision;
        const revisionColumns: Column<RevisionSummary>[] = [
          {
            header: m.documents.revision,
            cell: (r) => (
              <AnchorLink to="/ban/$revisionId" params={{ revisionId: r.id }}>
                {r.number === null ? '—' : String(r.number).padStart(2, '0')}
              </AnchorLink>
            ),
          },
          { header: m.documents.state, cell: (r) => <StatusBadge state={r.state} /> },
          { header: m.revision.changeSummary, cell: (r) => r.changeSummary ?? '—', hideBelow: 'sm' },
          { header: m.revision.author, cell: (r) => r.authorName ?? '—', hideBelow: 'md' },
          { header: m.documents.effectiveAt, cell: (r) => <DateText value={r.effectiveAt} /> },
        ];
        return (
          <Page
            title={`${doc.code} — ${doc.title}`}
            description={<Text size="sm" c="dimmed">{m.types[doc.type]}{doc.tthcCode ? ` · ${m.public.tthc(doc.tthcCode)}` : ''}</Text>}
            actions={
              <>
                {readsDrafts && (
                  <ButtonLink to="/tai-lieu/$documentId/lich-su" params={{ documentId: doc.id }} variant="default">
                    {m.documents.history}
                  </ButtonLink>
                )}
                {doc.openDraft && readsDrafts && (
                  <ButtonLink to="/ban/$revisionId" params={{ revisionId: doc.openDraft.id }}>
                    {m.documents.gotoDraft}
                  </ButtonLink>
                )}
                {mayDraft && !doc.openDraft && !doc.withdrawnAt && doc.currentRevision && (
                  <Button
                    onClick={async () => {
                      try {
                        const r = await call(api.POST('/api/v1/documents/{id}/revisions', { params: { path: { id: doc.id } }, body: {} }));
                        await navigate({ to: '/ban/$revisionId', params: { revisionId: r.id } });
                      } catch (err) {
                        notifyError(err);
                      }
                    }}
                  >
                    {m.documents.openDraft}
                  </Button>
                )}
                {mayWithdraw && (
                  <Button color="red" variant="light" onClick={() => setWithdrawing(true)}>
                    {m.documents.withdraw}
                  </Button>
                )}
              </>
            }
          >
            {doc.withdrawnAt && <Alert color="red">{m.documents.withdrawn(formatDate(doc.withdrawnAt))}{doc.withdrawnReason ? `: ${doc.withdrawnReason}` : ''}</Alert>}
            {doc.flags.length > 0 && (
              <Stack gap="xs">
                <Title order={2} size="h4">
                  {m.documents.flags}
                </Title>
                {doc.flags.map((f) => (
                  <FlagAlert key={f.id} flag={f} />
                ))}
              </Stack>
            )}
            <Card withBorder>
              <Stack gap="xs">
                <Title order={2} size="h4">
                  {m.documents.current}
                </Title>
                {doc.currentRevision ? (
                  <>
                    <Text size="sm">
                      {m.documents.revision} {String(doc.currentRevision.number).padStart(2, '0')} · {m.documents.effectiveAt}: <DateText value={doc.currentRevision.effectiveAt} format="long" />
                    </Text>
                    <CurrentFileButtons doc={doc} />
                    <AnchorLink to="/ban/$revisionId" params={{ revisionId: doc.currentRevision.id }} size="sm">
                      {m.revision.content}
                    </AnchorLink>
                  </>
                ) : (
                  <Text size="sm">{m.documents.noCurrent}</Text>
                )}
              </Stack>
            </Card>
            <DistributionPanel doc={doc} mayManage={roles.includes('iso_secretary')} followsReading={readsDrafts} />
            {doc.type === 'procedure' && forms.data && forms.data.items.length > 0 && (
              <Stack gap="xs">
                <Title order={2} size="h4">
                  {m.documents.forms}
                </Title>
                <DataTable
                  caption={m.documents.forms}
                  rows={forms.data.items}
                  rowKey={(f) => f.id}
                  minWidth={420}
                  columns={[
                    { header: m.documents.code, cell: (f) => f.code },
                    { header: m.documents.title, cell: (f) => <AnchorLink to="/tai-lieu/$documentId" params={{ documentId: f.id }}>{f.title}</AnchorLink> },
                    { header: m.app.download, cell: (f) => (f.currentRevision ? <CurrentFileButtons doc={f} compact /> : '—') },
                  ]}
                />
              </Stack>
            )}
            {readsDrafts && (
              <Stack gap="xs">
                <Title order={2} size="h4">
                  {m.documents.revisions}
                </Title>
                <PagedTable caption={m.documents.revisions} columns={revisionColumns} list={revisions} rowKey={(r) => r.id} />
              </Stack>
            )}
            <PasswordDialog
              opened={withdrawing}
              onClose={() => setWithdrawing(false)}
              title={m.documents.withdraw}
              confirmLabel={m.documents.withdraw}
              color="red"
              fieldNames={['reason']}
              renderFields={(error) => <Textarea label={m.documents.withdrawReason} value={reason} onChange={(e) => setReason(e.currentTarget.value)} required error={fieldError(error, 'reason')} />}
              onConfirm={async (password) => {
                await call(api.POST('/api/v1/documents/{id}/withdraw', { params: { path: { id: doc.id } }, body: { reason, password } }));
                notify(m.app.saved);
                await qc.invalidateQueries({ queryKey: ['document', doc.id] });
              }}
            />
          </Page>
        );
      }}
    </QueryView>
  );
}
