import { Alert, Button, Center, Loader, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type FormEvent, type ReactNode, useContext, useEffect, useState } from 'react';
import { allows, type Permission, type Role } from '../../src/governance/rbac.js';
import { ApiError, api, setCsrfToken, whenUnauthenticated } from './api.js';

/** What `POST /v1/session` and `GET /v1/session` answer. */
export interface Session {
  subject: string;
  tokenId: string;
  /** The server's project: every page shows it. */
  project: string;
  roles: Role[];
  csrfToken: string;
  expiresAt: string;
}

interface SessionState {
  session: Session;
  /** True when the signed-in subject's roles grant `permission` (the server still decides). */
  can: (permission: Permission) => boolean;
  /** Ends the session; rejects, still signed in, when the server did not end it. */
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/** The signed-in session; only under `<SignedIn>`. */
export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside <SignedIn>');
  return state;
}

const SESSION_KEY = ['session'];
/** How often the session (the subject's roles) is read again. */
const SESSION_REFRESH_MS = 60_000;

/**
 * Shows `children` to a signed-in user and the sign-in form to anyone else. The session is the
 * httpOnly cookie the server set; on load `GET /v1/session` tells whether there is one.
 */
export function SignedIn({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const found = useQuery({
    queryKey: SESSION_KEY,
    queryFn: async () => {
      try {
        return await api<Session>('GET', '/v1/session');
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    // Read again every minute and when the window regains focus: a role granted or revoked since
    // changes the buttons offered (and a session ended elsewhere shows the sign-in form).
    staleTime: SESSION_REFRESH_MS,
    refetchInterval: SESSION_REFRESH_MS,
    refetchOnWindowFocus: true,
    retry: false,
  });
  useEffect(() => {
    // Any call answering 401 means the session ended: back to the sign-in form, nothing cached kept.
    whenUnauthenticated(() => endSession(client));
  }, [client]);

  if (found.isPending) {
    return (
      <Center h="100vh" role="status" aria-label="Loading">
        <Loader />
      </Center>
    );
  }
  // A failed re-read keeps the session it had: only a first read that fails has nothing to show.
  if (found.isError && found.data === undefined) {
    return (
      <Center h="100vh">
        <Alert color="red" title="The server cannot be reached">
          {(found.error as Error).message}
        </Alert>
      </Center>
    );
  }
  const session = found.data;
  if (!session) return <SignIn onSignedIn={(s) => client.setQueryData(SESSION_KEY, s)} />;
  setCsrfToken(session.csrfToken);
  const state: SessionState = {
    session,
    can: (permission) => allows(session.roles, permission),
    signOut: async () => {
      try {
        await api('DELETE', '/v1/session');
      } catch (err) {
        // 401: the session had ended already. Any other failure (the network, a 403) leaves it
        // alive on the server, so the browser stays signed in and the caller shows the error.
        if (!(err instanceof ApiError && err.status === 401)) throw err;
      }
      endSession(client);
    },
  };
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}

/**
 * Forgets the session and everything read with it, and shows the sign-in form. The session query
 * is set, not removed: `<SignedIn>` observes it, and a removed query would not tell it.
 */
function endSession(client: QueryClient): void {
  setCsrfToken(null);
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_KEY[0] });
  client.setQueryData(SESSION_KEY, null);
}

/** The sign-in form: an API token, exchanged once for the session cookie and then forgotten. */
function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api<Session>('POST', '/v1/session', { body: { token: token.trim() } });
      setToken('');
      onSignedIn(session);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'That token is not valid (unknown, revoked or expired).'
          : (err as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <Center mih="100vh" p="md">
      <Paper component="main" withBorder p="xl" radius="md" w={420} maw="100%">
        <form onSubmit={submit}>
          <Stack>
            <Title order={1} size="h2">
              PromptOps console
            </Title>
            <Text c="dimmed" size="sm">
              Sign in with an API token (<code>promptops token create</code>). It is exchanged for a session
              cookie and not kept in this browser.
            </Text>
            <PasswordInput
              label="API token"
              autoComplete="off"
              required
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
              error={error}
            />
            <Button type="submit" loading={busy} disabled={token.trim() === ''}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
