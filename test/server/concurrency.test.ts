/**
 * Parallel HTTP requests against one server, on both engines: approvals racing each other are all
 * kept, and releases and rollbacks racing each other leave exactly one active release per
 * environment, with the environment label on its version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRequest, ReleaseRecord } from '../../src/store/index.js';
import { promptItem } from '../store/fixtures.js';
import { PROJECT, serverEngines, startServer, type TestServer } from './support.js';

const ENGINES = serverEngines('http');
const REVIEWERS = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map((r) => `${r}@acme.example`);
const P = `/v1/projects/${PROJECT}`;

describe.each(ENGINES)('parallel requests ($name)', (engine) => {
  let server: TestServer;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    server = await startServer({}, engine.url);
    const grant = async (subject: string, role: 'author' | 'reviewer' | 'releaser' | 'ci') => {
      tokens[subject] = (await server.store.createToken({ subject, name: 'test' }, 'test')).token;
      await server.store.grantRole(subject, role, 'test');
    };
    await grant('author@acme.example', 'author');
    await grant('rel@acme.example', 'releaser');
    await grant('ci@acme.example', 'ci');
    for (const reviewer of REVIEWERS) await grant(reviewer, 'reviewer');
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await engine.drop();
  });

  const as = (who: string, method: string, url: string, body?: unknown) =>
    server.call(method, url, { token: tokens[who]!, ...(body === undefined ? {} : { body }) });

  /** Pushes a version and opens its change request, with every check green. */
  async function propose(template: string): Promise<ChangeRequest> {
    const item = await promptItem('summarize', template);
    expect((await as('author@acme.example', 'POST', `${P}/prompts/push`, { items: [item] })).status).toBe(
      200,
    );
    const opened = await as('author@acme.example', 'POST', `${P}/change-requests`, { prompt: 'summarize' });
    expect(opened.status, opened.text).toBe(201);
    const cr = opened.json as ChangeRequest;
    for (const name of ['lint', 'tests', 'guardrails', 'regression'])
      await as('ci@acme.example', 'POST', `${P}/change-requests/${cr.number}/checks`, {
        name,
        status: 'pass',
        summary: 'ok',
        versionHash: cr.versionHash,
      });
    return cr;
  }

  it('keeps every one of six approvals sent at once', async () => {
    const cr = await propose('Approve {{text}}.');
    const replies = await Promise.all(
      REVIEWERS.map((reviewer) =>
        as(reviewer, 'POST', `${P}/change-requests/${cr.number}/reviews`, { decision: 'approve' }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(REVIEWERS.map(() => 200));
    const after = (await as('rel@acme.example', 'GET', `${P}/change-requests/${cr.number}`))
      .json as ChangeRequest;
    expect(after.gate.approvedBy).toEqual([...REVIEWERS].sort());
  });

  it('records one release and one audit entry when the same change request is released 20 times at once', async () => {
    const cr = await propose('Once {{text}}.');
    const count = async () => ({
      releases: ((await as('rel@acme.example', 'GET', `${P}/releases?limit=1000`)).json as unknown[]).length,
      audit: ((await as('rel@acme.example', 'GET', `${P}/audit?limit=1000`)).json as unknown[]).length,
    });
    const before = await count();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        as('rel@acme.example', 'POST', `${P}/releases`, { changeRequest: cr.number, environment: 'staging' }),
      ),
    );
    for (const reply of replies) {
      // A conflict the store could not resolve by retrying is a clean, documented refusal.
      if (reply.status !== 201) expect(reply.text).toContain('PO_ERR_STORE_CONFLICT');
    }
    const released = replies.filter((r) => r.status === 201).map((r) => (r.json as ReleaseRecord).id);
    expect(released.length).toBeGreaterThan(0);
    expect(new Set(released).size).toBe(1);
    // One release row, and two audit entries once: the release and its label move.
    expect(await count()).toEqual({ releases: before.releases + 1, audit: before.audit + 2 });
  }, 60_000);

  it('leaves exactly one active release per environment after racing releases and rollbacks', async () => {
    const crs: ChangeRequest[] = [];
    for (let i = 1; i <= 4; i++) crs.push(await propose(`Take ${i}: {{text}}.`));
    for (const cr of crs.slice(0, 2))
      for (const environment of ['staging', 'production'])
        await as('rel@acme.example', 'POST', `${P}/releases`, { changeRequest: cr.number, environment });
    const requests = [
      ...crs.flatMap((cr) =>
        ['staging', 'production'].map(
          (environment) => () =>
            as('rel@acme.example', 'POST', `${P}/releases`, { changeRequest: cr.number, environment }),
        ),
      ),
      ...['staging', 'production', 'production'].map(
        (environment) => () =>
          as('rel@acme.example', 'POST', `${P}/releases/rollback`, { prompt: 'summarize', environment }),
      ),
    ];
    const replies = await Promise.all(requests.map((send) => send()));
    for (const reply of replies) {
      // Refusals the rules call for: production moved past a request's base, or a rollback finds
      // nothing earlier once others have rolled back. Nothing else may fail.
      if (reply.status !== 201)
        expect(reply.text).toMatch(/PO_ERR_RELEASE_(NOT_FOUND|INVALID)|PO_ERR_POLICY_BLOCKED/);
    }
    // Staging is no request's base: every staging release goes through.
    expect(replies.filter((r) => r.status === 201).length).toBeGreaterThanOrEqual(crs.length);

    const releases = (await as('rel@acme.example', 'GET', `${P}/releases?prompt=summarize&limit=1000`))
      .json as ReleaseRecord[];
    const labels = (await as('rel@acme.example', 'GET', `${P}/labels?prompt=summarize`)).json as {
      label: string;
      number: number;
    }[];
    for (const environment of ['staging', 'production']) {
      const history = releases.filter((r) => r.environment === environment);
      const active = history.filter((r) => r.active);
      expect(active).toHaveLength(1);
      expect(history.map((r) => r.seq).sort((a, b) => a - b)).toEqual(history.map((_, i) => i + 1));
      expect(labels.find((l) => l.label === environment)?.number).toBe(active[0]!.version);
    }
    const audit = (await as('rel@acme.example', 'GET', `${P}/audit/verify`)).json as { broken: unknown };
    expect(audit.broken).toBeNull();
  }, 60_000);
});
