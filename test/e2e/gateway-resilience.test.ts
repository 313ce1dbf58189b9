/**
 * The data plane survives its control plane: two `promptops gateway` processes serve one project
 * whose control plane (`promptops serve` on PostgreSQL) is killed under load. No request fails and
 * no trace is lost while it is down (the gateways spool them to disk); when it is back the spools
 * drain into the store and a new release reaches both gateways.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startListening, supportReplyInProduction, useTempDir } from '../helpers.js';
import { DATABASE_URL, reachableEngines } from '../store/harness.js';

const INPUT = { customer: { name: 'Ann', tier: 'pro' }, message: 'I was charged twice for my March invoice' };
const schema = `e2e_gateway_${randomBytes(5).toString('hex')}`;
const ENGINES = [{ name: 'postgres', url: `${DATABASE_URL}?schema=${schema}` }];

/** A free TCP port on loopback (the control plane restarts on the same one). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function stop(proc: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill(signal);
  await exited;
}

interface Outcome {
  status: number;
  traceId?: string;
  version?: number;
  gateway: number;
  error?: string;
}

describe.each(reachableEngines(ENGINES))('two gateways and a control plane on $name', (engine) => {
  const dir = useTempDir({ examples: true, once: true });
  const env = { PROMPTOPS_DATABASE_URL: engine.url };
  let port = 0;
  let controlPlane: Awaited<ReturnType<typeof startListening>> | undefined;
  const gateways: Awaited<ReturnType<typeof startListening>>[] = [];
  let runtimeToken = '';
  const cli = (args: string[]) => runCli(args, { cwd: dir(), env });

  const serveControlPlane = () =>
    startListening(['serve', '--port', String(port), '--log-level', 'warn'], dir(), env);
  const run = async (gateway: number): Promise<Outcome> => {
    try {
      const response = await fetch(`${gateways[gateway]!.url}/v1/run/support-reply`, {
        method: 'POST',
        headers: { authorization: `Bearer ${runtimeToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ input: INPUT, stickyKey: `user-${randomBytes(3).toString('hex')}` }),
      });
      const body = (await response.json()) as {
        traceId?: string;
        version?: number;
        error?: { code: string };
      };
      return {
        status: response.status,
        traceId: body.traceId,
        version: body.version,
        gateway,
        error: body.error?.code,
      };
    } catch (err) {
      return { status: 0, gateway, error: (err as Error).message };
    }
  };
  /** Four clients sending requests one after another, to both gateways, until `done()`. */
  const load = async (done: () => boolean): Promise<Outcome[]> => {
    const outcomes: Outcome[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async (client) => {
        while (!done()) outcomes.push(await run(client % 2));
      }),
    );
    return outcomes;
  };
  const storedTraceIds = async (): Promise<Set<string>> => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT id FROM "${schema}".traces`);
      return new Set(rows.map((row: { id: string }) => row.id));
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    port = await freePort();
    runtimeToken = await supportReplyInProduction(cli, 'gateway@acme.example', 'runtime');
    controlPlane = await serveControlPlane();
    for (const n of [1, 2]) {
      gateways.push(
        await startListening(
          [
            'gateway',
            '--port',
            '0',
            '--environments',
            'production',
            '--state-dir',
            path.join(dir(), `gateway-${n}`),
            '--log-level',
            'warn',
          ],
          dir(),
          { PROMPTOPS_URL: controlPlane.url, PROMPTOPS_TOKEN: runtimeToken },
        ),
      );
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...gateways.map((g) => stop(g.proc)), stop(controlPlane?.proc)]);
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it('serves every request and loses no trace while the control plane is down, then catches up', async () => {
    // Warm: both gateways serve, and know the caller.
    const warm = await Promise.all([run(0), run(1)]);
    expect(warm.map((o) => o.status)).toEqual([200, 200]);

    let phase = 'up';
    let stopAt = 0;
    const loading = load(() => phase === 'done' && Date.now() > stopAt);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await stop(controlPlane!.proc, 'SIGKILL');
    phase = 'down';
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    controlPlane = await serveControlPlane();
    phase = 'done';
    stopAt = Date.now() + 1_000;
    const outcomes = [...warm, ...(await loading)];

    const failed = outcomes.filter((o) => o.status !== 200);
    expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(20);
    expect(new Set(outcomes.map((o) => o.gateway))).toEqual(new Set([0, 1]));

    // Every trace of an answered request reaches the store once the control plane is back.
    const expected = new Set(outcomes.map((o) => o.traceId!));
    let stored = await storedTraceIds();
    for (let i = 0; i < 300 && [...expected].some((id) => !stored.has(id)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stored = await storedTraceIds();
    }
    expect([...expected].filter((id) => !stored.has(id))).toEqual([]);
    for (const gateway of gateways) {
      const status = await fetch(`${gateway.url}/v1/gateway/status`, {
        headers: { authorization: `Bearer ${runtimeToken}` },
      });
      const { traces } = (await status.json()) as { traces: { dropped: number } };
      expect(traces.dropped).toBe(0);
    }
  }, 120_000);

  it('serves a new release from both gateways once the control plane has it', async () => {
    const file = path.join(dir(), 'prompts', 'support-reply.prompt');
    await writeFile(file, (await readFile(file, 'utf8')).replace('Answer as JSON', 'Always answer as JSON'));
    expect((await cli(['push'])).code).toBe(0);
    expect((await cli(['label', 'set', 'support-reply@2', 'production'])).code).toBe(0);
    for (const gateway of [0, 1]) {
      let outcome = await run(gateway);
      for (let i = 0; i < 150 && outcome.version !== 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        outcome = await run(gateway);
      }
      expect(outcome).toMatchObject({ status: 200, version: 2 });
    }
  }, 60_000);
});
