// The gateway's trace spool (src/gateway/spool.ts): what `enqueue` costs on the request path, and
// how many traces per second reach the disk (written and fdatasynced in group commits) and the sink
// (a no-op here, so the figure is the spool's own). Traces shaped like a pipeline's (~1.3 KB of
// JSON). Prints JSON; uses the built dist/ (npm run build first).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineReferenceMs } from './lib/machine.js';
import { sampleTrace as base } from './lib/sample-trace.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { TraceSpool } = await import(path.join(root, 'dist', 'gateway', 'spool.js'));

const traces = (count, from) =>
  Array.from({ length: count }, (_, i) => ({ ...base, id: `trace-${from + i}` }));

/**
 * Offers `count` traces in bursts of `burst` (a server receives requests as separate events, so the
 * writer runs between bursts), timing only the enqueue calls; then waits for disk and for the sink.
 */
async function measure(spool, count, burst, from) {
  const input = traces(count, from);
  let enqueueNs = 0n;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += burst) {
    const t = process.hrtime.bigint();
    for (let j = i; j < Math.min(count, i + burst); j++) spool.enqueue(input[j]);
    enqueueNs += process.hrtime.bigint() - t;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await spool.flush();
  const recordedMs = Number(process.hrtime.bigint() - start) / 1e6;
  await spool.drain(120_000);
  const shippedMs = Number(process.hrtime.bigint() - start) / 1e6;
  return { enqueueNs: Number(enqueueNs) / count, recordedMs, shippedMs };
}

/** One trace per turn of the event loop, as a server's requests come: each enqueue timed alone. */
async function steady(spool, count, from) {
  const input = traces(count, from);
  const times = [];
  for (const trace of input) {
    const t = process.hrtime.bigint();
    spool.enqueue(trace);
    times.push(Number(process.hrtime.bigint() - t));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await spool.drain(120_000);
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(count / 2)], p99: times[Math.floor(count * 0.99)] };
}

const dir = mkdtempSync(path.join(tmpdir(), 'promptops-bench-spool-'));
try {
  const spool = await TraceSpool.open({ dir, sink: async () => {} });
  await measure(spool, 20_000, 100, 0); // warm-up
  const before = spool.stats;
  const count = 200_000;
  const burst = 100;
  const run = await measure(spool, count, burst, 1_000_000);
  const after = spool.stats;
  const oneByOne = await steady(spool, 20_000, 2_000_000);
  await spool.close();
  const commits = after.commits - before.commits;
  console.log(
    JSON.stringify(
      {
        bench: 'trace-spool',
        // this machine's speed now: read the timings with it (bench/lib/machine.js)
        machineReferenceMs: machineReferenceMs(),
        traces: count,
        traceBytes: Buffer.byteLength(JSON.stringify(traces(1, 1_000_000)[0])),
        offeredInBurstsOf: burst,
        enqueueNsPerTrace: Math.round(run.enqueueNs),
        // includes the clock read around it (tens of ns)
        enqueueNsOneByOne: oneByOne,
        recordedPerSec: Math.round(count / (run.recordedMs / 1000)),
        shippedPerSec: Math.round(count / (run.shippedMs / 1000)),
        fdatasyncs: commits,
        tracesPerFdatasync: Math.round((after.recorded - before.recorded) / commits),
        dropped: after.dropped,
        note: 'offered faster than the disk takes it, so the rates are capacities; no-op sink; recorded = written and fdatasynced; shipped = handed to the sink (from memory while it keeps up, else read back from disk)',
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
