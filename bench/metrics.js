// What the Prometheus metrics cost on the request path: `TraceMetrics.observe` (src/observe/metrics.ts),
// which the gateway's metered trace sink calls once per execution, on traces shaped like a
// pipeline's (five guardrail verdicts, a contract mutation, tokens and cost) spread over 20 prompts,
// 2 environments and both arms. Also the time to render /metrics (a scrape). Prints JSON; uses the
// built dist/ (npm run build first).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineReferenceMs } from './lib/machine.js';
import { sampleTrace, spreadTrace } from './lib/sample-trace.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { TraceMetrics, meteredSink } = await import(path.join(root, 'dist', 'observe', 'metrics.js'));

const guardrail = (name, isViolation) => ({ ...sampleTrace.guardrails[0], name, isViolation });
/** The sample trace spread over 20 prompts, 3 versions, 2 environments, both arms and some errors. */
const trace = (i) => ({
  ...spreadTrace(i),
  mutations: [{ path: 'channel', rule: 'default', before: undefined, after: 'email' }],
  reasks: i % 10 === 0 ? 1 : 0,
  guardrails: [
    guardrail('prompt-injection', false),
    guardrail('pii', i % 4 === 0),
    guardrail('pii', false),
    guardrail('banned-terms', false),
    guardrail('json-schema', false),
  ],
});

const metrics = new TraceMetrics();
const sink = meteredSink(
  { enqueue: () => true, stats: { enqueued: 0, dropped: 0, pending: 0 }, flush: async () => {} },
  metrics,
);
const input = Array.from({ length: 10_000 }, (_, i) => trace(i));

// Warm-up: every label set exists, the JIT has seen the path.
for (let round = 0; round < 20; round++) for (const t of input) sink.enqueue(t);

const rounds = 20;
const start = process.hrtime.bigint();
for (let round = 0; round < rounds; round++) for (const t of input) sink.enqueue(t);
const batchNs = Number(process.hrtime.bigint() - start) / (rounds * input.length);

// Each trace timed alone (includes the clock reads around it, tens of ns).
const times = [];
for (let round = 0; round < 5; round++) {
  for (const t of input) {
    const t0 = process.hrtime.bigint();
    sink.enqueue(t);
    times.push(Number(process.hrtime.bigint() - t0));
  }
}
times.sort((a, b) => a - b);

const scrapes = [];
for (let i = 0; i < 20; i++) {
  const t0 = process.hrtime.bigint();
  await metrics.registry.metrics();
  scrapes.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
scrapes.sort((a, b) => a - b);
const text = await metrics.registry.metrics();

console.log(
  JSON.stringify(
    {
      bench: 'metrics',
      // this machine's speed now: read the timings with it (bench/lib/machine.js)
      machineReferenceMs: machineReferenceMs(),
      labelSets: '20 prompts x 3 versions x 2 environments x 2 arms',
      nsPerTraceObserved: Math.round(batchNs),
      nsPerTraceOneByOne: {
        p50: times[Math.floor(times.length / 2)],
        p99: times[Math.floor(times.length * 0.99)],
      },
      scrapeMs: { p50: Number(scrapes[10].toFixed(2)), max: Number(scrapes[19].toFixed(2)) },
      expositionBytes: Buffer.byteLength(text),
      target: 'p50 <= 5000 ns per request',
    },
    null,
    2,
  ),
);
