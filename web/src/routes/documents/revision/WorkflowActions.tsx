import { Button, Group, SegmentedControl, Textarea } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useState } from 'react';
import { api, call } from '../../../api/client';
import type { Revision } from '../../../api/types';
import { notify } from '../../../components/notify';
import { PasswordDialog } from '../../../components/PasswordDialog';
import { FormDialog } from '../../../components/FormDialog';
import { fieldError } from '../../../components/ProblemAlert';
import { m } from '../../../i18n';
import { todayInVietnam } from '../../../lib/dates';

/** A dialog with one comment (check, return), its errors next to the fields. */
function CommentDialog({
  opened,
  onClose,
  title,
  withDecision,
  onSubmit,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  withDecision?: boolean;
  onSubmit: (v: { decision: 'approve' | 'return'; comment: string }) => Promise<unknown>;
}) {
  const [decision, setDecision] = useState<'approve' | 'return'>(withDecision ? 'approve' : 'return');
  const [comment, setComment] = useState('');
  return (
    <FormDialog
      opened={opened}
      onClose={onClose}
      title={title}
      submitLabel={m.app.confirm}
      color={decision === 'return' ? 'orange' : undefined}
      shown={['comment']}
      onSubmit={async () => {
        await onSubmit({ decision, comment });
        setComment('');
      }}
    >
      {(error) => (
        <>
          {withDecision && (
            <SegmentedControl
              aria-label={m.revision.check}
              value={decision}
              onChange={(v) => setDecision(v as 'approve' | 'return')}
              data={[
                { value: 'approve', label: m.revision.checkApprove },
                { value: 'return', label: m.revision.checkReturn },
              ]}
            />
          )}
          <Textarea label={m.revision.comment} value={comment} onChange={(e) => setComment(e.currentTarget.value)} autosize minRows={3} required={decision === 'return'} error={fieldError(error, 'comment')} data-autofocus />
        </>
      )}
    </FormDialog>
  );
}

/** Check (ISO secretary), approve with password and effective date, or return (head, deputy KT.). */
export function WorkflowActions({ revision, canCheck, canApprove, onDone }: { revision: Revision; canCheck: boolean; canApprove: boolean; onDone: (r: Revision) => void }) {
  const [dialog, setDialog] = useState<'check' | 'approve' | 'return' | null>(null);
  const [effectiveFrom, setEffectiveFrom] = useState<string | null>(todayInVietnam());
  const path = { params: { path: { id: revision.id } } };
  return (
    <>
      <Group gap="xs" wrap="wrap">
        {canCheck && <Button onClick={() => setDialog('check')}>{m.revision.check}</Button>}
        {canApprove && (
          <>
            <Button color="green" onClick={() => setDialog('approve')}>
              {m.revision.approve}
            </Button>
            <Button variant="light" color="orange" onClick={() => setDialog('return')}>
              {m.revision.return}
            </Button>
          </>
        )}
      </Group>
      <CommentDialog
        opened={dialog === 'check'}
        onClose={() => setDialog(null)}
        title={m.revision.check}
        withDecision
        onSubmit={async (v) => {
          const r = await call(api.POST('/api/v1/revisions/{id}/review', { ...path, body: { decision: v.decision, comment: v.comment || undefined } }));
          notify(m.revision.checked);
          onDone(r);
        }}
      />
      <CommentDialog
        opened={dialog === 'return'}
        onClose={() => setDialog(null)}
        title={m.revision.returnTitle}
        onSubmit={async (v) => {
          const r = await call(api.POST('/api/v1/revisions/{id}/return', { ...path, body: { comment: v.comment } }));
          notify(m.revision.returned);
          onDone(r);
        }}
      />
      <PasswordDialog
        opened={dialog === 'approve'}
        onClose={() => setDialog(null)}
        title={m.revision.approveTitle}
        text={m.revision.approveText}
        confirmLabel={m.revision.approve}
        color="green"
        fieldNames={['effectiveFrom']}
        renderFields={(error) => (
          <DateInput
            label={m.revision.effectiveFrom}
            description={m.revision.effectiveFromHint}
            value={effectiveFrom}
            onChange={setEffectiveFrom}
            minDate={todayInVietnam()}
            valueFormat="DD/MM/YYYY"
            clearable
            error={fieldError(error, 'effectiveFrom')}
          />
        )}
        onConfirm={async (password) => {
          const r = await call(api.POST('/api/v1/revisions/{id}/approve', { ...path, body: { password, effectiveFrom: effectiveFrom ?? undefined } }));
          notify(m.revision.approved);
          onDone(r);
        }}
      />
    </>
  );
}
