import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import { sessionStore, signIn } from '../../auth/session';
import { m } from '../../i18n';

export function SignInPage() {
  const { redirect } = useSearch({ from: '/dang-nhap' });
  const navigate = useNavigate();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [ended] = useState(() => sessionStore.takeEndReason());

  useEffect(() => {
    document.title = `${m.auth.title} — ${m.app.name}`;
  }, []);

  return (
    <Center mih="100vh" p="sm" component="main">
      <Paper withBorder p="lg" w="100%" maw={400}>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            setFieldErrors({});
            try {
              const res = await signIn(username, password);
              if (res.data) {
                await navigate({ to: redirect ?? '/' });
                return;
              }
              const problem = res.error as ApiError['problem'] | undefined;
              const status = res.response.status;
              if (status === 400 && problem?.errors) setFieldErrors(Object.fromEntries(problem.errors.map((x) => [x.field, x.message])));
              else setError(status === 429 ? m.auth.throttled : status === 401 ? m.auth.invalid : (problem?.detail ?? m.errors.generic));
            } catch {
              setError(m.errors.network);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Stack>
            <div>
              <Text size="sm" c="dimmed">
                {m.app.fullName}
              </Text>
              <Title order={1} size="h3">
                {m.auth.title}
              </Title>
            </div>
            {ended && ended !== 'signed_out' && (
              <Alert color="yellow" role="status">
                {ended === 'reused' ? m.auth.reused : m.auth.sessionEnded}
              </Alert>
            )}
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <TextInput label={m.auth.username} value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoComplete="username" required error={fieldErrors.username} data-autofocus autoFocus />
            <PasswordInput label={m.auth.password} value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="current-password" required error={fieldErrors.password} />
            <Button type="submit" loading={busy}>
              {m.auth.submit}
            </Button>
            <Text size="xs" c="dimmed">
              {m.auth.publicHint}
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
