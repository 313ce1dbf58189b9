import { spawn } from 'node:child_process';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PromptOpsError } from '../../src/errors.js';
import { TraceSpool, type TraceSpoolOptions } from '../../src/gateway/spool.js';
import type { Trace } from '../../src/observe/trace.js';
import { TraceQueue } from '../../src/observe/trace-queue.js';
import type { TraceSink } from '../../src/observe/trace-sink.js';
import { REPO, useTempDir } from '../helpers.js';
import { traceRecord } from '../store/fixtures.js';

const FAST = { syncIntervalMs: 2, backoff: { initialMs: 5, maxMs: 20 } };

/** A store stand-in that records what it was sent, and can be taken down and brought back. */
function fakeStore() {
  const received: Trace[] = [];
  let isDown = false;
  let failures = 0;
  return {
    received,
    ids: () => received.map((t) => t.id),
    failures: () => failures,
    down() {
      isDown = true;
    },
    up() {
      isDown = false;
    },
    sink: async (batch: Trace[]) => {
      if (isDown) {
        failures++;
        throw new Error('connect ECONNREFUSED postgres://gateway:s3cret@127.0.0.1:5432/promptops');
      }
      received.push(...batch);
    },
  };
}

function open(dir: string, store: ReturnType<typeof fakeStore>, over: Partial<TraceSpoolOptions> = {}) {
  return TraceSpool.open({ dir: path.join(dir, 'spool'), sink: store.sink, ...FAST, ...over });
}

const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `trace-${from + i}`);

/** Waits until `condition` holds; the test's own timeout is the limit. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('TraceSpool', () => {
  const tmp = useTempDir();

  it('records traces on disk before counting them, and ships them in order', async () => {
    const store = fakeStore();
    store.down();
    const spool = await open(tmp(), store);
    for (const id of ids(0, 50)) expect(spool.enqueue(traceRecord(id))).toBe(true);
    await spool.flush();
    expect(spool.stats).toMatchObject({ enqueued: 50, recorded: 50, shipped: 0, dropped: 0, pending: 50 });
    const onDisk = await readSegments(path.join(tmp(), 'spool'));
    expect(onDisk.map((t) => t.id)).toEqual(ids(0, 50));
    store.up();
    expect(await spool.drain(10_000)).toBe(true);
    expect(store.ids()).toEqual(ids(0, 50));
    expect(spool.stats).toMatchObject({ shipped: 50, pending: 0, pendingBytes: 0, lastShipError: null });
    await spool.close();
  });

  it('loses nothing while the store is down and ships everything once it is back', async () => {
    const store = fakeStore();
    const spool = await open(tmp(), store, { shipBatchSize: 7 });
    for (const id of ids(0, 20)) spool.enqueue(traceRecord(id));
    await spool.drain(10_000);
    store.down();
    for (const id of ids(20, 80)) spool.enqueue(traceRecord(id));
    await spool.flush();
    await until(() => store.failures() >= 3);
    expect(spool.stats.lastShipError).toContain('ECONNREFUSED');
    expect(spool.stats.lastShipError).not.toContain('s3cret');
    expect(spool.stats.pending).toBe(80);
    store.up();
    expect(await spool.drain(10_000)).toBe(true);
    expect(store.ids()).toEqual(ids(0, 100));
    expect(spool.stats).toMatchObject({
      enqueued: 100,
      recorded: 100,
      shipped: 100,
      dropped: 0,
      lastShipError: null,
    });
    await spool.close();
  });

  it('ships on the next open what a closed spool could not ship (a restart while the store is down)', async () => {
    const store = fakeStore();
    store.down();
    const first = await open(tmp(), store, { segmentBytes: 4096 });
    // In rounds: a segment rolls between writes, so this leaves several. Text beyond ASCII checks
    // the encoding on its way to disk and back.
    const sent = ids(0, 60).map((id) => traceRecord(id, { input: { customer: 'Zoë 🚀 日本', id } }));
    for (let round = 0; round < 6; round++) {
      for (const trace of sent.slice(round * 10, round * 10 + 10)) first.enqueue(trace);
      await first.flush();
    }
    await first.close(50);
    expect(first.enqueue(traceRecord('after-close'))).toBe(false);
    expect(first.stats).toMatchObject({ recorded: 60, shipped: 0, dropped: 1 });
    expect(first.stats.segments).toBeGreaterThan(1);

    store.up();
    const second = await open(tmp(), store);
    expect(second.stats.pending).toBe(60);
    expect(await second.drain(10_000)).toBe(true);
    expect(store.received).toEqual(sent);
    await second.close();
    // Shipped segments are removed; only the cursor and nothing to ship remain.
    expect(await readSegments(path.join(tmp(), 'spool'))).toEqual([]);
  });

  it('skips a torn last line left by a crash, and later traces still ship', async () => {
    const store = fakeStore();
    store.down();
    const dir = path.join(tmp(), 'spool');
    const first = await open(tmp(), store);
    for (const id of ids(0, 5)) first.enqueue(traceRecord(id));
    await first.close(10);
    const [segment] = (await readdir(dir)).filter((name) => name.endsWith('.jsonl'));
    await appendFile(path.join(dir, segment!), '{"id":"torn","project":"ac');

    store.up();
    const second = await open(tmp(), store);
    for (const id of ids(5, 5)) second.enqueue(traceRecord(id));
    expect(await second.drain(10_000)).toBe(true);
    expect(store.ids()).toEqual(ids(0, 10));
    expect(second.stats.skipped).toBe(0);
    await second.close();
  });

  it('refuses new traces beyond maxBytes, counting exactly the refused ones, and keeps what it holds', async () => {
    const store = fakeStore();
    store.down();
    const refusedIds: string[] = [];
    const spool = await open(tmp(), store, {
      maxBytes: 16 * 1024,
      onDrop: (trace, reason) => refusedIds.push(`${trace.id}:${reason}`),
    });
    const accepted: string[] = [];
    const refused: string[] = [];
    // In rounds, so the size estimate learns from what is on disk.
    for (let round = 0; round < 5; round++) {
      for (const id of ids(round * 100, 100)) {
        if (spool.enqueue(traceRecord(id))) accepted.push(id);
        else refused.push(`${id}:full`);
      }
      await spool.flush();
    }
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThan(0);
    expect(spool.stats.dropped).toBe(refused.length);
    expect(refusedIds).toEqual(refused);
    expect(spool.stats.recorded).toBe(accepted.length);
    // Bounded up to the error of one estimate: a few lines, not a batch.
    expect(spool.stats.pendingBytes).toBeLessThanOrEqual(16 * 1024 + 2048);
    store.up();
    expect(await spool.drain(10_000)).toBe(true);
    expect(store.ids()).toEqual(accepted);
    await spool.close();
  });

  it('counts a trace that is not JSON as dropped, and writes the others of its batch', async () => {
    const store = fakeStore();
    const reasons: string[] = [];
    const spool = await open(tmp(), store, { onDrop: (_trace, reason) => reasons.push(reason) });
    spool.enqueue(traceRecord('before'));
    expect(spool.enqueue(traceRecord('poison', { metadata: { n: 1n as unknown as string } }))).toBe(true);
    spool.enqueue(traceRecord('after'));
    expect(await spool.drain(10_000)).toBe(true);
    expect(store.ids()).toEqual(['before', 'after']);
    expect(spool.stats).toMatchObject({ recorded: 2, dropped: 1, pending: 0 });
    expect(reasons).toEqual(['unserialisable']);
    await spool.close();
  });

  it('refuses a second open of a directory another spool holds, with the holder named', async () => {
    const store = fakeStore();
    const first = await open(tmp(), store);
    const err = await open(tmp(), store).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PromptOpsError);
    expect((err as PromptOpsError).code).toBe('PO_ERR_SPOOL_LOCKED');
    expect((err as PromptOpsError).message).toContain(`process ${process.pid}`);
    await first.close();
    const again = await open(tmp(), store);
    await again.close();
  });

  it('takes over the lock of a process that no longer runs', async () => {
    const dir = path.join(tmp(), 'spool');
    const store = fakeStore();
    await (await open(tmp(), store)).close();
    await writeFile(path.join(dir, 'spool.lock'), String(await deadPid()));
    const spool = await open(tmp(), store);
    expect(await readFile(path.join(dir, 'spool.lock'), 'utf8')).toBe(String(process.pid));
    spool.enqueue(traceRecord('after-takeover'));
    expect(await spool.drain(10_000)).toBe(true);
    expect(store.ids()).toEqual(['after-takeover']);
    await spool.close();
  });

  it('takes over a lock with its own pid that it did not take (a restarted container is pid 1 again)', async () => {
    const dir = path.join(tmp(), 'spool');
    await (await open(tmp(), fakeStore())).close();
    await writeFile(path.join(dir, 'spool.lock'), String(process.pid));
    const spool = await open(tmp(), fakeStore());
    await spool.close();
  });

  it('ships every flushed trace of a process killed with SIGKILL', async () => {
    const dir = path.join(tmp(), 'spool');
    const count = 2000;
    const child = spawn(process.execPath, ['--input-type=module', '-e', childScript(dir, count)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // Killed the moment it says its traces are on disk: no close(), no shipping, lock left behind.
      if (output.includes('flushed')) child.kill('SIGKILL');
    });
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');

    const store = fakeStore();
    const spool = await open(tmp(), store);
    expect(await spool.drain(30_000)).toBe(true);
    expect(store.ids()).toEqual(ids(0, count));
    await spool.close();
  }, 60_000);

  it('fits the pipeline, as the in-memory TraceQueue does (a type error here if one stops fitting)', async () => {
    const spool: TraceSink = await open(tmp(), fakeStore());
    const queue: TraceSink = new TraceQueue({ sink: async () => {} });
    for (const sink of [spool, queue]) expect(sink.enqueue(traceRecord('fits'))).toBe(true);
    await (spool as TraceSpool).close();
  });
});

/** Every trace in the spool's segment files, in order. */
async function readSegments(dir: string): Promise<Trace[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort();
  const lines: string[] = [];
  for (const name of names)
    lines.push(...(await readFile(path.join(dir, name), 'utf8')).split('\n').filter(Boolean));
  return lines.map((line) => JSON.parse(line) as Trace);
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** A process that spools `count` traces with a sink that never answers, flushes, then waits to be killed. */
function childScript(dir: string, count: number): string {
  const spoolModule = JSON.stringify(path.join(REPO, 'dist', 'gateway', 'spool.js'));
  return `
    const { TraceSpool } = await import(${spoolModule});
    const spool = await TraceSpool.open({ dir: ${JSON.stringify(dir)}, sink: () => new Promise(() => {}) });
    const base = ${JSON.stringify(traceRecord('base'))};
    for (let i = 0; i < ${count}; i++) spool.enqueue({ ...base, id: 'trace-' + i });
    await spool.flush();
    process.stdout.write('flushed\\n');
    setInterval(() => {}, 1000);
  `;
}
