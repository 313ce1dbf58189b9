/**
 * The web console's sign-in over real HTTP, on both engines: an API token becomes an HttpOnly,
 * SameSite=Strict session cookie that acts as that token; changes made with the cookie need the
 * session's CSRF token and the server's own origin; the session ends when signed out, when it
 * expires (the server's clock, moved by hand) and at once when its token is revoked. Then the
 * console's static files: index.html for pages, immutable assets, security headers, JSON 404s kept.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_HEADERS } from '../../src/server/console-routes.js';
import { withClient } from '../store/harness.js';
import {
  type CallOptions,
  errorCode,
  PROJECT,
  type Reply,
  serverEngines,
  startServer,
  type TestServer,
} from './support.js';

const ENGINES = serverEngines('sessions');
const HOURS = 60 * 60_000;
const ROLES_URL = `/v1/projects/${PROJECT}/roles`;

interface Session {
  subject: string;
  tokenId: string;
  project: string;
  roles: string[];
  csrfToken: string;
  expiresAt: string;
}

/** The session id a sign-in's Set-Cookie carries. */
function cookieOf(reply: Reply): string {
  const match = /promptops_session=([^;]*)/.exec(reply.headers['set-cookie'] ?? '');
  if (!match?.[1]) throw new Error(`no session cookie in ${JSON.stringify(reply.headers)}`);
  return match[1];
}

describe.each(ENGINES)('console sessions ($name)', (engine) => {
  let server: TestServer;
  let clock = Date.now();
  let admin: { token: string; id: string };

  const issue = async (subject: string, expiresAt?: string) => {
    const { token, record } = await server.store.createToken(
      { subject, name: 'test', ...(expiresAt ? { expiresAt } : {}) },
      'test',
    );
    return { token, id: record.id };
  };
  const signIn = async (token: string, options: CallOptions = {}) => {
    const reply = await server.call('POST', '/v1/session', { body: { token }, ...options });
    expect(reply.status, reply.text).toBe(201);
    return { reply, id: cookieOf(reply), session: reply.json as Session };
  };
  /** A request made with the session cookie `id` (and more headers). */
  const withCookie = (id: string, headers: Record<string, string> = {}, body?: unknown): CallOptions => ({
    headers: { cookie: `promptops_session=${id}`, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const sessionsTable = async (): Promise<Record<string, unknown>[]> => {
    if (engine.schema) {
      return withClient(engine.schema, async (c) => (await c.query('SELECT * FROM sessions')).rows);
    }
    const db = new Sqlite(path.join(server.dir, 'r.db'), { readonly: true });
    try {
      return db.prepare('SELECT * FROM sessions').all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    server = await startServer({ now: () => clock }, engine.url);
    await server.store.grantRole('admin@example.com', 'admin', 'test');
    admin = await issue('admin@example.com');
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await engine.drop();
  });

  it('signs in with a token: an HttpOnly SameSite=Strict cookie, the session and its CSRF token, never the token', async () => {
    const { reply, id, session } = await signIn(admin.token);
    const cookie = reply.headers['set-cookie'] ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Max-Age=43200/);
    expect(cookie).not.toMatch(/Secure/i);
    expect(Buffer.from(id, 'base64url')).toHaveLength(32);
    expect(session).toEqual({
      subject: 'admin@example.com',
      tokenId: admin.id,
      project: PROJECT,
      roles: ['admin'],
      csrfToken: expect.any(String),
      expiresAt: new Date(clock + 12 * HOURS).toISOString(),
    });
    expect(reply.text).not.toContain(admin.token);
    expect(reply.text).not.toContain(id);
    expect(reply.headers['cache-control']).toBe('no-store');
  });

  it('marks the cookie Secure when the request came over https', async () => {
    const { reply } = await signIn(admin.token, { headers: { 'x-forwarded-proto': 'https' } });
    expect(reply.headers['set-cookie']).toMatch(/; Secure/i);
  });

  it('GET /v1/session answers the session its cookie names, and 401 without a live one', async () => {
    const { id, session } = await signIn(admin.token);
    const again = await server.call('GET', '/v1/session', withCookie(id));
    expect(again.status, again.text).toBe(200);
    expect(again.json).toEqual(session);
    for (const options of [{}, withCookie(randomBytes(32).toString('base64url')), withCookie('')]) {
      const reply = await server.call('GET', '/v1/session', options);
      expect({ status: reply.status, code: errorCode(reply) }).toEqual({
        status: 401,
        code: 'PO_ERR_UNAUTHENTICATED',
      });
    }
  });

  it('lets the cookie call the API as its token: reads alone, changes with the CSRF token', async () => {
    const { id, session } = await signIn(admin.token);
    const whoami = await server.call('GET', '/v1/whoami', withCookie(id));
    expect(whoami.json).toEqual({ subject: 'admin@example.com', tokenId: admin.id, roles: ['admin'] });
    expect((await server.call('GET', `/v1/projects/${PROJECT}/prompts`, withCookie(id))).status).toBe(200);

    const grant = { subject: 'ada@example.com', role: 'viewer' };
    const refused = [
      await server.call('POST', ROLES_URL, withCookie(id, {}, grant)),
      await server.call('POST', ROLES_URL, withCookie(id, { 'x-csrf-token': 'wrong' }, grant)),
      await server.call(
        'POST',
        ROLES_URL,
        withCookie(id, { 'x-csrf-token': `${session.csrfToken}x` }, grant),
      ),
      // The right token from a page of another origin.
      await server.call(
        'POST',
        ROLES_URL,
        withCookie(id, { 'x-csrf-token': session.csrfToken, origin: 'https://evil.example' }, grant),
      ),
      await server.call(
        'POST',
        ROLES_URL,
        withCookie(id, { 'x-csrf-token': session.csrfToken, origin: 'null' }, grant),
      ),
    ];
    for (const reply of refused) {
      expect({ status: reply.status, code: errorCode(reply) }, reply.text).toEqual({
        status: 403,
        code: 'PO_ERR_CSRF',
      });
    }
    expect(await server.store.rolesOf('ada@example.com')).toEqual([]);

    const granted = await server.call(
      'POST',
      ROLES_URL,
      withCookie(id, { 'x-csrf-token': session.csrfToken, origin: server.base }, grant),
    );
    expect(granted.status, granted.text).toBe(201);
    expect(await server.store.rolesOf('ada@example.com')).toEqual(['viewer']);
  });

  it('leaves bearer tokens as they were: no CSRF header, and the header wins over a cookie', async () => {
    const { id } = await signIn(admin.token);
    const viewer = await issue('ada@example.com');
    const bearer = await server.call('POST', ROLES_URL, {
      token: admin.token,
      body: { subject: 'bea@example.com', role: 'viewer' },
    });
    expect(bearer.status, bearer.text).toBe(201);
    // The viewer's bearer token with the admin's cookie acts as the viewer.
    const mixed = await server.call('POST', ROLES_URL, {
      ...withCookie(id, {}, { subject: 'cy@example.com', role: 'viewer' }),
      token: viewer.token,
    });
    expect({ status: mixed.status, code: errorCode(mixed) }).toEqual({
      status: 403,
      code: 'PO_ERR_FORBIDDEN',
    });
  });

  it('refuses bad sign-in bodies (400) and tokens that are not valid (401)', async () => {
    for (const body of [
      {},
      { token: 42 },
      { token: admin.token, more: 1 },
      { token: 'x'.repeat(300) },
      'token',
      { token: 'po_a b' },
    ]) {
      const reply = await server.call('POST', '/v1/session', { body });
      expect({ status: reply.status, code: errorCode(reply) }, JSON.stringify(body)).toEqual({
        status: 400,
        code: 'PO_ERR_REQUEST_INVALID',
      });
    }
    const wrong = await server.call('POST', '/v1/session', {
      body: { token: `${admin.token.slice(0, -4)}AAAA` },
    });
    expect({ status: wrong.status, code: errorCode(wrong) }).toEqual({
      status: 401,
      code: 'PO_ERR_UNAUTHENTICATED',
    });
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const elsewhere = await server.call('POST', '/v1/session', {
      body: { token: admin.token },
      headers: { origin: 'https://evil.example' },
    });
    expect({ status: elsewhere.status, code: errorCode(elsewhere) }).toEqual({
      status: 403,
      code: 'PO_ERR_CSRF',
    });
  });

  it('keeps only the hash of the session id, and audits sign-in and sign-out by token', async () => {
    const { id, session } = await signIn(admin.token);
    const rows = await sessionsTable();
    const hash = createHash('sha256').update(id).digest('hex');
    const row = rows.find((r) => r.id_hash === hash);
    expect(row).toMatchObject({ subject: 'admin@example.com', token_id: admin.id, project: PROJECT });
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(id);
    expect(stored).not.toContain(session.csrfToken);
    expect(stored).not.toContain(admin.token);

    const out = await server.call(
      'DELETE',
      '/v1/session',
      withCookie(id, { 'x-csrf-token': session.csrfToken }),
    );
    expect(out.status, out.text).toBe(204);
    const audit = await server.store.listAudit({ limit: 20 });
    expect(audit.find((e) => e.action === 'session.delete')).toMatchObject({
      actor: 'admin@example.com',
      target: `token:${admin.id}`,
    });
    expect(audit.some((e) => e.action === 'session.create')).toBe(true);
    expect(JSON.stringify(audit)).not.toContain(id);
    expect((await sessionsTable()).some((r) => r.id_hash === hash)).toBe(false);
  });

  it('signs out only with the CSRF token; the cookie is cleared and the session is over', async () => {
    const { id, session } = await signIn(admin.token);
    const refused = await server.call('DELETE', '/v1/session', withCookie(id));
    expect({ status: refused.status, code: errorCode(refused) }).toEqual({
      status: 403,
      code: 'PO_ERR_CSRF',
    });
    expect((await server.call('GET', '/v1/session', withCookie(id))).status).toBe(200);

    const out = await server.call(
      'DELETE',
      '/v1/session',
      withCookie(id, { 'x-csrf-token': session.csrfToken }),
    );
    expect(out.status).toBe(204);
    expect(out.headers['set-cookie']).toMatch(/promptops_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
    expect((await server.call('GET', '/v1/session', withCookie(id))).status).toBe(401);
    expect((await server.call('GET', '/v1/whoami', withCookie(id))).status).toBe(401);
  });

  it('ends the sessions of a token the moment it is revoked through the API', async () => {
    const author = await issue('ada@example.com');
    const { id } = await signIn(author.token);
    expect((await server.call('GET', '/v1/whoami', withCookie(id))).status).toBe(200);
    const revoked = await server.call('DELETE', `/v1/tokens/${author.id}`, { token: admin.token });
    expect(revoked.status, revoked.text).toBe(200);
    expect((await server.call('GET', '/v1/session', withCookie(id))).status).toBe(401);
    expect((await server.call('GET', '/v1/whoami', withCookie(id))).status).toBe(401);
    expect((await server.call('POST', '/v1/session', { body: { token: author.token } })).status).toBe(401);
  });

  it('ends the sessions of a token revoked elsewhere (the CLI, another server) once the cache lets go', async () => {
    const author = await issue('ada@example.com');
    const { id } = await signIn(author.token);
    await server.store.revokeToken(author.id, 'admin@example.com');
    // This server learns it from the store: when its cached answer runs out (5 s by default).
    clock += 5_001;
    expect((await server.call('GET', '/v1/whoami', withCookie(id))).status).toBe(401);
  });

  it('never outlives its token, and ends after 12 hours', async () => {
    const soon = new Date(clock + 2 * HOURS).toISOString();
    const brief = await issue('ada@example.com', soon);
    const { reply, session: capped } = await signIn(brief.token);
    expect(capped.expiresAt).toBe(soon);
    expect(reply.headers['set-cookie']).toMatch(/Max-Age=720\d/);

    const { id } = await signIn(admin.token);
    clock += 12 * HOURS - 1_000;
    expect((await server.call('GET', '/v1/whoami', withCookie(id))).status).toBe(200);
    clock += 2_000;
    expect((await server.call('GET', '/v1/session', withCookie(id))).status).toBe(401);
    expect((await server.call('GET', '/v1/whoami', withCookie(id))).status).toBe(401);
    // The next sign-in clears the expired sessions from the table.
    const { id: fresh } = await signIn(admin.token);
    const hashes = (await sessionsTable()).map((r) => r.id_hash);
    expect(hashes).toEqual([createHash('sha256').update(fresh).digest('hex')]);
  });
});

describe('the console’s static files', () => {
  let dir: string;
  let server: TestServer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'promptops-console-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>PromptOps</title>');
    await writeFile(path.join(dir, 'assets', 'x.js'), 'console.log(1)');
    server = await startServer({ consoleDir: dir });
  });

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const html = { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } };

  it('answers / and the app’s pages with index.html, revalidated, under the security headers', async () => {
    for (const url of ['/', '/catalog/support-reply', '/changes/3?tab=checks']) {
      const reply = await server.call('GET', url, html);
      expect(reply.status, url).toBe(200);
      expect(reply.text).toContain('<title>PromptOps</title>');
      expect(reply.headers['content-type']).toMatch(/^text\/html/);
      expect(reply.headers['cache-control']).toBe('no-cache');
      for (const [name, value] of Object.entries(CONSOLE_HEADERS)) expect(reply.headers[name]).toBe(value);
    }
    expect(CONSOLE_HEADERS['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('serves assets as immutable', async () => {
    const reply = await server.call('GET', '/assets/x.js');
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('console.log(1)');
    expect(reply.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps JSON 404s for the API, missing assets and requests that do not ask for a page', async () => {
    for (const [url, options] of [
      ['/v1/nope', html],
      ['/assets/missing.js', html],
      ['/catalog/x', {}],
    ] as const) {
      const reply = await server.call('GET', url, options);
      expect({ status: reply.status, code: errorCode(reply) }, url).toEqual({
        status: 404,
        code: 'PO_ERR_ROUTE_NOT_FOUND',
      });
    }
  });

  it('says the console is not built when its folder has no index.html', async () => {
    const bare = await startServer({ consoleDir: path.join(dir, 'missing') });
    try {
      const reply = await bare.call('GET', '/', html);
      expect({ status: reply.status, code: errorCode(reply) }).toEqual({
        status: 404,
        code: 'PO_ERR_ROUTE_NOT_FOUND',
      });
      expect((reply.json as { error: { message: string } }).error.message).toMatch(
        /not built.*npm run build/,
      );
    } finally {
      await bare.close();
    }
  });
});
