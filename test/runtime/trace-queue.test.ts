import { describe, expect, it, vi } from 'vitest';
import type { Trace } from '../../src/observe/trace.js';
import { TraceQueue } from '../../src/observe/trace-queue.js';

const trace = (id: string) => ({ id }) as unknown as Trace;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('the trace queue', () => {
  it('never calls the sink from enqueue, and writes full batches on the next turn', async () => {
    const batches: string[][] = [];
    const queue = new TraceQueue({
      sink: async (b) => void batches.push(b.map((t) => t.id)),
      batchSize: 2,
      flushIntervalMs: 10_000,
    });
    queue.enqueue(trace('a'));
    queue.enqueue(trace('b'));
    queue.enqueue(trace('c'));
    expect(batches).toEqual([]);
    await tick();
    await tick();
    expect(batches).toEqual([['a', 'b'], ['c']]);
    expect(queue.stats).toEqual({ enqueued: 3, written: 3, dropped: 0, pending: 0 });
  });

  it('writes a partial batch after the flush interval', async () => {
    const written: string[] = [];
    const queue = new TraceQueue({
      sink: async (b) => void written.push(...b.map((t) => t.id)),
      batchSize: 100,
      flushIntervalMs: 20,
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      queue.enqueue(trace('x'));
      await vi.advanceTimersByTimeAsync(19);
      expect(written).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(written).toEqual(['x']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts what it drops when full or when the store fails, never silently', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const errors: number[] = [];
    let calls = 0;
    const queue = new TraceQueue({
      sink: async () => {
        calls++;
        await gate;
        if (calls === 1) throw new Error('disk full');
      },
      capacity: 3,
      batchSize: 2,
      onError: (_err, dropped) => errors.push(dropped),
    });
    for (const id of ['1', '2', '3', '4', '5']) queue.enqueue(trace(id));
    expect(queue.stats.dropped).toBe(2);
    release();
    await queue.flush();
    expect(errors).toEqual([2]);
    expect(queue.stats).toEqual({ enqueued: 3, written: 1, dropped: 4, pending: 0 });
  });

  it('flush waits until everything enqueued is written', async () => {
    const written: string[] = [];
    const queue = new TraceQueue({
      sink: async (b) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        written.push(...b.map((t) => t.id));
      },
      batchSize: 2,
    });
    for (let i = 0; i < 7; i++) queue.enqueue(trace(String(i)));
    await queue.flush();
    expect(written).toEqual(['0', '1', '2', '3', '4', '5', '6']);
  });
});
