import { AnchorLink, ButtonLink } from '../../components/Links';
import { Alert, Button, Card, Group, Stack, Tabs, Text, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError, call } from '../../api/client';
import type { DocumentType, Revision } from '../../api/types';
import { useSession } from '../../auth/session';
import { notify } from '../../components/notify';
import { Page } from '../../components/Page';
import { fieldError, ProblemAlert } from '../../components/ProblemAlert';
import { ErrorAlert, Loading } from '../../components/QueryState';
import { StatusBadge } from '../../components/StatusBadge';
import { m } from '../../i18n';
import { rolesIn } from '../../lib/access';
import { formatDateLong } from '../../lib/dates';
import { objectivesForSave, procedureForSave, type Content, type ObjectivesContent, type ProcedureContent } from './editor/content';
import { FileBasedEditor, ObjectivesEditor, PolicyEditor } from './editor/OtherEditors';
import { ProcedureEditor } from './editor/ProcedureEditor';
import { FilesPanel } from './revision/FilesPanel';
import { RenditionPreview } from './revision/RenditionPreview';
import { SignOffs } from './revision/SignOffs';
import { WorkflowActions } from './revision/WorkflowActions';
import { revisionRoute } from './routes';

const FILE_BASED: DocumentType[] = ['form', 'manual', 'decision', 'other'];

interface Draft {
  etag: string;
  version: number;
  content: Content;
  changeSummary: string;
  dirty: boolean;
}

const fromRevision = (r: Revision): Draft => ({ etag: r.etag, version: r.version, content: r.content as Content, changeSummary: r.changeSummary ?? '', dirty: false });

function contentForSave(type: DocumentType, c: Content): Content {
  if (type === 'procedure') return procedureForSave(c as ProcedureContent);
  if (type === 'quality_objectives') return objectivesForSave(c as ObjectivesContent);
  return c;
}

function ContentEditor({ type, draft, setContent, error, readOnly }: { type: DocumentType; draft: Draft; setContent: (c: Content) => void; error: unknown; readOnly: boolean }) {
  const props = { value: draft.content as never, onChange: setContent as never, error, readOnly };
  switch (type) {
    case 'procedure':
      return <ProcedureEditor {...props} />;
    case 'quality_policy':
      return <PolicyEditor {...props} />;
    case 'quality_objectives':
      return <ObjectivesEditor {...props} />;
    default:
      return <FileBasedEditor {...props} />;
  }
}

/**
 * One revision: the editor while it is a draft (drafter, ISO secretary: save with If-Match,
 * upload files, submit), the check (ISO secretary), the approval with the controlled-copy preview
 * (head, deputy KT.), read-only for everyone else who may read it.
 */
export function RevisionPage() {
  const { revisionId } = revisionRoute.useParams();
  const session = useSession();
  const qc = useQueryClient();
  const revision = useQuery({ queryKey: ['revision', revisionId], queryFn: () => call(api.GET('/api/v1/revisions/{id}', { params: { path: { id: revisionId } } })) });
  const documentId = revision.data?.documentId;
  const document = useQuery({
    queryKey: ['document', documentId],
    queryFn: () => call(api.GET('/api/v1/documents/{id}', { params: { path: { id: documentId! } } })),
    enabled: !!documentId,
  });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);

  const rev = revision.data;
  useEffect(() => {
    if (rev && (!draft || (!draft.dirty && draft.version !== rev.version) || draft.etag === '')) setDraft(fromRevision(rev));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rev?.id, rev?.version]);

  if (revision.isPending || (revision.isSuccess && document.isPending)) return <Loading />;
  if (revision.isError) return <ErrorAlert error={revision.error} />;
  if (document.isError) return <ErrorAlert error={document.error} />;
  if (!rev || !draft) return <Loading />;
  const doc = document.data!;
  const me = session!.user;
  const roles = rolesIn(me, rev.agencyId);
  const isDraft = rev.state === 'draft';
  const canEdit = isDraft && roles.some((r) => r === 'drafter' || r === 'iso_secretary');
  const canSubmit = isDraft && (rev.authorId === me.id || roles.includes('iso_secretary'));
  const checkerId = rev.signOffs.find((s) => s.meaning === 'checked' && s.valid)?.userId;
  const canCheck = rev.state === 'in_review' && roles.includes('iso_secretary') && rev.authorId !== me.id;
  const canApprove = rev.state === 'pending_approval' && roles.some((r) => r === 'head' || r === 'deputy') && rev.authorId !== me.id && checkerId !== me.id;
  const number = rev.number === null ? '—' : String(rev.number).padStart(2, '0');

  const update = (r: Revision) => {
    qc.setQueryData(['revision', r.id], r);
    setDraft(fromRevision(r));
    void qc.invalidateQueries({ queryKey: ['document', r.documentId] });
    void qc.invalidateQueries({ queryKey: ['me'] });
    void qc.invalidateQueries({ queryKey: ['documents'] });
  };

  const save = async (): Promise<boolean> => {
    setError(null);
    try {
      const r = await call(
        api.PATCH('/api/v1/revisions/{id}', {
          params: { path: { id: rev.id }, header: { 'If-Match': draft.etag } },
          body: { content: contentForSave(doc.type, draft.content), changeSummary: draft.changeSummary.trim() ? draft.changeSummary : null },
        }),
      );
      update(r);
      return true;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 412 || err.status === 428)) setConflict(true);
      else setError(err);
      return false;
    }
  };

  const submit = async () => {
    setBusy('submit');
    try {
      if (draft.dirty && !(await save())) return;
      const r = await call(api.POST('/api/v1/revisions/{id}/submit', { params: { path: { id: rev.id } } }));
      update(r);
      notify(m.revision.submitted);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const reloadLatest = async () => {
    const r = await revision.refetch();
    if (r.data) setDraft(fromRevision(r.data));
    setConflict(false);
    setError(null);
  };

  const shownFields = ['changeSummary'];
  const rulesFailed = error instanceof ApiError && error.status === 422;

  return (
    <Page
      title={m.revision.title(doc.code, number)}
      description={
        <Group gap="xs" wrap="wrap">
          <StatusBadge state={rev.state} />
          <Text size="sm">{doc.title}</Text>
          {rev.effectiveFrom && <Text size="sm" c="dimmed">· {m.revision.effectiveFrom}: {formatDateLong(rev.effectiveFrom)}</Text>}
        </Group>
      }
      actions={
        <>
          <ButtonLink to="/tai-lieu/$documentId" params={{ documentId: doc.id }} variant="default">
            {m.documents.open} {doc.code}
          </ButtonLink>
          {rev.basedOnRevisionId && (
            <ButtonLink to="/ban/$revisionId/so-sanh" params={{ revisionId: rev.id }} search={{ voi: rev.basedOnRevisionId }} variant="default">
              {m.revision.diff}
            </ButtonLink>
          )}
        </>
      }
    >
      {conflict && (
        <Alert color="orange" title={m.revision.conflictTitle} role="alert" data-testid="conflict">
          <Stack gap="xs">
            <Text size="sm">{m.revision.conflictText}</Text>
            <Group>
              <Button size="xs" onClick={reloadLatest}>
                {m.revision.conflictReload}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {rev.state === 'draft' && !canEdit && <Alert color="gray">{m.revision.notYours}</Alert>}
      {(canCheck || canApprove) && (
        <Card withBorder>
          <Stack gap="xs">
            <Title order={2} size="h4">
              {canApprove ? m.tasks.kinds.approve : m.tasks.kinds.check}
            </Title>
            <WorkflowActions revision={rev} canCheck={canCheck} canApprove={canApprove} onDone={update} />
          </Stack>
        </Card>
      )}
      <Tabs defaultValue={canApprove ? 'preview' : 'content'} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="content">{m.revision.content}</Tabs.Tab>
          <Tabs.Tab value="files">
            {m.revision.files} ({rev.files.length})
          </Tabs.Tab>
          <Tabs.Tab value="preview">{m.revision.preview}</Tabs.Tab>
          <Tabs.Tab value="signoffs">{m.revision.signOffs}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="content" pt="md">
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              setBusy('save');
              if (await save()) notify(m.revision.saved);
              setBusy(null);
            }}
          >
            <Stack>
              {rulesFailed && <ProblemAlert error={error} shown={shownFields} />}
              {error != null && !rulesFailed && <ProblemAlert error={error} shown={shownFields} />}
              <ContentEditor type={doc.type} draft={draft} readOnly={!canEdit} error={error} setContent={(content) => setDraft({ ...draft, content, dirty: true })} />
              <Textarea
                label={m.revision.changeSummary}
                description={m.revision.changeSummaryHint}
                autosize
                minRows={2}
                value={draft.changeSummary}
                onChange={(e) => setDraft({ ...draft, changeSummary: e.currentTarget.value, dirty: true })}
                readOnly={!canEdit}
                error={fieldError(error, 'changeSummary')}
              />
              {canEdit && (
                <Group gap="xs" wrap="wrap" style={{ position: 'sticky', bottom: 0, background: 'var(--mantine-color-body)', padding: '8px 0' }}>
                  <Button type="submit" loading={busy === 'save'} disabled={!draft.dirty}>
                    {m.revision.save}
                  </Button>
                  {canSubmit && (
                    <Button variant="filled" color="green" onClick={submit} loading={busy === 'submit'}>
                      {m.revision.submit}
                    </Button>
                  )}
                  <Text size="sm" c="dimmed" role="status" aria-live="polite">
                    {draft.dirty ? m.revision.unsaved : ''}
                  </Text>
                </Group>
              )}
            </Stack>
          </form>
        </Tabs.Panel>
        <Tabs.Panel value="files" pt="md">
          <FilesPanel revision={rev} editable={canEdit} requiresSource={FILE_BASED.includes(doc.type)} />
          {fieldError(error, 'files') && (
            <Text c="red" size="sm" role="alert" mt="xs">
              {fieldError(error, 'files')}
            </Text>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="preview" pt="md">
          <RenditionPreview revision={rev} />
        </Tabs.Panel>
        <Tabs.Panel value="signoffs" pt="md">
          <SignOffs revision={rev} />
          <AnchorLink to="/tai-lieu/$documentId/lich-su" params={{ documentId: doc.id }} size="sm" mt="sm" display="block">
            {m.documents.history}
          </AnchorLink>
        </Tabs.Panel>
      </Tabs>
    </Page>
  );
}
