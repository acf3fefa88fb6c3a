import { Alert, Text } from '@mantine/core';
import { m } from '../../../i18n';
import { formatHours, stepTimeTotal } from '../../../lib/durations';
import type { DurationModel, ProcedureStep } from './content';

/** The running total of the step table against the statutory time limit, announced as it changes. */
export function StepTotal({ steps, limit }: { steps: ProcedureStep[]; limit: DurationModel | null | undefined }) {
  const t = stepTimeTotal(steps, limit);
  const summary = t.limitText ? m.procedure.totalOf(t.totalText, t.limitText) : m.procedure.totalNoLimit(t.totalText);
  return (
    <Alert
      color={t.exceeds ? 'red' : t.limitHours !== null ? 'green' : 'gray'}
      title={`${m.procedure.total}: ${summary}`}
      role="status"
      aria-live="polite"
      data-testid="step-total"
      data-exceeds={t.exceeds ? 'true' : 'false'}
    >
      {t.exceeds && <Text size="sm">{m.procedure.exceeds(formatHours(-(t.remainingHours ?? 0)))}</Text>}
      {!t.exceeds && t.remainingHours !== null && <Text size="sm">{m.procedure.within(formatHours(t.remainingHours))}</Text>}
      {t.missing > 0 && <Text size="sm">{m.procedure.missingDurations(t.missing)}</Text>}
    </Alert>
  );
}
