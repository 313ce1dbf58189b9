// Rollups (src/monitor/rollup-accumulator.ts, src/store/rollup-store.ts). (a) What counting a trace
// in its rollup cell costs on the request path, alone and together with the Prometheus metrics
// (the gateway's metered sink does both), on traces shaped like a pipeline's with a few input
// fields, spread over 20 prompts x 3 versions x 2 environments x 2 arms. (b) PostgreSQL write
// throughput: 4 simulated gateways (4 sources, each its own store and connection pool) flush, at the
// same time, the cells of 5k req/s each (200 active keys per gateway) every 10 s interval, for
// BENCH_INTERVALS intervals (the minute moves every 6), back to back: the time a flush takes says
// whether a gateway keeps up with its interval. Prints JSON; uses the built dist/ (npm run build).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineReferenceMs } from './lib/machine.js';
import { sampleTrace, spreadTrace } from './lib/sample-trace.js';
import { latency } from './lib/timing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(path.join(root, 'dist', file));
const { RollupAccumulator } = await dist('monitor/rollup-accumulator.js');
const { TraceMetrics, meteredSink } = await dist('observe/metrics.js');
const { emptyValues, latencySlot, outputLengthSlot } = await dist('monitor/rollup.js');
const { openStore } = await dist('store/index.js');

const PG = process.env.PROMPTOPS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const INTERVALS = Number(process.env.BENCH_INTERVALS ?? 30);
const GATEWAYS = 4;
const KEYS_PER_GATEWAY = 200;
const REQUESTS_PER_SECOND = 5000;
const INTERVAL_MS = 10_000;

const percentile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

// ---- (a) the request path ----
const NOW = '2026-12-07T10:00:00.000Z';
const clock = () => new Date(NOW);
const trace = (i) => ({
  ...spreadTrace(i),
  startedAt: `2026-12-07T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
  input: { ...sampleTrace.input, tier: ['free', 'pro', 'team'][i % 3], items: i % 9, urgent: i % 2 === 0 },
});
const input = Array.from({ length: 10_000 }, (_, i) => trace(i));
const nullSink = {
  enqueue: () => true,
  stats: { enqueued: 0, dropped: 0, pending: 0 },
  flush: async () => {},
};

/** Per-trace cost of `sink.enqueue`, each call timed alone (µs; includes the clock reads, tens of ns). */
function cost(sink) {
  let i = 0;
  return latency(() => sink.enqueue(input[i++ % input.length]), { warmup: 200_000, runs: 50_000 });
}

const accumulator = () => new RollupAccumulator({ write: async () => {}, clock, flushMs: 0 });
const alone = accumulator();
const rollupsAlone = cost({
  ...nullSink,
  enqueue: (t) => {
    alone.observe(t);
    return true;
  },
});
const metricsAlone = cost(meteredSink(nullSink, new TraceMetrics()));
const both = cost(meteredSink(nullSink, new TraceMetrics(), accumulator()));

// ---- (b) PostgreSQL writes ----
/** One gateway's cells for an interval: cumulative values of the minute so far, 200 keys. */
function cellsOf(minute, intervalInMinute) {
  const perKey = (REQUESTS_PER_SECOND * (INTERVAL_MS / 1000) * intervalInMinute) / KEYS_PER_GATEWAY;
  return Array.from({ length: KEYS_PER_GATEWAY }, (_, k) => {
    const values = emptyValues();
    values.requests = perKey;
    values.errors = Math.round(perKey * 0.02);
    values.schemaChecked = perKey;
    values.schemaValid = perKey - values.errors;
    values.latency[latencySlot(400 + k)] = perKey;
    values.latencySumMs = perKey * (400 + k);
    values.costUsd = perKey * 0.0001;
    values.inputTokens = perKey * 300;
    values.outputTokens = perKey * 60;
    values.errorCodes = { PO_ERR_PROVIDER_UNAVAILABLE: values.errors };
    values.outputLength[outputLengthSlot(120)] = perKey;
    values.inputs = {
      tier: { free: perKey / 2, pro: perKey / 2 },
      message: { 'len≤80': perKey },
      urgent: { true: perKey / 2, false: perKey / 2 },
    };
    // 200 distinct keys: 50 prompts x 2 versions x 2 arms.
    const q = Math.floor(k / 50);
    return {
      prompt: `prompt-${k % 50}`,
      version: 1 + (q % 2),
      environment: 'production',
      arm: q < 2 ? 'stable' : 'canary',
      minute,
      values,
    };
  });
}

let postgres = null;
const schema = `bench_${randomBytes(4).toString('hex')}`;
try {
  const url = `${PG}?schema=${schema}`;
  const stores = [];
  for (let g = 0; g < GATEWAYS; g++) stores.push(await openStore(url, root, { project: 'bench' }));
  const flushMs = [];
  let rows = 0;
  const start = process.hrtime.bigint();
  for (let interval = 0; interval < INTERVALS; interval++) {
    const minute = new Date(Date.parse(NOW) + Math.floor(interval / 6) * 60_000).toISOString();
    const batches = stores.map(() => cellsOf(minute, (interval % 6) + 1));
    await Promise.all(
      stores.map(async (store, g) => {
        const t0 = process.hrtime.bigint();
        await store.writeRollups(`gw-${g}`, batches[g]);
        flushMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }),
    );
    rows += GATEWAYS * KEYS_PER_GATEWAY;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const readStart = process.hrtime.bigint();
  const read = await stores[0].readRollups({ from: NOW, to: '2026-12-07T11:00:00.000Z' });
  const readMs = Number(process.hrtime.bigint() - readStart) / 1e6;
  flushMs.sort((a, b) => a - b);
  const p95 = percentile(flushMs, 0.95);
  postgres = {
    gateways: GATEWAYS,
    keysPerGateway: KEYS_PER_GATEWAY,
    simulatedRequestsPerSecondPerGateway: REQUESTS_PER_SECOND,
    intervalMs: INTERVAL_MS,
    intervals: INTERVALS,
    rowsWritten: rows,
    rowsPerSecondBackToBack: Math.round(rows / seconds),
    rowsPerSecondNeeded: Math.round((GATEWAYS * KEYS_PER_GATEWAY) / (INTERVAL_MS / 1000)),
    flushMs: {
      p50: Number(percentile(flushMs, 0.5).toFixed(1)),
      p95: Number(p95.toFixed(1)),
      max: Number(flushMs.at(-1).toFixed(1)),
    },
    flushShareOfInterval: Number((p95 / INTERVAL_MS).toFixed(4)),
    keepsUp: p95 < INTERVAL_MS,
    readAllCellsMs: Number(readMs.toFixed(1)),
    cellsRead: read.length,
  };
  for (const store of stores) await store.close();
} catch (err) {
  postgres = {
    skipped: `no PostgreSQL at ${PG.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')}: ${err.message}`,
  };
} finally {
  try {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  } catch {}
}

console.log(
  JSON.stringify(
    {
      bench: 'rollups',
      // this machine's speed now: read the timings with it (bench/lib/machine.js)
      machineReferenceMs: machineReferenceMs(),
      requestPath: {
        labelSets: '20 prompts x 3 versions x 2 environments x 2 arms',
        rollupsOnly: rollupsAlone,
        metricsOnly: metricsAlone,
        metricsAndRollups: both,
        targetP50Us: 5,
      },
      postgres,
    },
    null,
    2,
  ),
);
