// What judging one canary interval costs over the rollups of 1 M traces: the interval's minutes
// from 4 gateways (sources), both arms, 1 M requests in all, beside a day of history for 10
// prompts in the same table. One interval's analysis is what CanaryAnalysis does for it: read
// the canary's and the stable version's rollups for the interval (summed over sources), merge the
// minutes and run every metric's test. Target ≤ 100 ms. SQLite and PostgreSQL; prints JSON; uses
// the built dist/ (npm run build first).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { machineReferenceMs } from './lib/machine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(path.join(root, 'dist', ...file.split('/')));
const { openStore } = await dist('store/index.js');
const { emptyValues, latencySlot, mergeValues } = await dist('monitor/rollup.js');
const { parseCanaryPlan } = await dist('monitor/canary-plan.js');
const { judgeInterval } = await dist('monitor/canary-verdict.js');

const PG = process.env.PROMPTOPS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SOURCES = 4;
const INTERVAL_MINUTES = 10;
const TRACES = 1_000_000;
const CANARY_SHARE = 0.05;
const HISTORY_PROMPTS = 10;
const RUNS = 30;

const plan = parseCanaryPlan(
  {
    steps: [5, 25, 50, 100],
    interval: `${INTERVAL_MINUTES}m`,
    metrics: [
      { metric: 'error_rate', maxIncrease: 0.02 },
      { metric: 'block_rate', maxIncrease: 0.02 },
      { metric: 'schema_valid_rate', maxDecrease: 0.02 },
      { metric: 'p95_latency_ms', maxRatio: 1.5 },
      { metric: 'cost_per_request', maxRatio: 1.3 },
      { metric: 'negative_feedback_rate', maxIncrease: 0.05 },
    ],
  },
  'bench plan',
);

/** A cell's values for `requests` requests, filled as a gateway would (rates, a latency spread). */
function values(requests, errorRate) {
  const v = emptyValues();
  v.requests = requests;
  v.errors = Math.round(requests * errorRate);
  v.blocked = Math.round(requests * 0.005);
  v.schemaChecked = requests;
  v.schemaValid = Math.round(requests * 0.99);
  for (const [ms, share] of [
    [80, 0.3],
    [150, 0.4],
    [300, 0.25],
    [900, 0.05],
  ])
    v.latency[latencySlot(ms)] += Math.round(requests * share);
  v.latencySumMs = requests * 210;
  v.costUsd = requests * 0.001;
  v.costSquaresSum = requests * 0.0000012;
  v.feedbackNegative = Math.round(requests * 0.002);
  v.feedbackPositive = Math.round(requests * 0.01);
  v.errorCodes = { PO_ERR_PROVIDER_UNAVAILABLE: v.errors };
  return v;
}

async function bench(engine) {
  let url;
  let cleanup;
  if (engine === 'sqlite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'promptops-bench-canary-'));
    url = `sqlite:${path.join(dir, 'registry.db')}`;
    cleanup = () => rm(dir, { recursive: true, force: true });
  } else {
    const schema = `bench_canary_${randomBytes(4).toString('hex')}`;
    url = `${PG}?schema=${schema}`;
    cleanup = async () => {
      const client = new pg.Client({ connectionString: PG });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    };
  }
  const store = await openStore(url, root, { project: 'bench' });
  try {
    const start = Date.parse('2026-12-07T10:00:00.000Z');
    const minute = (i) => new Date(start + i * 60_000).toISOString();
    // A day of history before the interval: 10 prompts, both arms, every source.
    const history = Date.now();
    for (let m = -1440; m < 0; m++) {
      const cells = [];
      for (let p = 0; p < HISTORY_PROMPTS; p++)
        for (const arm of ['stable', 'canary'])
          cells.push({
            prompt: p === 0 ? 'support-reply' : `prompt-${p}`,
            version: arm === 'stable' ? 1 : 2,
            environment: 'production',
            arm,
            minute: minute(m),
            values: values(50, 0.01),
          });
      for (let s = 0; s < SOURCES; s++) await store.writeRollups(`gateway-${s}`, cells);
    }
    const historyMs = Date.now() - history;
    // The interval: 1 M traces over its minutes, spread over the sources, 5% on the canary.
    const perCell = TRACES / INTERVAL_MINUTES / SOURCES;
    for (let m = 0; m < INTERVAL_MINUTES; m++)
      for (let s = 0; s < SOURCES; s++)
        await store.writeRollups(`gateway-${s}`, [
          {
            ...{ prompt: 'support-reply', version: 1, environment: 'production', arm: 'stable' },
            ...{ minute: minute(m), values: values(Math.round(perCell * (1 - CANARY_SHARE)), 0.01) },
          },
          {
            ...{ prompt: 'support-reply', version: 2, environment: 'production', arm: 'canary' },
            ...{ minute: minute(m), values: values(Math.round(perCell * CANARY_SHARE), 0.012) },
          },
        ]);
    const window = { from: minute(0), to: minute(INTERVAL_MINUTES) };
    const analyse = async () => {
      const query = { prompt: 'support-reply', environment: 'production', ...window };
      const [canary, stable] = await Promise.all([
        store.readRollups({ ...query, version: 2, arm: 'canary' }),
        store.readRollups({ ...query, version: 1, arm: 'stable' }),
      ]);
      const c = mergeValues(canary.map((cell) => cell.values));
      const s = mergeValues(stable.map((cell) => cell.values));
      return { judgement: judgeInterval(plan, c, s), traces: c.requests + s.requests };
    };
    const first = await analyse();
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const t = process.hrtime.bigint();
      await analyse();
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    const at = (q) => Math.round(times[Math.min(RUNS - 1, Math.floor(q * RUNS))] * 100) / 100;
    return {
      engine,
      tracesInInterval: first.traces,
      rollupRowsInInterval: INTERVAL_MINUTES * SOURCES * 2,
      rollupRowsInTable: (1440 * HISTORY_PROMPTS * 2 + INTERVAL_MINUTES * 2) * SOURCES,
      verdict: first.judgement.verdict,
      intervalAnalysisMs: { p50: at(0.5), p90: at(0.9), max: at(1) },
      historyWriteMs: historyMs,
    };
  } finally {
    await store.close();
    await cleanup();
  }
}

const results = [];
for (const engine of ['sqlite', 'postgres']) results.push(await bench(engine));
console.log(
  JSON.stringify(
    {
      bench: 'canary-analysis',
      what: 'one interval judged (both arms read from rollups, summed over 4 sources, 6 metrics tested) over 1 M traces',
      targetMs: 100,
      results,
      machineReferenceMs: machineReferenceMs(),
    },
    null,
    2,
  ),
);
