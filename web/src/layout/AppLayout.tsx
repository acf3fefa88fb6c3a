import { AnchorLink, NavLinkLink } from '../components/Links';
import '@mantine/dates/styles.css';
import 'dayjs/locale/vi';
import { AppShell, Badge, Burger, Group, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { DatesProvider } from '@mantine/dates';
import { useDisclosure } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Outlet, useNavigate, useRouterState } from '@tanstack/react-router';
import { useEffect } from 'react';
import { api, call } from '../api/client';
import { signOut, useSession } from '../auth/session';
import { m } from '../i18n';
import { NAV } from '../routes/nav';

/** Counts in the navigation: what waits for me, unread notifications (refreshed every minute). */
function useCounts(enabled: boolean) {
  const tasks = useQuery({
    queryKey: ['me', 'tasks', 'count'],
    queryFn: () => call(api.GET('/api/v1/me/tasks', { params: { query: { limit: 200 } } })),
    refetchInterval: 60_000,
    enabled,
  });
  const unread = useQuery({
    queryKey: ['me', 'notifications', 'count'],
    queryFn: () => call(api.GET('/api/v1/me/notifications', { params: { query: { unread: 'true', limit: 200 } } })),
    refetchInterval: 60_000,
    enabled,
  });
  const count = (p?: { items: unknown[]; nextCursor?: string | null }) => (p ? (p.nextCursor ? `${p.items.length}+` : String(p.items.length)) : undefined);
  return { tasks: count(tasks.data), notifications: count(unread.data) };
}

export function AppLayout() {
  const session = useSession();
  const navigate = useNavigate();
  const [opened, { toggle, close }] = useDisclosure();
  const path = useRouterState({ select: (s) => s.location.pathname });
  const href = useRouterState({ select: (s) => s.location.href });
  const counts = useCounts(!!session);

  // The session can end while the page is open (signed out in another tab, refresh refused).
  useEffect(() => {
    if (!session) void navigate({ to: '/dang-nhap', search: { redirect: href } });
  }, [session, navigate, href]);
  useEffect(close, [path, close]);
  if (!session) return null;

  const user = session.user;
  const entries = NAV.filter((e) => e.visible(user));
  const groups = [...new Set(entries.map((e) => e.group))];

  return (
    <DatesProvider settings={{ locale: 'vi', firstDayOfWeek: 1 }}>
      <a href="#main" className="skip-link">
        {m.app.skipToContent}
      </a>
      <AppShell header={{ height: 56 }} navbar={{ width: 260, breakpoint: 'md', collapsed: { mobile: !opened } }} padding="md">
        <AppShell.Header>
          <Group h="100%" px="md" justify="space-between" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label={m.app.menu} />
              <AnchorLink to="/" fw={700} underline="never">
                {m.app.name}
              </AnchorLink>
              <Text size="sm" c="dimmed" visibleFrom="sm">
                {m.app.fullName}
              </Text>
            </Group>
            <Group gap="xs" wrap="nowrap">
              <Text size="sm" visibleFrom="xs" truncate maw={200}>
                {user.fullName}
              </Text>
              <UnstyledButton
                onClick={async () => {
                  await signOut();
                }}
                aria-label={m.nav.signOut}
              >
                <Text size="sm" c="blue">
                  {m.nav.signOut}
                </Text>
              </UnstyledButton>
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="xs" aria-label="Điều hướng chính">
          <ScrollArea>
            <Stack gap="sm" component="nav">
              {groups.map((g) => (
                <div key={g}>
                  <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" py={4}>
                    {g}
                  </Text>
                  {entries
                    .filter((e) => e.group === g)
                    .map((e) => {
                      const count = e.badge ? counts[e.badge] : undefined;
                      return (
                        <NavLinkLink
                          key={e.to}
                          to={e.to}
                          label={e.label}
                          active={path === e.to || path.startsWith(`${e.to}/`)}
                          aria-current={path === e.to ? 'page' : undefined}
                          rightSection={count && count !== '0' ? <Badge size="sm" circle={count.length < 3} aria-label={`${count}`}>{count}</Badge> : undefined}
                        />
                      );
                    })}
                </div>
              ))}
            </Stack>
          </ScrollArea>
        </AppShell.Navbar>
        <AppShell.Main id="main" tabIndex={-1}>
          <Outlet />
        </AppShell.Main>
      </AppShell>
    </DatesProvider>
  );
}
