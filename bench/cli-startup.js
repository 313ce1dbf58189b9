// Wall time of the CLI as users run it: process start to exit, for `--version` and `lint` on the
// example catalog. Prints JSON. Target (issue 2): both ≤ 150 ms on the 2-core reference machine.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineReferenceMs } from './lib/machine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'promptops.cjs');
const runs = Number(process.env.BENCH_RUNS ?? 30);

function measure(args, cwd) {
  spawnSync(process.execPath, [bin, ...args], { cwd }); // warm the file cache
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0)
      throw new Error(`promptops ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  const at = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];
  return {
    runs,
    minMs: round(samples[0]),
    medianMs: round(at(0.5)),
    p90Ms: round(at(0.9)),
    maxMs: round(samples.at(-1)),
  };
}

function baseline() {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return round(samples[Math.floor(samples.length / 2)]);
}

const round = (n) => Math.round(n * 10) / 10;

console.log(
  JSON.stringify(
    {
      bench: 'cli-startup',
      // this machine's speed now: read the timings with it (bench/lib/machine.js)
      machineReferenceMs: machineReferenceMs(),
      node: process.version,
      nodeBaselineMedianMs: baseline(),
      version: measure(['--version'], root),
      lintExamples: measure(['lint'], path.join(root, 'examples')),
      targetMs: 150,
    },
    null,
    2,
  ),
);
