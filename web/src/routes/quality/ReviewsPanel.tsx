import { Badge, Button, Group, Select, Stack, Textarea, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { Schemas } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { DateText } from '../../components/DateText';
import { FormDialog } from '../../components/FormDialog';
import { fieldError } from '../../components/ProblemAlert';
import { QueryView } from '../../components/QueryState';
import { m } from '../../i18n';
import { todayInVietnam } from '../../lib/dates';
import { nameTitleLines } from './lines';

type Item = Schemas['ManagementReviewListItem'];

function CreateReviewDialog({ agencyId, year, onClose }: { agencyId: string; year: number; onClose: () => void }) {
  const navigate = useNavigate();
  const members = useQuery({ queryKey: ['agency', agencyId, 'members', 'all'], queryFn: () => call(api.GET('/api/v1/agencies/{id}/members', { params: { path: { id: agencyId }, query: { limit: 200 } } })) });
  const chairs = (members.data?.items ?? []).filter((x) => x.roles.includes('head') || x.roles.includes('deputy'));
  const [chairUserId, setChair] = useState<string | null>(null);
  const [heldOn, setHeldOn] = useState<string | null>(todayInVietnam());
  const [attendees, setAttendees] = useState('');
  return (
    <FormDialog
      title={m.quality.newReview}
      onClose={onClose}
      shown={['heldOn', 'chairUserId', 'attendees', 'year']}
      onSubmit={async () => {
        const review = await call(api.POST('/api/v1/management-reviews', { body: { agencyId, year, heldOn: heldOn ?? '', chairUserId: chairUserId ?? '', attendees: nameTitleLines(attendees) } }));
        await navigate({ to: '/ho-so-chat-luong/hop-xem-xet/$reviewId', params: { reviewId: review.id } });
      }}
    >
      {(error) => (
        <Stack>
          <DateInput label={m.quality.heldOn} value={heldOn} onChange={setHeldOn} valueFormat="DD/MM/YYYY" required error={fieldError(error, 'heldOn') ?? fieldError(error, 'year')} />
          <Select label={m.quality.chair} data={chairs.map((x) => ({ value: x.userId, label: x.fullName }))} value={chairUserId} onChange={setChair} required error={fieldError(error, 'chairUserId')} />
          <Textarea label={m.quality.attendees} autosize minRows={3} value={attendees} onChange={(e) => setAttendees(e.currentTarget.value)} error={fieldError(error, 'attendees')} />
        </Stack>
      )}
    </FormDialog>
  );
}

/** The agency's management reviews of the year. */
export function ReviewsPanel({ agencyId, year, mayPrepare }: { agencyId: string; year: number; mayPrepare: boolean }) {
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const q = useQuery({ queryKey: ['management-reviews', agencyId, year], queryFn: () => call(api.GET('/api/v1/management-reviews', { params: { query: { agencyId, year, limit: 200 } } })) });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3} size="h5">{m.quality.reviews}</Title>
        {mayPrepare && <Button size="xs" onClick={() => setCreating(true)}>{m.quality.newReview}</Button>}
      </Group>
      <QueryView query={q}>
        {(d) => (
          <DataTable<Item>
            caption={m.quality.reviews}
            rows={d.items}
            rowKey={(x) => x.id}
            columns={[
              { header: m.quality.heldOn, cell: (x) => <DateText value={x.heldOn} /> },
              { header: m.quality.chair, cell: (x) => x.chair.fullName },
              { header: m.quality.status, cell: (x) => <Badge variant="light" color={x.state === 'approved' ? 'green' : 'yellow'} style={{ textTransform: 'none' }}>{x.state === 'approved' ? m.quality.stateApproved : m.quality.stateDraft}</Badge> },
              { header: m.quality.decisionsCount, cell: (x) => x.decisions, hideBelow: 'sm' },
              { header: m.app.actions, cell: (x) => <Button size="xs" variant="subtle" onClick={() => navigate({ to: '/ho-so-chat-luong/hop-xem-xet/$reviewId', params: { reviewId: x.id } })}>{m.quality.open}</Button> },
            ]}
          />
        )}
      </QueryView>
      {creating && <CreateReviewDialog agencyId={agencyId} year={year} onClose={() => setCreating(false)} />}
    </Stack>
  );
}
