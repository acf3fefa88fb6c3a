import { Button, FileButton, Progress, Stack, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { m } from '../i18n';
import { uploadWithProgress } from '../lib/files';
import { DataTable } from './DataTable';
import { ProblemAlert } from './ProblemAlert';

interface RowError {
  row: number;
  line?: number;
  field: string;
  message: string;
}

/**
 * A bulk import: upload with progress; all rows or none — on the problem `invalidCode` the row
 * errors are listed (line or row, field, message) so the file can be fixed and sent again.
 */
export function ImportPanel<T>(props: { url: string; accept: string; label: string; errorsTitle: string; invalidCode: string; onDone: (result: T) => void }) {
  const [progress, setProgress] = useState<number | null>(null);
  const [rowErrors, setRowErrors] = useState<RowError[]>([]);
  const [error, setError] = useState<unknown>(null);
  // Cleared after each attempt, so that picking the same file again (corrected and saved) uploads it again.
  const resetRef = useRef<() => void>(null);
  return (
    <Stack gap="xs">
      <FileButton
        resetRef={resetRef}
        accept={props.accept}
        onChange={async (file) => {
          if (!file) return;
          setRowErrors([]);
          setError(null);
          setProgress(0);
          try {
            props.onDone(await uploadWithProgress<T>(props.url, file, setProgress));
          } catch (err) {
            if (err instanceof ApiError && err.code === props.invalidCode) setRowErrors((err.problem.errors ?? []) as unknown as RowError[]);
            else setError(err);
          } finally {
            setProgress(null);
            resetRef.current?.();
          }
        }}
      >
        {(p) => (
          <Button {...p} variant="light" loading={progress !== null}>
            {props.label}
          </Button>
        )}
      </FileButton>
      {progress !== null && <Progress value={progress} aria-label={m.revision.uploading(progress)} />}
      {error != null && <ProblemAlert error={error} />}
      {rowErrors.length > 0 && (
        <Stack gap={4} role="alert" data-testid="import-errors">
          <Text c="red" size="sm" fw={600}>
            {props.errorsTitle}
          </Text>
          <DataTable<RowError>
            caption={props.errorsTitle}
            rows={rowErrors}
            rowKey={(e) => `${e.row}:${e.field}:${e.message}`}
            minWidth={420}
            columns={[
              { header: m.legal.row, cell: (e) => e.line ?? e.row },
              { header: m.legal.field, cell: (e) => e.field },
              { header: m.legal.message, cell: (e) => e.message },
            ]}
          />
        </Stack>
      )}
    </Stack>
  );
}
