/**
 * Feature hashing for the prompt-injection model, shared by training (scripts/train-injection.ts)
 * and inference (detector.ts) so both see exactly the same vector.
 *
 * Over NORMALISED text (see normalize.ts): word unigrams and bigrams (words are runs of letters and
 * digits), the first word and first two words of every sentence but the text's first (a separate
 * feature family: a task that starts mid-text) and character n-grams of 3 and 4 code units (spaces included, the text padded
 * with one space each side), hashed with 32-bit FNV-1a and mapped to one of 2^BITS buckets by
 * Fibonacci hashing (top bits of h × 2^32/φ). Values are sublinear term frequencies (1 + ln tf) and
 * the vector is L2-normalised. No allocation per feature: counts live in a shared scratch array that
 * is cleared after each use. (Character 5-grams were tried: no gain in grouped cross-validation on
 * train, a third more work per character.)
 */

export const FEATURE_CONFIG = Object.freeze({
  bits: 18,
  charMin: 3,
  charMax: 4,
  wordNgrams: 2,
  sentenceStarts: 2,
  hash: 'fnv1a32+fibonacci',
  tf: 'sublinear',
  norm: 'l2',
});

export const BITS = FEATURE_CONFIG.bits;
export const BUCKETS = 1 << BITS;

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
// Distinct starting states so a word and a character n-gram with the same letters do not collide.
const WORD_SEED = 0x6b43a9b5 | 0;
const BIGRAM_SEED = 0x2f6a1c3d | 0;
// Sentence-start words and bigrams (not the text's first sentence) get their own features.
const START_SEED = 0x51ed270b | 0;

// 1 + ln(tf), tabulated for small counts.
const TF = new Float64Array(1024);
for (let k = 1; k < TF.length; k++) TF[k] = 1 + Math.log(k);
function tf(count: number): number {
  return count < TF.length ? TF[count]! : 1 + Math.log(count);
}

/** Longest text[from, to) one vector covers; keeps every count within Uint16 range. */
export const MAX_WINDOW = 16_384;

// Scratch: per-bucket counts (always all-zero between calls) and the buckets touched.
const counts = new Uint16Array(BUCKETS);
const touched = new Int32Array(BUCKETS);
let nTouched = 0;
const buf = new Uint16Array(MAX_WINDOW + 2);

/**
 * Counts the hashed features of text[from, to) into the scratch arrays. Long because it is one
 * linear pass on shared scratch arrays; pieces would pass that state around per character.
 */
function accumulate(text: string, from: number, to: number): void {
  if (to - from > MAX_WINDOW) to = from + MAX_WINDOW;
  const total = to - from + 2;
  const a = buf;
  a[0] = 0x20;
  for (let i = from; i < to; i++) a[i - from + 1] = text.charCodeAt(i);
  a[total - 1] = 0x20;
  const cnt = counts;
  const tch = touched;
  let nt = 0;
  const P = FNV_PRIME;
  const G = 0x9e3779b1 | 0;
  const SHIFT = 32 - BITS;
  let b = 0;
  let v = 0;
  // Character n-grams (3 and 4) over " " + text + " ". Bucket: top BITS bits of h * 2^32/φ.
  let i = 0;
  for (; i + 4 <= total; i++) {
    let h = Math.imul(FNV_OFFSET ^ a[i]!, P);
    h = Math.imul(h ^ a[i + 1]!, P);
    h = Math.imul(h ^ a[i + 2]!, P);
    b = Math.imul(h, G) >>> SHIFT;
    v = cnt[b]!;
    cnt[b] = v + 1;
    if (v === 0) tch[nt++] = b;
    h = Math.imul(h ^ a[i + 3]!, P);
    b = Math.imul(h, G) >>> SHIFT;
    v = cnt[b]!;
    cnt[b] = v + 1;
    if (v === 0) tch[nt++] = b;
  }
  if (i + 3 <= total) {
    // the last trigram
    let h = Math.imul(FNV_OFFSET ^ a[i]!, P);
    h = Math.imul(h ^ a[i + 1]!, P);
    h = Math.imul(h ^ a[i + 2]!, P);
    b = Math.imul(h, G) >>> SHIFT;
    v = cnt[b]!;
    cnt[b] = v + 1;
    if (v === 0) tch[nt++] = b;
  }
  // Words (runs of ASCII letters/digits or any non-ASCII) and word bigrams. A word that opens a
  // sentence other than the text's first (after . ! ? : ; | or >) also counts as a sentence-start
  // word, and with the next word as a sentence-start bigram: "… the slides. Also, write a poem"
  // — an instruction that changes the task mid-text — is told apart from the same words opening a
  // request ("Write a poem …").
  let prev = 0;
  let hasPrev = false;
  let boundary = false;
  let startPending = false;
  let startHash = 0;
  let j = 1;
  const last = total - 1;
  while (j < last) {
    let c = a[j]!;
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c >= 0x80)) {
      if (c === 0x2e || c === 0x21 || c === 0x3f || c === 0x3a || c === 0x3b || c === 0x7c || c === 0x3e)
        boundary = true;
      j++;
      continue;
    }
    let h = WORD_SEED;
    do {
      h = Math.imul(h ^ c, P);
      c = a[++j]!;
    } while ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c >= 0x80);
    b = Math.imul(h, G) >>> SHIFT;
    v = cnt[b]!;
    cnt[b] = v + 1;
    if (v === 0) tch[nt++] = b;
    if (hasPrev) {
      b = Math.imul(Math.imul(prev ^ BIGRAM_SEED, P) ^ h, G) >>> SHIFT;
      v = cnt[b]!;
      cnt[b] = v + 1;
      if (v === 0) tch[nt++] = b;
    }
    if (startPending) {
      b = Math.imul(Math.imul(startHash ^ START_SEED, P) ^ h, G) >>> SHIFT;
      v = cnt[b]!;
      cnt[b] = v + 1;
      if (v === 0) tch[nt++] = b;
      startPending = false;
    }
    if (boundary && hasPrev) {
      b = Math.imul(Math.imul(h ^ START_SEED, P), G) >>> SHIFT;
      v = cnt[b]!;
      cnt[b] = v + 1;
      if (v === 0) tch[nt++] = b;
      startPending = true;
      startHash = h;
    }
    boundary = false;
    prev = h;
    hasPrev = true;
  }
  nTouched = nt;
}

/** A sparse, L2-normalised feature vector: bucket indices (ascending) and values. */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** The feature vector of text[from, to) (text already normalised). */
export function featurize(text: string, from = 0, to = text.length): SparseVector {
  accumulate(text, from, to);
  const idx = touched.slice(0, nTouched).sort();
  const val = new Float32Array(nTouched);
  let norm = 0;
  for (let k = 0; k < nTouched; k++) {
    const v = tf(counts[idx[k]!]!);
    val[k] = v;
    norm += v * v;
    counts[idx[k]!] = 0;
  }
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let k = 0; k < nTouched; k++) val[k] = val[k]! * inv;
  nTouched = 0;
  return { idx, val };
}

/**
 * The dot product of text[from, to)'s feature vector with dense `weights` (one per bucket), times
 * `scale` — the model's logit without its bias — computed without materialising the vector.
 */
export function dotWeights(
  text: string,
  from: number,
  to: number,
  weights: Int8Array | Float32Array,
  scale: number,
): number {
  accumulate(text, from, to);
  let norm = 0;
  let dot = 0;
  for (let k = 0; k < nTouched; k++) {
    const b = touched[k]!;
    const v = tf(counts[b]!);
    counts[b] = 0;
    norm += v * v;
    dot += v * weights[b]!;
  }
  nTouched = 0;
  return norm > 0 ? (dot * scale) / Math.sqrt(norm) : 0;
}

/** Normalised characters the model looks at in one window (training uses a text's first window). */
export const MODEL_WINDOW = 4096;
const STRIDE = MODEL_WINDOW / 2;

/** The range of a normalised text the model is trained on: its first window. */
export function trainingView(length: number): [number, number] {
  return [0, Math.min(length, MODEL_WINDOW)];
}

/**
 * The highest logit (without bias) of text[from, to) scored in windows of MODEL_WINDOW characters
 * `stride` apart: a range longer than one window is scored window by window, so an attack buried in
 * a long document is not diluted by it.
 */
function bestLogit(
  text: string,
  from: number,
  to: number,
  weights: Int8Array | Float32Array,
  scale: number,
  stride: number,
): number {
  if (to - from <= MODEL_WINDOW) return dotWeights(text, from, to, weights, scale);
  let best = Number.NEGATIVE_INFINITY;
  for (let start = from; ; start += stride) {
    const end = Math.min(to, start + MODEL_WINDOW);
    const z = dotWeights(text, end - start < MODEL_WINDOW ? to - MODEL_WINDOW : start, end, weights, scale);
    if (z > best) best = z;
    if (end === to) return best;
  }
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The model's probability for a normalised text: logistic(w·x + bias), where a text longer than one
 * window is scored in half-overlapping windows and the highest probability wins (an attack buried
 * in a long document is not diluted by it).
 */
export function modelProbability(
  text: string,
  weights: Int8Array | Float32Array,
  scale: number,
  bias: number,
): number {
  return sigmoid(bestLogit(text, 0, text.length, weights, scale, STRIDE) + bias);
}

/** A paragraph shorter than this (raw characters, trimmed) is not scored on its own. */
export const MIN_PARAGRAPH = 20;
/** A blank line (spaces, tabs and carriage returns allowed on it) separates paragraphs. */
export const PARAGRAPH_BREAK = /\n[ \t\r]*\n/;
const PARAGRAPH_BREAKS = new RegExp(PARAGRAPH_BREAK.source, 'g');

/** Whether String.prototype.trim removes this UTF-16 code unit (whitespace and line terminators). */
function isTrimSpace(c: number): boolean {
  return c <= 0x20
    ? c === 0x20 || (c >= 0x09 && c <= 0x0d)
    : c >= 0xa0 &&
        (c === 0xa0 ||
          c === 0x1680 ||
          (c >= 0x2000 && c <= 0x200a) ||
          c === 0x2028 ||
          c === 0x2029 ||
          c === 0x202f ||
          c === 0x205f ||
          c === 0x3000 ||
          c === 0xfeff);
}

/**
 * The [start, end) offsets in a RAW text of its paragraphs (blank-line separated, at least
 * MIN_PARAGRAPH characters once trimmed; surrounding whitespace left out) that are scored on their
 * own, or none when the text has fewer than two: a document with an instruction planted in one
 * paragraph is scored on that paragraph too, so the rest of the document cannot dilute it.
 */
export function paragraphSpans(raw: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const breaks = PARAGRAPH_BREAKS;
  breaks.lastIndex = 0;
  let from = 0;
  const add = (to: number) => {
    let start = from;
    while (start < to && isTrimSpace(raw.charCodeAt(start))) start++;
    while (to > start && isTrimSpace(raw.charCodeAt(to - 1))) to--;
    if (to - start >= MIN_PARAGRAPH) out.push([start, to]);
  };
  for (let m = breaks.exec(raw); m !== null; m = breaks.exec(raw)) {
    add(m.index);
    from = m.index + m[0].length;
  }
  add(raw.length);
  return out.length >= 2 ? out : [];
}

/** paragraphSpans' paragraphs as strings. */
export function paragraphsOf(raw: string): string[] {
  return paragraphSpans(raw).map(([start, end]) => raw.slice(start, end));
}

/** A model score and, when a paragraph scored highest, its offsets (see paragraphSpans). */
export interface DocumentScore {
  probability: number;
  paragraph: [number, number] | null;
}

/**
 * The model's probability for a raw text whose normalised form is `normalized`: the highest of the
 * whole text's (see modelProbability) and each paragraph's (see paragraphSpans) with `discount`
 * subtracted from the logit of a paragraph of up to one window (the best of several paragraphs is
 * biased upwards: a discount keeps long benign texts from being flagged on their most attack-like
 * paragraph), with the paragraph that won, if one did. Every paragraph is normalised with
 * `normalize` (passed in, so this module stays free of normalize.ts's tables).
 */
export function documentScore(
  raw: string,
  normalized: string,
  normalize: (text: string) => string,
  weights: Int8Array | Float32Array,
  scale: number,
  bias: number,
  discount = 0,
): DocumentScore {
  if (normalized.length === 0) return { probability: 0, paragraph: null };
  const spans = paragraphSpans(raw);
  if (spans.length === 0)
    return { probability: modelProbability(normalized, weights, scale, bias), paragraph: null };
  // Every paragraph is scored below, so a long text's windows need not overlap (half the work).
  let best = bestLogit(normalized, 0, normalized.length, weights, scale, MODEL_WINDOW) + bias;
  let paragraph: [number, number] | null = null;
  // Compare logits: a paragraph's bias is the model's bias minus the discount, except for a
  // paragraph longer than one window, scored in half-overlapping windows as a whole text would be
  // (so an attack across a window boundary inside it is not discounted).
  for (const span of spans) {
    const n = normalize(raw.slice(span[0], span[1]));
    if (n.length === 0) continue;
    const z =
      bestLogit(n, 0, n.length, weights, scale, STRIDE) + bias - (n.length > MODEL_WINDOW ? 0 : discount);
    if (z > best) {
      best = z;
      paragraph = span;
    }
  }
  return { probability: sigmoid(best), paragraph };
}

/** documentScore's probability alone (training and the tests). */
export function documentProbability(...args: Parameters<typeof documentScore>): number {
  return documentScore(...args).probability;
}

// Structural tokens (structure.ts) get their own hash seed and a fixed value each, added to the
// text's normalised n-gram vector (not normalised with it): their weight is the same for a short
// prompt and a long document.
const STRUCT_SEED = 0x3c6ef372 | 0;
/** The value of one structural token in the feature vector. */
export const STRUCT_VALUE = 0.5;

/** The buckets of structural tokens (deduplicated, ascending). */
export function structureBuckets(tokens: readonly string[]): Int32Array {
  const out = new Set<number>();
  for (const t of tokens) {
    let h = STRUCT_SEED;
    for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), FNV_PRIME);
    out.add(Math.imul(h, 0x9e3779b1 | 0) >>> (32 - BITS));
  }
  return Int32Array.from([...out].sort((a, b) => a - b));
}

/** The structural tokens' part of the logit: Σ weight × STRUCT_VALUE × scale. */
export function structureLogit(
  buckets: Int32Array,
  weights: Int8Array | Float32Array | Float64Array,
  scale: number,
): number {
  let z = 0;
  for (let k = 0; k < buckets.length; k++) z += weights[buckets[k]!]!;
  return z * STRUCT_VALUE * scale;
}

/** A text vector with structural buckets added (a bucket shared with an n-gram adds up). */
export function withStructure(x: SparseVector, buckets: Int32Array): SparseVector {
  const m = new Map<number, number>();
  for (let k = 0; k < x.idx.length; k++) m.set(x.idx[k]!, x.val[k]!);
  for (let k = 0; k < buckets.length; k++) m.set(buckets[k]!, (m.get(buckets[k]!) ?? 0) + STRUCT_VALUE);
  const idx = Int32Array.from([...m.keys()].sort((a, b) => a - b));
  return { idx, val: Float32Array.from(idx, (i) => m.get(i)!) };
}
