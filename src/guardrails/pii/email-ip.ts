/** Email addresses and IPv6 addresses (IPv4 is found with the other numbers). */
import type { Candidate } from '../scan/candidates.js';
import { C_ALNUM, C_HEX, C_LETTER, C_LOCAL, cls, isDigit, isWord } from '../scan/chars.js';
import { push } from './priority.js';

// ---------------------------------------------------------------------------------------------
// Email

/** Finds email addresses around each `@`. */
export function scanEmails(text: string, out: Candidate[]): void {
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

/** Finds IPv6 addresses around colons. */
export function scanIPv6(text: string, out: Candidate[]): void {
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
