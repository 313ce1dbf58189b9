// In-process pipeline overhead (everything except the model call): resolve (cached), input
// contract, render, output contract and trace hand-off, for the support-reply example on the
// offline provider (instant, in-process). Prints JSON. Target (issue 3): p50 ≤ 50 µs, p99 ≤ 300 µs.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineReferenceMs } from './lib/machine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(path.join(root, 'dist', p));
const { openWorkspace, loadCatalog } = await dist('project/workspace.js');
const { openStore } = await dist('store/index.js');
const { TraceQueue } = await dist('observe/trace-queue.js');
const { VersionResolver } = await dist('runtime/resolver.js');
const { CompiledCache, guardrailLoader } = await dist('runtime/compile.js');
const { knowledgeFile } = await dist('runtime/knowledge.js');
const { runPipeline } = await dist('runtime/pipeline.js');
const { createProviderLookup, DEFAULT_RETRY_POLICY } = await dist('providers/index.js');

const dir = mkdtempSync(path.join(tmpdir(), 'promptops-bench-'));
try {
  cpSync(path.join(root, 'examples'), dir, { recursive: true, filter: (src) => !src.includes('.promptops') });
  // The same prompt without its guardrails, to measure the core pipeline apart from them.
  const source = readFileSync(path.join(dir, 'prompts', 'support-reply.prompt'), 'utf8');
  const bare = source
    .replace('name: support-reply', 'name: support-reply-bare')
    .replace(/promptops\.guardrails:[\s\S]*?\n---\n/, '---\n');
  writeFileSync(path.join(dir, 'prompts', 'support-reply-bare.prompt'), bare);
  const fixtures = path.join(dir, 'fixtures', 'offline.yaml');
  writeFileSync(
    fixtures,
    `${readFileSync(fixtures, 'utf8')}  - when: { prompt: support-reply-bare }\n    respond: { json: { reply: "We will refund the duplicate charge.", escalate: false, category: billing } }\n`,
  );
  const ws = await openWorkspace(dir);
  const store = await openStore(ws.config.store.url, ws.root, { project: ws.config.project });
  const catalog = await loadCatalog(ws);
  await store.push(
    catalog.entries.map((e) => ({ spec: e.spec, hash: e.hash })),
    { author: 'bench' },
  );
  await store.setLabel('support-reply', 1, 'production', 'bench');
  await store.setLabel('support-reply-bare', 1, 'production', 'bench');

  const overheads = [];
  const queue = new TraceQueue({
    sink: async (batch) => {
      for (const t of batch) overheads.push((t.timings.total - t.timings.model) * 1000);
      if (!process.env.BENCH_NO_STORE) await store.writeTraces(batch);
    },
    capacity: 100_000,
  });
  const deps = {
    project: ws.config.project,
    resolver: new VersionResolver(store, 60_000),
    compiled: new CompiledCache(),
    lookup: createProviderLookup(ws.config.providers, ws.root),
    traces: queue,
    knowledge: knowledgeFile(ws.root, ws.config.knowledge.file),
    pricing: ws.config.pricing,
    retry: DEFAULT_RETRY_POLICY,
    guardrails: guardrailLoader(ws.config.guardrails.custom, ws.root),
    reviews: store,
  };
  const input = {
    customer: { name: 'Dana', tier: 'pro' },
    message: 'I was charged twice for my March invoice, can you check?',
    history: [{ role: 'customer', text: 'Hello' }],
  };
  const warmup = 2_000;
  const runs = Number(process.env.BENCH_RUNS ?? 20_000);
  const measure = async (prompt) => {
    const request = { prompt, input, environment: 'production' };
    for (let i = 0; i < warmup; i++) {
      await runPipeline(deps, request);
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    await queue.flush();
    overheads.length = 0;
    let measured = 0;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await runPipeline(deps, request);
      measured += performance.now() - t;
      // A server gets requests as separate events; yielding lets queued trace batches be written
      // between requests, as they would be there.
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    await queue.flush();
    overheads.sort((a, b) => a - b);
    const q = (p) =>
      Math.round(overheads[Math.min(overheads.length - 1, Math.floor(p * overheads.length))] * 10) / 10;
    return {
      p50Us: q(0.5),
      p90Us: q(0.9),
      p99Us: q(0.99),
      maxUs: q(1),
      callsPerSec: Math.round(runs / (measured / 1000)),
    };
  };
  const core = await measure('support-reply-bare');
  const guarded = await measure('support-reply');
  console.log(
    JSON.stringify(
      {
        bench: 'pipeline-overhead',
        // this machine's speed now: read the timings with it (bench/lib/machine.js)
        machineReferenceMs: machineReferenceMs(),
        model: 'offline/scripted (in-process; its time is excluded)',
        runs,
        core: { prompt: 'support-reply without guardrails', ...core, targetUs: { p50: 50, p99: 300 } },
        withGuardrails: {
          prompt:
            'support-reply with its guardrails (input: prompt-injection, pii; output: pii, banned-terms, json-schema)',
          ...guarded,
        },
        tracesWritten: queue.stats.written,
        tracesDropped: queue.stats.dropped,
      },
      null,
      2,
    ),
  );
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
