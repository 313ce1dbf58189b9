/**
 * Pattern detectors for personal data (`pii`: email, phone, card, iban, ssn, ip) and credentials
 * (`secrets`: aws-key, private-key, jwt, bearer-token, high-entropy).
 *
 * Detectors are hand-written scanners over char codes. The few regular expressions that see a
 * whole text (number clusters, `Bearer …`) have no ambiguous quantifiers; the others only see short
 * windows (context words) or run sticky with bounded repetition. Work per character is bounded by a
 * constant, so detection is linear in the text and no input can make a regex backtrack
 * catastrophically (test/guardrails/pii.test.ts feeds every one adversarial input).
 * Spans are `[start, end)` in UTF-16 code units of the original text.
 *
 * The two entry points run every scan of their family and resolve overlaps by a fixed priority
 * (more specific or checksummed types win, then the longer span); an `entities` / `kinds` list only
 * filters that result, so a number inside an IBAN is never reported as a phone just because only
 * phones were asked for:
 * - PII: email > iban > card > ssn > ip > phone
 * - secrets: private-key > bearer-token > jwt > aws-key > high-entropy
 *
 * Design decisions worth knowing:
 * - phone: international numbers (`+` or `00` prefix, 8–15 digits), NANP (`(415) 555-2671`,
 *   `415-555-2671`, `415.555.2671`, `415 555 2671`, optional leading `1`), national numbers with a
 *   trunk `0` (`020 7946 0958`, `030 12345678`, `01 23 45 67 89`, `(08) 8747 6301`, 9–12 digits,
 *   at least two groups) and a parenthesised area code (`(64) 3591-3246`). Looser local formats
 *   (`9469 9966`, `5403926876`) only count next to a phone word (phone, tel, mobile, fax, call …).
 *   Extensions (`x123`, `ext. 12`) belong to the span. Currency signs, `#`, version words and
 *   order/invoice/tracking words in front veto a number that has no phone word near it.
 * - high-entropy: tokens of 24–512 chars from `[A-Za-z0-9+/=_-]` that look random rather than
 *   written: letters with digits or both cases, frequent letter/digit/case switches, no excess of
 *   common English letter pairs (identifiers are made of words), and an entropy close to that of a
 *   random string over the same alphabet (see `looksRandom`). Pure hex strings (commit hashes, SHA
 *   digests) and UUIDs are NOT flagged: in prompt traffic they are overwhelmingly content ids, and
 *   flagging them would block ordinary engineering conversations; the price is that a secret that is
 *   pure hex is missed unless another kind catches it. Public key material (PEM certificates and
 *   public keys, `ssh-rsa AAAA…`), `data:…;base64,` payloads, SRI digests (`sha256-…`) and IBANs are
 *   skipped too. Well-known provider prefixes (`ghp_`, `xoxb-`, `sk_live_`, `AIza`, …) count with a
 *   relaxed bound. Tuned on random keys of several alphabets (≈ 98% found at 24–40 chars) against
 *   ~77,000 long tokens from real source code (< 1% flagged, many of them embedded base64 data).
 * - bearer-token: the span is the token only (`Authorization: Bearer [BEARER_TOKEN_1]` stays
 *   readable after redaction). Tokens of 20+ chars anywhere after `Bearer`, 12+ chars in an
 *   `Authorization` header; obvious placeholders (`YOUR_TOKEN`, `<token>`, `xxxx`) are skipped.
 */
import type { Span } from '../types.js';

import { PII_ENTITIES, type PiiEntity, SECRET_KINDS, type SecretKind } from './kinds.js';

export { PII_ENTITIES, type PiiEntity, SECRET_KINDS, type SecretKind };

// ---------------------------------------------------------------------------------------------
// Character classes

const C_DIGIT = 1;
const C_UPPER = 2;
const C_LOWER = 4;
const C_SYM = 8; // + / = _ -  (token characters of base64 / base64url / identifiers)
const C_HEX = 16;
const C_LOCAL = 32; // email local part
const C_DOMAIN = 64; // email domain
const C_ALNUM = C_DIGIT | C_UPPER | C_LOWER;
const C_LETTER = C_UPPER | C_LOWER;
const C_TOKEN = C_ALNUM | C_SYM;

const CT = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CT[c] = C_DIGIT | C_HEX | C_LOCAL | C_DOMAIN;
for (let c = 65; c <= 90; c++) CT[c] = C_UPPER | C_LOCAL | C_DOMAIN | (c <= 70 ? C_HEX : 0);
for (let c = 97; c <= 122; c++) CT[c] = C_LOWER | C_LOCAL | C_DOMAIN | (c <= 102 ? C_HEX : 0);
for (const ch of '+/=_-') CT[ch.charCodeAt(0)]! |= C_SYM;
for (const ch of '._%+-') CT[ch.charCodeAt(0)]! |= C_LOCAL;
for (const ch of '.-') CT[ch.charCodeAt(0)]! |= C_DOMAIN;

/** Class bits of a char code (0 for non-ASCII and for NaN past either end of the text). */
function cls(c: number): number {
  return c < 128 ? CT[c]! : 0;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** Letters, digits and `_`: characters that glue onto a match and make it part of a larger word. */
function isWord(c: number): boolean {
  return (cls(c) & C_ALNUM) !== 0 || c === 95;
}

// ---------------------------------------------------------------------------------------------
// Checksums

/** Luhn (mod 10) check over the digits of `value`; spaces and dashes are ignored. */
export function luhn(value: string): boolean {
  let sum = 0;
  let double = false;
  let count = 0;
  for (let i = value.length - 1; i >= 0; i--) {
    const c = value.charCodeAt(i);
    if (c === 32 || c === 45) continue;
    if (!isDigit(c)) return false;
    let d = c - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
    count++;
  }
  return count > 1 && sum % 10 === 0;
}

/**
 * ISO 13616 check: moves the first four characters to the end, maps letters to 10–35 and tests that
 * the number is 1 mod 97. Spaces are ignored, case is not significant. Does not check the length.
 */
export function ibanMod97(value: string): boolean {
  let s = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 32) continue;
    if (!(cls(c) & C_ALNUM)) return false;
    s += value[i];
  }
  if (s.length < 5) return false;
  s = (s.slice(4) + s.slice(0, 4)).toUpperCase();
  let rem = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else rem = (rem * 100 + (c - 55)) % 97;
  }
  return rem === 1;
}

/** IBAN lengths by country (SWIFT IBAN registry, plus French overseas territories using FR rules). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
  GF: 27,
  GP: 27,
  MQ: 27,
  RE: 27,
  PF: 27,
  TF: 27,
  YT: 27,
  NC: 27,
  PM: 27,
  WF: 27,
  BL: 27,
  MF: 27,
};

/**
 * Whether a digit string has the length a known issuer (IIN range) uses: Visa, Mastercard (51–55,
 * 2221–2720), Amex, Diners, JCB (incl. legacy 1800/2131), Discover, UnionPay, RuPay, Mir, Maestro.
 */
export function cardIssuerOk(d: string): boolean {
  const len = d.length;
  if (len < 12 || len > 19) return false;
  const p2 = (d.charCodeAt(0) - 48) * 10 + d.charCodeAt(1) - 48;
  const p3 = p2 * 10 + d.charCodeAt(2) - 48;
  const p4 = p3 * 10 + d.charCodeAt(3) - 48;
  const p1 = (p2 / 10) | 0;
  if (p1 === 4) return len === 13 || len === 16 || len === 19; // Visa
  if (p2 >= 51 && p2 <= 55) return len === 16; // Mastercard
  if (p4 >= 2221 && p4 <= 2720) return len === 16; // Mastercard 2-series
  if (p4 >= 2200 && p4 <= 2204) return len >= 16; // Mir
  if (p2 === 34 || p2 === 37) return len === 15; // Amex
  if ((p3 >= 300 && p3 <= 305) || p4 === 3095 || p2 === 36 || p2 === 38 || p2 === 39) return len >= 14; // Diners
  if (p2 === 35) return len >= 16; // JCB
  if (p4 === 1800 || p4 === 2131) return len === 15; // JCB (legacy)
  if (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || p2 === 62) return len >= 16; // Discover, UnionPay
  if (p2 === 60 || p2 === 81 || p2 === 82 || p3 === 508) return len >= 16; // RuPay (60 also Maestro below)
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return len >= 12; // Maestro
  return false;
}

function ssnRangesOk(area: number, group: number, serial: number): boolean {
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

// ---------------------------------------------------------------------------------------------
// Context words (tested on short windows only)

const PHONE_BEFORE =
  /\b(?:phone|phones|tel|telephone|mobile|mob|cell|cellphone|fax|call|calling|called|dial|text|sms|whatsapp|contact|reach|desk|landline|hotline|helpline|answering|voicemail|ring|(?:message|messages|texts) (?:to|on|at))\b/gi;
/** Words that, between a phone word and a number, say the number is something else. */
const PHONE_BLOCKER =
  /\b(?:card|iban|account|acct|order|invoice|tracking|parcel|ref|reference|ticket|isbn|ssn|serial|sku|zip|id|version|price|total|amount|address|street|suite|apt|room|code|pin|po|purchase|flight|case|batch)\b/i;
const PHONE_AFTER = /^[\s,]{0,3}[-(]?\s{0,2}(?:office|fax|mobile|cell|home|work|phone|tel)\b/i;
const NEGATIVE_BEFORE =
  /\b(?:order|invoice|tracking|track|ref|reference|ticket|case|account|acct|isbn|serial|sku|part|model|confirmation|booking|reservation|transaction|txn|batch|lot|id|zip|postcode|amount|total|price|qty|version|build|receipt|policy|claim|member|customer|shipment|parcel|package|code|pin)\b[^\n\d]{0,14}$/i;
const CARD_BEFORE =
  /\b(?:card|cards|cc|visa|mastercard|amex|american express|discover|jcb|diners|maestro|unionpay|credit|debit|pan)\b/i;
const SSN_BEFORE = /\b(?:ssn|ssns|ss#|social security|soc\.? ?sec)/i;
const VERSION_BEFORE = /\b(?:version|ver|v|release|build|firmware|fw|rev|revision|patch)[.:]?\s{0,3}$/i;
const AWS_BEFORE = /aws|amazon|secret.?access/i;
const EXT_RE = /\s?(?:x|ext\.?|extension)\s?\d{1,6}(?!\d)/iy;
const ANY_DIGIT = /\d/;

function before(text: string, pos: number, width: number): string {
  return text.slice(pos > width ? pos - width : 0, pos);
}

/** A phone word labels the next number: it must come before `pos` with no digit or blocking word between. */
function phoneWordBefore(text: string, pos: number): boolean {
  const w = before(text, pos, 40);
  PHONE_BEFORE.lastIndex = 0;
  let last = -1;
  while (PHONE_BEFORE.exec(w) !== null) last = PHONE_BEFORE.lastIndex;
  if (last < 0) return false;
  const between = w.slice(last);
  return !ANY_DIGIT.test(between) && !PHONE_BLOCKER.test(between);
}

// ---------------------------------------------------------------------------------------------
// Candidates and overlap resolution

interface Candidate {
  start: number;
  end: number;
  type: string;
  prio: number;
}

const PRIO: Record<string, number> = {
  email: 0,
  iban: 1,
  card: 2,
  ssn: 3,
  ip: 4,
  phone: 5,
  'private-key': 0,
  'bearer-token': 1,
  jwt: 2,
  'aws-key': 3,
  'high-entropy': 4,
};

function push(out: Candidate[], start: number, end: number, type: string): void {
  out.push({ start, end, type, prio: PRIO[type] ?? 9 });
}

function better(a: Candidate, b: Candidate): number {
  return a.prio - b.prio || b.end - b.start - (a.end - a.start) || a.start - b.start;
}

/** Sorts candidates and drops the ones overlapping a better one (priority, then length). */
function resolve(cands: Candidate[]): Span[] {
  const out: Span[] = [];
  if (cands.length === 0) return out;
  cands.sort((a, b) => a.start - b.start || better(a, b));
  let i = 0;
  while (i < cands.length) {
    const first = cands[i]!;
    let j = i + 1;
    let end = first.end;
    while (j < cands.length && cands[j]!.start < end) {
      end = Math.max(end, cands[j]!.end);
      j++;
    }
    if (j === i + 1) {
      out.push({ start: first.start, end: first.end, type: first.type });
    } else if (j - i <= 64) {
      const group = cands.slice(i, j).sort(better);
      const kept: Candidate[] = [];
      for (const g of group) if (kept.every((k) => g.end <= k.start || g.start >= k.end)) kept.push(g);
      kept.sort((a, b) => a.start - b.start);
      for (const k of kept) out.push({ start: k.start, end: k.end, type: k.type });
    } else {
      // Pathological chains of overlaps: keep it linear, first come first kept.
      let last = -1;
      for (let k = i; k < j; k++) {
        const c = cands[k]!;
        if (c.start >= last) {
          out.push({ start: c.start, end: c.end, type: c.type });
          last = c.end;
        }
      }
    }
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Email

function scanEmails(text: string, out: Candidate[]): void {
  const n = text.length;
  let done = 0;
  let at = text.indexOf('@');
  while (at !== -1) {
    // Local part: up to 64 chars of [A-Za-z0-9._%+-] to the left.
    let s = at;
    const lim = Math.max(done, at - 65);
    while (s > lim && cls(text.charCodeAt(s - 1)) & C_LOCAL) s--;
    let ok = at - s <= 64;
    while (s < at && (text.charCodeAt(s) === 46 || text.charCodeAt(s) === 45)) s++;
    if (s >= at || text.charCodeAt(at - 1) === 46) ok = false;
    // Domain: labels of [A-Za-z0-9-] joined by single dots, ending in an alphabetic TLD.
    let e = at + 1;
    if (ok) {
      const elim = Math.min(n, at + 254);
      let labelStart = e;
      let lastGoodEnd = -1;
      let labels = 0;
      while (e <= elim) {
        const c = e < elim ? text.charCodeAt(e) : -1;
        if (c === 45 || (c >= 0 && cls(c) & C_ALNUM)) {
          e++;
          continue;
        }
        // end of a label
        const len = e - labelStart;
        if (len === 0 || len > 63 || text.charCodeAt(labelStart) === 45 || text.charCodeAt(e - 1) === 45)
          break;
        labels++;
        if (labels >= 2 && len >= 2 && isAlphaTld(text, labelStart, e)) lastGoodEnd = e;
        if (c === 46 && e + 1 < elim && cls(text.charCodeAt(e + 1)) & C_ALNUM) {
          e++;
          labelStart = e;
          continue;
        }
        break;
      }
      if (lastGoodEnd > 0 && !isWord(text.charCodeAt(lastGoodEnd)) && !hasDoubleDot(text, s, at)) {
        push(out, s, lastGoodEnd, 'email');
        done = lastGoodEnd;
        at = text.indexOf('@', lastGoodEnd);
        continue;
      }
    }
    at = text.indexOf('@', at + 1);
  }
}

function isAlphaTld(text: string, s: number, e: number): boolean {
  if (e - s > 4 && text.startsWith('xn--', s)) return true;
  for (let i = s; i < e; i++) if (!(cls(text.charCodeAt(i)) & C_LETTER)) return false;
  return true;
}

function hasDoubleDot(text: string, s: number, e: number): boolean {
  for (let i = s + 1; i < e; i++) if (text.charCodeAt(i) === 46 && text.charCodeAt(i - 1) === 46) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// IPv6 (found from colons)

function scanIPv6(text: string, out: Candidate[]): void {
  const n = text.length;
  let p = text.indexOf(':');
  while (p !== -1) {
    const a = text.charCodeAt(p - 1);
    const b = text.charCodeAt(p + 1);
    if (!(cls(a) & C_HEX || cls(b) & C_HEX || b === 58)) {
      p = text.indexOf(':', p + 1);
      continue;
    }
    let s = p;
    while (s > 0 && p - s < 40 && hexOrColon(text.charCodeAt(s - 1))) s--;
    let e = p + 1;
    while (e < n && e - s < 46) {
      const c = text.charCodeAt(e);
      if (hexOrColon(c) || (c === 46 && isDigit(text.charCodeAt(e + 1)))) e++;
      else break;
    }
    if (
      (p - s === 40 && hexOrColon(text.charCodeAt(s - 1))) ||
      (e - s === 46 && e < n && hexOrColon(text.charCodeAt(e)))
    ) {
      // longer than any address: skip the whole run at once
      while (e < n && (hexOrColon(text.charCodeAt(e)) || text.charCodeAt(e) === 46)) e++;
      p = text.indexOf(':', e);
      continue;
    }
    const next = e;
    // a single trailing colon is punctuation ("at fe80::1: it failed")
    if (text.charCodeAt(e - 1) === 58 && text.charCodeAt(e - 2) !== 58) e--;
    if (text.charCodeAt(s) === 58 && text.charCodeAt(s + 1) !== 58) s++;
    const prev = text.charCodeAt(s - 1);
    if (e - s >= 3 && !isWord(prev) && prev !== 46 && !isWord(text.charCodeAt(e))) {
      if (validIPv6(text, s, e)) push(out, s, e, 'ip');
      else {
        // "2001:db8:0:0:8:0:0:7:443" (a port without brackets): drop a decimal last group
        const port = trailingPort(text, s, e);
        if (port > 0 && validIPv6(text, s, port)) push(out, s, port, 'ip');
      }
    }
    p = text.indexOf(':', next + 1);
  }
}

function hexOrColon(c: number): boolean {
  return (cls(c) & C_HEX) !== 0 || c === 58;
}

/** Index of the ':' before a final all-decimal group of 2–5 digits (after a ':' that is not '::'), or -1. */
function trailingPort(text: string, s: number, e: number): number {
  let i = e;
  while (i > s && isDigit(text.charCodeAt(i - 1))) i--;
  const len = e - i;
  if (len < 2 || len > 5 || text.charCodeAt(i - 1) !== 58 || text.charCodeAt(i - 2) === 58) return -1;
  return i - 1;
}

/** Full, compressed (`::`) and IPv4-suffixed forms; at least one decimal digit overall. */
function validIPv6(text: string, s: number, e: number): boolean {
  let groups = 0;
  let compressed = false;
  let digit = false;
  let i = s;
  if (text.charCodeAt(i) === 58) {
    if (text.charCodeAt(i + 1) !== 58) return false;
    compressed = true;
    i += 2;
    if (i === e) return false;
  }
  while (i < e) {
    const gs = i;
    let dotted = false;
    while (i < e && text.charCodeAt(i) !== 58) {
      const c = text.charCodeAt(i);
      if (c === 46) dotted = true;
      else if (isDigit(c)) digit = true;
      i++;
    }
    const len = i - gs;
    if (dotted) {
      if (i !== e || !validIPv4Text(text, gs, i)) return false;
      groups += 2;
      break;
    }
    if (len === 0 || len > 4) return false;
    groups++;
    if (i === e) break;
    // at a colon
    i++;
    if (text.charCodeAt(i) === 58) {
      if (compressed) return false;
      compressed = true;
      i++;
    } else if (i === e) return false;
  }
  if (!digit) return false;
  return compressed ? groups <= 7 : groups === 8;
}

function validIPv4Text(text: string, s: number, e: number): boolean {
  let parts = 0;
  let i = s;
  while (i <= e) {
    const ps = i;
    let v = 0;
    while (i < e && isDigit(text.charCodeAt(i))) v = v * 10 + text.charCodeAt(i++) - 48;
    const len = i - ps;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && text.charCodeAt(ps) === 48)) return false;
    parts++;
    if (i === e) break;
    if (text.charCodeAt(i) !== 46) return false;
    i++;
  }
  return parts === 4;
}

// ---------------------------------------------------------------------------------------------
// Numbers: IPv4, SSN, card, phone (and IBAN, found where a digit follows two letters)

const W_EMAIL = 1;
const W_PHONE = 2;
const W_CARD = 4;
const W_IBAN = 8;
const W_SSN = 16;
const W_IP = 32;

/**
 * One cluster: digit groups joined by 1–3 separator characters. Groups are stored as offsets in
 * shared arrays (the scanner is synchronous and not re-entrant).
 */
const gS: number[] = [];
const gE: number[] = [];
const gSep: string[] = []; // separator before each group ('' for the first)

class Cluster {
  text = '';
  count = 0;
  lead = 0; // '+' or '(' right before the first digit, or 0
  hash = false; // '#' right before: numbers after # are ids, never phones
  phoneCtx = false;
  phoneCtxAt = -1; // start the cached phoneCtx was computed for
  negCtx = -1;

  len(k: number): number {
    return k < this.count ? gE[k]! - gS[k]! : 0;
  }
  digit(k: number, off: number): number {
    return this.text.charCodeAt(gS[k]! + off) - 48;
  }
  value(k: number): number {
    let v = 0;
    for (let i = gS[k]!; i < gE[k]!; i++) v = v * 10 + this.text.charCodeAt(i) - 48;
    return v;
  }
  /** The separator before group k (k ≥ 1), as a string ('' past the last group). */
  sep(k: number): string {
    return gSep[k] ?? '';
  }
  /** '(' or '+' just before group k, or 0. */
  leadAt(k: number): number {
    if (k === 0) return this.lead;
    return this.text.charCodeAt(gS[k]! - 1) === 40 ? 40 : 0;
  }
  /** True when the next group (after k) continues without a space: the number goes on. */
  continues(k: number): boolean {
    return k + 1 < this.count && !this.sep(k + 1).includes(' ');
  }
  digits(from: number, to: number): string {
    let s = '';
    for (let k = from; k <= to; k++) s += this.text.slice(gS[k]!, gE[k]!);
    return s;
  }
  /** A phone word shortly before (with no blocking word in between) or a label right after. */
  hasPhoneContext(start: number, end: number): boolean {
    if (this.phoneCtxAt !== start) {
      this.phoneCtxAt = start;
      this.phoneCtx = phoneWordBefore(this.text, start) || PHONE_AFTER.test(this.text.slice(end, end + 16));
    }
    return this.phoneCtx;
  }
  hasNegativeContext(start: number): boolean {
    if (this.negCtx < 0) this.negCtx = NEGATIVE_BEFORE.test(before(this.text, start, 28)) ? 1 : 0;
    return this.negCtx === 1;
  }
}

const cluster = new Cluster();

/**
 * Digit groups joined by a lone '.' or '/', or by 1–3 of space ( ) - (so "…0958. (10.0.0.1)" is two
 * clusters). Linear: digits and separators are disjoint sets.
 */
const CLUSTER_RE = /\d+(?:(?:[./]|[ ()-]{1,3})\d+)*/g;

function scanNumbers(text: string, want: number, out: Candidate[]): void {
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
      // Digits glued to a word. Two letters at a word start then two digits may open an IBAN.
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
          re.lastIndex = Math.abs(e);
          continue;
        }
      }
      // skip this word only: a number after it ("ID7 4111 1111 1111 1111") starts afresh
      let k = i + 1;
      while (isWord(text.charCodeAt(k))) k++;
      re.lastIndex = k;
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
    if (attached) continue;
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
      if (g === 0 || !(sep.includes(' ') || sep.includes('('))) continue;
      digits -= gE[g]! - gS[g]!;
      gS.pop();
      gE.pop();
      gSep.pop();
    }
    if (digits < 4) continue;
    c0.count = gS.length;
    c0.lead = lead;
    c0.hash = p1 === 35 || (p1 === 32 && p2 === 35);
    c0.phoneCtxAt = -1;
    c0.negCtx = -1;
    // Try at the start, after a match, and after a clear break (" - ", " ("), never in the
    // middle of a chain of groups joined by single spaces: "9400 1385 5450 4787 0967 34" is one number.
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
}

const CURRENCY_CODE =
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

function matchPhone(c: Cluster, k: number, out: Candidate[]): number {
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

// --- IBAN

/** End of the IBAN at s; minus the end when only the checksum fails; 0 when not IBAN-shaped. */
function matchIban(text: string, s: number): number {
  const cc = text.slice(s, s + 2).toUpperCase();
  const len = IBAN_LENGTHS[cc];
  if (len === undefined) return 0;
  const n = text.length;
  let j = s;
  let count = 0;
  while (j < n && count < len) {
    const c = text.charCodeAt(j);
    if (cls(c) & C_ALNUM) {
      count++;
      j++;
      continue;
    }
    if (c === 32 && count % 4 === 0 && count > 0 && cls(text.charCodeAt(j + 1)) & C_ALNUM) {
      j++;
      continue;
    }
    break;
  }
  if (count !== len || isWord(text.charCodeAt(j)) || !isDigit(text.charCodeAt(s + 3))) return 0;
  return ibanMod97(text.slice(s, j)) ? j : -j;
}

// ---------------------------------------------------------------------------------------------
// Secrets

const K_AWS = 1;
const K_PEM = 2;
const K_JWT = 4;
const K_BEARER = 8;
const K_ENTROPY = 16;

const AWS_ID_PREFIXES = new Set([
  'AKIA',
  'ASIA',
  'AGPA',
  'AIDA',
  'AROA',
  'AIPA',
  'ANPA',
  'ANVA',
  'APKA',
  'ABIA',
  'ACCA',
]);

const PEM_HEADER = /-----BEGIN ([A-Z0-9 ]{1,40})-----/y;
const PEM_FOOTER = /-----END [A-Z0-9 ]{1,40}-----/y;

/** Finds PEM blocks: private keys become spans, other blocks (certificates, public keys) are skipped. */
function scanPem(text: string, want: number, out: Candidate[], skip: number[]): void {
  let p = text.indexOf('-----BEGIN ');
  let nextEnd = -2;
  while (p !== -1) {
    PEM_HEADER.lastIndex = p;
    const m = PEM_HEADER.exec(text);
    if (!m) {
      p = text.indexOf('-----BEGIN ', p + 11);
      continue;
    }
    const label = m[1]!;
    const bodyStart = PEM_HEADER.lastIndex;
    if (nextEnd !== -1 && nextEnd < bodyStart) nextEnd = text.indexOf('-----END ', bodyStart);
    let end: number;
    const nextBegin = text.indexOf('-----BEGIN ', bodyStart);
    if (nextEnd !== -1 && (nextBegin === -1 || nextEnd < nextBegin)) {
      PEM_FOOTER.lastIndex = nextEnd;
      end = PEM_FOOTER.test(text) ? PEM_FOOTER.lastIndex : nextEnd + 9;
    } else {
      end = truncatedPemEnd(text, bodyStart, nextBegin === -1 ? text.length : nextBegin);
    }
    if (label.endsWith('PRIVATE KEY') || label.endsWith('PRIVATE KEY BLOCK')) {
      if (want & K_PEM) push(out, p, end, 'private-key');
    }
    skip.push(p, end);
    p = nextBegin === -1 ? -1 : text.indexOf('-----BEGIN ', Math.max(end, bodyStart));
  }
}

/**
 * End of a PEM body with no END line: base64 chunks (8+ chars, or ending in '=' padding) separated
 * by whitespace or escaped newlines, and `Proc-Type:` / `DEK-Info:` header lines.
 */
function truncatedPemEnd(text: string, from: number, limit: number): number {
  let end = from;
  let i = from;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 32 || c === 9) {
      i++;
      continue;
    }
    if (c === 92 && (text.charCodeAt(i + 1) === 110 || text.charCodeAt(i + 1) === 114)) {
      i += 2;
      continue;
    }
    if (text.startsWith('Proc-Type:', i) || text.startsWith('DEK-Info:', i)) {
      while (i < limit && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 92) i++;
      continue;
    }
    let j = i;
    while (
      j < limit &&
      (cls(text.charCodeAt(j)) & C_ALNUM || text.charCodeAt(j) === 43 || text.charCodeAt(j) === 47)
    )
      j++;
    while (j < limit && text.charCodeAt(j) === 61) j++;
    const next = text.charCodeAt(j);
    const boundary =
      j === limit || next === 10 || next === 13 || next === 32 || next === 9 || next === 92 || next === 34;
    if (!boundary || (j - i < 8 && text.charCodeAt(j - 1) !== 61) || j === i) break;
    end = j;
    i = j;
  }
  return end;
}

function isB64Url(c: number): boolean {
  return (cls(c) & C_ALNUM) !== 0 || c === 45 || c === 95;
}

function scanJwt(text: string, out: Candidate[]): void {
  const n = text.length;
  let p = text.indexOf('eyJ');
  while (p !== -1) {
    if (isB64Url(text.charCodeAt(p - 1))) {
      p = text.indexOf('eyJ', p + 3);
      continue;
    }
    let i = p;
    while (i < n && isB64Url(text.charCodeAt(i))) i++;
    const h = i;
    let end = -1;
    if (text.charCodeAt(i) === 46 && h - p >= 10 && h - p <= 2000) {
      let j = i + 1;
      while (j < n && isB64Url(text.charCodeAt(j))) j++;
      if (j - i - 1 >= 2 && text.charCodeAt(j) === 46) {
        let k = j + 1;
        while (k < n && isB64Url(text.charCodeAt(k))) k++;
        if (!isB64Url(text.charCodeAt(k)) && headerHasAlg(text.slice(p, h))) end = k;
      }
      if (end < 0) i = j;
    }
    if (end > 0) {
      push(out, p, end, 'jwt');
      p = text.indexOf('eyJ', end);
    } else p = text.indexOf('eyJ', Math.max(i, p + 3));
  }
}

const headerCache = new Map<string, boolean>();

/** Whether a JWT header segment decodes to a JSON object with a string "alg" (cached: headers repeat). */
function headerHasAlg(segment: string): boolean {
  let ok = headerCache.get(segment);
  if (ok === undefined) {
    ok = decodeHeaderHasAlg(segment);
    if (headerCache.size >= 256) headerCache.clear();
    headerCache.set(segment, ok);
  }
  return ok;
}

function decodeHeaderHasAlg(segment: string): boolean {
  try {
    const json = Buffer.from(segment, 'base64url').toString('utf8');
    const header: unknown = JSON.parse(json);
    return (
      typeof header === 'object' &&
      header !== null &&
      typeof (header as Record<string, unknown>).alg === 'string'
    );
  } catch {
    return false;
  }
}

const BEARER_RE = /\bbearer[ \t]{1,8}([A-Za-z0-9\-._~+/]+=*)/gi;
const AUTH_BEFORE = /authorization|auth["']?\s{0,3}[:=]/i;
const PLACEHOLDER = /your|token|example|placeholder|redacted|secret|xxxx|\.\.\.|changeme|dummy/i;
const ENV_NAME = /^[A-Z_]+$/;

function scanBearer(text: string, out: Candidate[]): void {
  if (text.indexOf('earer') === -1 && text.indexOf('EARER') === -1) return;
  BEARER_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  // biome-ignore lint/suspicious/noAssignInExpressions: classic exec loop
  while ((m = BEARER_RE.exec(text)) !== null) {
    const token = m[1]!;
    const start = m.index + m[0].length - token.length;
    const end = start + token.length;
    if (isWord(text.charCodeAt(end))) continue;
    const header = AUTH_BEFORE.test(before(text, m.index, 40));
    if (token.length < (header ? 12 : 20)) continue;
    if (PLACEHOLDER.test(token) || ENV_NAME.test(token)) continue;
    push(out, start, end, 'bearer-token');
  }
}

/** Provider token prefixes that mark a high-entropy credential on their own. */
const KNOWN_PREFIXES = [
  'ghp_',
  'gho_',
  'ghu_',
  'ghs_',
  'ghr_',
  'github_pat_',
  'glpat-',
  'xoxb-',
  'xoxp-',
  'xoxa-',
  'xoxr-',
  'xoxs-',
  'xapp-',
  'sk_live_',
  'sk_test_',
  'rk_live_',
  'rk_test_',
  'sk-proj-',
  'sk-ant-',
  'sk-',
  'AIza',
  'npm_',
  'pypi-',
  'hf_',
  'shpat_',
  'shpss_',
  'dop_v1_',
];

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

function knownPrefix(text: string, s: number, e: number): boolean {
  const c0 = text.charCodeAt(s);
  if (
    c0 !== 103 &&
    c0 !== 120 &&
    c0 !== 115 &&
    c0 !== 114 &&
    c0 !== 65 &&
    c0 !== 110 &&
    c0 !== 112 &&
    c0 !== 104 &&
    c0 !== 100
  )
    return false;
  for (const p of KNOWN_PREFIXES) {
    if (text.startsWith(p, s)) {
      const rest = e - s - p.length;
      if (rest < 16) return false;
      let letters = 0;
      for (let i = s + p.length; i < e; i++) if (cls(text.charCodeAt(i)) & C_LETTER) letters++;
      return letters > 0 && shannonEntropy(text, s + p.length, e) >= 3.3;
    }
  }
  return false;
}

const SSH_KEY_BODY = /^AAAA[BCE][0-9][A-Za-z0-9]{4}/;
const SRI_PREFIX = /^sha(?:1|256|384|512)-/;

const MIN_TOKEN = 20;

/** Token char at i: [A-Za-z0-9+/=_-], where '=' followed by a token char is a key=value delimiter. */
function tokenAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (!(cls(c) & C_TOKEN)) return false;
  if (c !== 61) return true;
  const next = text.charCodeAt(i + 1);
  return next === 61 || !(cls(next) & C_TOKEN);
}

/**
 * Visits every maximal run of ≥ 20 token chars. Skip search: if the char 19 places ahead is not a
 * token char no long run can cover it, so the scan jumps past it; otherwise it walks back to the last
 * non-token char. Prose is crossed a few chars per probe.
 */
function scanTokens(text: string, want: number, out: Candidate[], skip: number[]): void {
  const n = text.length;
  let r = 0; // skip holds sorted, disjoint [start, end) pairs (PEM blocks); r walks them forward
  let i = 0;
  while (i + MIN_TOKEN <= n) {
    const j = i + MIN_TOKEN - 1;
    if (!tokenAt(text, j)) {
      i = j + 1;
      continue;
    }
    let q = j - 1;
    while (q >= i && tokenAt(text, q)) q--;
    if (q >= i) {
      i = q + 1;
      continue;
    }
    let e = j + 1;
    while (e < n && tokenAt(text, e)) e++;
    while (r < skip.length && skip[r + 1]! <= i) r += 2;
    if (!(r < skip.length && skip[r]! < e)) evaluateToken(text, i, e, want, out);
    i = e + 1;
  }
}

function evaluateToken(text: string, s: number, e: number, want: number, out: Candidate[]): void {
  const len = e - s;
  if (want & K_AWS) {
    if (len === 20 && AWS_ID_PREFIXES.has(text.slice(s, s + 4))) {
      let ok = true;
      for (let i = s + 4; i < e; i++) if (!(cls(text.charCodeAt(i)) & (C_UPPER | C_DIGIT))) ok = false;
      if (ok) {
        push(out, s, e, 'aws-key');
        return;
      }
    }
    if (len === 40 && awsSecretShape(text, s, e) && AWS_BEFORE.test(before(text, s, 160))) {
      push(out, s, e, 'aws-key');
      return;
    }
  }
  if (!(want & K_ENTROPY) || len < 24) return;
  if (knownPrefix(text, s, e)) {
    push(out, s, e, 'high-entropy');
    return;
  }
  // content ids and public material
  if (text.startsWith('base64,', s - 7) || SSH_KEY_BODY.test(text.slice(s, s + 10))) return;
  if (text.startsWith('sha', s) && SRI_PREFIX.test(text.slice(s, s + 7))) return;
  if (len <= 34 && matchIban(text, s) !== 0) return; // IBAN-shaped: personal data, not a credential
  const slash = text.indexOf('/', s);
  if (slash !== -1 && slash < e && looksLikePath(text, s, e)) {
    // evaluate each path segment on its own
    let a = s;
    for (let i = s; i <= e; i++) {
      if (i === e || text.charCodeAt(i) === 47) {
        if (i - a >= 24 && looksRandom(text, a, i)) push(out, a, i, 'high-entropy');
        a = i + 1;
      }
    }
    return;
  }
  if (looksRandom(text, s, e)) push(out, s, e, 'high-entropy');
}

function awsSecretShape(text: string, s: number, e: number): boolean {
  let upper = false;
  let lower = false;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    const k = cls(c);
    if (k & C_UPPER) upper = true;
    else if (k & C_LOWER) lower = true;
    else if (!(k & C_DIGIT) && c !== 43 && c !== 47) return false;
  }
  return upper && lower;
}

/**
 * A '/'-separated token is a path or URL when two segments are word-like (lowercase letters with
 * optional '-'/'_', or digits only), or one is and the token starts with '/'.
 */
function looksLikePath(text: string, s: number, e: number): boolean {
  let a = s;
  let words = text.charCodeAt(s) === 47 ? 1 : 0;
  for (let i = s; i <= e; i++) {
    if (i === e || text.charCodeAt(i) === 47) {
      if (i > a && wordySegment(text, a, i) && ++words >= 2) return true;
      a = i + 1;
    }
  }
  return false;
}

function wordySegment(text: string, a: number, b: number): boolean {
  let lower = 0;
  let digit = 0;
  for (let j = a; j < b; j++) {
    const c = text.charCodeAt(j);
    const k = cls(c);
    if (k & C_LOWER) lower++;
    else if (k & C_DIGIT) digit++;
    else if (c !== 45 && c !== 95) return false;
  }
  return (lower >= 2 && digit === 0) || (digit > 0 && lower === 0);
}

// ---------------------------------------------------------------------------------------------
// Entry points

/**
 * Every regular expression this module runs, for audits and the ReDoS test. Most only ever see
 * short windows (context words before a match); the ones that see whole texts are linear.
 */
export const DETECTOR_REGEXES: readonly RegExp[] = Object.freeze([
  PHONE_BEFORE,
  PHONE_AFTER,
  PHONE_BLOCKER,
  NEGATIVE_BEFORE,
  CARD_BEFORE,
  SSN_BEFORE,
  VERSION_BEFORE,
  AWS_BEFORE,
  EXT_RE,
  CLUSTER_RE,
  PEM_HEADER,
  PEM_FOOTER,
  BEARER_RE,
  AUTH_BEFORE,
  PLACEHOLDER,
  ENV_NAME,
  SSH_KEY_BODY,
  SRI_PREFIX,
  CURRENCY_CODE,
  ANY_DIGIT,
]);

function piiMask(entities?: readonly string[]): number {
  if (entities === undefined) return ALL_PII;
  let mask = 0;
  for (const e of entities) {
    const i = (PII_ENTITIES as readonly string[]).indexOf(e);
    if (i < 0) throw new RangeError(`unknown PII entity "${e}" (known: ${PII_ENTITIES.join(', ')})`);
    mask |= [W_EMAIL, W_PHONE, W_CARD, W_IBAN, W_SSN, W_IP][i]!;
  }
  return mask;
}

function secretMask(kinds?: readonly string[]): number {
  if (kinds === undefined) return ALL_SECRETS;
  let mask = 0;
  for (const k of kinds) {
    const i = (SECRET_KINDS as readonly string[]).indexOf(k);
    if (i < 0) throw new RangeError(`unknown secret kind "${k}" (known: ${SECRET_KINDS.join(', ')})`);
    mask |= [K_AWS, K_PEM, K_JWT, K_BEARER, K_ENTROPY][i]!;
  }
  return mask;
}

const ALL_PII = W_EMAIL | W_PHONE | W_CARD | W_IBAN | W_SSN | W_IP;
const ALL_SECRETS = K_AWS | K_PEM | K_JWT | K_BEARER | K_ENTROPY;

function only(spans: Span[], types: readonly string[] | undefined, all: readonly string[]): Span[] {
  if (types === undefined || new Set(types).size === all.length) return spans;
  return spans.filter((s) => types.includes(s.type));
}

/**
 * Personal data in `text`, sorted by start, without overlaps. `entities` (default: all of
 * PII_ENTITIES) filters the result; unknown names throw.
 */
export function detectPii(text: string, entities?: readonly string[]): Span[] {
  if (piiMask(entities) === 0) return [];
  const out: Candidate[] = [];
  if (text.indexOf('@') !== -1) scanEmails(text, out);
  if (text.indexOf(':') !== -1) scanIPv6(text, out);
  scanNumbers(text, ALL_PII, out);
  return only(resolve(out), entities, PII_ENTITIES);
}

/**
 * Credentials in `text`, sorted by start, without overlaps. `kinds` (default: all of SECRET_KINDS)
 * filters the result; unknown names throw.
 */
export function detectSecrets(text: string, kinds?: readonly string[]): Span[] {
  if (secretMask(kinds) === 0) return [];
  const out: Candidate[] = [];
  const skip: number[] = [];
  if (text.indexOf('-----BEGIN ') !== -1) scanPem(text, ALL_SECRETS, out, skip);
  scanJwt(text, out);
  scanBearer(text, out);
  scanTokens(text, ALL_SECRETS, out, skip);
  return only(resolve(out), kinds, SECRET_KINDS);
}

// Single-type helpers (each returns sorted spans of one type).
export const email = (text: string): Span[] => detectPii(text, ['email']);
export const phone = (text: string): Span[] => detectPii(text, ['phone']);
export const card = (text: string): Span[] => detectPii(text, ['card']);
export const iban = (text: string): Span[] => detectPii(text, ['iban']);
export const ssn = (text: string): Span[] => detectPii(text, ['ssn']);
export const ip = (text: string): Span[] => detectPii(text, ['ip']);
export const awsKey = (text: string): Span[] => detectSecrets(text, ['aws-key']);
export const privateKey = (text: string): Span[] => detectSecrets(text, ['private-key']);
export const jwt = (text: string): Span[] => detectSecrets(text, ['jwt']);
export const bearerToken = (text: string): Span[] => detectSecrets(text, ['bearer-token']);
export const highEntropy = (text: string): Span[] => detectSecrets(text, ['high-entropy']);
