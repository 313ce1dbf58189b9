/**
 * Experiment helper (not shipped): inference cost of the MLP of scripts/injection-mlp.ts vs the
 * shipped linear model, model layer only (normalisation and heuristics excluded), on the 2 KB
 * message and the 1 MB document of bench/guardrails.js. Random int8 weights (cost does not depend
 * on their values). `npx tsx scripts/injection-mlp-bench.ts`
 */
import { BUCKETS, modelProbability } from '../src/guardrails/injection/features.js';
import { normalize } from '../src/guardrails/injection/normalize.js';
import { type Mlp, mlpProbability } from './injection-mlp.js';

const sentence =
  'Hi team, I ordered the router X2 last month (order A-1001) and it keeps dropping the connection every evening. ' +
  'I already restarted it twice and updated the firmware as your guide suggests. Could you tell me whether a replacement ' +
  'is possible under warranty, or what else I should try? You can reach me at dana.miller@example.com or +44 20 7946 0958. ';
const message = normalize(sentence.repeat(Math.ceil(2048 / sentence.length)).slice(0, 2048)).text;
const doc = normalize(sentence.repeat(Math.ceil(1_048_576 / sentence.length)).slice(0, 1_048_576)).text;

function randomMlp(hidden: number): Mlp {
  let a = 12345;
  const q = new Int8Array(BUCKETS * hidden);
  for (let i = 0; i < q.length; i++) {
    a = (Math.imul(a, 1103515245) + 12345) | 0;
    q[i] = (a >> 16) & 0xff;
  }
  return {
    hidden,
    act: 'tanh',
    q,
    scale: new Float32Array(hidden).fill(0.01),
    b1: new Float32Array(hidden),
    w2: new Float32Array(hidden).fill(0.1),
    b2: 0,
    usedBuckets: 0,
  };
}

function bench(name: string, f: (t: string) => number): Record<string, unknown> {
  let sink = 0;
  for (let i = 0; i < 2000; i++) sink += f(message);
  const s: number[] = [];
  for (let i = 0; i < 10_000; i++) {
    const t = performance.now();
    sink += f(message);
    s.push((performance.now() - t) * 1000);
  }
  s.sort((x, y) => x - y);
  sink += f(doc);
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) sink += f(doc);
  const sec = (performance.now() - t0) / 3000;
  return {
    name,
    p50Us: Math.round(s[s.length >> 1]! * 10) / 10,
    mbPerSec1mb: Math.round(10 / sec) / 10,
    sink: sink > -1 ? 'ok' : '',
  };
}

const w = new Int8Array(BUCKETS).map((_, i) => (i * 7919) % 255);
console.log(JSON.stringify(bench('linear', (t) => modelProbability(t, w, 0.01, 0))));
for (const h of [16, 32]) {
  const m = randomMlp(h);
  console.log(JSON.stringify(bench(`mlp-${h}`, (t) => mlpProbability(m, t))));
}
