// The knowledge graph at size, on each engine (SQLite in a temp file, then PostgreSQL in a fresh
// schema at PROMPTOPS_TEST_DATABASE_URL): a generated graph of 100k entities and 1M relations
// (20k customers, 60k orders, 100 policies, 19,900 products; placed, governed_by, contains, viewed,
// referred) ingested through the store, then a prompt's context fetch (customer → orders →
// policies, depth 2, limit 50) and a reverse traversal (what depends on a policy, depth 4, limit
// 1000) timed over random roots. Prints JSON: ingest facts/s and p50/p95 ms per query and engine.
// Uses the built dist/ (npm run build). BENCH_GRAPH_SCALE=0.1 runs a tenth of the graph.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { openStore } = await import(path.join(root, 'dist', 'store', 'index.js'));
const PG = process.env.PROMPTOPS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCALE = Number(process.env.BENCH_GRAPH_SCALE ?? 1);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);

const n = (count) => Math.max(1, Math.round(count * SCALE));
const COUNTS = { customer: n(20_000), order: n(60_000), policy: n(100), product: n(19_900) };

/** A deterministic pseudo-random generator (mulberry32), so both engines get the same graph. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = (random, type) => `${type}:${type[0]}${Math.floor(random() * COUNTS[type])}`;

/** The generated graph's entities and relations. */
function generate() {
  const random = rng(42);
  const entities = [];
  for (const [type, count] of Object.entries(COUNTS)) {
    for (let i = 0; i < count; i++) {
      entities.push({ type, key: `${type[0]}${i}`, attributes: { name: `${type} ${i}`, rank: i % 97 } });
    }
  }
  const relations = [];
  for (let i = 0; i < COUNTS.order; i++) {
    const order = `order:o${i}`;
    relations.push({ type: 'placed', from: pick(random, 'customer'), to: order });
    relations.push({ type: 'governed_by', from: order, to: pick(random, 'policy') });
    for (let k = 0; k < 10; k++)
      relations.push({ type: 'contains', from: order, to: pick(random, 'product') });
  }
  for (let i = 0; i < n(240_000); i++)
    relations.push({ type: 'viewed', from: pick(random, 'customer'), to: pick(random, 'product') });
  for (let i = 0; i < n(40_000); i++)
    relations.push({ type: 'referred', from: pick(random, 'customer'), to: pick(random, 'customer') });
  return { entities, relations };
}

async function vacuum(url) {
  const schema = new URL(url).searchParams.get('schema');
  const client = new pg.Client({ connectionString: PG, options: `-c search_path=${schema}` });
  await client.connect();
  for (const table of ['graph_relations', 'graph_facts', 'graph_entities'])
    await client.query(`VACUUM ANALYZE ${table}`);
  await client.end();
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timed(store, queries) {
  for (const q of queries.slice(0, 20)) await store.graphNeighbourhood(q); // warm-up
  const times = [];
  let relations = 0;
  for (const q of queries) {
    const started = process.hrtime.bigint();
    const result = await store.graphNeighbourhood(q);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    relations += result.relations.length;
  }
  times.sort((a, b) => a - b);
  const round = (x) => Math.round(x * 100) / 100;
  return {
    p50Ms: round(percentile(times, 50)),
    p95Ms: round(percentile(times, 95)),
    meanRelations: Math.round(relations / queries.length),
  };
}

async function run(engine, url) {
  const store = await openStore(url, root, { project: 'bench' });
  try {
    const graph = generate();
    const started = Date.now();
    // One source's whole graph in one ingest (a first, complete load): the rate an ingest reaches.
    const batch = { source: 'gen', mode: 'complete', entities: graph.entities, relations: graph.relations };
    const facts = (await store.ingestGraph(batch, 'bench')).added;
    const seconds = (Date.now() - started) / 1000;
    // What autovacuum does after a bulk load, done now: statistics, and the visibility map that
    // lets PostgreSQL's traversal read its covering indexes only.
    if (engine === 'postgres') await vacuum(url);
    const random = rng(7);
    const context = Array.from({ length: SAMPLES }, () => ({
      root: pick(random, 'customer'),
      relations: ['placed', 'governed_by'],
      direction: 'out',
      depth: 2,
      limit: 50,
    }));
    const impact = Array.from({ length: Math.min(SAMPLES, 100) }, () => ({
      root: pick(random, 'policy'),
      direction: 'in',
      depth: 4,
      limit: 1000,
    }));
    const deep = Array.from({ length: Math.min(SAMPLES, 100) }, () => ({
      root: pick(random, 'product'),
      direction: 'in',
      depth: 4,
      limit: 1000,
    }));
    return {
      engine,
      entities: graph.entities.length,
      relations: graph.relations.length,
      ingest: { facts, seconds, factsPerSecond: Math.round(facts / seconds) },
      contextDepth2Limit50: await timed(store, context),
      reversePolicyDepth4Limit1000: await timed(store, impact),
      reverseProductDepth4Limit1000: await timed(store, deep),
    };
  } finally {
    await store.close();
  }
}

const results = [];
const dir = mkdtempSync(path.join(tmpdir(), 'promptops-bench-graph-'));
try {
  results.push(await run('sqlite', `sqlite:${path.join(dir, 'graph.db')}`));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (process.env.BENCH_GRAPH_ENGINES !== 'sqlite') {
  const schema = `bench_graph_${randomBytes(4).toString('hex')}`;
  const url = new URL(PG);
  url.searchParams.set('schema', schema);
  try {
    results.push(await run('postgres', url.toString()));
  } finally {
    const client = new pg.Client({ connectionString: PG });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}
console.log(JSON.stringify({ bench: 'graph', scale: SCALE, samples: SAMPLES, results }, null, 2));
