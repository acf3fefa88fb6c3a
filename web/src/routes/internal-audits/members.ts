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

/** The agency's documents as picker options ("QT-01 — title"), for scope and "document concerned" pickers. */
export function useDocumentOptions(agencyId: string | null | undefined, type?: 'procedure'): { value: string; label: string }[] {
  const docs = useQuery({
    queryKey: ['documents', 'of-agency', agencyId, type ?? 'all'],
    queryFn: () => call(api.GET('/api/v1/documents', { params: { query: { agencyId: agencyId!, type, limit: 200 } } })),
    enabled: !!agencyId,
  });
  return (docs.data?.items ?? []).map((d) => ({ value: d.id, label: `${d.code} — ${d.title}` }));
}

/** Non-empty trimmed lines of a text area. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
