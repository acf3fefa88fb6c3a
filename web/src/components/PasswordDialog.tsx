import { PasswordInput, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { m } from '../i18n';
import { FormDialog } from './FormDialog';
import { fieldError } from './ProblemAlert';

function passwordError(error: unknown): string | undefined {
  return fieldError(error, 'password') ?? (error instanceof ApiError && error.code === 'invalid_password' ? m.errors.codes.invalid_password : undefined);
}

/**
 * A confirmation that re-authenticates: the user types their password (approvals, withdrawals,
 * sign-offs). `onConfirm` does the call; its field errors show next to the inputs (password,
 * and those of `renderFields`, which gets the error).
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
  return (
    <FormDialog
      opened={opened}
      onClose={() => {
        setPassword('');
        onClose();
      }}
      title={title}
      submitLabel={confirmLabel}
      color={color}
      shown={['password', ...fieldNames]}
      hideError={(error) => !!passwordError(error)}
      onSubmit={() => onConfirm(password)}
    >
      {(error) => (
        <>
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
            error={passwordError(error)}
          />
        </>
      )}
    </FormDialog>
  );
}
