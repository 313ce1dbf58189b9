// prompt-injection guardrail: detection quality on the held-out test set and speed. Prints JSON.
//   - recall on attacks (label 1) and false-positive rate on benign rows (label 0) of
//     ../shared/datasets/injection/test.jsonl (or $PROMPTOPS_DATASETS/injection/test.jsonl), overall
//     and per source, for the heuristics alone, the model alone and the combined score, all at the
//     shipped threshold; and, to compare with the baseline (a plain logistic regression: recall
//     0.55 at FPR 0.03, 0.42 at FPR 0.005), the best recall each layer reaches at FPR ≤ 0.005, 0.03
//     and 0.05 on this split (ROC points: thresholds read off the test scores, never shipped);
//   - the same (qualityExtra) on ../shared/datasets/injection/test-extra.jsonl: kinds the training
//     never saw (conversational follow-ups, code with planted comments, unseen indirect payloads);
//   - over-blocking: the share of 2,000 generated benign prompts full of trigger words (the
//     held-out half of scripts/injection-benign-triggers.ts's templates) that the detector flags;
//   - p50/p99 latency of the check on a 2 KB message (plain ASCII, and one with typographic quotes
//     and accents, which takes the full Unicode normalisation path) and throughput on a 1 MB document.
// Targets (issue 21): test.jsonl recall ≥ 0.80 at FPR ≤ 0.05 and notinject FPR ≤ 0.05;
// test-extra.jsonl recall ≥ 0.80 at FPR ≤ 0.03; 2 KB p50 ≤ 250 µs and 1 MB ≥ 10 MB/s for the
// default input stage (bench/guardrails.js); this check alone is faster.
// Imports from dist: run `npm run build` first.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineReferenceMs } from './lib/machine.js';
import { latency, throughput } from './lib/timing.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { createInjectionCheck, defaultThreshold, scoreInjection } = await import(
  path.join(root, 'dist', 'guardrails', 'injection', 'detector.js')
);

const threshold = defaultThreshold();
const datasets = process.env.PROMPTOPS_DATASETS ?? path.resolve(root, '..', 'shared', 'datasets');
const testFile = path.join(datasets, 'injection', 'test.jsonl');
// Kinds the training never saw (conversational follow-ups, code with planted comments, unseen
// indirect payloads): generalisation. Never trained or tuned on, like test.jsonl.
const testExtraFile = path.join(datasets, 'injection', 'test-extra.jsonl');

const round = (x, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

function quality(file) {
  if (!existsSync(file)) return { skipped: `no ${file}` };
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  const scored = rows.map((r) => ({ ...r, s: scoreInjection(r.text) }));
  const layer = (key) => {
    const tally = (subset) => {
      const pos = subset.filter((r) => r.label === 1);
      const neg = subset.filter((r) => r.label === 0);
      const out = {};
      if (pos.length) {
        out.recall = round(pos.filter((r) => r.s[key] >= threshold).length / pos.length);
        out.attacks = pos.length;
      }
      if (neg.length) {
        out.fpr = round(neg.filter((r) => r.s[key] >= threshold).length / neg.length);
        out.benign = neg.length;
      }
      return out;
    };
    const sources = [...new Set(rows.map((r) => r.source))].sort();
    return {
      overall: tally(scored),
      bySource: Object.fromEntries(sources.map((s) => [s, tally(scored.filter((r) => r.source === s))])),
    };
  };
  // Highest recall with a false-positive rate ≤ maxFpr: flag scores above the (k+1)-th highest benign
  // score, k = ⌊maxFpr × benign⌋ (ties at that score stay unflagged, so the bound holds; the shipped
  // threshold above flags scores ≥ it). With 193 benign rows, k is 0, 5 and 9: "≤ 0.005" means no
  // false positive at all.
  const rocPoints = (key) => {
    const neg = scored.filter((r) => r.label === 0).map((r) => r.s[key]);
    const pos = scored.filter((r) => r.label === 1).map((r) => r.s[key]);
    neg.sort((a, b) => b - a);
    return [0.005, 0.03, 0.05].map((maxFpr) => {
      const cut = neg[Math.floor(maxFpr * neg.length)] ?? Number.NEGATIVE_INFINITY;
      return {
        maxFpr,
        allowedFalsePositives: Math.floor(maxFpr * neg.length),
        recall: round(pos.filter((x) => x > cut).length / pos.length),
        fpr: round(neg.filter((x) => x > cut).length / neg.length),
      };
    });
  };
  return {
    rows: rows.length,
    rocPoints: {
      heuristics: rocPoints('heuristic'),
      model: rocPoints('model'),
      combined: rocPoints('combined'),
    },
    heuristics: layer('heuristic'),
    model: layer('model'),
    combined: layer('combined'),
  };
}

// Over-blocking beyond notinject: benign prompts full of trigger words ("override a CSS rule",
// "summarise the instructions", "act as my Spanish conversation partner", some German, French and
// Spanish) from the seeded generator scripts/injection-benign-triggers.ts. Training uses rows from
// the 'train' half of its templates only; these come from the 'held-out' half (which was used to
// choose how many trigger rows training gets, so it is a validation set, not an untouched one).
// Loaded through tsx, a dev dependency, since the generator is TypeScript.
async function overBlocking(count = 2000) {
  const tsImport = await tsxImport();
  if (!tsImport) return { skipped: 'tsx (a dev dependency) is not installed' };
  const { synthesizeTriggerBenign } = await tsImport(
    '../scripts/injection-benign-triggers.ts',
    import.meta.url,
  );
  const { prng } = await tsImport('../scripts/injection-synth.ts', import.meta.url);
  const rows = synthesizeTriggerBenign(count, prng(4242), 'held-out').map((r) => ({
    text: r.text,
    s: scoreInjection(r.text),
  }));
  const { flagged, ...rates } = benignRates(rows);
  return {
    rows: rows.length,
    distinct: new Set(rows.map((r) => r.text)).size,
    ...rates,
    topFlagged: flagged.slice(0, 5).map((r) => ({ score: r.s.combined, text: r.text })),
  };
}

/** tsx's tsImport (the generators are TypeScript), or null when tsx is not installed. */
async function tsxImport() {
  try {
    return (await import('tsx/esm/api')).tsImport;
  } catch {
    return null;
  }
}

/** Share of benign rows ({s: scores}) flagged per layer, and the flagged rows, highest first. */
function benignRates(rows) {
  const share = (layer) => round(rows.filter((r) => r.s[layer] >= threshold).length / rows.length);
  const flagged = rows.filter((r) => r.s.combined >= threshold).sort((a, b) => b.s.combined - a.s.combined);
  return { fpr: share('combined'), heuristicsFpr: share('heuristic'), modelFpr: share('model'), flagged };
}

// Over-blocking on REAL documents: README chunks (≤ 1,500 characters, as a retrieval step would
// pass them) of the installed packages in the 'held-out' half of scripts/injection-docs.ts (split by
// package name; training sees only the other half). Documentation is full of imperatives for the
// reader, code and configuration. Also the share of the same chunks caught with an instruction for
// the AI planted at a paragraph boundary (the grammar of injection-synth.ts, which training also
// uses, so this recall is optimistic: it shows the documents did not become a hiding place).
async function overBlockingDocs() {
  const tsImport = await tsxImport();
  if (!tsImport) return { skipped: 'tsx (a dev dependency) is not installed' };
  const { readmeChunks, plantAt } = await tsImport('../scripts/injection-docs.ts', import.meta.url);
  const { prng, plantedInstruction } = await tsImport('../scripts/injection-synth.ts', import.meta.url);
  const chunks = readmeChunks(path.join(root, 'node_modules'), 'held-out');
  if (chunks.length === 0) return { skipped: 'no README files under node_modules' };
  const rand = prng(4243);
  const benign = chunks.map((c) => ({ pkg: c.pkg, text: c.text, s: scoreInjection(c.text) }));
  const planted = chunks.map((c) => scoreInjection(plantAt(c.text, plantedInstruction(rand), rand)));
  const { flagged, ...rates } = benignRates(benign);
  return {
    chunks: chunks.length,
    packages: new Set(chunks.map((c) => c.pkg)).size,
    ...rates,
    plantedRecall: round(planted.filter((s) => s.combined >= threshold).length / planted.length),
    topFlagged: flagged
      .slice(0, 3)
      .map((r) => ({ score: r.s.combined, pkg: r.pkg, text: r.text.slice(0, 160) })),
  };
}

// A 2 KB customer-support message, written for this bench (not from any dataset).
const SENTENCES = [
  'Hello, I was charged twice for my March invoice and would like to understand why this happened.',
  'I checked my bank statement and both payments went through on the same day, a few minutes apart.',
  'Could you look at the billing history of my account and tell me whether a refund is possible?',
  'I also noticed that the plan shown in the dashboard is still the old one, even though I upgraded.',
  'The upgrade confirmation email arrived last Tuesday, so the change should already be visible.',
  'If you need the transaction references, I can send screenshots of both charges from my bank app.',
  'Please let me know how long a refund usually takes and whether I have to do anything on my side.',
  'Thanks in advance for your help, and sorry for the long message; I wanted to include every detail.',
];
function message(bytes, sentences = SENTENCES) {
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += `${sentences[i % sentences.length]} `;
  return out.slice(0, bytes);
}
const ascii2k = message(2048);
const unicode2k = message(
  2048,
  SENTENCES.map((s, i) =>
    i % 2 ? s.replace(/'/g, '’').replace(/the /, 'the “café” ') : s.replace('I', 'Je suis déçu, I'),
  ),
);

const check = createInjectionCheck({});
const ctx = { stage: 'input' };
const doc1mb = message(1 << 20);
const result = {
  bench: 'guardrails-injection',
  // this machine's speed now: read the timings with it (bench/lib/machine.js)
  machineReferenceMs: machineReferenceMs(),
  threshold,
  quality: quality(testFile),
  qualityExtra: quality(testExtraFile),
  overBlockingGenerated: await overBlocking(),
  overBlockingDocs: await overBlockingDocs(),
  speed: {
    message2k: { chars: ascii2k.length, ...latency(() => check(ascii2k, ctx)) },
    message2kUnicode: { chars: unicode2k.length, ...latency(() => check(unicode2k, ctx)) },
    document1mb: { chars: doc1mb.length, ...throughput(() => check(doc1mb, ctx), doc1mb.length, 10) },
  },
};
console.log(JSON.stringify(result, null, 2));
