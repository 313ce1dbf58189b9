/** Character classes over ASCII char codes, shared by the PII and secret scanners. */
export const C_DIGIT = 1;
export const C_UPPER = 2;
export const C_LOWER = 4;
const C_SYM = 8; // + / = _ -  (token characters of base64 / base64url / identifiers)
export const C_HEX = 16;
export const C_LOCAL = 32; // email local part
const C_DOMAIN = 64; // email domain
export const C_ALNUM = C_DIGIT | C_UPPER | C_LOWER;
export const C_LETTER = C_UPPER | C_LOWER;
export const C_TOKEN = C_ALNUM | C_SYM;

const CT = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CT[c] = C_DIGIT | C_HEX | C_LOCAL | C_DOMAIN;
for (let c = 65; c <= 90; c++) CT[c] = C_UPPER | C_LOCAL | C_DOMAIN | (c <= 70 ? C_HEX : 0);
for (let c = 97; c <= 122; c++) CT[c] = C_LOWER | C_LOCAL | C_DOMAIN | (c <= 102 ? C_HEX : 0);
for (const ch of '+/=_-') CT[ch.charCodeAt(0)]! |= C_SYM;
for (const ch of '._%+-') CT[ch.charCodeAt(0)]! |= C_LOCAL;
for (const ch of '.-') CT[ch.charCodeAt(0)]! |= C_DOMAIN;

/** Class bits of a char code (0 for non-ASCII and for NaN past either end of the text). */
export function cls(c: number): number {
  return c < 128 ? CT[c]! : 0;
}
/** An ASCII digit. */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** Letters, digits and `_`: characters that glue onto a match and make it part of a larger word. */
export function isWord(c: number): boolean {
  return (cls(c) & C_ALNUM) !== 0 || c === 95;
}

/** The `width` chars before `pos` (fewer at the start of the text). */
export function before(text: string, pos: number, width: number): string {
  return text.slice(pos > width ? pos - width : 0, pos);
}
