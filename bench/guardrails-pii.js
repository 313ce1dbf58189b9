// PII and secrets detectors: quality and speed. Prints JSON.
// - Quality: precision / recall / F1 per entity type, by exact span match and by overlap match, on
//   test/fixtures/pii/generated.jsonl (scripts/gen-pii-set.ts, seeded) and on presidio-research's
//   synth_dataset_v2 for the types a pattern can know (read from ../shared/datasets, or from
//   $PROMPTOPS_DATASETS; never copied into the repo).
// - Speed: p50 / p99 of detectPii + detectSecrets on a 2 KB message, and MB/s on a 1 MB document.
// Targets: F1 ≥ 0.97 per type on the generated set; p50 ≤ 40 µs on 2 KB; ≥ 20 MB/s on 1 MB.
// Imports from dist: run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineReferenceMs } from './lib/machine.js';
import { latency, throughput } from './lib/timing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { detectPii } = await import(path.join(root, 'dist/guardrails/pii/detectors.js'));
const { detectSecrets } = await import(path.join(root, 'dist/guardrails/secrets/detectors.js'));

const detectAll = (text) => [...detectPii(text), ...detectSecrets(text)];
// What the speed figures time: both detectors, without collecting their results into one array.
const detectBoth = (text) => {
  detectPii(text);
  detectSecrets(text);
};

function readJsonl(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

function loadGenerated() {
  const file = path.join(root, 'test/fixtures/pii/generated.jsonl');
  if (existsSync(file)) return readJsonl(file);
  // not committed: generate it (same seed, same rows) into a temporary file
  const dir = mkdtempSync(path.join(tmpdir(), 'promptops-pii-'));
  try {
    const out = path.join(dir, 'generated.jsonl');
    const run = spawnSync('npx', ['tsx', path.join(root, 'scripts/gen-pii-set.ts'), '--out', out], {
      cwd: root,
    });
    if (run.status !== 0) throw new Error(`gen-pii-set failed: ${run.stderr}`);
    return readJsonl(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (x) => Math.round(x * 1000) / 1000;

/** Per-type counts; `exact` needs the same [start, end), `overlap` any shared character (one-to-one). */
function score(rows, predict, types) {
  const tally = { exact: {}, overlap: {} };
  for (const mode of ['exact', 'overlap']) for (const t of types) tally[mode][t] = { tp: 0, fp: 0, fn: 0 };
  for (const row of rows) {
    const gold = row.spans.filter((s) => types.includes(s.type));
    const pred = predict(row.text).filter((s) => types.includes(s.type));
    for (const mode of ['exact', 'overlap']) {
      const used = new Set();
      for (const p of pred) {
        const i = gold.findIndex(
          (g, j) =>
            !used.has(j) &&
            g.type === p.type &&
            (mode === 'exact' ? g.start === p.start && g.end === p.end : g.start < p.end && p.start < g.end),
        );
        if (i >= 0) {
          used.add(i);
          tally[mode][p.type].tp++;
        } else tally[mode][p.type].fp++;
      }
      gold.forEach((g, j) => {
        if (!used.has(j)) tally[mode][g.type].fn++;
      });
    }
  }
  const result = {};
  for (const mode of ['exact', 'overlap']) {
    result[mode] = {};
    for (const t of types) {
      const { tp, fp, fn } = tally[mode][t];
      const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
      const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      result[mode][t] = { precision: round(precision), recall: round(recall), f1: round(f1), tp, fp, fn };
    }
  }
  return result;
}

const ALL_TYPES = [
  'email',
  'phone',
  'card',
  'iban',
  'ssn',
  'ip',
  'aws-key',
  'private-key',
  'jwt',
  'bearer-token',
  'high-entropy',
];
const generated = loadGenerated();
const generatedScore = score(generated, detectAll, ALL_TYPES);

// presidio-research synth_dataset_v2 (types mapped; the rest need a model and are not scored)
const PRESIDIO_MAP = {
  EMAIL_ADDRESS: 'email',
  PHONE_NUMBER: 'phone',
  CREDIT_CARD: 'card',
  IBAN_CODE: 'iban',
  US_SSN: 'ssn',
  IP_ADDRESS: 'ip',
};
const datasets = process.env.PROMPTOPS_DATASETS ?? path.resolve(root, '../shared/datasets');
const presidioFile = path.join(datasets, 'pii/presidio_synth_v2.jsonl');
let presidio;
if (existsSync(presidioFile)) {
  const rows = readJsonl(presidioFile).map((row) => ({
    text: row.text,
    spans: row.spans.filter((s) => PRESIDIO_MAP[s.type]).map((s) => ({ ...s, type: PRESIDIO_MAP[s.type] })),
  }));
  presidio = { rows: rows.length, ...score(rows, (t) => detectPii(t), Object.values(PRESIDIO_MAP)) };
} else presidio = { skipped: `not found: ${presidioFile}` };

// --- speed

const MESSAGE_2KB = (() => {
  const base =
    'Hi support team,\n\nI was charged twice for my March invoice (INV-2024-0311) and I would like a refund of ' +
    'the duplicate payment of $1,249.00. The card on file is 4111 1111 1111 1111, expiry 09/27. You can ' +
    'reach me at dana.vandermeer@example.com or on +44 20 7946 0958 between 9:00 and 17:30 (UK time). ' +
    'I tried to log in from 192.168.10.24 yesterday at 14:32 but the portal showed error 0x80070057 and ' +
    'version 4.12.3 of the app crashed twice. My order #A-12345 shipped on 2024-03-05 with tracking ' +
    '1Z999AA10123456784, and the invoice reference is 7f3c9e2 in your system, I think. Please wire the ' +
    'refund to DE89 3704 0044 0532 0130 00 if the card refund does not work. Our developer also pasted a ' +
    'config by mistake: API_KEY=Xk9pQ2mZ7vL4sR8tY1wE3nB6cH0jF5gA, please ignore it. ';
  const filler =
    'Thanks for looking into this so quickly; we have been customers for six years and have never had ' +
    'a problem like this before. Let me know if you need anything else from me, such as screenshots or ' +
    'the bank statement. ';
  let text = base;
  while (text.length < 2048) text += filler;
  return text.slice(0, 2048);
})();

const runs = Number(process.env.BENCH_RUNS ?? 20_000);
const dense2kb = generated
  .map((r) => r.text)
  .join('\n')
  .slice(0, 2048);
let denseDoc = '';
for (let i = 0; denseDoc.length < 1_000_000; i++) denseDoc += `${generated[i % generated.length].text}\n`;
denseDoc = denseDoc.slice(0, 1_000_000);
let proseDoc = '';
while (proseDoc.length < 1_000_000) proseDoc += MESSAGE_2KB;
proseDoc = proseDoc.slice(0, 1_000_000);

const result = {
  bench: 'guardrails-pii',
  // this machine's speed now: read the timings with it (bench/lib/machine.js)
  machineReferenceMs: machineReferenceMs(),
  generated: { rows: generated.length, ...generatedScore },
  presidio,
  latency_us: {
    message_2kb: latency(() => detectBoth(MESSAGE_2KB), { warmup: 5_000, runs }),
    dense_2kb: latency(() => detectBoth(dense2kb), { warmup: 5_000, runs }),
  },
  throughput_1mb: {
    support_messages: throughput(() => detectBoth(proseDoc), proseDoc.length),
    dense_generated: throughput(() => detectBoth(denseDoc), denseDoc.length),
  },
};
const minF1 = Math.min(...Object.values(generatedScore.exact).map((s) => s.f1));
result.targets = {
  f1_generated_min_exact: round(minF1),
  f1_ok: minF1 >= 0.97,
  p50_ok: result.latency_us.message_2kb.p50Us <= 40,
  throughput_ok:
    Math.min(
      result.throughput_1mb.support_messages.mbPerSec,
      result.throughput_1mb.dense_generated.mbPerSec,
    ) >= 20,
};
console.log(JSON.stringify(result, null, 2));
