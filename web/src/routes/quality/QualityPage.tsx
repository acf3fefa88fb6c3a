import { NumberInput, Select, Group, Tabs } from '@mantine/core';
import { useState } from 'react';
import { useSession } from '../../auth/session';
import { Page } from '../../components/Page';
import { m } from '../../i18n';
import { todayInVietnam } from '../../lib/dates';
import { AnnouncementsPanel } from './AnnouncementsPanel';
import { CommitteePanel } from './CommitteePanel';
import { ObjectivesPanel } from './ObjectivesPanel';
import { ReviewsPanel } from './ReviewsPanel';

/** One agency's quality records of a year: objectives and their evaluation, reviews, steering committee, announcements. */
export function QualityPage() {
  const session = useSession()!;
  const memberships = session.user.memberships;
  const [agencyId, setAgencyId] = useState<string | null>(memberships[0]?.agencyId ?? null);
  const [year, setYear] = useState<number>(Number(todayInVietnam().slice(0, 4)));
  const roles = memberships.find((x) => x.agencyId === agencyId)?.roles ?? [];
  const has = (...r: string[]) => roles.some((x) => r.includes(x));
  return (
    <Page title={m.quality.title}>
      <Group wrap="wrap">
        <Select label={m.quality.agency} data={memberships.map((x) => ({ value: x.agencyId, label: x.agencyName }))} value={agencyId} onChange={setAgencyId} miw={260} />
        <NumberInput label={m.quality.year} value={year} onChange={(v) => setYear(Number(v) || year)} min={2000} max={2200} w={120} />
      </Group>
      {agencyId && (
        <Tabs defaultValue="objectives" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="objectives">{m.quality.tabObjectives}</Tabs.Tab>
            <Tabs.Tab value="reviews">{m.quality.tabReviews}</Tabs.Tab>
            <Tabs.Tab value="committee">{m.quality.tabCommittee}</Tabs.Tab>
            <Tabs.Tab value="announcements">{m.quality.tabAnnouncements}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="objectives" pt="md">
            <ObjectivesPanel agencyId={agencyId} year={year} mayEvaluate={has('iso_secretary', 'head')} />
          </Tabs.Panel>
          <Tabs.Panel value="reviews" pt="md">
            <ReviewsPanel agencyId={agencyId} year={year} mayPrepare={has('iso_secretary', 'drafter', 'head')} />
          </Tabs.Panel>
          <Tabs.Panel value="committee" pt="md">
            <CommitteePanel agencyId={agencyId} mayManage={has('iso_secretary', 'head')} />
          </Tabs.Panel>
          <Tabs.Panel value="announcements" pt="md">
            <AnnouncementsPanel agencyId={agencyId} maySign={has('head', 'deputy')} />
          </Tabs.Panel>
        </Tabs>
      )}
    </Page>
  );
}
