import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { m } from '../i18n';
import { fieldError, ProblemAlert } from './ProblemAlert';

/**
 * A confirmation that re-authenticates: the user types their password (approvals, withdrawals,
 * sign-offs). `onConfirm` does the call; its field errors show next to the inputs (password,
 * and those of `children`, which get the error through `renderFields`).
 */
export function PasswordDialog({
  opened,
  onClose,
  title,
  text,
  confirmLabel,
  onConfirm,
  renderFields,
  fieldNames = [],
  color,
}: {
  opened: boolean;
  onClose: () => void;
  title: string;
  text?: ReactNode;
  confirmLabel: string;
  onConfirm: (password: string) => Promise<unknown>;
  renderFields?: (error: unknown) => ReactNode;
  fieldNames?: string[];
  color?: string;
}) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setPassword('');
    setError(null);
    onClose();
  };
  const passwordError = fieldError(error, 'password') ?? (error instanceof ApiError && error.code === 'invalid_password' ? m.errors.codes.invalid_password : undefined);
  return (
    <Modal opened={opened} onClose={close} title={title} centered>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await onConfirm(password);
            close();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          {text && <Text size="sm">{text}</Text>}
          {renderFields?.(error)}
          <PasswordInput
            label={m.password.label}
            description={m.password.hint}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="current-password"
            required
            data-autofocus
            error={passwordError}
          />
          {error != null && !passwordError && <ProblemAlert error={error} shown={['password', ...fieldNames]} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {m.app.cancel}
            </Button>
            <Button type="submit" loading={busy} color={color}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
