/** How calls to a model are retried. Durations in milliseconds. */
export interface RetryPolicy {
  /** Attempts per model, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Time allowed for one attempt before it is aborted. */
  perTryTimeoutMs: number;
  /** Cap on the whole call, retries and fallbacks included. */
  totalTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  perTryTimeoutMs: 30_000,
  totalTimeoutMs: 90_000,
};

/**
 * The wait before retry number `attempt` (1 = first retry): full-jitter exponential backoff,
 * or the server's `Retry-After` when it gave one (never more than `maxDelayMs`).
 */
export function retryDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs: number | null,
  random: () => number,
): number {
  if (retryAfterMs !== null) return Math.min(Math.max(0, retryAfterMs), policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/** Parses a `Retry-After` header: delta-seconds or an HTTP date. Null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // Anything else that starts like a number (-1, +5) is malformed, not a date.
  if (/^[-+\d]/.test(trimmed)) return null;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
