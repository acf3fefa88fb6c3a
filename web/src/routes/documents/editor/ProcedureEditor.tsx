import { Group, Stack, Table, Textarea, TextInput } from '@mantine/core';
import { fieldError } from '../../../components/ProblemAlert';
import { m } from '../../../i18n';
import type { ProcedureContent } from './content';
import { AddRow, DurationInput, RemoveRow, removeAt, Section, setAt } from './fields';
import { LegalBasisRow } from './LegalBasisPicker';
import { StepTotal } from './StepTotal';

/**
 * The structured editor of a procedure (Decree-style sections 1–7): purpose, scope, legal bases
 * from the registry, definitions, dossier, statutory time limit, fee, the step table with its
 * live total against the limit, and the records to keep. Server field errors (`content.…`) show
 * next to their inputs.
 */
export function ProcedureEditor({ value, onChange, error, readOnly }: { value: ProcedureContent; onChange: (c: ProcedureContent) => void; error: unknown; readOnly: boolean }) {
  const fe = (f: string) => fieldError(error, f);
  const set = (patch: Partial<ProcedureContent>) => onChange({ ...value, ...patch });
  const steps = value.steps ?? [];
  return (
    <Stack gap="md">
      <Section legend={m.procedure.purpose}>
        <Textarea aria-label={m.procedure.purpose} autosize minRows={2} value={value.purpose ?? ''} onChange={(e) => set({ purpose: e.currentTarget.value })} error={fe('content.purpose')} readOnly={readOnly} />
      </Section>
      <Section legend={m.procedure.scope}>
        <Textarea aria-label={m.procedure.scope} autosize minRows={2} value={value.scope ?? ''} onChange={(e) => set({ scope: e.currentTarget.value })} error={fe('content.scope')} readOnly={readOnly} />
      </Section>
      <Section legend={m.procedure.legalBases} error={fe('content.legalBases')}>
        <Stack gap="xs">
          {(value.legalBases ?? []).map((b, i) => (
            <LegalBasisRow
              key={i}
              index={i}
              value={b}
              readOnly={readOnly}
              error={fe(`content.legalBases[${i}].legalDocumentId`)}
              onChange={(v) => set({ legalBases: setAt(value.legalBases, i, v) })}
              onRemove={() => set({ legalBases: removeAt(value.legalBases, i) })}
            />
          ))}
          <AddRow disabled={readOnly} onAdd={() => set({ legalBases: [...(value.legalBases ?? []), { legalDocumentId: '' }] })} />
        </Stack>
      </Section>
      <Section legend={m.procedure.definitions}>
        <Stack gap="xs">
          {(value.definitions ?? []).map((d, i) => (
            <Group key={i} align="flex-start" wrap="wrap" gap="xs">
              <TextInput label={`${m.procedure.term} ${i + 1}`} value={d.term ?? ''} onChange={(e) => set({ definitions: setAt(value.definitions, i, { term: e.currentTarget.value }) })} w={200} readOnly={readOnly} error={fe(`content.definitions[${i}]`)} />
              <Textarea label={m.procedure.meaning} autosize value={d.meaning ?? ''} onChange={(e) => set({ definitions: setAt(value.definitions, i, { meaning: e.currentTarget.value }) })} style={{ flex: 1, minWidth: 220 }} readOnly={readOnly} />
              <div style={{ paddingTop: 28 }}>
                <RemoveRow index={i} onRemove={() => set({ definitions: removeAt(value.definitions, i) })} disabled={readOnly} />
              </div>
            </Group>
          ))}
          <AddRow disabled={readOnly} onAdd={() => set({ definitions: [...(value.definitions ?? []), {}] })} />
        </Stack>
      </Section>
      <Section legend={m.procedure.content}>
        <Stack gap="md">
          <div>
            <strong>{m.procedure.dossier}</strong>
            <Stack gap="xs" mt="xs">
              {(value.dossier ?? []).map((d, i) => (
                <Group key={i} align="flex-start" wrap="wrap" gap="xs">
                  <TextInput label={`${m.procedure.dossierName} ${i + 1}`} value={d.name ?? ''} onChange={(e) => set({ dossier: setAt(value.dossier, i, { name: e.currentTarget.value }) })} style={{ flex: 1, minWidth: 220 }} readOnly={readOnly} error={fe(`content.dossier[${i}].name`)} />
                  <TextInput label={m.procedure.copies} type="number" min={1} value={d.copies ?? ''} onChange={(e) => set({ dossier: setAt(value.dossier, i, { copies: e.currentTarget.value }) })} w={90} readOnly={readOnly} error={fe(`content.dossier[${i}].copies`)} />
                  <div style={{ paddingTop: 28 }}>
                    <RemoveRow index={i} onRemove={() => set({ dossier: removeAt(value.dossier, i) })} disabled={readOnly} />
                  </div>
                </Group>
              ))}
              <AddRow disabled={readOnly} onAdd={() => set({ dossier: [...(value.dossier ?? []), {}] })} />
            </Stack>
          </div>
          <Group align="flex-start" wrap="wrap">
            <DurationInput label={m.procedure.timeLimit} value={value.statutoryTimeLimit} onChange={(d) => set({ statutoryTimeLimit: d })} error={fe('content.statutoryTimeLimit') ?? fe('content.statutoryTimeLimit.value')} readOnly={readOnly} />
            <TextInput label={m.procedure.fee} value={value.fee ?? ''} onChange={(e) => set({ fee: e.currentTarget.value })} style={{ flex: 1, minWidth: 200 }} readOnly={readOnly} error={fe('content.fee')} />
          </Group>
          <div>
            <strong id="steps-heading">{m.procedure.steps}</strong>
            <Table.ScrollContainer minWidth={860} type="native" mt="xs">
              <Table verticalSpacing={4} aria-labelledby="steps-heading">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col" w={50}>{m.procedure.stepNo}</Table.Th>
                    <Table.Th scope="col">{m.procedure.stepAction}</Table.Th>
                    <Table.Th scope="col" w={170}>{m.procedure.stepResponsible}</Table.Th>
                    <Table.Th scope="col" w={230}>{m.procedure.stepDuration}</Table.Th>
                    <Table.Th scope="col" w={170}>{m.procedure.stepForms}</Table.Th>
                    <Table.Th scope="col" w={40}>
                      <span className="visually-hidden">{m.app.actions}</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {steps.map((s, i) => (
                    <Table.Tr key={i} data-testid={`step-${i + 1}`}>
                      <Table.Td>{i + 1}</Table.Td>
                      <Table.Td>
                        <Textarea aria-label={`${m.procedure.stepAction} ${m.procedure.stepNo.toLowerCase()} ${i + 1}`} autosize minRows={1} value={s.action ?? ''} onChange={(e) => set({ steps: setAt(steps, i, { action: e.currentTarget.value }) })} readOnly={readOnly} error={fe(`content.steps[${i}].action`)} />
                      </Table.Td>
                      <Table.Td>
                        <TextInput aria-label={`${m.procedure.stepResponsible} ${m.procedure.stepNo.toLowerCase()} ${i + 1}`} value={s.responsible ?? ''} onChange={(e) => set({ steps: setAt(steps, i, { responsible: e.currentTarget.value }) })} readOnly={readOnly} error={fe(`content.steps[${i}].responsible`)} />
                      </Table.Td>
                      <Table.Td>
                        <DurationInput compact label={`${m.procedure.stepDuration} ${m.procedure.stepNo.toLowerCase()} ${i + 1}`} value={s.duration} onChange={(d) => set({ steps: setAt(steps, i, { duration: d }) })} readOnly={readOnly} error={fe(`content.steps[${i}].duration`) ?? fe(`content.steps[${i}].duration.value`)} />
                      </Table.Td>
                      <Table.Td>
                        <TextInput
                          aria-label={`${m.procedure.stepForms} ${m.procedure.stepNo.toLowerCase()} ${i + 1}`}
                          placeholder={m.procedure.stepFormsHint}
                          value={(s.formCodes ?? []).join(', ')}
                          onChange={(e) => set({ steps: setAt(steps, i, { formCodes: e.currentTarget.value.split(',').map((x) => x.trim()).filter(Boolean) }) })}
                          readOnly={readOnly}
                          error={fe(`content.steps[${i}].formCodes`) ?? fe(`content.steps[${i}].formCodes[0]`)}
                        />
                      </Table.Td>
                      <Table.Td>
                        <RemoveRow index={i} onRemove={() => set({ steps: removeAt(steps, i) })} disabled={readOnly} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <AddRow disabled={readOnly} label={m.procedure.addStep} onAdd={() => set({ steps: [...steps, { duration: { value: null, unit: 'working_days' } }] })} />
          </div>
          <div id="step-rule">
            <StepTotal steps={steps} limit={value.statutoryTimeLimit} />
            {fe('content.steps') && (
              <StepRuleError message={fe('content.steps')!} />
            )}
          </div>
        </Stack>
      </Section>
      <Section legend={m.procedure.records}>
        <Stack gap="xs">
          {(value.records ?? []).map((r, i) => (
            <Group key={i} align="flex-start" wrap="wrap" gap="xs">
              <TextInput label={`${m.procedure.recordName} ${i + 1}`} value={r.name ?? ''} onChange={(e) => set({ records: setAt(value.records, i, { name: e.currentTarget.value }) })} style={{ flex: 1, minWidth: 200 }} readOnly={readOnly} error={fe(`content.records[${i}]`)} />
              <TextInput label={m.procedure.keeper} value={r.keeper ?? ''} onChange={(e) => set({ records: setAt(value.records, i, { keeper: e.currentTarget.value }) })} w={180} readOnly={readOnly} />
              <TextInput label={m.procedure.retention} value={r.retention ?? ''} onChange={(e) => set({ records: setAt(value.records, i, { retention: e.currentTarget.value }) })} w={150} readOnly={readOnly} />
              <div style={{ paddingTop: 28 }}>
                <RemoveRow index={i} onRemove={() => set({ records: removeAt(value.records, i) })} disabled={readOnly} />
              </div>
            </Group>
          ))}
          <AddRow disabled={readOnly} onAdd={() => set({ records: [...(value.records ?? []), {}] })} />
        </Stack>
      </Section>
    </Stack>
  );
}

function StepRuleError({ message }: { message: string }) {
  return (
    <p role="alert" style={{ color: 'var(--mantine-color-red-7)', margin: '8px 0 0' }} data-testid="steps-rule-error">
      {message}
    </p>
  );
}
