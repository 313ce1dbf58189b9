/** Numeric PII: IPv4, SSN, card, phone (phones.ts) and IBAN, found in clusters of digit groups. */
import type { Candidate } from '../scan/candidates.js';
import { before, C_LETTER, C_UPPER, cls, isDigit, isWord } from '../scan/chars.js';
import { cardIssuerOk, luhn, matchIban, ssnRangesOk } from './checksums.js';
import { type Cluster, cluster, gE, gS, gSep, W_CARD, W_IBAN, W_IP, W_PHONE, W_SSN } from './cluster.js';
import { CARD_BEFORE, SSN_BEFORE, VERSION_BEFORE } from './context.js';
import { matchPhone } from './phones.js';
import { push } from './priority.js';

/**
 * Digit groups joined by a lone '.' or '/', or by 1–3 of space ( ) - (so "…0958. (10.0.0.1)" is two
 * clusters). Linear: digits and separators are disjoint sets.
 */
export const CLUSTER_RE = /\d+(?:(?:[./]|[ ()-]{1,3})\d+)*/g;

/** Finds the numeric PII types in `want` in every digit cluster of the text. */
export function scanNumbers(text: string, want: number, out: Candidate[]): void {
  const c0 = cluster;
  c0.text = text;
  const re = CLUSTER_RE;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  // biome-ignore lint/suspicious/noAssignInExpressions: classic exec loop
  while ((m = re.exec(text)) !== null) {
    const i = m.index;
    const j = i + m[0].length;
    const prev = i > 0 ? text.charCodeAt(i - 1) : 32;
    if (isWord(prev)) {
      re.lastIndex = skipGluedWord(text, i, prev, want, out);
      continue;
    }
    let start = i;
    let lead = 0;
    if (prev === 43 || prev === 40) {
      lead = prev;
      start = i - 1;
    }
    const p1 = text.charCodeAt(start - 1);
    const p2 = text.charCodeAt(start - 2);
    const attached =
      (lead !== 0 && isWord(p1)) ||
      ((prev === 46 || prev === 45 || prev === 47 || prev === 44) && isWord(p2)) ||
      isCurrency(p1) ||
      (p1 === 32 && (isCurrency(p2) || currencyCodeBefore(text, start)));
    if (attached || !readGroups(text, i, j)) continue;
    c0.count = gS.length;
    c0.lead = lead;
    c0.hash = p1 === 35 || (p1 === 32 && p2 === 35);
    c0.phoneCtxAt = -1;
    c0.negCtx = -1;
    matchGroups(c0, want, out);
  }
}

/**
 * Where to resume after digits glued to a word (the word is skipped, so a number after it starts
 * afresh: "ID7 4111 1111 1111 1111"). Two letters at a word start then two digits may open an
 * IBAN, which is matched on the way.
 */
function skipGluedWord(text: string, i: number, prev: number, want: number, out: Candidate[]): number {
  if (
    want & W_IBAN &&
    i >= 2 &&
    cls(prev) & C_LETTER &&
    cls(text.charCodeAt(i - 2)) & C_LETTER &&
    !isWord(text.charCodeAt(i - 3)) &&
    isDigit(text.charCodeAt(i + 1))
  ) {
    const e = matchIban(text, i - 2);
    if (e !== 0) {
      // an IBAN-shaped string with a wrong checksum is skipped whole, not read as numbers
      if (e > 0) push(out, i - 2, e, 'iban');
      return Math.abs(e);
    }
  }
  let k = i + 1;
  while (isWord(text.charCodeAt(k))) k++;
  return k;
}

/** Reads the cluster text[i, j) into the shared group arrays; false when it cannot be a number of 4+ digits. */
function readGroups(text: string, i: number, j: number): boolean {
  gS.length = 0;
  gE.length = 0;
  gSep.length = 0;
  let digits = 0;
  let k = i;
  while (k < j) {
    const gs = k;
    while (k < j && isDigit(text.charCodeAt(k))) k++;
    gSep.push(gS.length === 0 ? '' : text.slice(gE[gE.length - 1]!, gs));
    gS.push(gs);
    gE.push(k);
    digits += k - gs;
    while (k < j && !isDigit(text.charCodeAt(k))) k++;
  }
  // A letter glued to the end ("12px", "4be9…") makes the last group part of a word: after a
  // space or parenthesis it is dropped, otherwise the whole cluster is ("4111…1111abc", "1.2.3.4a").
  // An x is an extension ("2671x204").
  const tail = text.charCodeAt(j);
  if (isWord(tail) && (tail | 32) !== 120) {
    const g = gS.length - 1;
    const sep = g > 0 ? text.slice(gE[g - 1]!, gS[g]!) : '';
    if (g === 0 || !(sep.includes(' ') || sep.includes('('))) return false;
    digits -= gE[g]! - gS[g]!;
    gS.pop();
    gE.pop();
    gSep.pop();
  }
  return digits >= 4;
}

/**
 * Tries the numeric types at the start, after a match, and after a clear break (" - ", " ("),
 * never in the middle of a chain of groups joined by single spaces: "9400 1385 5450 4787 0967 34"
 * is one number.
 */
function matchGroups(c0: Cluster, want: number, out: Candidate[]): void {
  let g = 0;
  let afterMatch = true;
  while (g < c0.count) {
    if (g > 0) {
      const sep = c0.sep(g);
      if (!sep.includes(' ') || (!afterMatch && sep.length < 2)) {
        g++;
        afterMatch = false;
        continue;
      }
    }
    // a single digit without + or ( starts only an IPv4 address or a NANP number ("1 415 555 2671")
    if (
      c0.len(g) === 1 &&
      c0.leadAt(g) === 0 &&
      c0.sep(g + 1) !== '.' &&
      !(c0.digit(g, 0) === 1 && c0.len(g + 1) === 3)
    ) {
      g++;
      afterMatch = false;
      continue;
    }
    const last = matchNumberAt(c0, g, want, out);
    afterMatch = last >= 0;
    g = last >= 0 ? last + 1 : g + 1;
  }
}

/** Currency codes that make the number after them an amount, not a phone. */
export const CURRENCY_CODE =
  /\b(?:USD|EUR|GBP|CHF|JPY|CNY|CAD|AUD|NZD|INR|SEK|NOK|DKK|PLN|CZK|HUF|BRL|MXN|ZAR|HKD|SGD)$/;

/** "USD 415 555 2671", "EUR 1 299": a currency code right before the number. */
function currencyCodeBefore(text: string, start: number): boolean {
  return text.charCodeAt(start - 1) === 32 && cls(text.charCodeAt(start - 2)) & C_UPPER
    ? CURRENCY_CODE.test(text.slice(Math.max(0, start - 5), start - 1))
    : false;
}

function isCurrency(c: number): boolean {
  return c === 36 || c === 8364 || c === 163 || c === 165 || c === 8377 || c === 8381 || c === 8361;
}

/** Tries every numeric type at group k; returns the last group of a match, or -1. */
function matchNumberAt(c: Cluster, k: number, want: number, out: Candidate[]): number {
  let m = -1;
  if (want & W_IP) m = matchIPv4(c, k, out);
  if (m < 0 && want & W_SSN) m = matchSsn(c, k, out);
  if (m < 0 && want & W_CARD) m = matchCard(c, k, out);
  if (m < 0 && want & W_PHONE && !c.hash) m = matchPhone(c, k, out);
  return m;
}

function matchIPv4(c: Cluster, k: number, out: Candidate[]): number {
  if (k + 3 >= c.count) return -1;
  for (let t = 0; t < 4; t++) {
    const len = c.len(k + t);
    if (len > 3 || (len > 1 && c.digit(k + t, 0) === 0) || c.value(k + t) > 255) return -1;
    if (t > 0 && c.sep(k + t) !== '.') return -1;
  }
  if (k + 4 < c.count && c.sep(k + 4) === '.') return -1;
  const start = gS[k]!;
  if (VERSION_BEFORE.test(before(c.text, start, 16))) return -1;
  push(out, start, gE[k + 3]!, 'ip');
  return k + 3;
}

function matchSsn(c: Cluster, k: number, out: Candidate[]): number {
  let last = -1;
  let ctx = -1;
  const start = gS[k]!;
  const context = () => {
    if (ctx < 0) ctx = SSN_BEFORE.test(before(c.text, start, 40)) ? 1 : 0;
    return ctx === 1;
  };
  if (c.len(k) === 9) {
    if (c.continues(k) || !context()) return -1;
    last = k;
    const v = c.value(k);
    if (!ssnRangesOk(Math.floor(v / 1e6), Math.floor(v / 1e4) % 100, v % 1e4)) return -1;
  } else if (k + 2 < c.count && c.len(k) === 3 && c.len(k + 1) === 2 && c.len(k + 2) === 4) {
    const s = c.sep(k + 1);
    if (s !== c.sep(k + 2) || !(s === '-' || (s === ' ' && context()))) return -1;
    if (k + 3 < c.count && (c.sep(k + 3) === s || !c.sep(k + 3).includes(' '))) return -1;
    if (!ssnRangesOk(c.value(k), c.value(k + 1), c.value(k + 2))) return -1;
    last = k + 2;
  } else return -1;
  if (!context() && c.hasNegativeContext(start)) return -1;
  push(out, start, gE[last]!, 'ssn');
  return last;
}

function matchCard(c: Cluster, k: number, out: Candidate[]): number {
  if (c.leadAt(k) === 43) return -1;
  const first = c.len(k);
  let last = -1;
  if (first >= 12) {
    if (first > 19 || c.continues(k)) return -1;
    const d = c.digits(k, k);
    if (!cardIssuerOk(d) || !luhn(d)) return -1;
    last = k;
  } else if (first === 4 && k + 1 < c.count) {
    const sep = c.sep(k + 1);
    if (sep !== ' ' && sep !== '-') return -1;
    // the chain of groups joined by the same separator
    let m = k;
    let total = 4;
    while (m + 1 < c.count && c.sep(m + 1) === sep && c.len(m + 1) <= 6 && total + c.len(m + 1) <= 19) {
      m++;
      total += c.len(m);
    }
    if (m + 1 < c.count && c.sep(m + 1) === sep && sep === '-') return -1; // 4-… chain goes on (ids)
    // a chain that is card-shaped as a whole is judged as a whole; otherwise (a trailing year,
    // amount or CVV joined by a space) a card-shaped prefix may stand alone
    const whole = cardGrouping(c, k, m) && total >= 12;
    for (let e = m; e > k; e--) {
      if (e < m && (whole || sep !== ' ')) break;
      if (!cardGrouping(c, k, e)) continue;
      const d = c.digits(k, e);
      if (cardIssuerOk(d) && luhn(d)) {
        last = e;
        break;
      }
    }
    if (last < 0) return -1;
  } else return -1;
  const start = gS[k]!;
  if (c.hasNegativeContext(start) && !CARD_BEFORE.test(before(c.text, start, 32))) return -1;
  push(out, start, gE[last]!, 'card');
  return last;
}

/** 4-4-4-4, 4-6-5, 4-6-4, 4-4-4-4-3, 4-4-5 …: first group of 4, middle groups of 4 or 6, last 1–6. */
function cardGrouping(c: Cluster, k: number, e: number): boolean {
  for (let t = k + 1; t < e; t++) {
    const len = c.len(t);
    if (len !== 4 && len !== 6) return false;
  }
  const lastLen = c.len(e);
  return lastLen >= 1 && lastLen <= 6;
}
