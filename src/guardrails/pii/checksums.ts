/** Checksums and issuer rules that tell a real card, IBAN or SSN from a number of the same shape. */
import { C_ALNUM, cls, isDigit, isWord } from '../scan/chars.js';

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

/** An SSN outside the ranges never issued (area 000, 666, 9xx; group 00; serial 0000). */
export function ssnRangesOk(area: number, group: number, serial: number): boolean {
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

// --- IBAN

/** End of the IBAN at s; minus the end when only the checksum fails; 0 when not IBAN-shaped. */
export function matchIban(text: string, s: number): number {
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
