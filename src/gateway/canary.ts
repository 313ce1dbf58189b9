import murmurhash from 'murmurhash';

/**
 * Canary routing: which arm of a release serves a request. A request's sticky key (a user or
 * session id) falls in one of BUCKETS buckets by a stable hash of `prompt:key`; the first
 * `weight × 100` buckets are the canary's. So the same key always gets the same arm at one weight,
 * raising the weight only moves keys from stable to canary (never back), and different prompts
 * split the same users independently. MurmurHash3 (x86, 32-bit, seed 0) over the UTF-8 bytes is the
 * hash every language has, so another client can route exactly as the gateway does: the vectors in
 * docs/gateway.md are the contract (a test holds this module to them).
 */

/** Buckets a key can fall in: a weight is honoured to 0.01 percentage points. */
export const BUCKETS = 10_000;

export type Arm = 'stable' | 'canary';

/** The bucket (0 … BUCKETS − 1) of a sticky key for a prompt. */
export function bucketOf(prompt: string, stickyKey: string): number {
  return murmurhash.v3(`${prompt}:${stickyKey}`, 0) % BUCKETS;
}

/**
 * The arm that serves `stickyKey` when a canary takes `weight` percent (0–100) of a prompt's
 * traffic. Without a sticky key, the caller passes a random one: the request is then not sticky.
 */
export function armOf(prompt: string, stickyKey: string, weight: number): Arm {
  return bucketOf(prompt, stickyKey) < canaryBuckets(weight) ? 'canary' : 'stable';
}

/** How many buckets a weight (percent, clamped to 0–100) gives the canary. */
export function canaryBuckets(weight: number): number {
  if (!Number.isFinite(weight) || weight <= 0) return 0;
  return Math.min(BUCKETS, Math.round(weight * (BUCKETS / 100)));
}
