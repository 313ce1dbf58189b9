/**
 * Pattern detectors for personal data (`pii`: email, phone, card, iban, ssn, ip).
 *
 * Detectors are hand-written scanners over char codes. The few regular expressions that see a
 * whole text (number clusters) have no ambiguous quantifiers; the others only see short windows
 * (context words) or run sticky with bounded repetition. Work per character is bounded by a
 * constant, so detection is linear in the text and no input can make a regex backtrack
 * catastrophically (test/guardrails/pii.test.ts feeds every one adversarial input).
 * Spans are `[start, end)` in UTF-16 code units of the original text.
 *
 * `detectPii` runs every scan and resolves overlaps by a fixed priority (more specific or
 * checksummed types win, then the longer span): email > iban > card > ssn > ip > phone. An
 * `entities` list only filters that result, so a number inside an IBAN is never reported as a phone
 * just because only phones were asked for.
 *
 * Design decisions worth knowing:
 * - phone: international numbers (`+` or `00` prefix, 8–15 digits), NANP (`(415) 555-2671`,
 *   `415-555-2671`, `415.555.2671`, `415 555 2671`, optional leading `1`), national numbers with a
 *   trunk `0` (`020 7946 0958`, `030 12345678`, `01 23 45 67 89`, `(08) 8747 6301`, 9–12 digits,
 *   at least two groups) and a parenthesised area code (`(64) 3591-3246`). Looser local formats
 *   (`9469 9966`, `5403926876`) only count next to a phone word (phone, tel, mobile, fax, call …).
 *   Extensions (`x123`, `ext. 12`) belong to the span. Currency signs, `#`, version words and
 *   order/invoice/tracking words in front veto a number that has no phone word near it.
 */

import { PII_ENTITIES, type PiiEntity } from '../kinds.js';
import { type Candidate, only, resolve, typeMask } from '../scan/candidates.js';
import type { Span } from '../types.js';
import { W_CARD, W_EMAIL, W_IBAN, W_IP, W_PHONE, W_SSN } from './cluster.js';
import {
  ANY_DIGIT,
  CARD_BEFORE,
  EXT_RE,
  NEGATIVE_BEFORE,
  PHONE_AFTER,
  PHONE_BEFORE,
  PHONE_BLOCKER,
  SSN_BEFORE,
  VERSION_BEFORE,
} from './context.js';
import { scanEmails, scanIPv6 } from './email-ip.js';
import { CLUSTER_RE, CURRENCY_CODE, scanNumbers } from './numbers.js';

/** Each entity's bit in the `want` masks the scanners take. */
const PII_BITS: Readonly<Record<PiiEntity, number>> = {
  email: W_EMAIL,
  phone: W_PHONE,
  card: W_CARD,
  iban: W_IBAN,
  ssn: W_SSN,
  ip: W_IP,
};

const ALL_PII = typeMask(undefined, PII_BITS, PII_ENTITIES, 'PII entity');

/**
 * Every regular expression the PII detectors run, for audits and the ReDoS test. Most only ever
 * see short windows (context words before a match); the ones that see whole texts are linear.
 */
export const PII_REGEXES: readonly RegExp[] = Object.freeze([
  PHONE_BEFORE,
  PHONE_AFTER,
  PHONE_BLOCKER,
  NEGATIVE_BEFORE,
  CARD_BEFORE,
  SSN_BEFORE,
  VERSION_BEFORE,
  EXT_RE,
  CLUSTER_RE,
  CURRENCY_CODE,
  ANY_DIGIT,
]);

/**
 * Personal data in `text`, sorted by start, without overlaps. `entities` (default: all of
 * PII_ENTITIES) filters the result; unknown names throw.
 */
export function detectPii(text: string, entities?: readonly string[]): Span[] {
  if (typeMask(entities, PII_BITS, PII_ENTITIES, 'PII entity') === 0) return [];
  const out: Candidate[] = [];
  if (text.indexOf('@') !== -1) scanEmails(text, out);
  if (text.indexOf(':') !== -1) scanIPv6(text, out);
  scanNumbers(text, ALL_PII, out);
  return only(resolve(out), entities, PII_ENTITIES);
}
