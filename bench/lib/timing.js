// Timing helpers shared by the benchmarks: latency percentiles of a call, and throughput on a large
// input. Times come from process.hrtime (monotonic, nanoseconds).

const round = (x, digits) => Math.round(x * 10 ** digits) / 10 ** digits;
const since = (start) => Number(process.hrtime.bigint() - start);

/** p50/p90/p99 in microseconds of `runs` calls of `fn()`, after `warmup` calls. */
export function latency(fn, { warmup = 2_000, runs = 20_000 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = new Float64Array(runs);
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples[i] = since(start) / 1e3;
  }
  samples.sort();
  const at = (q) => round(samples[Math.min(runs - 1, Math.floor(q * runs))], 1);
  return { p50Us: at(0.5), p90Us: at(0.9), p99Us: at(0.99) };
}

/**
 * Median milliseconds of `runs` calls of `fn()` on an input of `chars` characters (after one
 * warm-up call), and what that makes in MB/s (1 MB = 2^20 characters).
 */
export function throughput(fn, chars, runs = 5) {
  fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(since(start) / 1e6);
  }
  times.sort((a, b) => a - b);
  const medianMs = times[runs >> 1];
  return { medianMs: round(medianMs, 2), mbPerSec: round(chars / 2 ** 20 / (medianMs / 1000), 1) };
}

/**
 * The fastest of `runs` calls of `fn()` (awaited), in milliseconds: the run least disturbed by other
 * work on the machine.
 */
export async function bestOfMs(fn, runs = 3) {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    best = Math.min(best, since(start) / 1e6);
  }
  return round(best, 2);
}
