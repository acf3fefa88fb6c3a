import { Alert, Button, Group, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable } from '../../components/DataTable';
import { FormDialog } from '../../components/FormDialog';
import { notify } from '../../components/notify';
import { Page } from '../../components/Page';
import { PasswordDialog } from '../../components/PasswordDialog';
import { fieldError, ProblemAlert } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';
import { agenciesWith, hasRole } from '../../lib/access';
import { formatDate, formatDateTime } from '../../lib/dates';
import { PdfButton, ReportStatusBadge } from './common';
import { reportRoute } from './routes';

type Report = Schemas['ReportView'];

const FIGURE_ORDER = [
  'proceduresInForce', 'tthcHandled', 'tthcCovered', 'documentsRevisedInPeriod', 'documentsOverdueReview', 'legalChangesApplied', 'legalChangesOutstanding', 'legalUpdatesOverdue',
  'objectivesIssued', 'objectivesTotal', 'objectivesMet', 'objectivesEvaluated', 'internalAuditsHeld', 'managementReviewsHeld',
  'nonconformitiesOpen', 'nonconformitiesClosed', 'nonconformitiesOverdue', 'actionsOverdue', 'acknowledgementsRequired', 'acknowledgementsDone', 'announced', 'announcedOn', 'reannouncementDue',
];

function figureRows(figures: Record<string, unknown>): { key: string; label: string; value: string }[] {
  const keys = [...FIGURE_ORDER.filter((k) => k in figures), ...Object.keys(figures).filter((k) => !FIGURE_ORDER.includes(k))];
  return keys.map((k) => {
    const v = figures[k];
    const value = k === 'announcedOn' ? (typeof v === 'string' ? formatDate(v) : '—') : String(v ?? 0);
    return { key: k, label: m.reports.labels[k] ?? k, value };
  });
}

/** The free text of a draft or returned report, saved with If-Match. */
function TextForm({ report, onSaved }: { report: Report; onSaved: () => void }) {
  const [form, setForm] = useState({ results: report.results ?? '', difficulties: report.difficulties ?? '', proposals: report.proposals ?? '', place: report.place });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setForm({ results: report.results ?? '', difficulties: report.difficulties ?? '', proposals: report.proposals ?? '', place: report.place }), [report.etag]);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await call(api.PATCH('/api/v1/reports/{id}', { params: { path: { id: report.id }, header: { 'If-Match': report.etag } }, body: form }));
          notify(m.reports.saved);
          onSaved();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <Stack>
        <TextInput label={m.reports.place} value={form.place} onChange={(e) => setForm({ ...form, place: e.currentTarget.value })} error={fieldError(error, 'place')} />
        <Textarea label={m.reports.results} value={form.results} onChange={(e) => setForm({ ...form, results: e.currentTarget.value })} error={fieldError(error, 'results')} autosize minRows={3} />
        <Textarea label={m.reports.difficulties} value={form.difficulties} onChange={(e) => setForm({ ...form, difficulties: e.currentTarget.value })} error={fieldError(error, 'difficulties')} autosize minRows={2} />
        <Textarea label={m.reports.proposals} value={form.proposals} onChange={(e) => setForm({ ...form, proposals: e.currentTarget.value })} error={fieldError(error, 'proposals')} autosize minRows={2} />
        <ProblemAlert error={error} shown={['place', 'results', 'difficulties', 'proposals']} />
        <Group>
          <Button type="submit" loading={busy}>
            {m.reports.save}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** A periodic report: the computed figures, the free text, signing and submission, return by the Sở, every submitted version, the PDF. */
export function ReportPage() {
  const { reportId } = reportRoute.useParams();
  const session = useSession()!;
  const qc = useQueryClient();
  const [submitting, setSubmitting] = useState(false);
  const [returning, setReturning] = useState(false);
  const [comment, setComment] = useState('');
  const report = useQuery({ queryKey: ['report', reportId], queryFn: () => call(api.GET('/api/v1/reports/{id}', { params: { path: { id: reportId }, query: {} } })) as Promise<Report> });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['report', reportId] });
  return (
    <QueryView query={report}>
      {(r) => {
        const writer = agenciesWith(session.user, ['head', 'deputy', 'iso_secretary']).some((a) => a.agencyId === r.agencyId);
        const signer = agenciesWith(session.user, ['head', 'deputy']).some((a) => a.agencyId === r.agencyId);
        const supervisor = hasRole(session.user, ['supervisor']);
        const editable = r.state !== 'submitted';
        return (
          <Page
            title={m.reports.report(r.period)}
            description={<ReportStatusBadge status={r.state === 'submitted' && r.late ? 'late' : r.state} />}
            actions={
              <>
                <PdfButton url={`/api/v1/reports/${r.id}?format=pdf`} filename={`bao-cao-${r.period}.pdf`} label={m.reports.pdf} />
                {editable && signer && <Button onClick={() => setSubmitting(true)}>{m.reports.submit}</Button>}
                {r.state === 'submitted' && supervisor && (
                  <Button color="red" variant="light" onClick={() => setReturning(true)}>
                    {m.reports.giveBack}
                  </Button>
                )}
              </>
            }
          >
            <Text size="sm">
              {m.reports.dueOn}: {formatDate(r.dueOn)}
              {r.late ? ` · ${m.reports.late}` : ''}
            </Text>
            <Title order={2} size="h4">
              {m.reports.figures}
            </Title>
            <Text size="sm" c="dimmed">
              {r.figuresFrozenAt ? m.reports.figuresFrozen(formatDateTime(r.figuresFrozenAt)) : m.reports.figuresLive}
            </Text>
            <DataTable
              caption={m.reports.figures}
              rows={figureRows(r.figures)}
              rowKey={(x) => x.key}
              minWidth={360}
              columns={[
                { header: m.reports.figure, cell: (x) => x.label },
                { header: m.reports.value, cell: (x) => x.value, width: 120 },
              ]}
            />
            {editable && writer ? (
              <TextForm report={r} onSaved={refresh} />
            ) : (
              <Stack gap="xs">
                {(
                  [
                    [m.reports.results, r.results],
                    [m.reports.difficulties, r.difficulties],
                    [m.reports.proposals, r.proposals],
                  ] as const
                ).map(([label, text]) => (
                  <Stack key={label} gap={0}>
                    <Text fw={600}>{label}</Text>
                    <Text style={{ whiteSpace: 'pre-wrap' }}>{text ?? '—'}</Text>
                  </Stack>
                ))}
              </Stack>
            )}
            {r.versions.length > 0 && (
              <>
                <Title order={2} size="h4">
                  {m.reports.versions}
                </Title>
                {r.versions.some((v) => v.returnComment) && r.state === 'returned' && <Alert color="red">{r.versions.at(-1)?.returnComment}</Alert>}
                <DataTable<Schemas['ReportVersionView']>
                  caption={m.reports.versions}
                  rows={r.versions}
                  rowKey={(v) => String(v.version)}
                  columns={[
                    { header: m.reports.version, cell: (v) => v.version },
                    { header: m.reports.number, cell: (v) => v.number },
                    { header: m.reports.signedBy, cell: (v) => `${v.signature.fullName}${v.signature.capacity === 'deputy' ? ` (${m.reports.deputy(v.signature.onBehalfOfName ?? '')})` : ''}` },
                    { header: m.reports.dueOn, cell: (v) => `${formatDateTime(v.submittedAt)}${v.late ? ` · ${m.reports.late}` : ''}`, hideBelow: 'sm' },
                    { header: m.reports.returnComment, cell: (v) => v.returnComment ?? '—', hideBelow: 'sm' },
                  ]}
                />
              </>
            )}
            <PasswordDialog
              opened={submitting}
              onClose={() => setSubmitting(false)}
              title={m.reports.submit}
              text={m.reports.submitText}
              confirmLabel={m.reports.submit}
              onConfirm={async (password) => {
                await call(api.POST('/api/v1/reports/{id}/submit', { params: { path: { id: r.id } }, body: { password } }));
                notify(m.reports.submitted);
                refresh();
              }}
            />
            {returning && (
              <FormDialog
                title={m.reports.giveBack}
                onClose={() => setReturning(false)}
                submitLabel={m.reports.giveBack}
                color="red"
                shown={['comment']}
                onSubmit={async () => {
                  await call(api.POST('/api/v1/reports/{id}/return', { params: { path: { id: r.id } }, body: { comment } }));
                  notify(m.reports.returned);
                  setComment('');
                  refresh();
                }}
              >
                {(error) => <Textarea label={m.reports.comment} value={comment} onChange={(e) => setComment(e.currentTarget.value)} error={fieldError(error, 'comment')} required autosize minRows={3} />}
              </FormDialog>
            )}
          </Page>
        );
      }}
    </QueryView>
  );
}
