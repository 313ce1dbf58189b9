/** Whether a token looks random rather than written: entropy and letter-pair statistics. */
import { C_DIGIT, C_HEX, C_LOWER, C_UPPER, cls } from '../scan/chars.js';

const counts = new Int32Array(128);

/** Shannon entropy in bits per char of text[s, e) (ASCII only; callers pass token chars). */
export function shannonEntropy(text: string, s = 0, e = text.length): number {
  const len = e - s;
  if (len <= 0) return 0;
  for (let i = s; i < e; i++) counts[text.charCodeAt(i) & 127]!++;
  let h = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i) & 127;
    const k = counts[c]!;
    if (k > 0) {
      const p = k / len;
      h -= p * Math.log2(p);
      counts[c] = 0;
    }
  }
  return h;
}

/** The 100 most common English letter pairs (Norvig's counts): words and identifiers are full of them. */
const COMMON_BIGRAMS = new Uint8Array(676);
for (const pair of (
  'th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de ' +
  'hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr ' +
  'ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su'
).split(' ')) {
  COMMON_BIGRAMS[(pair.charCodeAt(0) - 97) * 26 + pair.charCodeAt(1) - 97] = 1;
}
const BIGRAM_P = 100 / 676;

const expectedCache = new Map<number, number>();
/** Expected Shannon entropy (bits/char) of n chars drawn uniformly from an alphabet of size a. */
export function expectedEntropy(n: number, a: number): number {
  const key = n * 256 + a;
  let v = expectedCache.get(key);
  if (v === undefined) {
    // H = -a · Σ_k P(count = k) · (k/n) log2(k/n), count ~ Binomial(n, 1/a)
    const p = 1 / a;
    let logC = 0;
    let h = 0;
    for (let k = 1; k <= n; k++) {
      logC += Math.log(n - k + 1) - Math.log(k);
      const pk = Math.exp(logC + k * Math.log(p) + (n - k) * Math.log1p(-p));
      const f = k / n;
      h -= pk * f * Math.log2(f);
    }
    v = a * h;
    if (expectedCache.size < 4096) expectedCache.set(key, v);
  }
  return v;
}

/**
 * Whether text[s, e) looks like a random credential rather than a word, identifier or hash:
 * - 24–512 chars, at least 40% letters, digits or both letter cases, not pure hex (hashes, UUIDs);
 * - at most 1 in 8 chars is '-' or '_' (snake_case and kebab-case names are full of them); a
 *   single-case token with separators is judged by its longest separator-free part;
 * - letter/digit/case switches on ≥ 30% of adjacent pairs (≥ 15% for single-case alphabets), and
 *   neither case under 15% of the letters when both occur (camelCase is mostly lowercase);
 * - common English letter pairs no more frequent than chance allows (binomial bound, z = 3);
 * - Shannon entropy within 0.5 bit of what a random string of the same length over the alphabet
 *   implied by its character classes would have.
 */
export function looksRandom(text: string, s: number, e: number): boolean {
  const len = e - s;
  if (len < 24 || len > 512) return false;
  let upper = 0;
  let lower = 0;
  let digit = 0;
  let seps = 0;
  let other = 0;
  let hex = true;
  let switches = 0;
  let pairs = 0;
  let prevClass = 0;
  let bigrams = 0;
  let bigramHits = 0;
  let prevLetter = -1;
  let run = 0;
  let longestRun = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    const k = cls(c);
    let cur = 0;
    let letter = -1;
    if (k & C_DIGIT) {
      digit++;
      cur = 1;
    } else if (k & C_UPPER) {
      upper++;
      cur = 2;
      letter = c - 65;
      if (!(k & C_HEX)) hex = false;
    } else if (k & C_LOWER) {
      lower++;
      cur = 3;
      letter = c - 97;
      if (!(k & C_HEX)) hex = false;
    } else {
      if (c === 45 || c === 95) seps++;
      else other++;
      if (c !== 45) hex = false;
    }
    if (cur !== 0) {
      if (prevClass !== 0) {
        pairs++;
        if (cur !== prevClass) switches++;
      }
      prevClass = cur;
      run++;
      if (run > longestRun) longestRun = run;
    } else run = 0;
    if (letter >= 0 && prevLetter >= 0) {
      bigrams++;
      bigramHits += COMMON_BIGRAMS[prevLetter * 26 + letter]!;
    }
    prevLetter = letter;
  }
  if (hex) return false;
  const letters = upper + lower;
  const mixed = upper > 0 && lower > 0;
  if (letters < 0.4 * len || !(digit > 0 || mixed)) return false;
  if (seps * 8 > len) return false;
  if (!mixed && seps > 0 && longestRun < 20) return false;
  if (pairs === 0 || switches < (mixed ? 0.3 : 0.15) * pairs) return false;
  if (mixed && Math.min(upper, lower) < 0.15 * letters) return false;
  if (bigramHits > BIGRAM_P * bigrams + 3 * Math.sqrt(bigrams * BIGRAM_P * (1 - BIGRAM_P))) return false;
  const alphabet =
    (upper > 0 ? 26 : 0) +
    (lower > 0 ? 26 : 0) +
    (digit > 0 ? 10 : 0) +
    (seps > 0 ? 2 : 0) +
    (other > 0 ? 2 : 0);
  return shannonEntropy(text, s, e) >= expectedEntropy(len, alphabet) - 0.5;
}
