import { Group, Select, TextInput } from '@mantine/core';
import type { Me } from '../../api/types';
import { m } from '../../i18n';

export interface Filters {
  q: string;
  type: string | null;
  agencyId: string | null;
  state?: string | null;
}

const TYPES = ['procedure', 'form', 'quality_policy', 'quality_objectives', 'manual', 'decision', 'other'];

/** Search and filters of a document list: text (accents ignored), type, agency, state. */
export function DocumentFilters({ value, onChange, user, withState }: { value: Filters; onChange: (f: Filters) => void; user: Me; withState?: boolean }) {
  return (
    <Group align="flex-end" wrap="wrap" gap="sm" role="search">
      <TextInput label={m.app.search} placeholder={m.documents.search} type="search" value={value.q} onChange={(e) => onChange({ ...value, q: e.currentTarget.value })} style={{ flex: 1, minWidth: 220 }} />
      <Select label={m.documents.type} data={TYPES.map((t) => ({ value: t, label: m.types[t] }))} value={value.type} onChange={(type) => onChange({ ...value, type })} clearable placeholder={m.app.all} w={200} />
      {user.memberships.length > 1 && (
        <Select
          label={m.documents.agency}
          data={user.memberships.map((x) => ({ value: x.agencyId, label: x.agencyName }))}
          value={value.agencyId}
          onChange={(agencyId) => onChange({ ...value, agencyId })}
          clearable
          placeholder={m.documents.myAgencies}
          w={240}
        />
      )}
      {withState && (
        <Select
          label={m.documents.state}
          data={Object.entries(m.states).map(([v, label]) => ({ value: v, label }))}
          value={value.state ?? null}
          onChange={(state) => onChange({ ...value, state })}
          clearable
          placeholder={m.app.all}
          w={220}
        />
      )}
    </Group>
  );
}
