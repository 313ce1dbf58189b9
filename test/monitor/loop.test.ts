import { afterEach, describe, expect, it, vi } from 'vitest';
import { type MonitorJob, MonitorLoop } from '../../src/monitor/loop.js';

function job(name: string, tick: () => Promise<unknown>, leaderOnly = false): MonitorJob & { runs: number } {
  const counted = {
    name,
    everyMs: 1_000,
    leaderOnly,
    runs: 0,
    tick: async () => {
      counted.runs++;
      return tick();
    },
  };
  return counted;
}

describe('MonitorLoop', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs each job on its period; a failing job is reported and runs again, the others go on', async () => {
    vi.useFakeTimers();
    const errors: string[] = [];
    const failing = job('failing', async () => {
      throw new Error('store down');
    });
    const healthy = job('healthy', async () => undefined);
    const loop = new MonitorLoop([failing, healthy], {
      onError: (name, err) => errors.push(`${name}: ${(err as Error).message}`),
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(3_500);
    expect(healthy.runs).toBe(3);
    expect(failing.runs).toBe(3);
    expect(errors).toEqual(['failing: store down', 'failing: store down', 'failing: store down']);
    await loop.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(healthy.runs).toBe(3);
  });

  it('runs leader-only jobs only while this process leads', async () => {
    let leading = false;
    const leaderJob = job('canary-analysis', async () => undefined, true);
    const everywhere = job('metrics', async () => undefined);
    const loop = new MonitorLoop([leaderJob, everywhere], { isLeader: async () => leading });
    await loop.runJob(leaderJob);
    await loop.runJob(everywhere);
    expect([leaderJob.runs, everywhere.runs]).toEqual([0, 1]);
    leading = true;
    await loop.runJob(leaderJob);
    expect(leaderJob.runs).toBe(1);
  });

  it('never runs one job twice at once, and stop waits for the tick in flight', async () => {
    let release: () => void = () => undefined;
    const slow = job('slow', () => new Promise<void>((resolve) => (release = resolve)));
    const loop = new MonitorLoop([slow]);
    const first = loop.runJob(slow);
    const second = loop.runJob(slow);
    expect(second).toBe(first);
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(slow.runs).toBe(1);
  });

  it('stops waiting for a tick that hangs: it is reported and the job runs again', async () => {
    vi.useFakeTimers();
    const errors: string[] = [];
    const hung = job('hung', () => new Promise(() => undefined));
    const loop = new MonitorLoop([hung], {
      onError: (name, err) => errors.push(`${name}: ${(err as Error).message}`),
    });
    loop.start();
    // First turn at 1 s; it hangs; after 60 s it is given up, the next turn comes a second later.
    await vi.advanceTimersByTimeAsync(1_000 + 60_000 + 1_000);
    expect(hung.runs).toBe(2);
    expect(errors).toEqual(['hung: a tick still runs after 60 s; the next one starts anyway']);
    await vi.advanceTimersByTimeAsync(60_000);
    await loop.stop();
  });
});
