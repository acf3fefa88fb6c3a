import { Group, NumberInput, Stack, Textarea, TextInput } from '@mantine/core';
import { fieldError } from '../../../components/ProblemAlert';
import { m } from '../../../i18n';
import type { FileBasedContent, ObjectivesContent, PolicyContent } from './content';
import { AddRow, RemoveRow, removeAt, Section, setAt } from './fields';

export function PolicyEditor({ value, onChange, error, readOnly }: { value: PolicyContent; onChange: (c: PolicyContent) => void; error: unknown; readOnly: boolean }) {
  return (
    <Textarea label={m.policy.text} autosize minRows={8} value={value.text ?? ''} onChange={(e) => onChange({ text: e.currentTarget.value })} error={fieldError(error, 'content.text')} readOnly={readOnly} />
  );
}

/** Quality objectives of a year: objective, indicator, target, evaluation method, owner, deadline, plan. */
export function ObjectivesEditor({ value, onChange, error, readOnly }: { value: ObjectivesContent; onChange: (c: ObjectivesContent) => void; error: unknown; readOnly: boolean }) {
  const fe = (f: string) => fieldError(error, f);
  const list = value.objectives ?? [];
  const set = (i: number, patch: Partial<NonNullable<ObjectivesContent['objectives']>[number]>) => onChange({ ...value, objectives: setAt(list, i, patch) });
  return (
    <Stack>
      <NumberInput label={m.objectives.year} value={value.year ?? ''} onChange={(v) => onChange({ ...value, year: typeof v === 'number' ? v : undefined })} w={140} min={2000} max={2100} error={fe('content.year')} readOnly={readOnly} />
      <Section legend={m.objectives.list} error={fe('content.objectives')}>
        <Stack gap="md">
          {list.map((o, i) => (
            <Stack key={i} gap="xs" p="xs" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }}>
              <Group justify="space-between">
                <strong>
                  {m.objectives.objective} {i + 1}
                </strong>
                <RemoveRow index={i} onRemove={() => onChange({ ...value, objectives: removeAt(list, i) })} disabled={readOnly} />
              </Group>
              <Textarea label={m.objectives.objective} autosize value={o.objective ?? ''} onChange={(e) => set(i, { objective: e.currentTarget.value })} error={fe(`content.objectives[${i}].objective`)} readOnly={readOnly} />
              <Group grow wrap="wrap" align="flex-start">
                <TextInput label={m.objectives.indicator} value={o.indicator ?? ''} onChange={(e) => set(i, { indicator: e.currentTarget.value })} error={fe(`content.objectives[${i}].indicator`)} readOnly={readOnly} miw={200} />
                <TextInput label={m.objectives.target} value={o.target ?? ''} onChange={(e) => set(i, { target: e.currentTarget.value })} error={fe(`content.objectives[${i}].target`)} readOnly={readOnly} miw={200} />
              </Group>
              <Group grow wrap="wrap" align="flex-start">
                <TextInput label={m.objectives.method} value={o.method ?? ''} onChange={(e) => set(i, { method: e.currentTarget.value })} readOnly={readOnly} miw={200} />
                <TextInput label={m.objectives.responsibleUnit} value={o.responsibleUnit ?? ''} onChange={(e) => set(i, { responsibleUnit: e.currentTarget.value })} readOnly={readOnly} miw={200} />
                <TextInput label={m.objectives.deadline} value={o.deadline ?? ''} onChange={(e) => set(i, { deadline: e.currentTarget.value })} readOnly={readOnly} miw={160} />
              </Group>
              <Textarea label={m.objectives.actions} autosize value={o.actions ?? ''} onChange={(e) => set(i, { actions: e.currentTarget.value })} readOnly={readOnly} />
            </Stack>
          ))}
          <AddRow disabled={readOnly} label={m.objectives.add} onAdd={() => onChange({ ...value, objectives: [...list, {}] })} />
        </Stack>
      </Section>
    </Stack>
  );
}

export function FileBasedEditor({ value, onChange, error, readOnly }: { value: FileBasedContent; onChange: (c: FileBasedContent) => void; error: unknown; readOnly: boolean }) {
  return <Textarea label={m.revision.description} autosize minRows={2} value={value.description ?? ''} onChange={(e) => onChange({ description: e.currentTarget.value })} error={fieldError(error, 'content.description')} readOnly={readOnly} />;
}
