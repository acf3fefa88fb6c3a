import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';

/** The members of an agency (to pick auditors and responsible people). */
export function useMembers(agencyId: string | null | undefined) {
  return useQuery({
    queryKey: ['agency', agencyId, 'members', 'all'],
    queryFn: () => call(api.GET('/api/v1/agencies/{id}/members', { params: { path: { id: agencyId! }, query: { limit: 200 } } })),
    enabled: !!agencyId,
  });
}

/** The agency's documents, for scope and "document concerned" pickers. */
export function useAgencyDocuments(agencyId: string | null | undefined, type?: 'procedure') {
  return useQuery({
    queryKey: ['documents', 'of-agency', agencyId, type ?? 'all'],
    queryFn: () => call(api.GET('/api/v1/documents', { params: { query: { agencyId: agencyId!, type, limit: 200 } } })),
    enabled: !!agencyId,
  });
}

/** Non-empty trimmed lines of a text area. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
