/**
 * The route × role matrix, over real HTTP: every operation in OPERATIONS (src/api/operations.ts; so a new one is covered the
 * day it is added) against every kind of caller. A caller without a valid token gets 401, a caller
 * whose roles in the route's project lack the route's permission gets exactly 403, and everyone
 * else gets through authorization (whatever the handler then answers, it is not 401/403 or a 5xx).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '../../src/api/operation.js';
import { OPERATIONS } from '../../src/api/operations.js';
import { CHECK_NAMES } from '../../src/governance/policy.js';
import { allows, ROLES, type Role } from '../../src/governance/rbac.js';
import { promptItem } from '../store/fixtures.js';
import { errorCode, isErrorBody, PROJECT, type Reply, startServer, type TestServer } from './support.js';

const OTHER_PROJECT = 'elsewhere';
/** A prompt the matrix names and that never exists, so no allowed call changes shared state. */
const GHOST = 'ghost';

let server: TestServer;
const tokens = {} as Record<Role, string>;
let noRoles: string;
let serverAdmin: string;
let outsider: string;
let revoked: string;
let expired: string;
let counter = 0;

/** A well-formed token (`po_<12>_<43>`) that the server never issued. */
const unknownToken = `po_${randomBytes(9).toString('base64url')}_${randomBytes(32).toString('base64url')}`;

const BAD_CREDENTIALS: [string, () => string][] = [
  ['a malformed bearer token', () => 'Bearer not-a-token'],
  ['an empty bearer token', () => 'Bearer '],
  ['another scheme', () => `Basic ${Buffer.from('admin:admin').toString('base64')}`],
  ['an unknown token', () => `Bearer ${unknownToken}`],
  ['a revoked token', () => `Bearer ${revoked}`],
  ['an expired token', () => `Bearer ${expired}`],
];

/** Plausible values for route parameters; `:project` is the server's project unless given. */
function urlOf(route: Operation, params: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    project: PROJECT,
    prompt: GHOST,
    number: '1',
    label: 'canary-test',
    id: 'no-such-id',
    subject: 'nobody@example.com',
    role: 'viewer',
    ...params,
  };
  return `/v1${route.path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => encodeURIComponent(values[name] ?? 'x1'))}`;
}

/** A minimal body that passes the route's schema; POST routes without an entry get `{}`. */
function bodyOf(route: Operation): unknown {
  if (route.method !== 'POST') return undefined;
  const unique = `m${++counter}`;
  const hash = '0'.repeat(64);
  const path = route.path.replace('/projects/:project', '');
  const bodies: Record<string, unknown> = {
    '/prompts/push': { items: [] },
    '/prompts/:prompt/labels/:label': { version: 1 },
    '/traces': { traces: [] },
    '/reviews': {
      id: unique,
      prompt: GHOST,
      versionNumber: 1,
      stage: 'input',
      guardrail: 'escalate-all',
      traceId: unique,
      createdAt: new Date().toISOString(),
      payload: {},
    },
    '/reviews/:id/decision': { decision: 'approved' },
    '/feedback': { traceId: unique, thumbs: 'down' },
    '/drift': {
      prompt: GHOST,
      environment: 'staging',
      version: 1,
      severity: 'none',
      reference: {},
      current: {},
      computedAt: new Date().toISOString(),
    },
    '/rollups': { source: unique, cells: [] },
    '/rollups/add': { source: unique, cells: [] },
    '/telemetry/prune': {},
    '/response-cache/lookup': { versionHashes: [] },
    '/response-cache': { entries: [] },
    '/eval-runs': {
      id: unique,
      prompt: GHOST,
      versionHash: hash,
      startedAt: new Date().toISOString(),
      passed: 0,
      failed: 0,
      errors: 0,
      passRate: 1,
      result: {},
    },
    '/change-requests': { prompt: GHOST },
    '/change-requests/:number/checks': {
      name: CHECK_NAMES[0],
      status: 'pass',
      summary: 'ok',
      versionHash: hash,
    },
    '/change-requests/:number/reviews': { decision: 'comment', comment: 'looks fine' },
    '/change-requests/:number/overrides': { check: CHECK_NAMES[0], justification: 'known flake' },
    '/releases': { changeRequest: 1, environment: 'staging' },
    '/releases/promote': { prompt: GHOST, environment: 'staging' },
    '/releases/rollback': { prompt: GHOST, environment: 'staging' },
    '/canary-analyses/intervals': {
      release: unique,
      step: 0,
      weight: 5,
      index: 0,
      windowStart: new Date().toISOString(),
      windowEnd: new Date().toISOString(),
      verdict: 'inconclusive',
      evidence: { verdict: 'inconclusive', metrics: [] },
    },
    '/roles': { subject: 'bystander@example.com', role: 'viewer' },
    '/tokens': { subject: 'bystander@example.com', name: 'matrix' },
    '/projects': { name: `side-${unique}` },
  };
  return bodies[path] ?? {};
}

const send = (route: Operation, headers: { token?: string; authorization?: string }, url = urlOf(route)) =>
  server.call(route.method, url, { ...headers, body: bodyOf(route) });

function expectError(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: errorCode(reply) }, reply.text).toEqual({ status, code });
  expect(isErrorBody(reply), reply.text).toBe(true);
}

function expectAuthorized(reply: Reply, who: string): void {
  const seen = `${who}: ${reply.status} ${reply.text.slice(0, 300)}`;
  expect(reply.status, seen).not.toBe(401);
  expect(reply.status, seen).not.toBe(403);
  expect(reply.status, seen).toBeLessThan(500);
}

beforeAll(async () => {
  server = await startServer({ authCacheMs: 60_000 });
  const { store } = server;
  const issue = async (subject: string, expiresAt?: string) =>
    (await store.createToken({ subject, name: 'test', ...(expiresAt ? { expiresAt } : {}) }, 'test')).token;
  for (const role of ROLES) {
    tokens[role] = await issue(`${role}@example.com`);
    await store.grantRole(`${role}@example.com`, role, 'test');
  }
  // An admin of every project (a binding on '*'), the only kind of caller that may learn a project is missing.
  serverAdmin = await issue('root@example.com');
  await store.forProject('*').grantRole('root@example.com', 'admin', 'test');
  noRoles = await issue('nobody-at-all@example.com');
  outsider = await issue('outsider@example.com');
  await store.ensureProject(OTHER_PROJECT, 'test');
  const elsewhere = store.forProject(OTHER_PROJECT);
  for (const role of ROLES) await elsewhere.grantRole('outsider@example.com', role, 'test');
  const gone = await store.createToken({ subject: 'admin@example.com', name: 'gone' }, 'test');
  await store.revokeToken(gone.record.id, 'test');
  revoked = gone.token;
  expired = await issue('admin@example.com', '2001-01-01T00:00:00.000Z');
  await store.push([await promptItem('greet', 'Hello {{text}}')], { author: 'test' });
});

afterAll(async () => {
  await server?.close();
});

describe('the route table', () => {
  it('has routes, each with a known permission or null', () => {
    expect(OPERATIONS.length).toBeGreaterThan(30);
    const seen = new Set<string>();
    for (const route of OPERATIONS) {
      const key = `${route.method} ${route.path}`;
      expect(seen.has(key), `${key} is registered twice`).toBe(false);
      seen.add(key);
    }
  });
});

describe('what monitoring writes', () => {
  // A drift report decides which bands count as alerted after a restart: a runtime or author
  // token that could write one could silence drift alerts.
  it.each(['runtime', 'author', 'ci'] as const)('refuses a drift report from %s with 403', async (role) => {
    const route = OPERATIONS.find((op) => op.name === 'recordDriftReport')!;
    expectError(await send(route, { token: tokens[role] }), 403, 'PO_ERR_FORBIDDEN');
  });
});

describe.each(OPERATIONS.map((route) => [`${route.method} ${route.path}`, route] as const))(
  '%s',
  (_name, route) => {
    it('needs a token: without one it is 401 PO_ERR_UNAUTHENTICATED', async () => {
      expectError(await send(route, {}), 401, 'PO_ERR_UNAUTHENTICATED');
    });

    it.each(BAD_CREDENTIALS)('refuses %s with 401', async (_what, header) => {
      expectError(await send(route, { authorization: header() }), 401, 'PO_ERR_UNAUTHENTICATED');
    });

    if (route.method === 'POST')
      it('refuses a body failing its schema with 401 (not 400) without a token', async () => {
        const reply = await server.call(route.method, urlOf(route), { body: { surely: { not: 'valid' } } });
        expectError(reply, 401, 'PO_ERR_UNAUTHENTICATED');
        expect(reply.text).not.toContain('validation');
      });

    it.each(ROLES)('lets %s in exactly when the role grants the permission', async (role) => {
      const reply = await send(route, { token: tokens[role] });
      if (route.permission === null || allows([role], route.permission)) {
        expectAuthorized(reply, role);
      } else {
        expectError(reply, 403, 'PO_ERR_FORBIDDEN');
        expect((reply.json as { error: { details: { permission?: string } } }).error.details.permission).toBe(
          route.permission,
        );
      }
    });

    it('gives a caller with no roles 403 unless the route needs no permission', async () => {
      const reply = await send(route, { token: noRoles });
      if (route.permission === null) expectAuthorized(reply, 'no roles');
      else expectError(reply, 403, 'PO_ERR_FORBIDDEN');
    });

    it('does not count roles held in another project', async () => {
      const reply = await send(route, { token: outsider });
      if (route.permission === null) expectAuthorized(reply, 'outsider');
      else expectError(reply, 403, 'PO_ERR_FORBIDDEN');
    });

    if (route.method === 'POST' && route.permission !== null)
      it('gives a forbidden caller 403 (not a 400 describing the schema) for a body that fails it', async () => {
        const forbidden = ROLES.find((role) => !allows([role], route.permission!));
        const token = forbidden ? tokens[forbidden] : noRoles;
        const reply = await server.call(route.method, urlOf(route), { token, body: { surely: 'not valid' } });
        expectError(reply, 403, 'PO_ERR_FORBIDDEN');
      });

    if (route.path.startsWith('/projects/:project'))
      it('answers 404 for a missing project only to an admin of every project; others get 403', async () => {
        const missing = urlOf(route, { project: 'no-such-project' });
        const reply = await send(route, { token: serverAdmin }, missing);
        expectError(reply, 404, 'PO_ERR_PROJECT_NOT_FOUND');
        expectError(await send(route, { token: tokens.admin }, missing), 403, 'PO_ERR_FORBIDDEN');
        expect((reply.json as { error: { details: { project?: string } } }).error.details.project).toBe(
          'no-such-project',
        );
      });
  },
);

describe('roles are per project', () => {
  it('an admin of another project may read it but not this one', async () => {
    const there = await server.call('GET', `/v1/projects/${OTHER_PROJECT}/prompts`, { token: outsider });
    expect(there.status).toBe(200);
    const here = await server.call('GET', `/v1/projects/${PROJECT}/prompts`, { token: outsider });
    expectError(here, 403, 'PO_ERR_FORBIDDEN');
    expect((here.json as { error: { details: { roles: string[] } } }).error.details.roles).toEqual([]);
  });

  it('this project’s admin has no role in another project', async () => {
    const reply = await server.call('GET', `/v1/projects/${OTHER_PROJECT}/prompts`, { token: tokens.admin });
    expectError(reply, 403, 'PO_ERR_FORBIDDEN');
  });

  it('whoami names the subject and its roles in the server project', async () => {
    const reply = await server.call('GET', '/v1/whoami', { token: tokens.releaser });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ subject: 'releaser@example.com', roles: ['releaser'] });
  });
});

describe('revocation and grants through the API take effect at once', () => {
  it('a token revoked with DELETE /v1/tokens/:id stops working on the next request', async () => {
    const created = await server.call('POST', '/v1/tokens', {
      token: tokens.admin,
      body: { subject: 'viewer@example.com', name: 'short-lived' },
    });
    expect(created.status).toBe(201);
    const { token, record } = created.json as { token: string; record: { id: string } };
    // Used once, so it is now in the server's verified-token cache (60 s in these tests).
    expect((await server.call('GET', `/v1/projects/${PROJECT}/prompts`, { token })).status).toBe(200);
    const gone = await server.call('DELETE', `/v1/tokens/${record.id}`, { token: tokens.admin });
    expect(gone.status).toBe(200);
    expect((gone.json as { revokedAt: string | null }).revokedAt).toEqual(expect.any(String));
    const after = await server.call('GET', `/v1/projects/${PROJECT}/prompts`, { token });
    expectError(after, 401, 'PO_ERR_UNAUTHENTICATED');
  });

  it('(the cache is real: a revocation behind the API’s back waits out authCacheMs)', async () => {
    const { token, record } = await server.store.createToken(
      { subject: 'viewer@example.com', name: 'cached' },
      'test',
    );
    expect((await server.call('GET', `/v1/projects/${PROJECT}/prompts`, { token })).status).toBe(200);
    await server.store.revokeToken(record.id, 'test');
    expect((await server.call('GET', `/v1/projects/${PROJECT}/prompts`, { token })).status).toBe(200);
    // Revoking it again through the API drops it from the cache.
    expect((await server.call('DELETE', `/v1/tokens/${record.id}`, { token: tokens.admin })).status).toBe(
      200,
    );
    expectError(
      await server.call('GET', `/v1/projects/${PROJECT}/prompts`, { token }),
      401,
      'PO_ERR_UNAUTHENTICATED',
    );
  });

  it('a role granted or revoked through the API applies to the very next request', async () => {
    const subject = 'newcomer@example.com';
    const { token } = await server.store.createToken({ subject, name: 'newcomer' }, 'test');
    const read = () => server.call('GET', `/v1/projects/${PROJECT}/prompts`, { token });
    expectError(await read(), 403, 'PO_ERR_FORBIDDEN');
    const granted = await server.call('POST', `/v1/projects/${PROJECT}/roles`, {
      token: tokens.admin,
      body: { subject, role: 'viewer' },
    });
    expect(granted.status).toBe(201);
    expect(granted.json).toMatchObject({ project: PROJECT, subject, role: 'viewer' });
    expect((await read()).status).toBe(200);
    const revokedRole = await server.call('DELETE', `/v1/projects/${PROJECT}/roles/${subject}/viewer`, {
      token: tokens.admin,
    });
    expect(revokedRole.status).toBe(204);
    expectError(await read(), 403, 'PO_ERR_FORBIDDEN');
  });

  it('a role granted through the API applies to a project-less route too', async () => {
    const subject = 'future-admin@example.com';
    const { token } = await server.store.createToken({ subject, name: 'future' }, 'test');
    expectError(await server.call('GET', '/v1/tokens', { token }), 403, 'PO_ERR_FORBIDDEN');
    const granted = await server.call('POST', `/v1/projects/${PROJECT}/roles`, {
      token: tokens.admin,
      body: { subject, role: 'admin' },
    });
    expect(granted.status).toBe(201);
    expect((await server.call('GET', '/v1/tokens', { token })).status).toBe(200);
  });

  it('a cached token still stops working the moment it expires', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const { token } = await server.store.createToken(
      { subject: 'viewer@example.com', name: 'brief', expiresAt },
      'test',
    );
    expect((await server.call('GET', `/v1/projects/${PROJECT}/prompts`, { token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50));
    expectError(
      await server.call('GET', `/v1/projects/${PROJECT}/prompts`, { token }),
      401,
      'PO_ERR_UNAUTHENTICATED',
    );
  });

  it('a refusal names the roles that would allow the call and the command that grants one', async () => {
    const reply = await server.call('POST', `/v1/projects/${PROJECT}/change-requests`, {
      token: tokens.viewer,
      body: { prompt: 'greet' },
    });
    expectError(reply, 403, 'PO_ERR_FORBIDDEN');
    expect(reply.text).toContain(
      'an admin can grant author or admin with \\"promptops role grant viewer@example.com ROLE\\"',
    );
    const unknown = await server.call('GET', `/v1/projects/${PROJECT}/prompts`, { token: 'po_nope' });
    expect(unknown.text).toContain('promptops token create');
  });

  it('whoever creates a project administers it, so it can be given its first members', async () => {
    const created = await server.call('POST', '/v1/projects', {
      token: tokens.admin,
      body: { name: 'fresh' },
    });
    expect(created.status).toBe(201);
    const granted = await server.call('POST', '/v1/projects/fresh/roles', {
      token: tokens.admin,
      body: { subject: 'viewer@example.com', role: 'viewer' },
    });
    expect(granted.status, granted.text).toBe(201);
    expect((await server.call('GET', '/v1/projects/fresh/prompts', { token: tokens.viewer })).status).toBe(
      200,
    );
    expectError(
      await server.call('GET', '/v1/projects/fresh/prompts', { token: tokens.author }),
      403,
      'PO_ERR_FORBIDDEN',
    );
  });
});

describe('special rules', () => {
  const rollback = (token: string, force: boolean) =>
    server.call('POST', `/v1/projects/${PROJECT}/releases/rollback`, {
      token,
      body: {
        prompt: 'greet',
        environment: 'production',
        ...(force ? { force: { justification: 'the new contract breaks the caller' } } : {}),
      },
    });

  it('forcing a rollback needs an admin: a releaser gets 403', async () => {
    const reply = await rollback(tokens.releaser, true);
    expectError(reply, 403, 'PO_ERR_FORBIDDEN');
    expect((reply.json as { error: { details: { permission?: string } } }).error.details.permission).toBe(
      'policy.override',
    );
  });

  it('a releaser may roll back without force, and an admin may force', async () => {
    expectAuthorized(await rollback(tokens.releaser, false), 'releaser');
    expectAuthorized(await rollback(tokens.admin, true), 'admin');
  });

  it('forcing a release past the contract re-validation needs an admin too: a releaser gets 403', async () => {
    const release = (token: string) =>
      server.call('POST', `/v1/projects/${PROJECT}/releases`, {
        token,
        body: {
          changeRequest: 1,
          environment: 'staging',
          force: { justification: 'the old contract is what callers send' },
        },
      });
    const reply = await release(tokens.releaser);
    expectError(reply, 403, 'PO_ERR_FORBIDDEN');
    expect((reply.json as { error: { details: { permission?: string } } }).error.details.permission).toBe(
      'policy.override',
    );
    expectAuthorized(await release(tokens.admin), 'admin');
  });

  it('only the ci role (or an admin) records check results: an author or a releaser gets 403', async () => {
    const check = (token: string) =>
      server.call('POST', `/v1/projects/${PROJECT}/change-requests/1/checks`, {
        token,
        body: { name: CHECK_NAMES[0], status: 'pass', summary: 'ok', versionHash: '0'.repeat(64) },
      });
    expectError(await check(tokens.author), 403, 'PO_ERR_FORBIDDEN');
    expectError(await check(tokens.releaser), 403, 'PO_ERR_FORBIDDEN');
    expectAuthorized(await check(tokens.ci), 'ci');
  });

  it('an author may not move an environment label; an admin may', async () => {
    const setLabel = (token: string, label: string) =>
      server.call('POST', `/v1/projects/${PROJECT}/prompts/greet/labels/${label}`, {
        token,
        body: { version: 1 },
      });
    for (const environment of ['staging', 'production']) {
      const denied = await setLabel(tokens.author, environment);
      expectError(denied, 403, 'PO_ERR_FORBIDDEN');
      expect((denied.json as { error: { details: { label?: string } } }).error.details.label).toBe(
        environment,
      );
    }
    const removal = await server.call('DELETE', `/v1/projects/${PROJECT}/prompts/greet/labels/production`, {
      token: tokens.author,
    });
    expectError(removal, 403, 'PO_ERR_FORBIDDEN');
    const byAdmin = await setLabel(tokens.admin, 'production');
    expect(byAdmin.status, byAdmin.text).toBe(200);
    const labels = await server.call('GET', `/v1/projects/${PROJECT}/labels?prompt=greet`, {
      token: tokens.viewer,
    });
    expect(JSON.stringify(labels.json)).toContain('production');
  });

  it('an author may set an ordinary label', async () => {
    const reply = await server.call('POST', `/v1/projects/${PROJECT}/prompts/greet/labels/canary-test`, {
      token: tokens.author,
      body: { version: 1 },
    });
    expect(reply.status, reply.text).toBe(200);
    const removed = await server.call('DELETE', `/v1/projects/${PROJECT}/prompts/greet/labels/canary-test`, {
      token: tokens.author,
    });
    expectAuthorized(removed, 'author');
  });
});
