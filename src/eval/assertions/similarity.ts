import { distance } from 'fastest-levenshtein';
import { cannotGrade, describe, stringValue, verdict } from './shared.js';
import type { AssertionFamily, AssertionHandler } from './types.js';

/** Lower-cased Unicode words (letters, digits and combining marks), NFC-normalised. */
function words(text: string): string[] {
  return (
    text
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{M}\p{N}]+/gu) ?? []
  );
}

function counts<T>(items: T[]): Map<T, number> {
  const map = new Map<T, number>();
  for (const item of items) map.set(item, (map.get(item) ?? 0) + 1);
  return map;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** Passes when the edit distance between the answer and `value` is at most `threshold` (default 5). */
const levenshtein: AssertionHandler = ({ value, threshold, ctx }) => {
  const expected = stringValue('levenshtein', value);
  const max = threshold ?? 5;
  // Code points, not UTF-16 units, so an emoji counts as one edit.
  const d = distance(
    codePointString(ctx.output.normalize('NFC')),
    codePointString(expected.normalize('NFC')),
  );
  return verdict(
    d <= max,
    `the edit distance to ${describe(expected)} is ${d}; ${d <= max ? 'at most' : 'more than'} ${max}`,
  );
};

/**
 * Maps each code point to one UTF-16 unit (astral ones into a private range), so a distance over
 * the mapped strings counts code points. Distinct astral characters in one comparison rarely
 * exceed the 6,400 private-use slots; past that they share slots, which only makes them equal.
 */
function codePointString(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    out += cp > 0xffff ? String.fromCharCode(0xe000 + (cp % 0x1900)) : ch;
  }
  return out;
}

function ngrams(tokens: string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + n <= tokens.length; i++) out.push(tokens.slice(i, i + n).join(' '));
  return out;
}

/** ROUGE-N recall (unigrams, as promptfoo's default): the share of `value`'s words found in the answer. */
const rougeN: AssertionHandler = ({ value, threshold, ctx }) => {
  const expected = stringValue('rouge-n', value);
  const min = threshold ?? 0.75;
  const reference = counts(ngrams(words(expected), 1));
  if (reference.size === 0)
    return cannotGrade(`the expected text ${describe(expected)} has no words to compare`);
  const candidate = counts(ngrams(words(ctx.output), 1));
  let overlap = 0;
  let total = 0;
  for (const [gram, count] of reference) {
    overlap += Math.min(count, candidate.get(gram) ?? 0);
    total += count;
  }
  const score = round(overlap / total);
  return {
    pass: score >= min,
    score,
    reason: `ROUGE-1 recall of ${describe(expected)} is ${score}; ${score >= min ? 'at least' : 'below'} ${min}`,
  };
};

/** Cosine similarity of word-count vectors: a lexical, offline stand-in for embedding similarity. */
const similar: AssertionHandler = ({ value, threshold, ctx }) => {
  const expected = stringValue('similar', value);
  const min = threshold ?? 0.75;
  // With eval.embeddings configured, the runner has already measured the embedding similarity.
  const embedded = ctx.embeddingSimilarity?.[expected];
  if (embedded !== undefined) {
    const score = round(embedded);
    return {
      pass: score >= min,
      score,
      reason: `embedding similarity to ${describe(expected)} is ${score}; ${score >= min ? 'at least' : 'below'} ${min}`,
    };
  }
  const a = counts(words(expected));
  if (a.size === 0) return cannotGrade(`the expected text ${describe(expected)} has no words to compare`);
  const b = counts(words(ctx.output));
  let dot = 0;
  for (const [word, count] of a) dot += count * (b.get(word) ?? 0);
  const norm = (m: Map<string, number>): number => Math.sqrt([...m.values()].reduce((s, c) => s + c * c, 0));
  const score = b.size === 0 ? 0 : round(dot / (norm(a) * norm(b)));
  return {
    pass: score >= min,
    score,
    reason: `word similarity to ${describe(expected)} is ${score}; ${score >= min ? 'at least' : 'below'} ${min}`,
  };
};

/** Similarity assertions, all lexical and offline. */
export const SIMILARITY_ASSERTIONS: AssertionFamily = {
  levenshtein: { handler: levenshtein, threshold: { default: 5 } },
  'rouge-n': { handler: rougeN, threshold: { default: 0.75 } },
  similar: { handler: similar, threshold: { default: 0.75 } },
};
