import { ActionIcon, Button, Fieldset, Group, NumberInput, Select, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { m } from '../../../i18n';
import type { DurationModel } from './content';

/** A numbered section of the content ("1. Mục đích") as a fieldset with its legend. */
export function Section({ legend, children, error }: { legend: string; children: ReactNode; error?: string }) {
  return (
    <Fieldset legend={legend} variant="filled" radius="sm">
      {children}
      {error && (
        <Text c="red" size="sm" mt="xs" role="alert">
          {error}
        </Text>
      )}
    </Fieldset>
  );
}

const UNIT_OPTIONS = ['working_days', 'days', 'hours'].map((u) => ({ value: u, label: m.units[u] }));

/** A duration: a number and its unit (ngày làm việc, ngày, giờ). */
export function DurationInput({ value, onChange, label, error, readOnly, compact }: { value: DurationModel | null | undefined; onChange: (d: DurationModel) => void; label: string; error?: string; readOnly?: boolean; compact?: boolean }) {
  return (
    <Group gap={4} wrap="nowrap" align="flex-start">
      <NumberInput
        aria-label={compact ? `${label}: ${m.procedure.timeValue}` : undefined}
        label={compact ? undefined : `${label}`}
        value={value?.value ?? ''}
        onChange={(v) => onChange({ unit: value?.unit ?? 'working_days', value: v === '' ? null : v })}
        min={0}
        decimalScale={2}
        decimalSeparator=","
        allowNegative={false}
        w={compact ? 80 : 140}
        error={error}
        readOnly={readOnly}
      />
      <Select
        aria-label={`${label}: ${m.procedure.timeUnit}`}
        label={compact ? undefined : m.procedure.timeUnit}
        data={UNIT_OPTIONS}
        value={value?.unit ?? 'working_days'}
        onChange={(u) => onChange({ value: value?.value ?? null, unit: (u ?? 'working_days') as DurationModel['unit'] })}
        allowDeselect={false}
        w={compact ? 140 : 170}
        readOnly={readOnly}
      />
    </Group>
  );
}

/** Add/remove controls of a repeated row. */
export function RemoveRow({ index, onRemove, disabled }: { index: number; onRemove: () => void; disabled?: boolean }) {
  if (disabled) return null;
  return (
    <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={m.procedure.removeRow(index + 1)} title={m.procedure.removeRow(index + 1)}>
      <span aria-hidden>✕</span>
    </ActionIcon>
  );
}

export function AddRow({ onAdd, label = m.procedure.addRow, disabled }: { onAdd: () => void; label?: string; disabled?: boolean }) {
  if (disabled) return null;
  return (
    <Button variant="light" size="xs" onClick={onAdd} mt="xs">
      + {label}
    </Button>
  );
}

/** Replaces item `i` of a list immutably. */
export function setAt<T>(list: T[] | undefined, i: number, patch: Partial<T>): T[] {
  const copy = [...(list ?? [])];
  copy[i] = { ...copy[i], ...patch };
  return copy;
}

export function removeAt<T>(list: T[] | undefined, i: number): T[] {
  return (list ?? []).filter((_, j) => j !== i);
}
