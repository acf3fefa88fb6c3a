import { Group, NumberInput, Select, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { DocumentType, Me, Schemas } from '../../api/types';
import { fieldError } from '../../components/ProblemAlert';
import { m } from '../../i18n';
import { agenciesWith, DRAFTING_ROLES } from '../../lib/access';
import { FormDialog } from '../../components/FormDialog';

const TYPES: DocumentType[] = ['procedure', 'form', 'quality_policy', 'quality_objectives', 'manual', 'decision', 'other'];
const SHOWN = ['agencyId', 'type', 'code', 'title', 'procedureId', 'tthcCode', 'year', 'reviewIntervalMonths'];

/** Drafters and the ISO secretary: a new document and its first draft (then opened in the editor). */
export function CreateDocumentDialog({ opened, onClose, user }: { opened: boolean; onClose: () => void; user: Me }) {
  const agencies = agenciesWith(user, DRAFTING_ROLES);
  const navigate = useNavigate();
  const [agencyId, setAgencyId] = useState<string | null>(agencies[0]?.agencyId ?? null);
  const [type, setType] = useState<DocumentType>('procedure');
  const [code, setCode] = useState('');
  const [title, setTitle] = useState('');
  const [procedureId, setProcedureId] = useState<string | null>(null);
  const [tthcCode, setTthcCode] = useState('');
  const [year, setYear] = useState<number | string>(new Date().getFullYear());
  const [reviewIntervalMonths, setReview] = useState<number | string>(12);
  const procedures = useQuery({
    queryKey: ['documents', 'procedures', agencyId],
    queryFn: () => call(api.GET('/api/v1/documents', { params: { query: { agencyId: agencyId!, type: 'procedure', limit: 200 } } })),
    enabled: opened && type === 'form' && !!agencyId,
  });
  return (
    <FormDialog
      title={m.documents.createTitle} onClose={onClose} opened={opened} size="lg" submitLabel={m.documents.create} shown={SHOWN}
      onSubmit={async () => {
            const doc = await call(
              api.POST('/api/v1/documents', {
                body: createBody(type, {
                  agencyId: agencyId ?? '',
                  code,
                  title,
                  procedureId: procedureId ?? '',
                  tthcCode: tthcCode.trim() || undefined,
                  year: Number(year),
                  reviewIntervalMonths: Number(reviewIntervalMonths) || 12,
                }),
              }),
            );
            if (doc.openDraft) await navigate({ to: '/ban/$revisionId', params: { revisionId: doc.openDraft.id } });
            else await navigate({ to: '/tai-lieu/$documentId', params: { documentId: doc.id } });
      }}
    >
      {(error) => {
        const fe = (f: string) => fieldError(error, f);
        return (
          <>
          <Select label={m.documents.agency} data={agencies.map((a) => ({ value: a.agencyId, label: a.agencyName }))} value={agencyId} onChange={setAgencyId} required allowDeselect={false} error={fe('agencyId')} />
          <Select label={m.documents.type} data={TYPES.map((t) => ({ value: t, label: m.types[t] }))} value={type} onChange={(t) => setType((t ?? 'procedure') as DocumentType)} allowDeselect={false} error={fe('type')} />
          <Group grow wrap="wrap" align="flex-start">
            <TextInput label={m.documents.code} placeholder={type === 'form' ? 'BM.01/QT-01' : 'QT-01'} value={code} onChange={(e) => setCode(e.currentTarget.value)} required error={fe('code')} miw={160} />
            <NumberInput label={m.documents.reviewInterval} value={reviewIntervalMonths} onChange={setReview} min={1} max={120} error={fe('reviewIntervalMonths')} miw={160} />
          </Group>
          <TextInput label={m.documents.title} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required error={fe('title')} />
          {type === 'form' && (
            <Select
              label={m.documents.procedure}
              description={m.documents.procedureHint}
              data={(procedures.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.code} — ${p.title}` }))}
              value={procedureId}
              onChange={setProcedureId}
              searchable
              required
              error={fe('procedureId')}
            />
          )}
          {type === 'procedure' && <TextInput label={m.documents.tthcCode} placeholder="1.001193" value={tthcCode} onChange={(e) => setTthcCode(e.currentTarget.value)} error={fe('tthcCode')} />}
          {type === 'quality_objectives' && <NumberInput label={m.documents.year} value={year} onChange={setYear} min={2000} max={2100} required error={fe('year')} />}
          </>
        );
      }}
    </FormDialog>
  );
}

type CreateBody =
  | Schemas['CreateProcedureRequest']
  | Schemas['CreateFormRequest']
  | Schemas['CreateQualityPolicyRequest']
  | Schemas['CreateQualityObjectivesRequest']
  | Schemas['CreateFileBasedDocumentRequest'];

interface CreateFields {
  agencyId: string;
  code: string;
  title: string;
  procedureId: string;
  tthcCode?: string;
  year: number;
  reviewIntervalMonths: number;
}

/** The request of POST /documents for a type: only the fields that type takes. */
export function createBody(type: DocumentType, f: CreateFields): CreateBody {
  const common = { agencyId: f.agencyId, code: f.code, title: f.title, reviewIntervalMonths: f.reviewIntervalMonths };
  switch (type) {
    case 'procedure':
      return { ...common, type, tthcCode: f.tthcCode };
    case 'form':
      return { ...common, type, procedureId: f.procedureId };
    case 'quality_policy':
      return { ...common, type };
    case 'quality_objectives':
      return { ...common, type, year: f.year };
    default:
      return { ...common, type };
  }
}
