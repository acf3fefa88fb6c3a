import { Alert, List } from '@mantine/core';
import { ApiError, errorMessage } from '../api/client';
import { m } from '../i18n';

/**
 * The error of a form as a whole: its sentence, and the field errors that no input on the screen
 * shows (`shown` lists the field names the form renders next to its inputs).
 */
export function ProblemAlert({ error, shown = [] }: { error: unknown; shown?: string[] }) {
  if (!error) return null;
  const rest = error instanceof ApiError ? (error.problem.errors ?? []).filter((e) => !shown.includes(e.field)) : [];
  const rules = error instanceof ApiError ? (error.problem.rules ?? []).filter((r) => !shown.includes(r.field)) : [];
  return (
    <Alert color="red" role="alert" title={errorMessage(error)}>
      {(rest.length > 0 || rules.length > 0) && (
        <List size="sm">
          {rules.map((r) => (
            <List.Item key={`${r.rule}:${r.field}`}>{m.rules[r.rule] ?? r.message}</List.Item>
          ))}
          {rest
            .filter((e) => !rules.some((r) => r.field === e.field))
            .map((e) => (
              <List.Item key={e.field}>
                <code>{e.field}</code>: {e.message}
              </List.Item>
            ))}
        </List>
      )}
    </Alert>
  );
}

/** The message for one field of a failed request (problem `errors[].field`), for an input's `error`. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.field(field) : undefined;
}
