/**
 * Pattern detectors for credentials (`secrets`: aws-key, private-key, jwt, bearer-token,
 * high-entropy).
 *
 * Like the PII detectors (pii/detectors.ts), these are hand-written scanners over char codes whose
 * work per character is bounded by a constant; the regular expressions that see a whole text
 * (`Bearer …`) have no ambiguous quantifiers. Spans are `[start, end)` in UTF-16 code units.
 *
 * `detectSecrets` runs every scan and resolves overlaps by a fixed priority: private-key >
 * bearer-token > jwt > aws-key > high-entropy. A `kinds` list only filters that result.
 *
 * Design decisions worth knowing:
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

import { SECRET_KINDS, type SecretKind } from '../kinds.js';
import { matchIban } from '../pii/checksums.js';
import { type Candidate, candidatePusher, only, resolve, typeMask } from '../scan/candidates.js';
import { before, C_ALNUM, C_DIGIT, C_LETTER, C_LOWER, C_TOKEN, C_UPPER, cls, isWord } from '../scan/chars.js';
import type { Span } from '../types.js';
import { looksRandom, shannonEntropy } from './entropy.js';

/** Which kind wins an overlap. */
const SECRET_PRIORITY: Readonly<Record<SecretKind, number>> = {
  'private-key': 0,
  'bearer-token': 1,
  jwt: 2,
  'aws-key': 3,
  'high-entropy': 4,
};

const push = candidatePusher(SECRET_PRIORITY);

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

const AWS_BEFORE = /aws|amazon|secret.?access/i;

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

/** Each kind's bit in the `want` masks the scanners take. */
const SECRET_BITS: Readonly<Record<SecretKind, number>> = {
  'aws-key': K_AWS,
  'private-key': K_PEM,
  jwt: K_JWT,
  'bearer-token': K_BEARER,
  'high-entropy': K_ENTROPY,
};

const ALL_SECRETS = typeMask(undefined, SECRET_BITS, SECRET_KINDS, 'secret kind');

/** Every regular expression the secret detectors run, for audits and the ReDoS test. */
export const SECRET_REGEXES: readonly RegExp[] = Object.freeze([
  AWS_BEFORE,
  PEM_HEADER,
  PEM_FOOTER,
  BEARER_RE,
  AUTH_BEFORE,
  PLACEHOLDER,
  ENV_NAME,
  SSH_KEY_BODY,
  SRI_PREFIX,
]);

/**
 * Credentials in `text`, sorted by start, without overlaps. `kinds` (default: all of SECRET_KINDS)
 * filters the result; unknown names throw.
 */
export function detectSecrets(text: string, kinds?: readonly string[]): Span[] {
  if (typeMask(kinds, SECRET_BITS, SECRET_KINDS, 'secret kind') === 0) return [];
  const out: Candidate[] = [];
  const skip: number[] = [];
  if (text.indexOf('-----BEGIN ') !== -1) scanPem(text, ALL_SECRETS, out, skip);
  scanJwt(text, out);
  scanBearer(text, out);
  scanTokens(text, ALL_SECRETS, out, skip);
  return only(resolve(out), kinds, SECRET_KINDS);
}
