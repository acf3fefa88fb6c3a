import { Alert, Badge, Button, Group, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { FormDialog } from '../../components/FormDialog';
import { notifyError } from '../../components/notify';
import { Page } from '../../components/Page';
import { PasswordDialog } from '../../components/PasswordDialog';
import { fieldError, ProblemAlert } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';
import { fetchPdf } from '../../lib/files';
import { managementReviewRoute } from './routes';

type Review = Schemas['ManagementReviewView'];
type Decision = Schemas['DecisionView'];

/** The minutes PDF: asked, polled while the queue renders it (202), then opened. */
function MinutesPdfButton({ reviewId }: { reviewId: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      variant="light"
      loading={busy}
      onClick={async () => {
        setBusy(true);
        try {
          for (let i = 0; i < 30; i++) {
            const r = await fetchPdf(`/api/v1/management-reviews/${reviewId}/minutes?format=pdf`);
            if (r.status === 'ready') {
              window.open(r.url, '_blank', 'noopener');
              return;
            }
            await new Promise((ok) => setTimeout(ok, r.retryAfterMs));
          }
        } catch (err) {
          notifyError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      {m.quality.minutesPdf}
    </Button>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={4}>
      <Title order={3} size="h6">{title}</Title>
      {children}
    </Stack>
  );
}

function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <Table withRowBorders={false} w="auto">
      <Table.Tbody>
        {items.map(([k, v]) => (
          <Table.Tr key={k}>
            <Table.Td c="dimmed">{k}</Table.Td>
            <Table.Td>{v}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The inputs as the system collected them (§9.3.2). */
function Inputs({ inputs }: { inputs: Review['inputs'] }) {
  const f = inputs.audits.findings;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {m.quality.collectedAt}: <DateText value={inputs.collectedAt} format="datetime" />
      </Text>
      <Section title={m.quality.previousDecisions}>
        <DataTable<Schemas['PreviousDecisionView']>
          caption={m.quality.previousDecisions}
          rows={inputs.previousDecisions.items}
          rowKey={(x) => x.id}
          columns={[
            { header: m.quality.description, cell: (x) => x.description },
            { header: m.quality.responsible, cell: (x) => x.responsible.fullName, hideBelow: 'sm' },
            { header: m.quality.dueOn, cell: (x) => <DateText value={x.dueOn} /> },
            { header: m.quality.status, cell: (x) => (x.status === 'done' ? m.quality.done : x.overdue ? m.quality.overdue : m.quality.open) },
          ]}
        />
      </Section>
      <Section title={m.quality.objectivesInput}>
        <DataTable<Schemas['ObjectivesInputItem']>
          caption={m.quality.objectivesInput}
          rows={inputs.objectives.items}
          rowKey={(x) => x.documentId}
          columns={[
            { header: m.quality.objective, cell: (x) => `${x.code} — ${x.agencyName}` },
            { header: m.quality.count, cell: (x) => x.total },
            { header: m.quality.latestEvaluation, cell: (x) => (x.latestEvaluation ? `${x.latestEvaluation.period}: ${m.quality.achievedOf(x.latestEvaluation.achievedCount, x.latestEvaluation.total)}` : m.quality.notEvaluated) },
          ]}
        />
      </Section>
      <Section title={m.quality.auditsInput}>
        <Facts items={[[m.quality.count, inputs.audits.count], [m.quality.findings, `${f.nonconformity} / ${f.observation} / ${f.opportunity} / ${f.strength}`]]} />
      </Section>
      <Section title={m.quality.ncInput}>
        <Facts items={[[m.quality.openCount, inputs.nonconformities.open], [m.quality.overdue, inputs.nonconformities.overdue], [m.quality.closed, inputs.nonconformities.closed]]} />
      </Section>
      <Section title={m.quality.legalInput}>
        <DataTable<Schemas['LegalChangeInputItem']>
          caption={m.quality.legalInput}
          rows={inputs.legalChanges.items}
          rowKey={(x) => x.changeId}
          columns={[
            { header: m.quality.decisionNumber, cell: (x) => x.legalDocumentNumber },
            { header: m.quality.kind, cell: (x) => x.kind },
            { header: m.quality.openDrafts, cell: (x) => `${x.openDrafts}/${x.documents}` },
          ]}
        />
      </Section>
      <Section title={m.quality.dueInput}>
        <DataTable<Schemas['DocumentDueItem']>
          caption={m.quality.dueInput}
          rows={inputs.documentsDue.items}
          rowKey={(x) => x.documentId}
          columns={[
            { header: m.quality.objective, cell: (x) => `${x.code} — ${x.title}` },
            { header: m.quality.dueOn, cell: (x) => <DateText value={x.dueOn} /> },
          ]}
        />
      </Section>
      <Section title={m.quality.announcementInput}>
        <Text size="sm">
          {inputs.announcement.decisionNumber ? `${inputs.announcement.decisionNumber} (${inputs.announcement.signedOn})` : m.quality.noAnnouncement}
          {inputs.announcement.reannouncementDue && ` — ${m.quality.reannouncementDue}`}
        </Text>
      </Section>
    </Stack>
  );
}

function MinutesForm({ review }: { review: Review }) {
  const qc = useQueryClient();
  const [fields, setFields] = useState({ minutes: review.minutes ?? '', feedback: review.feedback ?? '', resources: review.resources ?? '', risks: review.risks ?? '' });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const area = (k: keyof typeof fields, label: string) => (
    <Textarea label={label} autosize minRows={2} value={fields[k]} onChange={(e) => { const v = e.currentTarget.value; setFields((f) => ({ ...f, [k]: v })); }} error={fieldError(error, k)} />
  );
  return (
    <Stack>
      {area('feedback', m.quality.feedback)}
      {area('resources', m.quality.resources)}
      {area('risks', m.quality.risks)}
      {area('minutes', m.quality.minutes)}
      <ProblemAlert error={error} shown={['minutes', 'feedback', 'resources', 'risks']} />
      <Group>
        <Button
          onClick={async () => {
            setError(null);
            setSaved(false);
            try {
              await call(api.PATCH('/api/v1/management-reviews/{id}', { params: { path: { id: review.id }, header: { 'If-Match': review.etag } }, body: fields }));
              await qc.invalidateQueries({ queryKey: ['management-review', review.id] });
              setSaved(true);
            } catch (err) {
              setError(err);
            }
          }}
        >
          {m.quality.saveMinutes}
        </Button>
        {saved && <Text size="sm" c="green">{m.quality.saved}</Text>}
      </Group>
    </Stack>
  );
}

function DecisionDialog({ review, onClose }: { review: Review; onClose: () => void }) {
  const qc = useQueryClient();
  const members = useQuery({ queryKey: ['agency', review.agencyId, 'members', 'all'], queryFn: () => call(api.GET('/api/v1/agencies/{id}/members', { params: { path: { id: review.agencyId }, query: { limit: 200 } } })) });
  const [kind, setKind] = useState<string | null>('improvement');
  const [description, setDescription] = useState('');
  const [responsibleUserId, setResponsible] = useState<string | null>(null);
  const [dueOn, setDueOn] = useState<string | null>(null);
  return (
    <FormDialog
      title={m.quality.addDecision}
      onClose={onClose}
      shown={['kind', 'description', 'responsibleUserId', 'dueOn']}
      onSubmit={async () => {
        await call(
          api.POST('/api/v1/management-reviews/{id}/decisions', {
            params: { path: { id: review.id } },
            body: { kind: (kind ?? 'improvement') as Decision['kind'], description, responsibleUserId: responsibleUserId ?? '', dueOn: dueOn ?? '' },
          }),
        );
        await qc.invalidateQueries({ queryKey: ['management-review', review.id] });
      }}
    >
      {(error) => (
        <Stack>
          <Select label={m.quality.kind} data={Object.entries(m.quality.kinds).map(([value, label]) => ({ value, label }))} value={kind} onChange={setKind} required error={fieldError(error, 'kind')} />
          <TextInput label={m.quality.description} value={description} onChange={(e) => setDescription(e.currentTarget.value)} required error={fieldError(error, 'description')} />
          <Select label={m.quality.responsible} data={(members.data?.items ?? []).map((x) => ({ value: x.userId, label: x.fullName }))} value={responsibleUserId} onChange={setResponsible} required searchable error={fieldError(error, 'responsibleUserId')} />
          <DateInput label={m.quality.dueOn} value={dueOn} onChange={setDueOn} valueFormat="DD/MM/YYYY" required error={fieldError(error, 'dueOn')} />
        </Stack>
      )}
    </FormDialog>
  );
}

/** One management review: inputs as collected, minutes, decisions, the chair's approval and the minutes PDF. */
export function ManagementReviewPage() {
  const { reviewId } = managementReviewRoute.useParams();
  const session = useSession()!;
  const qc = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [approving, setApproving] = useState(false);
  const q = useQuery({ queryKey: ['management-review', reviewId], queryFn: () => call(api.GET('/api/v1/management-reviews/{id}', { params: { path: { id: reviewId } } })) });
  return (
    <QueryView query={q}>
      {(review) => {
        const roles = session.user.memberships.find((x) => x.agencyId === review.agencyId)?.roles ?? [];
        const draft = review.state === 'draft';
        const mayPrepare = draft && roles.some((r) => ['iso_secretary', 'drafter', 'head'].includes(r));
        const isChair = draft && review.chair.id === session.user.id;
        return (
          <Page
            title={`${m.quality.tabReviews} ${review.year}`}
            description={
              <Group gap="xs">
                <Badge variant="light" color={draft ? 'yellow' : 'green'} style={{ textTransform: 'none' }}>{draft ? m.quality.stateDraft : m.quality.stateApproved}</Badge>
                <Text size="sm">
                  {m.quality.heldOn}: <DateText value={review.heldOn} /> — {m.quality.chair}: {review.capacity === 'deputy' ? `KT. ${review.chair.fullName}` : review.chair.fullName}
                </Text>
              </Group>
            }
            actions={
              <Group>
                <MinutesPdfButton reviewId={review.id} />
                {isChair && <Button onClick={() => setApproving(true)}>{m.quality.approve}</Button>}
              </Group>
            }
          >
            <Title order={2} size="h4">{m.quality.inputs}</Title>
            <Inputs inputs={review.inputs} />
            <Title order={2} size="h4">{m.quality.minutes}</Title>
            {mayPrepare ? (
              <MinutesForm key={review.etag} review={review} />
            ) : (
              <Stack gap={4}>
                {[review.feedback, review.resources, review.risks, review.minutes].map((t, i) => (
                  <Text key={i} size="sm" style={{ whiteSpace: 'pre-wrap' }}>{t ?? '—'}</Text>
                ))}
              </Stack>
            )}
            <Group justify="space-between">
              <Title order={2} size="h4">{m.quality.decisions}</Title>
              {mayPrepare && <Button size="xs" onClick={() => setAdding(true)}>{m.quality.addDecision}</Button>}
            </Group>
            <DataTable<Decision>
              caption={m.quality.decisions}
              rows={review.decisions}
              rowKey={(x) => x.id}
              columns={[
                { header: 'STT', cell: (x) => x.no },
                { header: m.quality.kind, cell: (x) => m.quality.kinds[x.kind] },
                { header: m.quality.description, cell: (x) => x.description },
                { header: m.quality.responsible, cell: (x) => x.responsible.fullName, hideBelow: 'sm' },
                { header: m.quality.dueOn, cell: (x) => <DateText value={x.dueOn} /> },
                {
                  header: m.quality.status,
                  cell: (x) =>
                    x.status === 'done' ? (
                      m.quality.done
                    ) : !draft && (x.responsible.id === session.user.id || roles.includes('iso_secretary')) ? (
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={async () => {
                          const note = window.prompt(m.quality.note);
                          if (!note) return;
                          try {
                            await call(api.POST('/api/v1/management-review-decisions/{id}/complete', { params: { path: { id: x.id } }, body: { note } }));
                            await qc.invalidateQueries({ queryKey: ['management-review', review.id] });
                          } catch (err) {
                            notifyError(err);
                          }
                        }}
                      >
                        {m.quality.complete}
                      </Button>
                    ) : (
                      m.quality.open
                    ),
                },
              ]}
            />
            {!draft && review.approvedAt && (
              <Alert color="green" variant="light">
                {m.quality.stateApproved}: {review.approvedBy?.fullName} — <DateText value={review.approvedAt} format="datetime" />
              </Alert>
            )}
            {adding && <DecisionDialog review={review} onClose={() => setAdding(false)} />}
            <PasswordDialog
              opened={approving}
              onClose={() => setApproving(false)}
              title={m.quality.approve}
              text={m.quality.approveText}
              confirmLabel={m.quality.approve}
              onConfirm={async (password) => {
                await call(api.POST('/api/v1/management-reviews/{id}/approve', { params: { path: { id: review.id } }, body: { password } }));
                await qc.invalidateQueries({ queryKey: ['management-review', review.id] });
              }}
            />
          </Page>
        );
      }}
    </QueryView>
  );
}
