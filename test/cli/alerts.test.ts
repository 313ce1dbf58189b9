/**
 * `promptops alerts` against a control plane (PROMPTOPS_URL): the dead-letter list, acknowledging
 * (refused to a read-only token) and redelivery, through the API as a remote team uses it.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertService } from '../../src/monitor/alerts.js';
import { cliJson, runCli, useTempDir } from '../helpers.js';
import { PROJECT, startServer, type TestServer } from '../server/support.js';

const dir = useTempDir({ once: true });
const secret = `whsec_${randomBytes(16).toString('hex')}`;
let server: TestServer;
let service: AlertService;
const tokens: Record<'viewer' | 'releaser', string> = { viewer: '', releaser: '' };
let now = new Date('2026-12-07T21:00:00.000Z');
let port: number;
const bodies: string[] = [];
const logs: string[] = [];

beforeAll(async () => {
  server = await startServer();
  for (const role of ['viewer', 'releaser'] as const) {
    tokens[role] = (
      await server.store.createToken({ subject: `${role}@shop.example`, name: 'cli' }, 'test')
    ).token;
    await server.store.grantRole(`${role}@shop.example`, role, 'test');
  }
  // A port nothing listens on until the receiver comes back.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  service = new AlertService({
    store: server.store,
    config: {
      webhooks: [
        {
          name: 'oncall',
          url: `http://127.0.0.1:${port}/hook`,
          secretEnv: 'ONCALL_SECRET',
          minSeverity: 'info',
        },
      ],
      rules: [],
    },
    clock: () => now,
    env: { ONCALL_SECRET: secret },
    retry: { maxAttempts: 2, baseDelayMs: 1_000 },
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  await server?.close();
});

const remote = (token: string, ...args: string[]) =>
  runCli(['alerts', ...args], {
    cwd: dir(),
    env: { PROMPTOPS_URL: server.base, PROMPTOPS_TOKEN: token, PROMPTOPS_PROJECT: PROJECT },
  });

describe('promptops alerts (remote)', () => {
  it('lists dead letters, refuses ack to a viewer, acks for a releaser and redelivers once the receiver is back', async () => {
    await service.raise({
      source: 'rule',
      name: 'support-errors',
      severity: 'critical',
      prompt: 'support-reply',
      environment: 'production',
      summary: 'error_rate is 0.3 (> 0.05) over the last 5m, 120 samples',
      evidence: { metric: 'error_rate', value: 0.3 },
    });
    expect((await service.deliver())[0]).toMatchObject({ status: 'pending', attempts: 1 });
    now = new Date(now.getTime() + 60_000);
    expect((await service.deliver())[0]).toMatchObject({ status: 'dead', attempts: 2 });

    const listed = await remote(tokens.viewer, 'ls', '--dead-letters');
    expect(listed.code, listed.stderr).toBe(0);
    const [alert] = (cliJson(await remote(tokens.viewer, 'ls', '--dead-letters', '--json')).alerts as {
      id: string;
    }[])!;
    expect(listed.stdout).toMatch(/ALERT\s+NAME\s+WEBHOOK\s+ATTEMPTS\s+LAST ERROR/);
    expect(listed.stdout).toMatch(
      new RegExp(`${alert!.id}\\s+support-errors\\s+oncall\\s+2\\s+ECONNREFUSED`),
    );

    const refused = await remote(tokens.viewer, 'ack', alert!.id, '--note', 'mine');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('PO_ERR_FORBIDDEN');

    const acked = await remote(tokens.releaser, 'ack', alert!.id, '--note', 'rolling back');
    expect(acked.code, acked.stderr).toBe(0);
    expect(acked.stdout).toContain(
      `acknowledged alert ${alert!.id} (support-errors) as releaser@shop.example`,
    );
    const open = cliJson(await remote(tokens.viewer, 'ls', '--json')).alerts as Record<string, unknown>[];
    expect(open).toEqual([
      expect.objectContaining({
        id: alert!.id,
        status: 'acknowledged',
        ackedBy: 'releaser@shop.example',
        note: 'rolling back',
      }),
    ]);

    expect((await remote(tokens.viewer, 'redeliver', alert!.id)).stderr).toContain('PO_ERR_FORBIDDEN');
    // The receiver comes back.
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    try {
      const redelivered = await remote(tokens.releaser, 'redeliver', alert!.id);
      expect(redelivered.code, redelivered.stderr).toBe(0);
      expect(redelivered.stdout).toContain(`re-queued alert ${alert!.id} for oncall`);
      expect((await service.deliver()).map((a) => a.status)).toEqual(['delivered']);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
    expect(bodies.map((b) => JSON.parse(b).id)).toEqual([alert!.id]);
    const empty = await remote(tokens.viewer, 'ls', '--dead-letters');
    expect(empty.stdout).toContain('no dead letters');

    const all = JSON.stringify([listed, refused, acked, empty, logs, bodies]);
    expect(all).not.toContain(secret);
  });

  it('refuses a status it does not know', async () => {
    const result = await remote(tokens.viewer, 'ls', '--status', 'loud');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--status must be firing, acknowledged, resolved, all');
  });
});
