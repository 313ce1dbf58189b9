/**
 * `prompt-injection` guardrail: a rule layer (heuristics.ts) and a hashed n-gram logistic
 * regression (features.ts + model.json, trained by scripts/train-injection.ts) over the same
 * normalised text (normalize.ts).
 *
 * Combination: combined = max(heuristic, model). The two layers fail differently — rules are
 * precise on the structures they know (and on encoded or obfuscated variants of them) but blind to
 * paraphrase; the model generalises over wording but is diluted by long benign padding and cannot
 * decode payloads — so either one being confident is enough. The model scores a multi-paragraph
 * text as a whole and each paragraph alone (features.ts, documentProbability): an instruction
 * planted in one paragraph of a long document is not diluted by the rest. A max keeps each layer's score
 * meaningful on its own (the reasons say which fired), needs no extra parameters fitted on the small
 * validation split, and was at least as good there as a noisy-OR of the two (see the training
 * script's output). The default threshold is picked by the training script from 5-fold
 * cross-validation on train (out-of-fold scores; false-positive rate ≤ 3 % overall and on every
 * benign source) for the model then fit on all of train; it is stored in model.json.
 */
import { readFileSync } from 'node:fs';
import type { CheckContext, GuardrailCheck, Span, Verdict } from '../types.js';
import { BUCKETS, type DocumentScore, documentScore, structureBuckets, structureLogit } from './features.js';
import { scoreHeuristics } from './heuristics.js';
// Type-only: gives model.json's shape, and makes tsc emit model.json into dist/ next to this module
// (the JSON itself is read at run time, so it is not inlined into the CLI bundle).
import type ModelFile from './model.json';
import { type NormalizedText, normalize } from './normalize.js';
import { structureTokens } from './structure.js';

type ModelJson = typeof ModelFile;

interface LoadedModel {
  weights: Int8Array;
  scale: number;
  bias: number;
  /** Subtracted from a paragraph's logit (see documentProbability); chosen with the threshold. */
  paragraphDiscount: number;
  /** Whether the model has weights for structure.ts's tokens (added to every logit of a text). */
  structure: boolean;
  threshold: number;
  meta: ModelJson;
}

let loaded: LoadedModel | null = null;

// model.json sits next to this module (src/ under vitest, dist/ after tsc); in the CLI bundle
// (dist/cli.cjs) import.meta.url is the bundle's, so also look under guardrails/injection/ there.
const CANDIDATES = ['./model.json', './guardrails/injection/model.json'];

function readModel(): ModelJson {
  let lastError: unknown;
  for (const candidate of CANDIDATES) {
    try {
      return JSON.parse(readFileSync(new URL(candidate, import.meta.url), 'utf8')) as ModelJson;
    } catch (error) {
      lastError = error;
    }
  }
  throw new Error(`prompt-injection: cannot load model.json (${String(lastError)})`);
}

/** Loads model.json once: sparse int8 weights expanded into a dense bucket array. */
export function loadModel(): LoadedModel {
  if (loaded) return loaded;
  const meta = readModel();
  if (meta.features.buckets !== BUCKETS) {
    throw new Error(
      `prompt-injection: model.json has ${meta.features.buckets} buckets, features.ts ${BUCKETS}`,
    );
  }
  const deltas = Buffer.from(meta.indexDeltas, 'base64');
  const values = Buffer.from(meta.values, 'base64');
  const weights = new Int8Array(BUCKETS);
  let index = 0;
  for (let k = 0; k < meta.nonZero; k++) {
    index += deltas[k * 3]! | (deltas[k * 3 + 1]! << 8) | (deltas[k * 3 + 2]! << 16);
    weights[index] = (values[k]! << 24) >> 24; // bytes → signed
  }
  loaded = {
    weights,
    scale: meta.scale,
    bias: meta.bias,
    paragraphDiscount: meta.features.paragraphDiscount,
    structure: (meta.features as { structure?: boolean }).structure === true,
    threshold: meta.threshold,
    meta,
  };
  return loaded;
}

/** The shipped default threshold (chosen by cross-validation on train, see model.json). */
export function defaultThreshold(): number {
  return loadModel().threshold;
}

export interface InjectionScores {
  heuristic: number;
  model: number;
  combined: number;
}

const normalizedText = (text: string) => normalize(text).text;

function modelScore(n: NormalizedText): DocumentScore {
  const m = loadModel();
  const bias = m.structure
    ? m.bias + structureLogit(structureBuckets(structureTokens(n.source)), m.weights, m.scale)
    : m.bias;
  return documentScore(n.source, n.text, normalizedText, m.weights, m.scale, bias, m.paragraphDiscount);
}

/** Both layers' scores and the combined one, for one text (used by the bench). */
export function scoreInjection(text: string): InjectionScores {
  const n = normalize(text);
  const heuristic = scoreHeuristics(n).score;
  const model = modelScore(n).probability;
  return { heuristic, model: round(model), combined: round(Math.max(heuristic, model)) };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Creates the `prompt-injection` check. `threshold` (0..1) defaults to the shipped one. */
export function createInjectionCheck(options: { threshold?: number } = {}): GuardrailCheck {
  const m = loadModel();
  const threshold = options.threshold ?? m.threshold;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw new Error(
      `prompt-injection: threshold must be a number in [0, 1], got ${String(options.threshold)}`,
    );
  }
  return (text: string, _ctx: CheckContext): Verdict => {
    const n = normalize(text);
    const h = scoreHeuristics(n);
    const { probability: model, paragraph } = modelScore(n);
    const score = round(Math.max(h.score, model));
    const heuristicFired = h.score >= threshold;
    const modelFired = model >= threshold;
    const reasons: string[] = [];
    if (heuristicFired) for (const r of h.reasons) reasons.push(`heuristics: ${r}`);
    if (modelFired) reasons.push(`model: injection probability ${round(model)}`);
    let spans: Span[] = [];
    if (heuristicFired) spans = h.spans;
    else if (modelFired) {
      // The model's span: the paragraph that scored highest, or the whole text.
      const [start, end] = paragraph ?? [0, text.length];
      spans = [{ start, end, type: 'injection-model' }];
    }
    return { isViolation: heuristicFired || modelFired, score, reasons, spans };
  };
}
