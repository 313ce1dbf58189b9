/** Phone numbers in a digit cluster: international, NANP, national with a trunk 0, or next to a phone word. */
import type { Candidate } from '../scan/candidates.js';
import { isWord } from '../scan/chars.js';
import { type Cluster, gE, gS } from './cluster.js';
import { EXT_RE } from './context.js';
import { push } from './priority.js';

// --- phones

function phoneEnd(c: Cluster, end: number): number {
  const x = c.text.charCodeAt(end);
  if (x === 32 || x === 120 || x === 88 || x === 101 || x === 69) {
    EXT_RE.lastIndex = end;
    if (EXT_RE.test(c.text)) return EXT_RE.lastIndex;
  }
  return end;
}

function pushPhone(
  c: Cluster,
  start: number,
  lastGroup: number,
  out: Candidate[],
  strongShape: boolean,
): boolean {
  const end = phoneEnd(c, gE[lastGroup]!);
  if (isWord(c.text.charCodeAt(end))) return false;
  if (!strongShape || c.hasNegativeContext(start)) {
    if (!c.hasPhoneContext(start, end)) return false;
  }
  push(out, start, end, 'phone');
  return true;
}

/** Matches a phone number starting at group k; returns its last group, or -1. */
export function matchPhone(c: Cluster, k: number, out: Candidate[]): number {
  const lead = c.leadAt(k);
  let m = phoneInternational(c, k, lead, out);
  if (m < 0) m = phoneNanp(c, k, lead, out);
  if (m < 0) m = phoneTrunk(c, k, lead, out);
  if (m < 0) m = phoneParenArea(c, k, lead, out);
  if (m < 0) m = phoneWithContext(c, k, lead, out);
  return m;
}

/** Separators that can sit inside one phone number. */
const PHONE_SEPS = new Set([' ', '-', '.', '(', ')', ' (', ') ', ')-', '-(', ').', ' - ']);

function isTrunkParen(c: Cluster, t: number): boolean {
  return (
    c.len(t) === 1 &&
    c.digit(t, 0) === 0 &&
    c.sep(t).endsWith('(') &&
    t + 1 < c.count &&
    c.sep(t + 1).startsWith(')')
  );
}

/** +CC …, or 00CC … : 8–15 digits (E.164), any of space - . and (0) / (area) between groups. */
function phoneInternational(c: Cluster, k: number, lead: number, out: Candidate[]): number {
  const plus = lead === 43;
  let digits: number;
  if (plus) {
    if (c.digit(k, 0) === 0) return -1;
    digits = c.len(k);
  } else {
    const len = c.len(k);
    if (c.digit(k, 0) !== 0 || c.digit(k, 1) !== 0 || c.digit(k, 2) === 0) return -1;
    if (!((len >= 3 && len <= 5 && k + 1 < c.count) || (len >= 11 && len <= 17))) return -1;
    digits = len - 2;
  }
  if (digits > 15) return -1;
  let m = k;
  let overflow = false;
  for (let t = k + 1; t < c.count; t++) {
    if (!PHONE_SEPS.has(c.sep(t))) break;
    const add = isTrunkParen(c, t) ? 0 : c.len(t);
    if (digits + add > 15) {
      overflow = true;
      break;
    }
    digits += add;
    m = t;
  }
  if (digits < 8) return -1;
  if (overflow && PHONE_SEPS.has(c.sep(m + 1)) && !c.sep(m + 1).includes(' ')) return -1;
  if (m > k && c.len(m) === 1) return -1;
  const start = plus ? gS[k]! - 1 : gS[k]!;
  return pushPhone(c, start, m, out, true) ? m : -1;
}

/** NANP: [1 ]AAA-EEE-LLLL, (AAA) EEE-LLLL, AAA.EEE.LLLL, AAA EEE LLLL; area code 2–9xx. */
function phoneNanp(c: Cluster, k: number, lead: number, out: Candidate[]): number {
  if (lead === 43) return -1; // after '+' only the international reading applies
  let a = k;
  if (c.len(k) === 1 && c.digit(k, 0) === 1 && k + 1 < c.count && lead !== 40) {
    const s = c.sep(k + 1);
    if (s === ' ' || s === '-' || s === '.' || s === ' (' || s === '(') a = k + 1;
    else return -1;
  }
  if (a + 2 >= c.count || c.len(a) !== 3 || c.len(a + 1) !== 3 || c.len(a + 2) !== 4) return -1;
  const paren = c.leadAt(a) === 40;
  const s1 = c.sep(a + 1);
  const s2 = c.sep(a + 2);
  if (s2 !== '-' && s2 !== '.' && s2 !== ' ') return -1;
  // area codes start with 2–9; a 1 (random test data) is accepted only in the unmistakable
  // dash, dot and parenthesis layouts, never with spaces (amounts like "100 200 3000")
  const area = c.digit(a, 0);
  if (area === 0 || (area === 1 && (s2 === ' ' || a !== k))) return -1;
  if (paren) {
    if (s1 !== ')' && s1 !== ') ' && s1 !== ')-' && s1 !== ').') return -1;
  } else if (s1 !== s2) return -1;
  const last = a + 2;
  if (last + 1 < c.count) {
    const s3 = c.sep(last + 1);
    if (!s3.includes(' ') || (s3 === s2 && s2 === ' ')) return -1;
  }
  const start = a === k ? (paren ? gS[a]! - 1 : gS[a]!) : gS[k]!;
  return pushPhone(c, start, last, out, true) ? last : -1;
}

/** National numbers with a trunk 0: 020 7946 0958, 030 12345678, 01 23 45 67 89, (08) 8747 6301. */
function phoneTrunk(c: Cluster, k: number, lead: number, out: Candidate[]): number {
  const first = c.len(k);
  if (first < 2 || first > 5 || c.digit(k, 0) !== 0 || c.digit(k, 1) === 0) return -1;
  const paren = lead === 40;
  if (paren && !(k + 1 < c.count && c.sep(k + 1).startsWith(')'))) return -1;
  let digits = first;
  let m = k;
  let dots = 0;
  let others = 0;
  for (let t = k + 1; t < c.count; t++) {
    const s = c.sep(t);
    const len = c.len(t);
    let ok: boolean;
    if (t === k + 1 && paren) ok = s === ')' || s === ') ' || s === ')-';
    else ok = s === ' ' || s === '-' || s === '.' || s === '/';
    if (!ok || len < 2 || len > 8 || digits + len > 12) break;
    if (s === '.') dots++;
    else others++;
    digits += len;
    m = t;
  }
  if (m === k || digits < 9 || (dots > 0 && others > 0)) return -1;
  if (m === k + 1 && c.len(m) < 6) return -1; // "03262 2437 Main St": a zip code and a house number
  if (c.continues(m)) return -1;
  const start = paren ? gS[k]! - 1 : gS[k]!;
  return pushPhone(c, start, m, out, true) ? m : -1;
}

/** (64) 3591-3246, (37) 788-063: a parenthesised area code and at least 8 digits. */
function phoneParenArea(c: Cluster, k: number, lead: number, out: Candidate[]): number {
  if (lead !== 40) return -1;
  const first = c.len(k);
  if (first < 2 || first > 4 || k + 1 >= c.count) return -1;
  const s1 = c.sep(k + 1);
  if (s1 !== ')' && s1 !== ') ' && s1 !== ')-') return -1;
  let digits = first;
  let m = k;
  for (let t = k + 1; t < c.count; t++) {
    const s = c.sep(t);
    const len = c.len(t);
    if (t > k + 1 && s !== ' ' && s !== '-' && s !== '.') break;
    if (len < 2 || len > 8 || digits + len > 12) break;
    digits += len;
    m = t;
  }
  if (digits < 8 || m === k || (m === k + 1 && c.len(m) < 6)) return -1;
  if (c.continues(m)) return -1;
  return pushPhone(c, gS[k]! - 1, m, out, true) ? m : -1;
}

/** Next to a phone word: any grouping of 7–15 digits that is not a date or card-shaped. */
function phoneWithContext(c: Cluster, k: number, lead: number, out: Candidate[]): number {
  let digits = c.len(k);
  if (digits > 15 || digits < 2) return -1;
  let m = k;
  for (let t = k + 1; t < c.count; t++) {
    const s = c.sep(t);
    if (!PHONE_SEPS.has(s) || s.includes('.') || c.len(t) < 2) break;
    if (digits + c.len(t) > 15) return -1;
    digits += c.len(t);
    m = t;
  }
  if (digits < 7) return -1;
  if (m + 1 < c.count && !c.sep(m + 1).includes(' ')) return -1;
  const groups = m - k + 1;
  if (groups === 3 && looksLikeDate(c, k)) return -1;
  if (groups >= 3 && c.len(k) === 4 && c.len(k + 1) === 4 && c.len(k + 2) === 4) return -1;
  const start = lead !== 0 ? gS[k]! - 1 : gS[k]!;
  return pushPhone(c, start, m, out, false) ? m : -1;
}

function looksLikeDate(c: Cluster, k: number): boolean {
  const s = c.sep(k + 1);
  if (s !== c.sep(k + 2) || !(s === '-' || s === '.' || s === '/')) return false;
  const a = c.len(k);
  const b = c.len(k + 1);
  const d = c.len(k + 2);
  return (a === 4 && b <= 2 && d <= 2) || (a <= 2 && b <= 2 && (d === 4 || d === 2));
}
