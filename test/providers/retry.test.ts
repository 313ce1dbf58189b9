import { describe, expect, it } from 'vitest';
import { parseRetryAfter, type RetryPolicy, retryDelay } from '../../src/providers/retry.js';

const NOW = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

const POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  perTryTimeoutMs: 1_000,
  totalTimeoutMs: 10_000,
};

describe('parseRetryAfter', () => {
  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfter('1', NOW)).toBe(1_000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 3 ', NOW)).toBe(3_000);
    expect(parseRetryAfter('1.5', NOW)).toBe(1_500);
  });

  it('reads an HTTP date as the time left until then', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000);
  });

  it('reads an HTTP date in the past as "retry now"', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', NOW)).toBe(0);
  });

  it('gives null when the header is absent or unreadable', () => {
    expect(parseRetryAfter(null, NOW)).toBeNull();
    expect(parseRetryAfter('', NOW)).toBeNull();
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('1e3', NOW)).toBeNull();
  });

  it('gives null for a negative number of seconds instead of reading it as a date', () => {
    // RFC 9110: Retry-After is an HTTP-date or non-negative delta-seconds; "-1" is neither.
    expect(parseRetryAfter('-1', NOW)).toBeNull();
  });
});

describe('retryDelay', () => {
  it('waits what the server asked for', () => {
    expect(retryDelay(1, POLICY, 1_000, () => 0.5)).toBe(1_000);
    expect(retryDelay(3, POLICY, 0, () => 0.5)).toBe(0);
  });

  it('never waits longer than maxDelayMs, even when the server asks to', () => {
    expect(retryDelay(1, POLICY, 60_000, () => 0.5)).toBe(8_000);
  });

  it('never waits a negative time', () => {
    expect(retryDelay(1, POLICY, -500, () => 0.5)).toBe(0);
  });

  it('doubles the backoff ceiling with each retry', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, POLICY, null, top))).toEqual([
      250, 500, 1_000, 2_000, 4_000,
    ]);
  });

  it('caps the backoff at maxDelayMs', () => {
    expect(retryDelay(6, POLICY, null, () => 1)).toBe(8_000);
    expect(retryDelay(30, POLICY, null, () => 1)).toBe(8_000);
    expect(retryDelay(30, { ...POLICY, maxDelayMs: 1_234 }, null, () => 1)).toBe(1_234);
  });

  it('spreads the wait uniformly between 0 and the ceiling (full jitter)', () => {
    expect(retryDelay(3, POLICY, null, () => 0)).toBe(0);
    expect(retryDelay(3, POLICY, null, () => 0.25)).toBe(250);
    expect(retryDelay(3, POLICY, null, () => 0.5)).toBe(500);
    expect(retryDelay(3, POLICY, null, () => 0.999)).toBe(999);
  });

  it('stays within the ceiling for any random value', () => {
    for (let i = 0; i < 200; i++) {
      const delay = retryDelay(4, POLICY, null, Math.random);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(2_000);
    }
  });
});
