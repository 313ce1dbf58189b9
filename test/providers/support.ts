import { expect, vi } from 'vitest';
import type { CallDeps } from '../../src/providers/call.js';
import type { RetryPolicy } from '../../src/providers/retry.js';

/** A fake key shaped like a real one. It must never show up in an error or a trace. */
export const KEY = 'sk-test-SECRET-0123456789abcdef';

/** Fast policy: real per-try timeouts, but sleeps go through the injected deps. */
export const POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 8_000,
  perTryTimeoutMs: 5_000,
  totalTimeoutMs: 20_000,
};

/** Call deps whose sleep records the requested wait instead of waiting. */
export function recordingDeps(random = 0.5): { deps: CallDeps; slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    deps: {
      sleep: async (ms) => {
        slept.push(ms);
      },
      random: () => random,
      now: () => performance.now(),
    },
  };
}

/**
 * Call deps on vitest's fake clock, for the timeout tests: callModel's per-try timer and `now` both
 * run on it, so a timeout fires when the test moves the clock and every duration is exact however
 * busy the machine is. `sleep` records the wait and moves `now` by it (pending timers keep their
 * distance). The test ends the fake clock with `vi.useRealTimers()`.
 */
export function fakeClockDeps(random = 0.5): { deps: CallDeps; slept: number[] } {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 0 });
  const { deps, slept } = recordingDeps(random);
  const sleep = async (ms: number) => {
    await deps.sleep(ms);
    vi.setSystemTime(Date.now() + ms);
  };
  return { slept, deps: { ...deps, sleep, now: () => Date.now() } };
}

/**
 * Settles `promise` on the fake clock: lets pending I/O run, then moves the clock to the next timer,
 * until the promise settles. For calls that need no outside server to reach a timer.
 */
export async function settleOnFakeClock<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => {
    settled = true;
  });
  watched.catch(() => {});
  while (!settled) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!settled) vi.advanceTimersToNextTimer();
  }
  return watched;
}

/** Awaits a promise expected to reject and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown> & Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/**
 * Asserts that no part of the key (any 10-character run of it) appears in `value`, in any of the
 * forms an error reaches a user or a log: JSON, message, details, stack.
 */
export function expectNoSecret(value: unknown, key = KEY): void {
  const forms: string[] = [JSON.stringify(value) ?? ''];
  if (value instanceof Error) {
    forms.push(value.message, String(value), value.stack ?? '');
    const details = (value as { details?: unknown }).details;
    if (details !== undefined) forms.push(JSON.stringify(details));
  }
  for (const form of forms) {
    for (let i = 0; i + 10 <= key.length; i++) {
      const fragment = key.slice(i, i + 10);
      expect(form, `"${fragment}" (part of the API key) leaked`).not.toContain(fragment);
    }
  }
}
