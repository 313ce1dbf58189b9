// A rough gauge of how fast this machine is right now, for reading a bench's timings: shared VMs
// here have run the same commit at one third of the speed of an earlier session. Every bench prints
// it; compare timings across runs only together with it, and expect timings within one run to vary
// as well (the gauge is taken once, when the bench prints its result).
//
// The reference work is the shape of the guardrails' hot loops (character codes of a 1 MB text
// hashed with Math.imul into a typed array), in plain JavaScript so it does not change when the
// product's code does. Median of seven runs after a warm-up.

const TEXT = 'The quick brown fox jumps over the lazy dog; 0123456789. '.repeat(18_400).slice(0, 1 << 20);
// Tables as large as the injection model's (2^18 buckets), so cache pressure from other tenants of
// the machine shows here as it does in the guardrails.
const counts = new Uint16Array(1 << 18);
const weights = new Int8Array(1 << 18).map((_, i) => ((i * 7919) % 255) - 127);

function reference() {
  let h = 0x811c9dc5 | 0;
  let dot = 0;
  for (let i = 0; i < TEXT.length; i++) {
    // a running hash: every position lands on its own bucket, like a text's many distinct n-grams
    h = Math.imul(h ^ TEXT.charCodeAt(i), 0x01000193);
    const b = Math.imul(h, 0x9e3779b1) >>> 14;
    counts[b] = counts[b] + 1;
    dot += weights[b];
  }
  counts.fill(0);
  return h + dot;
}

/** Milliseconds the reference work takes now (lower is faster). */
export function machineReferenceMs() {
  for (let i = 0; i < 5; i++) reference();
  const times = [];
  for (let i = 0; i < 7; i++) {
    const start = performance.now();
    reference();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[3] * 100) / 100;
}
