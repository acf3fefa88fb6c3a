import { Button, Card, Checkbox, Group, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable, type Column } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { FormDialog } from '../../components/FormDialog';
import { AnchorLink } from '../../components/Links';
import { notify } from '../../components/notify';
import { Page } from '../../components/Page';
import { PasswordDialog } from '../../components/PasswordDialog';
import { fieldError, ProblemAlert } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';
import { rolesIn } from '../../lib/access';
import { todayInVietnam } from '../../lib/dates';
import { useDocumentOptions, useMembers } from './members';
import { OverdueBadge, RecordBadge } from './RecordBadge';
import { nonconformityRoute } from './routes';

type Nc = Schemas['NonconformityView'];
type Action = Schemas['CorrectiveActionView'];

/** The corrective action form: what, who (a member of the agency), by when, which document changes. */
function ActionDialog({ nc, onClose }: { nc: Nc; onClose: () => void }) {
  const qc = useQueryClient();
  const [description, setDescription] = useState('');
  const [responsibleUserId, setResponsible] = useState<string | null>(null);
  const [dueOn, setDueOn] = useState<string | null>(todayInVietnam());
  const [documentId, setDocumentId] = useState<string | null>(nc.documentId);
  const members = useMembers(nc.agencyId);
  const docOptions = useDocumentOptions(nc.agencyId);
  return (
    <FormDialog
      title={m.improvement.addAction}
      onClose={onClose}
      size="lg"
      submitLabel={m.improvement.addAction}
      shown={['description', 'responsibleUserId', 'dueOn', 'documentId', 'rootCause']}
      onSubmit={async () => {
        await call(
          api.POST('/api/v1/nonconformities/{id}/actions', {
            params: { path: { id: nc.id } },
            body: { description, responsibleUserId: responsibleUserId ?? '', dueOn: dueOn ?? '', documentId: documentId ?? undefined },
          }),
        );
        await qc.invalidateQueries({ queryKey: ['nonconformity', nc.id] });
      }}
    >
      {(error) => {
        const fe = (f: string) => fieldError(error, f);
        return (
          <>
            <Textarea label={m.improvement.action} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} required error={fe('description')} />
            <Group grow align="flex-start" wrap="wrap">
              <Select
                label={m.improvement.responsible}
                data={(members.data?.items ?? []).map((u) => ({ value: u.userId, label: u.fullName }))}
                value={responsibleUserId}
                onChange={setResponsible}
                searchable
                required
                error={fe('responsibleUserId')}
                miw={200}
              />
              <TextInput type="date" label={m.improvement.dueOn} value={dueOn ?? ''} onChange={(e) => setDueOn(e.currentTarget.value || null)} required error={fe('dueOn')} miw={150} />
            </Group>
            <Select
              label={m.improvement.actionDocument}
              description={m.improvement.actionDocumentHint}
              data={docOptions}
              value={documentId}
              onChange={setDocumentId}
              searchable
              clearable
              allowDeselect={false}
              error={fe('documentId')}
            />
          </>
        );
      }}
    </FormDialog>
  );
}

/** Correction and root cause, saved with If-Match. */
function AnalysisCard({ nc, mayWrite }: { nc: Nc; mayWrite: boolean }) {
  const qc = useQueryClient();
  const [correction, setCorrection] = useState(nc.correction ?? '');
  const [rootCause, setRootCause] = useState(nc.rootCause ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const editable = mayWrite && nc.state !== 'closed';
  return (
    <Card withBorder>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await call(
              api.PATCH('/api/v1/nonconformities/{id}', {
                params: { path: { id: nc.id }, header: { 'If-Match': nc.etag } },
                body: { correction: correction.trim() || null, rootCause: rootCause.trim() || null },
              }),
            );
            await qc.invalidateQueries({ queryKey: ['nonconformity', nc.id] });
            notify(m.app.saved);
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          <Title order={2} size="h4">
            {m.improvement.analysis}
          </Title>
          <Textarea label={m.improvement.correction} value={correction} onChange={(e) => setCorrection(e.currentTarget.value)} autosize minRows={2} readOnly={!editable} error={fieldError(error, 'correction')} />
          <Textarea label={m.improvement.rootCause} value={rootCause} onChange={(e) => setRootCause(e.currentTarget.value)} autosize minRows={2} readOnly={!editable} error={fieldError(error, 'rootCause')} />
          {error != null && <ProblemAlert error={error} shown={['correction', 'rootCause']} />}
          {editable && (
            <Group justify="flex-end">
              <Button type="submit" loading={busy}>
                {m.app.save}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}

/** One nonconformity: analysis, corrective actions (and their completion), verification. */
export function NonconformityPage() {
  const { ncId } = nonconformityRoute.useParams();
  const session = useSession()!;
  const qc = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [completing, setCompleting] = useState<Action | null>(null);
  const [evidence, setEvidence] = useState('');
  const [verifying, setVerifying] = useState(false);
  const [effective, setEffective] = useState(true);
  const [comment, setComment] = useState('');
  const query = useQuery({ queryKey: ['nonconformity', ncId], queryFn: () => call(api.GET('/api/v1/nonconformities/{id}', { params: { path: { id: ncId } } })) });
  return (
    <QueryView query={query}>
      {(nc) => {
        const roles = rolesIn(session.user, nc.agencyId);
        const mayWrite = roles.some((r) => ['head', 'deputy', 'iso_secretary', 'drafter'].includes(r));
        const responsible = nc.actions.some((a) => a.responsibleUserId === session.user.id);
        const mayVerify = nc.state === 'awaiting_verification' && roles.some((r) => r === 'auditor' || r === 'iso_secretary') && !responsible;
        const columns: Column<Action>[] = [
          { header: m.improvement.action, cell: (a) => a.description },
          { header: m.improvement.responsible, cell: (a) => a.responsibleName ?? '—' },
          {
            header: m.improvement.dueOn,
            cell: (a) => (
              <Group gap={4}>
                <DateText value={a.dueOn} />
                {a.overdue && <OverdueBadge />}
              </Group>
            ),
          },
          {
            header: m.improvement.actionDocument,
            cell: (a) =>
              a.documentId ? (
                <AnchorLink to="/tai-lieu/$documentId" params={{ documentId: a.documentId }}>
                  {m.improvement.document}
                </AnchorLink>
              ) : (
                '—'
              ),
            hideBelow: 'md',
          },
          {
            header: m.improvement.state,
            cell: (a) =>
              a.state === 'complete' ? (
                <Stack gap={0}>
                  <Text size="sm" c="green">
                    {m.improvement.done}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {a.evidence}
                  </Text>
                </Stack>
              ) : a.responsibleUserId === session.user.id && nc.state !== 'closed' ? (
                <Button size="xs" onClick={() => setCompleting(a)}>
                  {m.improvement.complete}
                </Button>
              ) : (
                '—'
              ),
          },
        ];
        return (
          <Page
            title={`${nc.code} — ${m.improvement.nc}`}
            description={
              <Group gap={6}>
                <RecordBadge kind="nc" state={nc.state} />
                {nc.overdue && <OverdueBadge />}
              </Group>
            }
            actions={
              <>
                {mayWrite && nc.state !== 'closed' && <Button onClick={() => setAdding(true)}>{m.improvement.addAction}</Button>}
                {mayVerify && <Button onClick={() => setVerifying(true)}>{m.improvement.verify}</Button>}
              </>
            }
          >
            <Card withBorder>
              <Stack gap={4}>
                <Text>{nc.description}</Text>
                <Text size="sm" c="dimmed">
                  {m.improvement.source}: {m.improvement.sources[nc.source]} · {m.improvement.severity}: {m.improvement.severities[nc.severity]}
                  {nc.clause ? ` · ${m.improvement.clause}: ${nc.clause}` : ''} · {m.improvement.opened}: <DateText value={nc.createdAt} />
                </Text>
                {nc.sourceRef?.kind === 'internal_audit' && (
                  <AnchorLink to="/danh-gia-noi-bo/$auditId" params={{ auditId: nc.sourceRef.id }}>
                    {m.improvement.audits}
                  </AnchorLink>
                )}
              </Stack>
            </Card>
            <AnalysisCard key={nc.etag} nc={nc} mayWrite={mayWrite} />
            <Title order={2} size="h4">
              {m.improvement.actions}
            </Title>
            <DataTable caption={m.improvement.actions} columns={columns} rows={nc.actions} rowKey={(a) => a.id} empty={m.improvement.none} />
            {nc.verifications.length > 0 && (
              <>
                <Title order={2} size="h4">
                  {m.improvement.verifications}
                </Title>
                {nc.verifications.map((v) => (
                  <Text key={v.id} size="sm">
                    <strong>{v.effective ? m.improvement.effectiveYes : m.improvement.effectiveNo}</strong> — {v.comment} ({v.verifierName}, <DateText value={v.verifiedAt} format="datetime" />)
                  </Text>
                ))}
              </>
            )}
            {adding && <ActionDialog nc={nc} onClose={() => setAdding(false)} />}
            {completing && (
              <FormDialog
                title={m.improvement.completeTitle}
                onClose={() => setCompleting(null)}
                submitLabel={m.improvement.complete}
                shown={['evidence']}
                onSubmit={async () => {
                  await call(api.POST('/api/v1/corrective-actions/{id}/complete', { params: { path: { id: completing.id } }, body: { evidence } }));
                  await qc.invalidateQueries({ queryKey: ['nonconformity', nc.id] });
                }}
              >
                {(error) => (
                  <>
                    <Text size="sm">{completing.description}</Text>
                    <TextInput label={m.improvement.evidence} value={evidence} onChange={(e) => setEvidence(e.currentTarget.value)} required error={fieldError(error, 'evidence')} />
                  </>
                )}
              </FormDialog>
            )}
            <PasswordDialog
              opened={verifying}
              onClose={() => setVerifying(false)}
              title={m.improvement.verify}
              text={m.improvement.verifyText}
              confirmLabel={m.improvement.verify}
              fieldNames={['effective', 'comment']}
              renderFields={(error) => (
                <>
                  <Checkbox label={m.improvement.effective} checked={effective} onChange={(e) => setEffective(e.currentTarget.checked)} />
                  <Textarea label={m.improvement.comment} value={comment} onChange={(e) => setComment(e.currentTarget.value)} autosize minRows={2} required error={fieldError(error, 'comment')} />
                </>
              )}
              onConfirm={async (password) => {
                await call(api.POST('/api/v1/nonconformities/{id}/verify', { params: { path: { id: nc.id } }, body: { effective, comment, password } }));
                await qc.invalidateQueries({ queryKey: ['nonconformity', nc.id] });
              }}
            />
          </Page>
        );
      }}
    </QueryView>
  );
}
