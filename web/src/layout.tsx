import { AppShell, Box, Burger, Button, Group, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense, useState } from 'react';
import { Outlet, NavLink as RouterLink, useLocation } from 'react-router';
import { ErrorNote, Loading } from './components/state.js';
import { useSession } from './session.js';

/** The pages, in the order the navigation lists them. */
export const PAGES = [
  { path: '/catalog', label: 'Catalog' },
  { path: '/change-requests', label: 'Change requests' },
  { path: '/releases', label: 'Releases' },
  { path: '/monitoring', label: 'Monitoring' },
  { path: '/traces', label: 'Traces' },
  { path: '/reviews', label: 'Review queue' },
  { path: '/audit', label: 'Audit' },
] as const;

/** Header, navigation (a drawer on narrow screens) and the page. */
export function Layout() {
  const [opened, { toggle, close }] = useDisclosure();
  const { session, signOut } = useSession();
  const location = useLocation();
  const [signOutError, setSignOutError] = useState<unknown>(null);
  const [signingOut, setSigningOut] = useState(false);
  const trySignOut = async () => {
    setSignOutError(null);
    setSigningOut(true);
    try {
      await signOut();
    } catch (err) {
      setSignOutError(err);
    } finally {
      setSigningOut(false);
    }
  };
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
            />
            {/* The product's name, not a heading: each page's h1 is the document's first heading. */}
            <Text fw={700} fz="h4" ff="heading">
              PromptOps
            </Text>
            <Text size="sm" c="dimmed" visibleFrom="xs">
              {session.project}
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="xs" title={`roles: ${session.roles.join(', ') || 'none'}`}>
              {session.subject}
            </Text>
            <Button variant="default" size="xs" loading={signingOut} onClick={() => void trySignOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Console">
        {PAGES.map((page) => (
          <NavLink
            key={page.path}
            component={RouterLink}
            to={page.path}
            label={page.label}
            active={location.pathname.startsWith(page.path)}
            variant="filled"
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        {signOutError !== null && (
          <Box mb="md">
            <ErrorNote error={signOutError} title="Not signed out: the session is still open" />
          </Box>
        )}
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
