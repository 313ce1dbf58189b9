// Traces out over OpenTelemetry (src/observe/otel.ts): what the request path pays to hand a trace to
// the OTLP decorator (it only appends it to a list), and what each trace costs in all once its seven
// spans are built on a later turn and exported in batches over OTLP/HTTP (JSON) to a receiver that
// accepts everything (in this process, so its CPU counts too). Traces shaped like a pipeline's.
// Prints JSON; uses the built dist/ (npm run build first).
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineReferenceMs } from './lib/machine.js';
import { sampleTrace } from './lib/sample-trace.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let received = 0;
const receiver = createServer((request, response) => {
  request.on('data', () => {});
  request.on('end', () => {
    received++;
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${receiver.address().port}`;
// Large batches, as a busy gateway would set them (the SDK's defaults: 512 spans every 5 s, 2,048 queued).
process.env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE ??= '2048';
process.env.OTEL_BSP_MAX_QUEUE_SIZE ??= '65536';
process.env.OTEL_BSP_SCHEDULE_DELAY ??= '100';
const { otlpSinkFromEnv } = await import(path.join(root, 'dist', 'observe', 'otel-env.js'));

const base = { ...sampleTrace, arm: 'stable' };
const inner = { enqueue: () => true, stats: { enqueued: 0, dropped: 0, pending: 0 }, flush: async () => {} };
const sink = await otlpSinkFromEnv(inner, process.env, 'bench');

/** Offers `count` traces in bursts of `burst` (requests arrive as separate events), then waits for the export. */
async function measure(count, burst, from) {
  const input = Array.from({ length: count }, (_, i) => ({ ...base, id: `trace-${from + i}` }));
  let enqueueNs = 0n;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += burst) {
    const t = process.hrtime.bigint();
    for (let j = i; j < Math.min(count, i + burst); j++) sink.enqueue(input[j]);
    enqueueNs += process.hrtime.bigint() - t;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await sink.flush();
  const wallNs = Number(process.hrtime.bigint() - start);
  const used = process.cpuUsage(cpu);
  const cpuNs = (used.user + used.system) * 1000;
  return { enqueueNs: Number(enqueueNs) / count, wallNs: wallNs / count, cpuNs: cpuNs / count };
}

await measure(2_000, 20, 0);
const count = 20_000;
const result = await measure(count, 20, 10_000);
await sink.shutdown();
receiver.close();
console.log(
  JSON.stringify(
    {
      traces: count,
      spansPerTrace: 7,
      requestPathNsPerTrace: Math.round(result.enqueueNs),
      cpuNsPerTrace: Math.round(result.cpuNs),
      wallNsPerTrace: Math.round(result.wallNs),
      spansDropped: sink.spansDropped,
      exportRequests: received,
      machineReferenceMs: machineReferenceMs(),
    },
    null,
    2,
  ),
);
