/**
 * The web console's sign-in over real HTTP, on both engines: an API token becomes an HttpOnly,
 * SameSite=Strict session cookie that acts as that token; changes made with the cookie need the
 * session's CSRF token and the server's own origin; the session ends when signed out, when it
 * expires (the server's clock, moved by hand) and at once when its token is revoked. Then the
 * console's static files: index.html for pages, immutable assets, security headers, JSON 404s kept.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../src/project/workspace.js';
import { CONSOLE_HEADERS } from '../../src/server/console-routes.js';
import { type ControlPlane, startControlPlane } from '../../src/server/control-plane.js';
import { useTempDir } from '../helpers.js';
import { withClient } from '../store/harness.js';
import {
  type CallOptions,
  type ErrorBody,
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

/** A file beside the console's assets/ folder: no request may read it. */
const SECRET = 'not-for-the-web-7f3a';

/** A GET of `url` exactly as written: fetch and URL would resolve its `..` before sending. */
function rawGet(base: string, url: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: url, method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
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

  it('ends the session a browser held when it signs in again, and audits the end', async () => {
    const { id: old } = await signIn(admin.token);
    const { id: fresh } = await signIn(admin.token, withCookie(old));
    expect(fresh).not.toBe(old);
    expect((await server.call('GET', '/v1/session', withCookie(old))).status).toBe(401);
    expect((await server.call('GET', '/v1/whoami', withCookie(old))).status).toBe(401);
    expect((await server.call('GET', '/v1/session', withCookie(fresh))).status).toBe(200);
    const hashes = (await sessionsTable()).map((r) => r.id_hash);
    expect(hashes).not.toContain(createHash('sha256').update(old).digest('hex'));
    const [latest] = await server.store.listAudit({ limit: 2 });
    expect(latest).toMatchObject({ action: 'session.create' });
    const [, ended] = await server.store.listAudit({ limit: 2 });
    expect(ended).toMatchObject({ action: 'session.delete', actor: 'admin@example.com' });
    // A cookie that names no live session does not stand in the way.
    const { id: third } = await signIn(admin.token, withCookie(randomBytes(32).toString('base64url')));
    expect((await server.call('GET', '/v1/session', withCookie(third))).status).toBe(200);
  });

  it('refuses cookie changes and sign-ins a page of another site made (Sec-Fetch-Site), or another scheme', async () => {
    const { id, session } = await signIn(admin.token);
    const grant = { subject: 'dee@example.com', role: 'viewer' };
    const csrf = { 'x-csrf-token': session.csrfToken };
    const https = `https://${new URL(server.base).host}`;
    const refused = [
      // No Origin header, but the browser says where the request came from.
      await server.call(
        'POST',
        ROLES_URL,
        withCookie(id, { ...csrf, 'sec-fetch-site': 'cross-site' }, grant),
      ),
      await server.call('POST', ROLES_URL, withCookie(id, { ...csrf, 'sec-fetch-site': 'same-site' }, grant)),
      await server.call(
        'POST',
        ROLES_URL,
        withCookie(id, { ...csrf, origin: server.base, 'sec-fetch-site': 'cross-site' }, grant),
      ),
      // The right host over another scheme than the proxy says the request came over.
      await server.call(
        'POST',
        ROLES_URL,
        withCookie(id, { ...csrf, origin: server.base, 'x-forwarded-proto': 'https' }, grant),
      ),
      await server.call('POST', '/v1/session', {
        body: { token: admin.token },
        headers: { 'sec-fetch-site': 'cross-site' },
      }),
      await server.call('POST', '/v1/session', {
        body: { token: admin.token },
        headers: { origin: server.base, 'x-forwarded-proto': 'https' },
      }),
    ];
    for (const reply of refused) {
      expect({ status: reply.status, code: errorCode(reply) }, reply.text).toEqual({
        status: 403,
        code: 'PO_ERR_CSRF',
      });
      expect(reply.headers['set-cookie']).toBeUndefined();
    }
    expect(await server.store.rolesOf('dee@example.com')).toEqual([]);

    const accepted: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-origin', origin: server.base },
      { 'sec-fetch-site': 'none' },
      { origin: https, 'x-forwarded-proto': 'https' },
    ];
    for (const headers of accepted) {
      const granted = await server.call('POST', ROLES_URL, withCookie(id, { ...csrf, ...headers }, grant));
      expect(granted.status, `${JSON.stringify(headers)}: ${granted.text}`).toBe(201);
    }
  });

  it('refuses sign-out from a page of another origin: the session stays', async () => {
    const { id, session } = await signIn(admin.token);
    const csrf = { 'x-csrf-token': session.csrfToken };
    for (const headers of [
      { ...csrf, origin: 'https://evil.example' },
      { ...csrf, 'sec-fetch-site': 'cross-site' },
    ]) {
      const reply = await server.call('DELETE', '/v1/session', withCookie(id, headers));
      expect({ status: reply.status, code: errorCode(reply) }).toEqual({ status: 403, code: 'PO_ERR_CSRF' });
      expect(reply.headers['set-cookie']).toBeUndefined();
    }
    expect((await server.call('GET', '/v1/session', withCookie(id))).status).toBe(200);
  });

  it('marks what the cookie reads no-store and nosniff, and keeps the snapshot long-poll (ETag, 304)', async () => {
    const { id } = await signIn(admin.token);
    for (const url of ['/v1/whoami', `/v1/projects/${PROJECT}/prompts`, '/v1/nope']) {
      const reply = await server.call('GET', url, withCookie(id));
      expect(reply.headers['cache-control'], url).toBe('no-store');
      expect(reply.headers['x-content-type-options'], url).toBe('nosniff');
    }
    const ended = await server.call('GET', '/v1/whoami', withCookie(randomBytes(32).toString('base64url')));
    expect(ended.status).toBe(401);
    expect(ended.headers['cache-control']).toBe('no-store');

    const snapshot = `/v1/projects/${PROJECT}/environments/production/snapshot`;
    const first = await server.call('GET', snapshot, withCookie(id));
    expect(first.status, first.text).toBe(200);
    expect(first.headers.etag).toMatch(/^"\d+"$/);
    const again = await server.call(
      'GET',
      snapshot,
      withCookie(id, { 'if-none-match': first.headers.etag ?? '' }),
    );
    expect(again.status).toBe(304);
    expect(again.headers.etag).toBe(first.headers.etag);

    // A bearer token's answers keep their own caching; nosniff is on every API answer.
    const bearer = await server.call('GET', '/v1/whoami', { token: admin.token });
    expect(bearer.headers['cache-control']).toBeUndefined();
    expect(bearer.headers['x-content-type-options']).toBe('nosniff');
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

describe('where only bearer tokens go: /metrics and the embedded gateway', () => {
  const dir = useTempDir({ examples: true, once: true });
  let plane: ControlPlane;
  let token: string;
  let cookie: Record<string, string>;

  beforeAll(async () => {
    const env = { ...process.env };
    delete env.PROMPTOPS_DATABASE_URL;
    plane = await startControlPlane(await openWorkspace(dir()), {
      port: 0,
      host: '127.0.0.1',
      monitorEveryMs: 60 * 60_000,
      logger: false,
      env,
    });
    await plane.store.grantRole('root@example.com', 'admin', 'test');
    ({ token } = await plane.store.createToken({ subject: 'root@example.com', name: 'console' }, 'test'));
    const signedIn = await fetch(`${plane.address}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(signedIn.status).toBe(201);
    const { csrfToken } = (await signedIn.json()) as Session;
    const id = /promptops_session=([^;]*)/.exec(signedIn.headers.get('set-cookie') ?? '')?.[1];
    cookie = { cookie: `promptops_session=${id}`, 'x-csrf-token': csrfToken, origin: plane.address };
  }, 60_000);

  afterAll(async () => {
    await plane?.close();
  });

  it('answers 401 to the session cookie, and takes the same caller’s bearer token', async () => {
    const json = { 'content-type': 'application/json' };
    const routes: [string, string, unknown?][] = [
      ['GET', '/metrics'],
      ['POST', '/v1/run/support-reply', { input: { message: 'hi' } }],
      ['GET', '/v1/prompts/support-reply'],
      ['POST', '/v1/prompts/support-reply/render', { input: { message: 'hi' } }],
      ['POST', '/v1/feedback', { traceId: 'nope', thumbs: 'down' }],
    ];
    for (const [method, url, body] of routes) {
      const send = (headers: Record<string, string>) =>
        fetch(`${plane.address}${url}`, {
          method,
          headers: body === undefined ? headers : { ...headers, ...json },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const withCookie = await send(cookie);
      expect(withCookie.status, `${method} ${url}`).toBe(401);
      expect(((await withCookie.json()) as ErrorBody).error.code).toBe('PO_ERR_UNAUTHENTICATED');
      // The route is there and the caller may use it: only the credential was wrong.
      const withBearer = await send({ authorization: `Bearer ${token}` });
      expect([401, 403], `${method} ${url} with a bearer token`).not.toContain(withBearer.status);
    }
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
    await writeFile(path.join(dir, 'secret.txt'), SECRET);
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

  it('refuses paths that climb out of assets/', async () => {
    for (const url of [
      '/assets/../secret.txt',
      '/assets/%2e%2e/secret.txt',
      '/assets/..%2fsecret.txt',
      '/assets/%2e%2e%2fsecret.txt',
      '/assets/x/../../secret.txt',
      '/assets/..%5csecret.txt',
    ]) {
      const reply = await rawGet(server.base, url);
      expect(reply.status, url).toBeGreaterThanOrEqual(400);
      expect(reply.status, url).toBeLessThan(500);
      expect(reply.text, url).not.toContain(SECRET);
    }
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
      // Where the server keeps its files is for its log, not for whoever asks.
      expect(reply.text).not.toContain(dir);
      expect(reply.text).not.toContain(tmpdir());
      expect((reply.json as ErrorBody).error.details).toEqual({});
    } finally {
      await bare.close();
    }
  });
});
