/** The rollup routes over real HTTP: who may write and read them, and what a bad body is told. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyValues } from '../../src/monitor/rollup.js';
import { errorCode, PROJECT, startServer, type TestServer } from './support.js';

const P = `/v1/projects/${PROJECT}`;
const MINUTE = '2026-12-07T10:00:00.000Z';
const WINDOW = 'from=2026-12-07T10:00:00.000Z&to=2026-12-07T11:00:00.000Z';

let server: TestServer;
let runtime: string;
let viewer: string;

const cell = (requests: number) => ({
  prompt: 'summarize',
  version: 1,
  environment: 'production',
  arm: 'canary',
  minute: MINUTE,
  values: { ...emptyValues(), requests },
});

beforeAll(async () => {
  server = await startServer();
  const issue = async (subject: string, role: 'runtime' | 'viewer') => {
    const { token } = await server.store.createToken({ subject, name: 'test' }, 'test');
    await server.store.grantRole(subject, role, 'test');
    return token;
  };
  runtime = await issue('gateway@example.com', 'runtime');
  viewer = await issue('viewer@example.com', 'viewer');
});

afterAll(async () => {
  await server?.close();
});

describe('POST /v1/projects/:project/rollups', () => {
  it('takes a runtime token; readers see the sources summed', async () => {
    for (const [source, requests] of [
      ['gw-a', 3],
      ['gw-b', 4],
    ] as const) {
      const reply = await server.call('POST', `${P}/rollups`, {
        token: runtime,
        body: { source, cells: [cell(requests)] },
      });
      expect(reply.status, reply.text).toBe(204);
    }
    const read = await server.call('GET', `${P}/rollups?${WINDOW}&arm=canary&version=1`, { token: viewer });
    expect(read.status, read.text).toBe(200);
    expect(read.json).toMatchObject([
      { prompt: 'summarize', arm: 'canary', minute: MINUTE, values: { requests: 7 } },
    ]);
  });

  it("keeps each token's rows its own: another token's write under the same source adds, never replaces", async () => {
    const other = await server.store.createToken({ subject: 'intruder@example.com', name: 'test' }, 'test');
    await server.store.grantRole('intruder@example.com', 'runtime', 'test');
    const window = `from=2026-12-07T11:00:00.000Z&to=2026-12-07T12:00:00.000Z`;
    const at11 = (requests: number) => ({ ...cell(requests), minute: '2026-12-07T11:00:00.000Z' });
    for (const [token, requests] of [
      [runtime, 50],
      // The same token again: its own row is replaced (a gateway's repeated flush).
      [runtime, 60],
      // Another token writing zeros under the same source name cannot wipe the gateway's row.
      [other.token, 0],
    ] as const) {
      const reply = await server.call('POST', `${P}/rollups`, {
        token,
        body: { source: 'gw-a', cells: [at11(requests)] },
      });
      expect(reply.status, reply.text).toBe(204);
    }
    const read = await server.call('GET', `${P}/rollups?${window}`, { token: viewer });
    expect(read.json).toMatchObject([{ values: { requests: 60 } }]);
  });

  it('keeps additions (feedback, re-grading) to admins: a runtime token gets 403', async () => {
    const reply = await server.call('POST', `${P}/rollups/add`, {
      token: runtime,
      body: { source: 'feedback', cells: [cell(1)] },
    });
    expect({ status: reply.status, code: errorCode(reply) }).toEqual({
      status: 403,
      code: 'PO_ERR_FORBIDDEN',
    });
  });

  it('refuses a read-only token with 403', async () => {
    const reply = await server.call('POST', `${P}/rollups`, {
      token: viewer,
      body: { source: 'gw-a', cells: [cell(1)] },
    });
    expect({ status: reply.status, code: errorCode(reply) }).toEqual({
      status: 403,
      code: 'PO_ERR_FORBIDDEN',
    });
  });

  it('refuses a bad body with 400 naming what is wrong', async () => {
    const negative = await server.call('POST', `${P}/rollups`, {
      token: runtime,
      body: { source: 'gw-a', cells: [{ ...cell(1), values: { requests: -1 } }] },
    });
    expect({ status: negative.status, code: errorCode(negative) }).toEqual({
      status: 400,
      code: 'PO_ERR_REQUEST_INVALID',
    });
    expect(negative.text).toContain('requests');
    const { minute: _minute, ...noMinute } = cell(1);
    const missing = await server.call('POST', `${P}/rollups`, {
      token: runtime,
      body: { source: 'gw-a', cells: [noMinute] },
    });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('minute');
  });

  it('a read needs its window', async () => {
    const reply = await server.call('GET', `${P}/rollups`, { token: viewer });
    expect(reply.status).toBe(400);
    expect(reply.text).toContain('from');
  });
});
