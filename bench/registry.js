// Label resolution over HTTP on each engine: a real `promptops serve` process (SQLite, then
// PostgreSQL in a fresh schema) answers GET /v1/projects/P/prompts/NAME/resolve?label=production
// with a bearer token, from 32 keep-alive connections for 5 s after a 1 s warm-up. Prints JSON:
// requests/s and latency percentiles per engine. The load generator runs in this process, the
// server in another (2 cores: they share the machine).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineReferenceMs } from './lib/machine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(root, 'bin', 'promptops.cjs');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PG = process.env.PROMPTOPS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function cli(dir, env, args) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`promptops ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function startServer(dir, env) {
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'error'], {
    cwd: dir,
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, url: new URL(m[1]) });
    });
    proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function load(url, path, token) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies = [];
  let errors = 0;
  let recording = false;
  let stop = false;
  const one = () =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const req = http.request(
        { host: url.hostname, port: url.port, path, agent, headers: { authorization: `Bearer ${token}` } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) errors++;
            else if (recording) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const worker = async () => {
    while (!stop) await one();
  };
  const workers = Array.from({ length: CONNECTIONS }, worker);
  await new Promise((r) => setTimeout(r, 1000));
  recording = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  recording = false;
  const elapsed = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(workers);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    requestsPerSecond: Math.round(latencies.length / elapsed),
    latencyMs: {
      p50: +percentile(latencies, 50).toFixed(2),
      p90: +percentile(latencies, 90).toFixed(2),
      p99: +percentile(latencies, 99).toFixed(2),
    },
  };
}

async function bench(engine, env, dir) {
  const token = JSON.parse(
    cli(dir, env, ['token', 'create', '--subject', 'bench@acme.example', '--role', 'viewer', '--json']),
  ).token;
  cli(dir, { ...env, PROMPTOPS_AUTHOR: 'bench@acme.example' }, ['push', '-m', 'bench']);
  cli(dir, env, ['label', 'set', 'support-reply@1', 'production']);
  const server = await startServer(dir, env);
  try {
    const result = await load(
      server.url,
      '/v1/projects/acme-support/prompts/support-reply/resolve?label=production',
      token,
    );
    return { engine, ...result };
  } finally {
    server.proc.kill('SIGTERM');
    await new Promise((r) => server.proc.once('exit', r));
  }
}

const results = [];
for (const engine of ['sqlite', 'postgres']) {
  const dir = mkdtempSync(path.join(tmpdir(), 'promptops-bench-registry-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const env = engine === 'postgres' ? { PROMPTOPS_DATABASE_URL: `${PG}?schema=${schema}` } : {};
  try {
    cpSync(path.join(root, 'examples'), dir, {
      recursive: true,
      filter: (src) => !src.includes('.promptops'),
    });
    results.push(await bench(engine, env, dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (engine === 'postgres') {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: PG });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  }
}
console.log(
  JSON.stringify(
    // machineReferenceMs: this machine's speed now; read the timings with it (bench/lib/machine.js)
    {
      bench: 'registry',
      machineReferenceMs: machineReferenceMs(),
      connections: CONNECTIONS,
      seconds: SECONDS,
      results,
    },
    null,
    2,
  ),
);
