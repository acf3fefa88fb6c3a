import { AnchorLink } from '../../components/Links';
import { Badge, Button, SegmentedControl, Stack, Text } from '@mantine/core';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { PagedTable, useCursorList, type Column } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { Page } from '../../components/Page';
import { StatusBadge } from '../../components/StatusBadge';
import { m } from '../../i18n';

type Task = Schemas['TaskView'];
type TaskKind = Task['kind'];
const KINDS: TaskKind[] = ['check', 'approve', 'returned', 'review_due', 'legal_change', 'approve_internal_audit', 'conduct_internal_audit', 'corrective_action', 'corrective_action_overdue', 'verify_nonconformity', 'submit_report', 'report_returned', 'tthc_change', 'read'];

/** Where a task is acted on: the revision for workflow steps, the document for flags. */
export function TaskLink({ task, children }: { task: Task; children: React.ReactNode }) {
  const toRevision = task.revisionId && ['check', 'approve', 'returned'].includes(task.kind);
  if (task.entityType === 'internal_audit') {
    return (
      <AnchorLink to="/danh-gia-noi-bo/$auditId" params={{ auditId: task.entityId }}>
        {children}
      </AnchorLink>
    );
  }
  if (task.entityType === 'nonconformity') {
    return (
      <AnchorLink to="/khong-phu-hop/$ncId" params={{ ncId: task.entityId }}>
        {children}
      </AnchorLink>
    );
  }
  if (task.kind === 'read' && task.revisionId) {
    return (
      <AnchorLink to="/xac-nhan-doc/$revisionId" params={{ revisionId: task.revisionId }}>
        {children}
      </AnchorLink>
    );
  }
  if (task.entityType === 'periodic_report') {
    return (
      <AnchorLink to="/bao-cao/$reportId" params={{ reportId: task.entityId }}>
        {children}
      </AnchorLink>
    );
  }
  return toRevision ? (
    <AnchorLink to="/ban/$revisionId" params={{ revisionId: task.revisionId! }}>
      {children}
    </AnchorLink>
  ) : task.documentId ? (
    <AnchorLink to="/tai-lieu/$documentId" params={{ documentId: task.documentId }}>
      {children}
    </AnchorLink>
  ) : (
    <>{children}</>
  );
}

/** Everyone signed in: what waits for me (checks, approvals, returned drafts, flags). */
export function TasksPage() {
  const search = useSearch({ strict: false }) as { kind?: string };
  const navigate = useNavigate();
  const kind = KINDS.includes(search.kind as TaskKind) ? (search.kind as TaskKind) : undefined;
  const list = useCursorList(['me', 'tasks', kind ?? 'all'], (cursor) => call(api.GET('/api/v1/me/tasks', { params: { query: { kind, cursor, limit: 50 } } })));
  const columns: Column<Task>[] = [
    {
      header: m.nav.tasks,
      cell: (t) => (
        <Badge variant="light" radius="sm" style={{ textTransform: 'none' }} color={t.kind === 'approve' ? 'orange' : t.kind === 'returned' ? 'red' : 'blue'}>
          {m.tasks.kinds[t.kind]}
        </Badge>
      ),
    },
    {
      header: m.documents.title,
      cell: (t) => (
        <Stack gap={2}>
          <TaskLink task={t}>
            {t.code ? `${t.code} — ` : ''}
            {t.title}
          </TaskLink>
          {t.comment && (
            <Text size="xs" c="dimmed">
              {m.revision.comment}: {t.comment}
            </Text>
          )}
          {t.reason && (
            <Text size="xs" c="dimmed">
              {t.reason}
            </Text>
          )}
        </Stack>
      ),
    },
    { header: m.documents.state, cell: (t) => <StatusBadge state={t.state} />, hideBelow: 'sm' },
    { header: m.tasks.since, cell: (t) => <DateText value={t.since} format="datetime" />, hideBelow: 'sm' },
    { header: m.tasks.due, cell: (t) => <DateText value={t.dueOn} /> },
    {
      header: m.app.actions,
      cell: (t) => (
        <TaskLink task={t}>
          <Button component="span" size="xs" variant="light">
            {m.tasks.open}
          </Button>
        </TaskLink>
      ),
    },
  ];
  return (
    <Page title={kind === 'approve' ? m.tasks.approvals : m.tasks.title}>
      <SegmentedControl
        aria-label={m.documents.type}
        value={kind ?? ''}
        onChange={(v) => navigate({ to: '/cong-viec', search: v ? { kind: v } : {} })}
        data={[{ value: '', label: m.app.all }, ...KINDS.map((k) => ({ value: k, label: m.tasks.kinds[k] }))]}
        style={{ flexWrap: 'wrap' }}
      />
      <PagedTable caption={m.tasks.title} columns={columns} list={list} rowKey={(t) => `${t.kind}:${t.revisionId ?? t.flagId ?? t.documentId ?? t.entityId}`} empty={m.tasks.none} />
    </Page>
  );
}
