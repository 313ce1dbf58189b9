/** Numbers as clusters of digit groups: the shape every numeric PII matcher reads. */
import { before } from '../scan/chars.js';
import { NEGATIVE_BEFORE, PHONE_AFTER, phoneWordBefore } from './context.js';

/** The bits of the `want` mask: which PII types a scan looks for. */
export const W_EMAIL = 1;
export const W_PHONE = 2;
export const W_CARD = 4;
export const W_IBAN = 8;
export const W_SSN = 16;
export const W_IP = 32;

/**
 * One cluster: digit groups joined by 1–3 separator characters. Groups are stored as offsets in
 * shared arrays (the scanner is synchronous and not re-entrant).
 */
export const gS: number[] = [];
export const gE: number[] = [];
export const gSep: string[] = []; // separator before each group ('' for the first)

/** The cluster being scanned, with the context checks cached per match start. */
export class Cluster {
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

/** The one cluster the synchronous scanner reuses. */
export const cluster = new Cluster();
