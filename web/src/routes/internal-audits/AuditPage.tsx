import { Alert, Button, Card, Checkbox, Group, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { useSession } from '../../auth/session';
import { DataTable, type Column } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { DownloadButton } from '../../components/DownloadButton';
import { FormDialog } from '../../components/FormDialog';
import { AnchorLink } from '../../components/Links';
import { notify, notifyError } from '../../components/notify';
import { Page } from '../../components/Page';
import { PasswordDialog } from '../../components/PasswordDialog';
import { fieldError } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';
import { rolesIn } from '../../lib/access';
import { useDocumentOptions } from './members';
import { ISO_CLAUSES, RecordBadge } from './RecordBadge';
import { auditRoute } from './routes';

type Audit = Schemas['InternalAuditView'];
type Finding = Schemas['AuditFindingView'];
const KINDS = ['nonconformity', 'observation', 'opportunity', 'strength'] as const;

/** The auditor's checklist: one finding at a time, by clause, with its evidence. */
function FindingDialog({ audit, onClose }: { audit: Audit; onClose: () => void }) {
  const qc = useQueryClient();
  const [kind, setKind] = useState<(typeof KINDS)[number]>('observation');
  const [clause, setClause] = useState<string | null>(null);
  const [description, setDescription] = useState('');
  const [evidence, setEvidence] = useState('');
  const [documentId, setDocumentId] = useState<string | null>(null);
  const [severity, setSeverity] = useState<'major' | 'minor'>('minor');
  const docOptions = useDocumentOptions(audit.agencyId);
  return (
    <FormDialog
      title={m.improvement.addFinding}
      onClose={onClose}
      size="lg"
      submitLabel={m.improvement.addFinding}
      shown={['kind', 'clause', 'description', 'evidence', 'documentId', 'severity']}
      onSubmit={async () => {
        await call(
          api.POST('/api/v1/internal-audits/{id}/findings', {
            params: { path: { id: audit.id } },
            body: { kind, clause: (clause ?? '') as Schemas['AddFindingRequest']['clause'], description, evidence: evidence.trim() || undefined, documentId: documentId ?? undefined, severity },
          }),
        );
        await qc.invalidateQueries({ queryKey: ['internal-audit', audit.id] });
        notify(m.app.saved);
      }}
    >
      {(error) => {
        const fe = (f: string) => fieldError(error, f);
        return (
          <>
            <Group grow align="flex-start" wrap="wrap">
              <Select label={m.improvement.kind} data={KINDS.map((k) => ({ value: k, label: m.improvement.findingKinds[k] }))} value={kind} onChange={(v) => setKind((v ?? 'observation') as (typeof KINDS)[number])} allowDeselect={false} error={fe('kind')} miw={180} />
              <Select label={m.improvement.clause} data={ISO_CLAUSES.map((c) => ({ value: c, label: c }))} value={clause} onChange={setClause} searchable required error={fe('clause')} miw={140} />
              {kind === 'nonconformity' && (
                <Select label={m.improvement.severity} data={(['minor', 'major'] as const).map((s) => ({ value: s, label: m.improvement.severities[s] }))} value={severity} onChange={(v) => setSeverity((v ?? 'minor') as 'major' | 'minor')} allowDeselect={false} error={fe('severity')} miw={120} />
              )}
            </Group>
            <Textarea label={m.improvement.description} value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={3} required error={fe('description')} />
            <Textarea label={m.improvement.evidence} value={evidence} onChange={(e) => setEvidence(e.currentTarget.value)} autosize minRows={2} error={fe('evidence')} />
            <Select
              label={m.improvement.document}
              data={docOptions}
              value={documentId}
              onChange={setDocumentId}
              searchable
              clearable
              error={fe('documentId')}
            />
          </>
        );
      }}
    </FormDialog>
  );
}

/** One internal audit: the plan and its approval, the findings checklist, the report. */
export function AuditPage() {
  const { auditId } = auditRoute.useParams();
  const session = useSession()!;
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<'approve' | 'finding' | 'report' | null>(null);
  const [summary, setSummary] = useState('');
  const [conclusion, setConclusion] = useState('');
  const [noFindings, setNoFindings] = useState(false);
  const audit = useQuery({ queryKey: ['internal-audit', auditId], queryFn: () => call(api.GET('/api/v1/internal-audits/{id}', { params: { path: { id: auditId } } })) });
  const refresh = () => qc.invalidateQueries({ queryKey: ['internal-audit', auditId] });
  return (
    <QueryView query={audit}>
      {(a) => {
        const roles = rolesIn(session.user, a.agencyId);
        const isLead = a.leadAuditorId === session.user.id;
        const onTeam = a.auditors.some((x) => x.userId === session.user.id);
        const mayApprove = a.state === 'planned' && roles.some((r) => r === 'head' || r === 'deputy');
        const columns: Column<Finding>[] = [
          { header: '#', cell: (f) => f.no, width: 40 },
          { header: m.improvement.clause, cell: (f) => f.clause, width: 90 },
          { header: m.improvement.kind, cell: (f) => m.improvement.findingKinds[f.kind] },
          {
            header: m.improvement.description,
            cell: (f) => (
              <Stack gap={2}>
                <Text size="sm">{f.description}</Text>
                {f.evidence && (
                  <Text size="xs" c="dimmed">
                    {m.improvement.evidence}: {f.evidence}
                  </Text>
                )}
              </Stack>
            ),
          },
          {
            header: m.improvement.nc,
            cell: (f) =>
              f.nonconformityId ? (
                <Group gap={6}>
                  <AnchorLink to="/khong-phu-hop/$ncId" params={{ ncId: f.nonconformityId }}>
                    {f.nonconformityCode}
                  </AnchorLink>
                  {f.nonconformityState && <RecordBadge kind="nc" state={f.nonconformityState} />}
                </Group>
              ) : (
                '—'
              ),
          },
          { header: m.improvement.auditor, cell: (f) => f.auditorName, hideBelow: 'md' },
        ];
        return (
          <Page
            title={a.title}
            description={<RecordBadge kind="audit" state={a.state} />}
            actions={
              <>
                {mayApprove && <Button onClick={() => setDialog('approve')}>{m.improvement.approve}</Button>}
                {isLead && a.state === 'approved' && (
                  <Button
                    onClick={async () => {
                      try {
                        await call(api.POST('/api/v1/internal-audits/{id}/start', { params: { path: { id: a.id } } }));
                        await refresh();
                      } catch (err) {
                        notifyError(err);
                      }
                    }}
                  >
                    {m.improvement.start}
                  </Button>
                )}
                {onTeam && a.state === 'in_progress' && <Button onClick={() => setDialog('finding')}>{m.improvement.addFinding}</Button>}
                {isLead && a.state === 'in_progress' && (
                  <Button variant="light" onClick={() => setDialog('report')}>
                    {m.improvement.report}
                  </Button>
                )}
                {(a.state === 'reported' || a.state === 'closed') && (
                  <DownloadButton variant="default" url={`/api/v1/internal-audits/${a.id}/report?format=pdf`} filename={`Báo cáo đánh giá nội bộ năm ${a.year}.pdf`}>
                    {m.improvement.reportPdf}
                  </DownloadButton>
                )}
              </>
            }
          >
            <Card withBorder>
              <Stack gap={4}>
                <Text size="sm">
                  <strong>{m.improvement.plannedFrom}:</strong> <DateText value={a.plannedFrom} /> — <DateText value={a.plannedTo} />
                </Text>
                <Text size="sm">
                  <strong>{m.improvement.criteria}:</strong> {a.criteria}
                </Text>
                <Text size="sm">
                  <strong>{m.improvement.lead}:</strong> {a.auditors.find((x) => x.lead)?.fullName}
                  {a.auditors.length > 1 && ` · ${m.improvement.auditors}: ${a.auditors.filter((x) => !x.lead).map((x) => x.fullName).join(', ')}`}
                </Text>
                {a.scope.units.length > 0 && <Text size="sm">{a.scope.units.join('; ')}</Text>}
                {a.scope.processes.length > 0 && <Text size="sm">{a.scope.processes.join('; ')}</Text>}
                {a.approval && (
                  <Text size="sm" c="teal">
                    {m.improvement.approvedBy(a.approval.fullName, a.approval.role === 'deputy')} · <DateText value={a.approval.at} format="datetime" />
                  </Text>
                )}
              </Stack>
            </Card>
            <Title order={2} size="h4" mt="md">
              {m.improvement.findings}
            </Title>
            <DataTable caption={m.improvement.findings} columns={columns} rows={a.findings} rowKey={(f) => f.id} empty={m.improvement.none} />
            {a.conclusion && (
              <Alert color="blue" title={m.improvement.conclusion} mt="md">
                <Stack gap={4}>
                  {a.summary && <Text size="sm">{a.summary}</Text>}
                  <Text size="sm">{a.conclusion}</Text>
                </Stack>
              </Alert>
            )}
            {dialog === 'finding' && <FindingDialog audit={a} onClose={() => setDialog(null)} />}
            <PasswordDialog
              opened={dialog === 'approve'}
              onClose={() => setDialog(null)}
              title={m.improvement.approve}
              text={m.improvement.approveText}
              confirmLabel={m.improvement.approve}
              onConfirm={async (password) => {
                await call(api.POST('/api/v1/internal-audits/{id}/approve', { params: { path: { id: a.id } }, body: { password } }));
                await refresh();
              }}
            />
            <PasswordDialog
              opened={dialog === 'report'}
              onClose={() => setDialog(null)}
              title={m.improvement.report}
              text={m.improvement.reportText}
              confirmLabel={m.improvement.report}
              fieldNames={['summary', 'conclusion', 'noFindings']}
              renderFields={(error) => (
                <>
                  <Textarea label={m.improvement.summary} value={summary} onChange={(e) => setSummary(e.currentTarget.value)} autosize minRows={3} required error={fieldError(error, 'summary')} />
                  <Textarea label={m.improvement.conclusion} value={conclusion} onChange={(e) => setConclusion(e.currentTarget.value)} autosize minRows={3} required error={fieldError(error, 'conclusion')} />
                  {a.findings.length === 0 && <Checkbox label={m.improvement.noFindings} checked={noFindings} onChange={(e) => setNoFindings(e.currentTarget.checked)} error={fieldError(error, 'noFindings')} />}
                </>
              )}
              onConfirm={async (password) => {
                await call(api.POST('/api/v1/internal-audits/{id}/report', { params: { path: { id: a.id } }, body: { summary, conclusion, password, noFindings: a.findings.length === 0 ? noFindings : undefined } }));
                await refresh();
              }}
            />
          </Page>
        );
      }}
    </QueryView>
  );
}
