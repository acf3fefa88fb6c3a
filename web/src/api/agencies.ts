import { useQuery } from '@tanstack/react-query';
import { api, call } from './client';
import type { Schemas } from './types';

type Agency = Schemas['AgencyView'];

/** Every agency visible to the user (pages of 200 followed to the end), for the tree and pickers. */
export function useAllAgencies(enabled = true) {
  return useQuery({
    enabled,
    queryKey: ['agencies', 'all'],
    queryFn: async () => {
      const all: Agency[] = [];
      let cursor: string | undefined;
      do {
        const page = await call(api.GET('/api/v1/agencies', { params: { query: { limit: 200, cursor } } }));
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
  });
}
