import { Button, Group, Modal, Stack } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { m } from '../i18n';
import { ProblemAlert } from './ProblemAlert';

/**
 * A form in a dialog: submit runs `onSubmit`; success closes it, a failure stays with the error
 * handed to `children` (for `fieldError(error, 'field')` next to each input) and the rest shown
 * once below (`shown`: the fields the form renders itself).
 */
export function FormDialog({
  title,
  onClose,
  onSubmit,
  children,
  submitLabel = m.app.save,
  shown = [],
  opened = true,
  size,
  color,
  hideError,
}: {
  title: string;
  onClose: () => void;
  onSubmit: () => Promise<unknown>;
  children: (error: unknown) => ReactNode;
  submitLabel?: string;
  shown?: string[];
  opened?: boolean;
  size?: string;
  color?: string;
  /** Leave the general alert out when this returns true (the form shows that error itself). */
  hideError?: (error: unknown) => boolean;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setError(null);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={title} centered size={size}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await onSubmit();
            close();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          {children(error)}
          {error != null && !hideError?.(error) && <ProblemAlert error={error} shown={shown} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {m.app.cancel}
            </Button>
            <Button type="submit" loading={busy} color={color}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
