/**
 * Rollups in the store, on every engine (SQLite, PostgreSQL, and HttpStore through a real server):
 * sources sum on read, absolute writes are idempotent, adds are exact under concurrency, feedback
 * lands in its trace's cell, retention (the store's and RetentionJob's) deletes only what is older
 * than its horizon.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetentionJob } from '../../src/monitor/retention.js';
import { emptyValues, type RollupCell, type RollupValues } from '../../src/monitor/rollup.js';
import type { RegistryStore } from '../../src/store/index.js';
import { manualClock, traceRecord } from './fixtures.js';
import { openPostgresHarness, openSqliteHarness, reachableEngines } from './harness.js';
import { openHttpHarness } from './http-harness.js';
import type { OpenRegistry, StoreHarness } from './registry-store.suite.js';

const ENGINES: { name: string; open: OpenRegistry }[] = reachableEngines([
  { name: 'sqlite', open: openSqliteHarness },
  { name: 'postgres', open: openPostgresHarness },
  { name: 'http', open: openHttpHarness },
]);

const MINUTE = '2026-12-07T10:00:00.000Z';
const NEXT = '2026-12-07T10:01:00.000Z';

function values(over: Partial<RollupValues>): RollupValues {
  return { ...emptyValues(), ...over };
}

function cell(over: Partial<RollupCell> & { values: RollupValues }): RollupCell {
  return { prompt: 'summarize', version: 1, environment: 'production', arm: null, minute: MINUTE, ...over };
}

const HOUR = { from: '2026-12-07T10:00:00.000Z', to: '2026-12-07T11:00:00.000Z' };

describe.each(ENGINES)('rollups ($name)', ({ name, open }) => {
  let h: StoreHarness;
  let store: RegistryStore;

  beforeEach(async () => {
    h = await open({ project: 'acme' });
    store = h.store;
  });

  afterEach(async () => {
    await h.cleanup();
  });

  it('sums the sources of a cell on read, and keeps keys apart', async () => {
    const latency = emptyValues().latency.map((_, i) => (i === 3 ? 2 : 0));
    await store.writeRollups('gw-a', [
      cell({ values: values({ requests: 10, errors: 1, latency, errorCodes: { PO_ERR_X: 1 } }) }),
      cell({ minute: NEXT, values: values({ requests: 4 }) }),
    ]);
    await store.writeRollups('gw-b', [
      cell({
        values: values({
          requests: 5,
          errors: 2,
          latency,
          errorCodes: { PO_ERR_X: 1, PO_ERR_Y: 1 },
          inputs: { lang: { en: 5 } },
        }),
      }),
      cell({ environment: null, arm: 'canary', values: values({ requests: 7 }) }),
    ]);
    const cells = await store.readRollups(HOUR);
    const production = cells.filter((c) => c.environment === 'production');
    expect(production.map((c) => [c.minute, c.values.requests])).toEqual([
      [MINUTE, 15],
      [NEXT, 4],
    ]);
    expect(production[0]!.values).toMatchObject({
      errors: 3,
      errorCodes: { PO_ERR_X: 2, PO_ERR_Y: 1 },
      inputs: { lang: { en: 5 } },
    });
    expect(production[0]!.values.latency[3]).toBe(4);
    const canary = cells.find((c) => c.arm === 'canary');
    expect(canary).toMatchObject({ environment: null, minute: MINUTE, values: { requests: 7 } });

    expect((await store.readRollups({ ...HOUR, arm: 'canary' })).map((c) => c.values.requests)).toEqual([7]);
    expect(
      (await store.readRollups({ ...HOUR, environment: 'production' })).map((c) => c.values.requests),
    ).toEqual([15, 4]);
    expect(await store.readRollups({ ...HOUR, prompt: 'other' })).toEqual([]);
    expect(await store.readRollups({ ...HOUR, version: 2 })).toEqual([]);
    // [from, to): the minute at `to` is left out.
    expect(
      (await store.readRollups({ from: MINUTE, to: NEXT, environment: 'production' })).map(
        (c) => c.values.requests,
      ),
    ).toEqual([15]);
    // Another project sees none of it.
    expect(await (await h.reopen({ project: 'other' })).readRollups(HOUR)).toEqual([]);
  });

  it('stores absolute values: a repeated write changes nothing, a later one replaces its own row only', async () => {
    const batch = [cell({ values: values({ requests: 3, costUsd: 0.5 }) })];
    await store.writeRollups('gw-a', batch);
    await store.writeRollups('gw-a', batch);
    await store.writeRollups('gw-b', [cell({ values: values({ requests: 1 }) })]);
    expect((await store.readRollups(HOUR))[0]!.values).toMatchObject({ requests: 4, costUsd: 0.5 });
    await store.writeRollups('gw-a', [cell({ values: values({ requests: 9, costUsd: 0.75 }) })]);
    expect((await store.readRollups(HOUR))[0]!.values).toMatchObject({ requests: 10, costUsd: 0.75 });
  });

  it('writes a batch larger than one insert can carry', async () => {
    const cells = Array.from({ length: 1200 }, (_, i) =>
      cell({ prompt: `p${i}`, values: values({ requests: i + 1 }) }),
    );
    await store.writeRollups('gw-a', cells);
    const read = await store.readRollups(HOUR);
    expect(read).toHaveLength(1200);
    expect(read.reduce((n, c) => n + c.values.requests, 0)).toBe((1200 * 1201) / 2);
  });

  it('adds to a cell: concurrent adds from separate connections give the exact sum', async () => {
    await store.writeRollups('gw-a', [cell({ values: values({ requests: 20 }) })]);
    // SQLite connections of one process block its one thread while another holds the write lock
    // across an await (a gateway holds one connection); there, the adds share the store's own.
    const others =
      name === 'sqlite' ? [store] : await Promise.all(Array.from({ length: 4 }, () => h.reopen()));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        others[i % others.length]!.addRollups('grader', [
          cell({ values: values({ graded: 1, graderScoreSum: 0.5 }) }),
          cell({ minute: NEXT, values: values({ graded: 1, graderScoreSum: 0.25 }) }),
        ]),
      ),
    );
    const [first, second] = await store.readRollups(HOUR);
    expect(first!.values).toMatchObject({ requests: 20, graded: 20, graderScoreSum: 10 });
    expect(second!.values).toMatchObject({ graded: 20, graderScoreSum: 5 });
  });

  it("adds feedback to its trace's cell: its minute, version, environment and arm", async () => {
    await store.writeTraces([
      traceRecord('t-1', {
        environment: 'production',
        arm: 'canary',
        version: { number: 2, hash: 'b'.repeat(64) },
        startedAt: '2026-12-07T10:00:42.123Z',
      }),
    ]);
    await store.recordFeedback({ traceId: 't-1', thumbs: 'down' }, 'ada@acme.example');
    await store.recordFeedback({ traceId: 't-1', thumbs: 'up', score: 0.75 }, 'bob@acme.example');
    await store.recordFeedback({ traceId: 't-1', score: 0.25 }, 'eve@acme.example');
    const cells = await store.readRollups(HOUR);
    expect(cells).toHaveLength(1);
    expect(cells[0]).toMatchObject({
      prompt: 'summarize',
      version: 2,
      environment: 'production',
      arm: 'canary',
      minute: MINUTE,
      values: { feedbackPositive: 1, feedbackNegative: 2, feedbackScored: 2, feedbackScoreSum: 1 },
    });
  });

  it('records concurrent feedback on one busy minute, every piece counted once', async () => {
    await store.writeTraces(
      Array.from({ length: 20 }, (_, i) =>
        traceRecord(`busy-${i}`, { environment: 'production', startedAt: '2026-12-07T10:00:30.000Z' }),
      ),
    );
    const others =
      name === 'sqlite' ? [store] : await Promise.all(Array.from({ length: 4 }, () => h.reopen()));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        others[i % others.length]!.recordFeedback(
          { traceId: `busy-${i}`, thumbs: i % 4 === 0 ? 'down' : 'up' },
          'app@acme.example',
        ),
      ),
    );
    const [cell] = await store.readRollups(HOUR);
    expect(cell!.values).toMatchObject({ feedbackPositive: 15, feedbackNegative: 5 });
  });

  it('prunes traces and rollups older than their horizons, and nothing newer', async () => {
    await store.writeTraces([
      traceRecord('old', { startedAt: '2026-11-01T00:00:00.000Z' }),
      traceRecord('new', { startedAt: '2026-12-07T10:00:00.000Z' }),
    ]);
    await store.writeRollups('gw-a', [
      cell({ minute: '2025-12-01T00:00:00.000Z', values: values({ requests: 1 }) }),
      cell({ values: values({ requests: 2 }) }),
    ]);
    const other = await h.reopen({ project: 'other' });
    await other.writeRollups('gw-a', [cell({ minute: '2025-12-01T00:00:00.000Z', values: values({}) })]);

    expect(
      await store.pruneTelemetry({ traces: '2026-12-01T00:00:00.000Z', rollups: '2026-01-01T00:00:00.000Z' }),
    ).toEqual({ traces: 1, rollups: 1 });
    expect((await store.listTraces({})).map((t) => t.id)).toEqual(['new']);
    expect(
      (await store.readRollups({ from: '2000-01-01T00:00:00.000Z', to: HOUR.to })).map(
        (c) => c.values.requests,
      ),
    ).toEqual([2]);
    // The other project's rows are its own retention's business.
    expect(await other.readRollups({ from: '2000-01-01T00:00:00.000Z', to: HOUR.to })).toHaveLength(1);
    expect(await store.pruneTelemetry({})).toEqual({ traces: 0, rollups: 0 });
  });

  it('RetentionJob deletes traces and rollups past their horizons as time passes, and nothing newer', async () => {
    const DAY = 86_400_000;
    const clock = manualClock('2026-12-07T00:00:00.000Z');
    await store.writeTraces([
      traceRecord('t-40d', { startedAt: '2026-10-28T00:00:00.000Z' }),
      traceRecord('t-20d', { startedAt: '2026-11-17T00:00:00.000Z' }),
    ]);
    await store.writeRollups('gw', [
      cell({ minute: '2025-10-01T00:00:00.000Z', values: values({ requests: 1 }) }),
      cell({ minute: '2026-10-28T00:00:00.000Z', values: values({ requests: 1 }) }),
    ]);
    const job = new RetentionJob({
      store,
      retention: { tracesMs: 30 * DAY, rollupsMs: 400 * DAY },
      clock: clock.now,
    });
    expect(await job.tick()).toEqual({ traces: 1, rollups: 1 });
    expect((await store.listTraces({})).map((t) => t.id)).toEqual(['t-20d']);
    expect(await job.tick()).toEqual({ traces: 0, rollups: 0 });
    clock.set('2026-12-17T00:00:01.000Z');
    expect(await job.tick()).toEqual({ traces: 1, rollups: 0 });
    const all = { from: '2000-01-01T00:00:00.000Z', to: '2030-01-01T00:00:00.000Z' };
    expect((await store.readRollups(all)).map((c) => c.minute)).toEqual(['2026-10-28T00:00:00.000Z']);
    // Without a horizon, the job keeps everything.
    await store.writeTraces([traceRecord('ancient', { startedAt: '2000-01-01T00:00:00.000Z' })]);
    expect(
      await new RetentionJob({ store, retention: { tracesMs: null, rollupsMs: null } }).tick(),
    ).toBeNull();
    expect((await store.listTraces({})).map((t) => t.id)).toEqual(['ancient']);
  });
});
