/** Context words around a number (tested on short windows only): they make it a phone, or veto it. */
import { before } from '../scan/chars.js';

export const PHONE_BEFORE =
  /\b(?:phone|phones|tel|telephone|mobile|mob|cell|cellphone|fax|call|calling|called|dial|text|sms|whatsapp|contact|reach|desk|landline|hotline|helpline|answering|voicemail|ring|(?:message|messages|texts) (?:to|on|at))\b/gi;
/** Words that, between a phone word and a number, say the number is something else. */
export const PHONE_BLOCKER =
  /\b(?:card|iban|account|acct|order|invoice|tracking|parcel|ref|reference|ticket|isbn|ssn|serial|sku|zip|id|version|price|total|amount|address|street|suite|apt|room|code|pin|po|purchase|flight|case|batch)\b/i;
export const PHONE_AFTER = /^[\s,]{0,3}[-(]?\s{0,2}(?:office|fax|mobile|cell|home|work|phone|tel)\b/i;
export const NEGATIVE_BEFORE =
  /\b(?:order|invoice|tracking|track|ref|reference|ticket|case|account|acct|isbn|serial|sku|part|model|confirmation|booking|reservation|transaction|txn|batch|lot|id|zip|postcode|amount|total|price|qty|version|build|receipt|policy|claim|member|customer|shipment|parcel|package|code|pin)\b[^\n\d]{0,14}$/i;
export const CARD_BEFORE =
  /\b(?:card|cards|cc|visa|mastercard|amex|american express|discover|jcb|diners|maestro|unionpay|credit|debit|pan)\b/i;
export const SSN_BEFORE = /\b(?:ssn|ssns|ss#|social security|soc\.? ?sec)/i;
export const VERSION_BEFORE =
  /\b(?:version|ver|v|release|build|firmware|fw|rev|revision|patch)[.:]?\s{0,3}$/i;
export const EXT_RE = /\s?(?:x|ext\.?|extension)\s?\d{1,6}(?!\d)/iy;
export const ANY_DIGIT = /\d/;

/** A phone word labels the next number: it must come before `pos` with no digit or blocking word between. */
export function phoneWordBefore(text: string, pos: number): boolean {
  const w = before(text, pos, 40);
  PHONE_BEFORE.lastIndex = 0;
  let last = -1;
  while (PHONE_BEFORE.exec(w) !== null) last = PHONE_BEFORE.lastIndex;
  if (last < 0) return false;
  const between = w.slice(last);
  return !ANY_DIGIT.test(between) && !PHONE_BLOCKER.test(between);
}
