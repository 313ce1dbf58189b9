/**
 * Rollups end to end: a real `promptops serve` (its embedded gateway) counts every run in its
 * per-minute cells and writes them to the store every `telemetry.rollups.flushSeconds`; GET
 * /v1/.../rollups reads them back. Traces are sampled at 0 with errors kept: the runs that succeed
 * are counted in rollups but not stored as traces.
 */
import { describe, expect, it } from 'vitest';
import { minuteOf, type RollupCell } from '../../src/monitor/rollup.js';
import type { Trace } from '../../src/observe/trace.js';
import { useServedProject } from './served-project.js';

const PROJECT = 'acme-support';

describe('rollups of `promptops serve`', () => {
  const served = useServedProject({
    config: 'telemetry:\n  traces: { sample: 0, keep: [error] }\n  rollups: { flushSeconds: 0.2 }\n',
  });
  const call = async (method: string, path: string, body?: unknown) => {
    const { url, token } = served();
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };

  it('counts every run, sampled out or not, and reads back after a flush', async () => {
    const from = minuteOf(Date.now() - 60_000);
    const to = new Date(Date.now() + 3_600_000).toISOString();
    const arms: Record<string, number> = {};
    for (let i = 0; i < 6; i++) {
      const reply = await call('POST', '/v1/run/greet', { input: { name: 'Ann' }, stickyKey: `user-${i}` });
      expect(reply.status, JSON.stringify(reply.json)).toBe(200);
      const arm = reply.json.arm as string;
      arms[arm] = (arms[arm] ?? 0) + 1;
    }
    const refused = await call('POST', '/v1/run/support-reply', { input: { customer: 'Ann' } });
    expect((refused.json.error as { code: string }).code).toBe('PO_ERR_CONTRACT_VIOLATION');

    const read = async (query: string) => {
      const reply = await call('GET', `/v1/projects/${PROJECT}/rollups?from=${from}&to=${to}&${query}`);
      expect(reply.status, JSON.stringify(reply.json)).toBe(200);
      return reply.json as unknown as RollupCell[];
    };
    const sum = (cells: RollupCell[], arm?: string) =>
      cells.filter((c) => arm === undefined || c.arm === arm).reduce((n, c) => n + c.values.requests, 0);
    await expect.poll(async () => sum(await read('prompt=greet')), { timeout: 10_000 }).toBe(6);
    const greet = await read('prompt=greet');
    expect({ stable: sum(greet, 'stable'), canary: sum(greet, 'canary') }).toEqual({
      stable: arms.stable ?? 0,
      canary: arms.canary ?? 0,
    });
    expect(greet.every((c) => c.environment === 'production')).toBe(true);
    expect(greet.reduce((n, c) => n + c.values.schemaValid, 0)).toBe(6);

    await expect.poll(async () => sum(await read('prompt=support-reply')), { timeout: 10_000 }).toBe(1);
    const [support] = await read('prompt=support-reply');
    expect(support!.values).toMatchObject({ errors: 1, errorCodes: { PO_ERR_CONTRACT_VIOLATION: 1 } });

    // Sampled at 0 with errors kept: the refused run is stored as a trace, the greetings are not.
    await expect
      .poll(
        async () =>
          (
            (await call('GET', `/v1/projects/${PROJECT}/traces?prompt=support-reply`))
              .json as unknown as Trace[]
          ).length,
        {
          timeout: 10_000,
        },
      )
      .toBe(1);
    const stored = (await call('GET', `/v1/projects/${PROJECT}/traces?prompt=greet`))
      .json as unknown as Trace[];
    expect(stored).toEqual([]);
  });
});
