/**
 * What the API lets into the registry, on both engines: every pushed spec passes the rules a local
 * push (lint) applies, values one engine cannot store (integers past 32 bits, NUL characters, lone
 * surrogates, reals past float4) are refused with 400 before they reach SQL, and a database that
 * is gone under the running server answers 503 like /readyz, never 500.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/api/operations.js';
import { MAX_INTEGER } from '../../src/api/schemas.js';
import { hashSpec } from '../../src/catalog/canonical.js';
import { parsePrompt } from '../../src/catalog/parse.js';
import type { PromptSpec } from '../../src/catalog/spec.js';
import { MAX_SPEC_BYTES } from '../../src/catalog/spec-schema.js';
import { defaultProjectConfig } from '../../src/project/config.js';
import { parseContext } from '../../src/project/parse-context.js';
import type { PushItem } from '../../src/store/index.js';
import { promptItem, promptOpsRejection } from '../store/fixtures.js';
import { DATABASE_URL, reachableEngines, withClient, withSchema } from '../store/harness.js';
import { errorCode, isErrorBody, PROJECT, type Reply, startServer, type TestServer } from './support.js';

const P = `/v1/projects/${PROJECT}`;

function expectError(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: errorCode(reply) }, reply.text).toEqual({ status, code });
  expect(isErrorBody(reply), reply.text).toBe(true);
}

interface Engine {
  name: string;
  /** A store URL for a fresh registry (undefined: a SQLite file in the server's folder). */
  url: () => string | undefined;
  /** Removes the registry's tables behind the running server's back. */
  destroy: (server: TestServer, url: string | undefined) => Promise<void>;
  cleanup: (url: string | undefined) => Promise<void>;
}

const schemaOf = (url: string) => new URL(url).searchParams.get('schema')!;
const ENGINES: Engine[] = [
  {
    name: 'sqlite',
    url: () => undefined,
    destroy: async (server) => {
      const db = new Sqlite(path.join(server.dir, 'r.db'));
      try {
        db.pragma('foreign_keys = OFF');
        const tables = db
          .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
          .all() as { name: string }[];
        for (const { name } of tables) db.exec(`DROP TABLE "${name}"`);
      } finally {
        db.close();
      }
    },
    cleanup: async () => {},
  },
  {
    name: 'postgres',
    url: () => withSchema(DATABASE_URL, `lim_${randomBytes(5).toString('hex')}`),
    destroy: async (_server, url) => {
      await withClient(null, (c) => c.query(`DROP SCHEMA "${schemaOf(url!)}" CASCADE`));
    },
    cleanup: async (url) => {
      await withClient(null, (c) => c.query(`DROP SCHEMA IF EXISTS "${schemaOf(url!)}" CASCADE`));
    },
  },
];

/** A push item whose spec is `change` applied to a valid one, with the hash of what is sent. */
function tampered(base: PushItem, change: (spec: Record<string, unknown>) => void): PushItem {
  const spec = structuredClone(base.spec) as unknown as Record<string, unknown>;
  change(spec);
  return { spec: spec as unknown as PromptSpec, hash: hashSpec(spec as unknown as PromptSpec) };
}

/** A prompt parsed from `.prompt` source as lint reads it; fails the test when lint refuses it. */
async function linted(frontmatter: string[], template: string): Promise<PushItem> {
  const source = ['---', ...frontmatter, 'model: offline/echo', '---', template, ''].join('\n');
  const { spec, diagnostics } = await parsePrompt(source, 'x.prompt', parseContext(defaultProjectConfig()));
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { spec: spec!, hash: hashSpec(spec!) };
}

describe.each(reachableEngines(ENGINES))('input limits ($name)', (engine) => {
  let server: TestServer;
  let url: string | undefined;
  let author: string;
  let viewer: string;
  let admin: string;
  let good: PushItem;
  /** The least a trace body needs (a run of `good` that went well), with whatever `extra` adds. */
  const traceBody = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    prompt: 'summarise',
    version: { number: 1, hash: good.hash },
    status: 'ok',
    startedAt: new Date().toISOString(),
    timings: { total: 1 },
    ...extra,
  });

  beforeAll(async () => {
    url = engine.url();
    server = await startServer({}, url);
    const issue = async (subject: string, role: 'admin' | 'author' | 'viewer') => {
      const { token } = await server.store.createToken({ subject, name: 'test' }, 'test');
      await server.store.grantRole(subject, role, 'test');
      return token;
    };
    admin = await issue('root@example.com', 'admin');
    author = await issue('ada@example.com', 'author');
    viewer = await issue('vic@example.com', 'viewer');
    good = await promptItem('summarise', 'Summarise: {{text}}');
    const pushed = await server.call('POST', `${P}/prompts/push`, { token: author, body: { items: [good] } });
    expect(pushed.status, pushed.text).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await engine.cleanup(url);
  });

  it('bounds a graph ingest: batch sizes, names and attribute counts are refused with 400 before the store', async () => {
    const ingest = (body: unknown) => server.call('POST', `${P}/graph/ingest`, { token: author, body });
    const entity = (i: number) => ({ type: 'customer', key: `c-${i}` });
    const tooMany = await ingest({
      source: 'crm',
      entities: Array.from({ length: 10_001 }, (_, i) => entity(i)),
    });
    expectError(tooMany, 400, 'PO_ERR_REQUEST_INVALID');
    const attributes = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`a${i}`, i]));
    expectError(
      await ingest({ source: 'crm', entities: [{ ...entity(1), attributes }] }),
      400,
      'PO_ERR_REQUEST_INVALID',
    );
    expectError(await ingest({ source: '', entities: [entity(1)] }), 400, 'PO_ERR_REQUEST_INVALID');
    expectError(
      await ingest({ source: 'crm', entities: [{ type: 'Bad Type', key: 'x' }] }),
      400,
      'PO_ERR_REQUEST_INVALID',
    );
    const dangling = await ingest({
      source: 'crm',
      relations: [{ type: 'placed', from: 'customer:a', to: 'order:b' }],
    });
    expectError(dangling, 422, 'PO_ERR_GRAPH_INVALID');
    const asViewer = await server.call('POST', `${P}/graph/ingest`, {
      token: viewer,
      body: { source: 'crm' },
    });
    expect(asViewer.status).toBe(403);
    const ok = await ingest({ source: 'crm', entities: [entity(1)] });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json).toMatchObject({ revision: 1, added: 1 });
  });

  const MALFORMED: [string, (spec: Record<string, unknown>) => void][] = [
    ['without promptops.contract', (s) => delete (s.promptops as Record<string, unknown>).contract],
    ['without promptops', (s) => delete s.promptops],
    ['with a template that is not text', (s) => (s.template = 42)],
    ['with an unknown risk tier', (s) => ((s.promptops as Record<string, unknown>).risk = 'extreme')],
    [
      'with contract fields that are not rules',
      (s) => {
        (s.promptops as Record<string, Record<string, unknown>>).contract!.fields = { text: 'short' };
      },
    ],
    [
      'with an input schema that is not JSON Schema',
      (s) => {
        (s.input as Record<string, unknown>).schema = {
          type: 'object',
          properties: { text: { type: 'strnig' } },
        };
      },
    ],
    ['with an unknown top-level key', (s) => (s.sneaky = true)],
    ['named ../../etc/passwd', (s) => (s.name = '../../etc/passwd')],
    ['named with a NUL byte', (s) => (s.name = 'sum\u0000marise')],
    ['named with a lone surrogate', (s) => (s.name = 'sum\ud800')],
    ['named longer than lint allows', (s) => (s.name = 'a'.repeat(65))],
    ['with a variant part but no variant', (s) => (s.name = 'summarise.formal')],
    ['with a NUL byte in its template', (s) => (s.template = 'Hi\u0000{{text}}')],
    ['larger than a spec may be', (s) => (s.template = 'x'.repeat(MAX_SPEC_BYTES))],
  ];

  it.each(MALFORMED)('refuses a spec %s with 400, and writes nothing', async (_what, change) => {
    const before = {
      prompts: await server.store.listPrompts(),
      audit: await server.store.listAudit({ limit: 10_000 }),
    };
    const bad = tampered(good, change);
    const fresh = await promptItem('innocent', 'Hi {{text}}');
    const reply = await server.call('POST', `${P}/prompts/push`, {
      token: author,
      body: { items: [fresh, bad] },
    });
    expectError(reply, 400, 'PO_ERR_REQUEST_INVALID');
    expect(await server.store.listPrompts()).toEqual(before.prompts);
    expect(await server.store.listAudit({ limit: 10_000 })).toEqual(before.audit);
    expectError(
      await server.call('GET', `${P}/prompts/innocent/versions`, { token: viewer }),
      404,
      'PO_ERR_PROMPT_NOT_FOUND',
    );
  });

  it('keeps serving the project after refused pushes: list, versions, resolve and change requests work', async () => {
    const listed = await server.call('GET', `${P}/prompts`, { token: viewer });
    expect(listed.status, listed.text).toBe(200);
    expect((listed.json as { name: string }[]).map((p) => p.name)).toEqual(['summarise']);
    const versions = await server.call('GET', `${P}/prompts/summarise/versions`, { token: viewer });
    expect(versions.status, versions.text).toBe(200);
    const resolved = await server.call('GET', `${P}/prompts/summarise/resolve`, { token: viewer });
    expect(resolved.status, resolved.text).toBe(200);
    expect((resolved.json as { hash: string }).hash).toBe(good.hash);
    const opened = await server.call('POST', `${P}/change-requests`, {
      token: author,
      body: { prompt: 'summarise' },
    });
    expect(opened.status, opened.text).toBe(201);
  });

  it("the store's own push refuses a malformed spec too (PO_ERR_CATALOG_INVALID), writing nothing", async () => {
    const before = await server.store.listPrompts();
    const bad = tampered(good, (s) => delete (s.promptops as Record<string, unknown>).contract);
    const err = await promptOpsRejection(server.store.push([bad], { author: 'ada@example.com' }));
    expect(err.code).toBe('PO_ERR_CATALOG_INVALID');
    expect(err.message).toContain('contract');
    expect(await server.store.listPrompts()).toEqual(before);
  });

  it('serves a prompt whose name and variant have the longest length lint accepts', async () => {
    const item = await linted(
      [`name: ${'n'.repeat(64)}`, `variant: ${'v'.repeat(64)}`, 'input:', '  schema:', '    text?: string'],
      'Hi {{text}}',
    );
    const pushed = await server.call('POST', `${P}/prompts/push`, { token: author, body: { items: [item] } });
    expect(pushed.status, pushed.text).toBe(200);
    const name = encodeURIComponent(item.spec.name);
    for (const route of [`${P}/prompts/${name}/versions`, `${P}/prompts/${name}/resolve`]) {
      const reply = await server.call('GET', route, { token: viewer });
      expect(reply.status, reply.text).toBe(200);
    }
  });

  describe('values one engine cannot store are 400, never 500', () => {
    const BEYOND = MAX_INTEGER + 1;

    it.each([
      ['a label move', 'POST', `${P}/prompts/summarise/labels/beta`, { version: BEYOND }],
      ['a change request', 'POST', `${P}/change-requests`, { prompt: 'summarise', version: BEYOND }],
      ['a release', 'POST', `${P}/releases`, { changeRequest: BEYOND, environment: 'staging' }],
      [
        'a rollback',
        'POST',
        `${P}/releases/rollback`,
        { prompt: 'summarise', environment: 'staging', to: BEYOND },
      ],
    ])('an integer past 2^31-1 in %s', async (_what, method, route, body) => {
      expectError(await server.call(method, route, { token: admin, body }), 400, 'PO_ERR_REQUEST_INVALID');
    });

    it('an integer past 2^31-1 in a path or a query string', async () => {
      for (const route of [
        `${P}/change-requests/${BEYOND}`,
        `${P}/prompts/summarise/resolve?version=${BEYOND}`,
        `${P}/prompts/summarise/resolve?version=99999999999999999999`,
      ]) {
        expectError(await server.call('GET', route, { token: viewer }), 400, 'PO_ERR_REQUEST_INVALID');
      }
      // The largest integer is a number like any other: not found, not refused.
      expectError(
        await server.call('GET', `${P}/change-requests/${MAX_INTEGER}`, { token: viewer }),
        404,
        'PO_ERR_CR_NOT_FOUND',
      );
      expectError(
        await server.call('GET', `${P}/prompts/summarise/resolve?version=${MAX_INTEGER}`, { token: viewer }),
        404,
        'PO_ERR_VERSION_NOT_FOUND',
      );
    });

    it('a NUL character or a lone surrogate in a body, a path or a query string', async () => {
      for (const text of ['sum\u0000marise', 'sum\ud800marise']) {
        expectError(
          await server.call('POST', `${P}/change-requests`, { token: author, body: { prompt: text } }),
          400,
          'PO_ERR_REQUEST_INVALID',
        );
        expectError(
          await server.call('POST', `${P}/roles`, { token: admin, body: { subject: text, role: 'viewer' } }),
          400,
          'PO_ERR_REQUEST_INVALID',
        );
      }
      for (const route of [
        `${P}/prompts/sum%00marise/versions`,
        `${P}/traces?prompt=sum%00marise`,
        `${P}/labels?prompt=a%00`,
      ]) {
        expectError(await server.call('GET', route, { token: viewer }), 400, 'PO_ERR_REQUEST_INVALID');
      }
      expectError(
        await server.call('DELETE', `${P}/roles/vic%00/viewer`, { token: admin }),
        400,
        'PO_ERR_REQUEST_INVALID',
      );
    });

    it('a NUL character in a free-form object key or value (trace metadata, check details)', async () => {
      const trace = traceBody('trace-nul', { metadata: { 'a\u0000': 'b' } });
      expectError(
        await server.call('POST', `${P}/traces`, { token: author, body: { traces: [trace] } }),
        400,
        'PO_ERR_REQUEST_INVALID',
      );
      expect(await server.store.listTraces()).toEqual([]);
    });

    it('a body nested deeper than any reader can walk is 400, not a stack overflow', async () => {
      const trace = traceBody('trace-deep', { output: '__DEEP__' });
      // 100,000 levels of [[[…]]] as the trace's output, sent as text (JSON.stringify would overflow).
      const body = JSON.stringify({ traces: [trace] }).replace(
        '"__DEEP__"',
        `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      );
      const reply = await server.call('POST', `${P}/traces`, { token: author, body });
      expectError(reply, 400, 'PO_ERR_REQUEST_INVALID');
      expect(reply.text).toContain('nested more than 512 levels deep');
      expect(await server.store.listTraces()).toEqual([]);
    });

    it('a duration past what a real column holds; a vanishing one is stored as zero', async () => {
      const trace = (id: string, total: number) => traceBody(id, { timings: { total } });
      expectError(
        await server.call('POST', `${P}/traces`, { token: author, body: { traces: [trace('t-big', 1e39)] } }),
        400,
        'PO_ERR_REQUEST_INVALID',
      );
      const tiny = await server.call('POST', `${P}/traces`, {
        token: author,
        body: { traces: [trace('t-tiny', 1e-50)] },
      });
      expect(tiny.status, tiny.text).toBe(204);
      expect((await server.store.listTraces()).map((t) => t.id)).toEqual(['t-tiny']);
    });
  });

  describe('a registry whose tables are gone under the running server', () => {
    let broken: TestServer;
    let brokenUrl: string | undefined;

    beforeAll(async () => {
      brokenUrl = engine.url();
      broken = await startServer({}, brokenUrl);
    }, 60_000);
    afterAll(async () => {
      await broken?.close();
      await engine.cleanup(brokenUrl);
    });

    it('answers 503 PO_ERR_STORE_UNAVAILABLE on every call, as /readyz does', async () => {
      const { token } = await broken.store.createToken({ subject: 'root@example.com', name: 't' }, 'test');
      await broken.store.grantRole('root@example.com', 'admin', 'test');
      const { token: unchecked } = await broken.store.createToken(
        { subject: 'new@example.com', name: 't' },
        'test',
      );
      expect((await broken.call('GET', `${P}/prompts`, { token })).status).toBe(200);

      await engine.destroy(broken, brokenUrl);

      // A token verified a moment ago (cached) and one never seen (verified against the store).
      for (const caller of [token, unchecked]) {
        for (const [method, route, body] of [
          ['GET', `${P}/prompts`, undefined],
          ['GET', `${P}/prompts/summarise/versions`, undefined],
          ['POST', `${P}/prompts/push`, { items: [good] }],
          ['GET', `${P}/audit`, undefined],
          ['GET', '/v1/whoami', undefined],
        ] as const) {
          const reply = await broken.call(method, route, { token: caller, ...(body ? { body } : {}) });
          expectError(reply, 503, 'PO_ERR_STORE_UNAVAILABLE');
          expect(reply.text).not.toMatch(/relation|table|schema|sqlite|postgres/i);
        }
      }
      expect((await broken.call('GET', '/readyz')).status).toBe(503);
    });
  });
});

describe('the route table', () => {
  /** Every JSON Schema node in a route's schemas, with where it is. */
  function* nodes(node: unknown, where: string): Generator<[string, Record<string, unknown>]> {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) yield* nodes(child, `${where}[${i}]`);
      return;
    }
    yield [where, node as Record<string, unknown>];
    for (const [key, child] of Object.entries(node)) yield* nodes(child, `${where}.${key}`);
  }

  it('bounds every integer to what an integer column holds on both engines, and every number to a real', () => {
    // PostgreSQL's integer is 32-bit and its real is float4 (about ±3.4e38).
    const limits = { integer: MAX_INTEGER, number: 3.4e38 };
    const unbounded: string[] = [];
    for (const route of OPERATIONS) {
      for (const [where, node] of nodes(
        { body: route.body, querystring: route.query },
        `${route.method} ${route.path}`,
      )) {
        const types = ([] as unknown[]).concat(node.type);
        const limit = types.includes('number')
          ? limits.number
          : types.includes('integer')
            ? limits.integer
            : null;
        if (limit === null) continue;
        const { minimum, maximum } = node as { minimum?: unknown; maximum?: unknown };
        if (
          typeof maximum !== 'number' ||
          typeof minimum !== 'number' ||
          maximum > limit ||
          minimum < -limit
        ) {
          unbounded.push(where);
        }
      }
    }
    expect(unbounded).toEqual([]);
  });
});
