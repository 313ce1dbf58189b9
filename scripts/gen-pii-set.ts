// Seeded generator of the labelled PII/secrets set used by test/guardrails and bench/guardrails-pii.js.
// Writes test/fixtures/pii/generated.jsonl: {"text", "spans": [{"type", "start", "end"}]} per line.
// Realistic sentences with invented names around real-format values (Luhn-valid cards of several
// brands and groupings, mod-97-valid IBANs, valid SSNs, emails, phones of several countries,
// IPv4/IPv6, AWS keys, JWTs, PEM keys, bearer headers, API keys) and look-alike negatives that carry
// no span: invalid-Luhn cards, IBANs with bad check digits, SSNs with invalid ranges, dates, times,
// prices, order/tracking numbers, versions, ISBNs, UUIDs, hex hashes, short phone-like numbers,
// identifiers, paths and public key material.
//
// Usage: npx tsx scripts/gen-pii-set.ts [--rows 3000] [--seed 20240611] [--out path]
// Everything random comes from the PRNG below, so the same seed writes the same file byte for byte.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GeneratedSpan {
  type: string;
  start: number;
  end: number;
}
export interface GeneratedRow {
  text: string;
  spans: GeneratedSpan[];
}

// ------------------------------------------------------------------------------------------------
// PRNG: sfc32 seeded through splitmix32 (no Math.random anywhere).

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }
  /** Uniform float in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }
  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.float() < p;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(48 + this.int(0, 9));
    return s;
  }
  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(0, alphabet.length - 1)];
    return s;
  }
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const B62 = UPPER + LOWER + DIGITS;
const B64 = `${B62}+/`;
const B64URL = `${B62}-_`;
const HEX = '0123456789abcdef';

// ------------------------------------------------------------------------------------------------
// Invented people, companies and places.

const FIRST = [
  'Dana',
  'Mirela',
  'Okonkwo',
  'Tavish',
  'Liesl',
  'Bronwen',
  'Kasimir',
  'Yusra',
  'Ottilie',
  'Ravindra',
  'Soren',
  'Amaya',
  'Thibault',
  'Nneka',
  'Corwin',
  'Ilse',
  'Matteo',
  'Saoirse',
  'Hakon',
  'Priyanka',
  'Esme',
  'Dmitri',
  'Farida',
  'Lucan',
  'Marisol',
  'Teodor',
  'Wren',
  'Zuzana',
  'Ignatius',
  'Keiko',
];
const LAST = [
  'Vandermeer',
  'Oyelaran',
  'Castellanos',
  'Brightwater',
  'Halvorsen',
  'Quillfeather',
  'Nakashima',
  'Dubrovsky',
  'Achterberg',
  'Montague',
  'Szabados',
  'Ferreira-Lund',
  'Okafor',
  'Lindqvist',
  'Pemberton',
  'Rosenthal',
  'Abernathy',
  'Kowalczyk',
  'Delacroix',
  'Mwangi',
  'Harcourt',
  'Eskildsen',
  'Varga',
  'Tremblay',
];
const COMPANIES = [
  'Northwind Freight',
  'Bluefen Labs',
  'Halcyon Dental',
  'Ostara Bikes',
  'Quarry & Vale',
  'Lumen Grocers',
];
const DOMAINS = [
  'example.com',
  'example.org',
  'mail.example.net',
  'brightlane.io',
  'northwind-freight.co.uk',
  'bluefen.dev',
  'halcyon-dental.de',
  'ostara.fr',
  'quarryvale.com.au',
  'lumen.nl',
  'post.example.es',
  'corp.example.it',
];
const CITIES = [
  'Leeds',
  'Lyon',
  'Graz',
  'Utrecht',
  'Porto',
  'Aarhus',
  'Tacoma',
  'Geelong',
  'Bergen',
  'Trieste',
];

function person(r: Rng): string {
  return `${r.pick(FIRST)} ${r.pick(LAST)}`;
}

// ------------------------------------------------------------------------------------------------
// Values (positives).

export function luhnCheckDigit(body: string): number {
  let sum = 0;
  let double = true;
  for (let i = body.length - 1; i >= 0; i--) {
    let d = body.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}

interface Brand {
  name: string;
  prefix: (r: Rng) => string;
  length: number;
  groups: number[][];
}

const BRANDS: Brand[] = [
  { name: 'Visa', prefix: () => '4', length: 16, groups: [[4, 4, 4, 4]] },
  { name: 'Visa', prefix: () => '4', length: 13, groups: [[4, 4, 5]] },
  { name: 'Mastercard', prefix: (r) => String(r.int(51, 55)), length: 16, groups: [[4, 4, 4, 4]] },
  { name: 'Mastercard', prefix: (r) => String(r.int(2221, 2720)), length: 16, groups: [[4, 4, 4, 4]] },
  { name: 'American Express', prefix: (r) => r.pick(['34', '37']), length: 15, groups: [[4, 6, 5]] },
  {
    name: 'Discover',
    prefix: (r) => r.pick(['6011', '65', '644', '649']),
    length: 16,
    groups: [[4, 4, 4, 4]],
  },
  { name: 'Diners Club', prefix: (r) => r.pick(['300', '305', '36', '38']), length: 14, groups: [[4, 6, 4]] },
  { name: 'JCB', prefix: (r) => String(r.int(3528, 3589)), length: 16, groups: [[4, 4, 4, 4]] },
  { name: 'UnionPay', prefix: () => '62', length: 16, groups: [[4, 4, 4, 4]] },
  { name: 'Maestro', prefix: (r) => r.pick(['6759', '5018', '6304']), length: 19, groups: [[4, 4, 4, 4, 3]] },
  { name: 'Visa', prefix: () => '4', length: 19, groups: [[4, 4, 4, 4, 3]] },
];

function cardNumber(r: Rng, valid = true): { digits: string; brand: string; text: string } {
  const brand = r.pick(BRANDS);
  const p = brand.prefix(r);
  const body = p + r.digits(brand.length - p.length - 1);
  let check = luhnCheckDigit(body);
  if (!valid) check = (check + r.int(1, 9)) % 10;
  const digits = body + check;
  const style = r.int(0, 9);
  let text = digits;
  if (style < 7) {
    const sep = style < 5 ? ' ' : '-';
    const groups = r.pick(brand.groups);
    const parts: string[] = [];
    let at = 0;
    for (const g of groups) {
      parts.push(digits.slice(at, at + g));
      at += g;
    }
    text = parts.join(sep);
  }
  return { digits, brand: brand.name, text };
}

interface IbanSpec {
  cc: string;
  bban: (r: Rng) => string;
}
const IBAN_SPECS: IbanSpec[] = [
  { cc: 'DE', bban: (r) => r.digits(18) },
  { cc: 'GB', bban: (r) => r.chars(UPPER, 4) + r.digits(14) },
  { cc: 'FR', bban: (r) => r.digits(10) + r.chars(UPPER + DIGITS, 11) + r.digits(2) },
  { cc: 'NL', bban: (r) => r.chars(UPPER, 4) + r.digits(10) },
  { cc: 'ES', bban: (r) => r.digits(20) },
  { cc: 'IT', bban: (r) => r.chars(UPPER, 1) + r.digits(10) + r.chars(UPPER + DIGITS, 12) },
  { cc: 'BE', bban: (r) => r.digits(12) },
  { cc: 'CH', bban: (r) => r.digits(5) + r.chars(UPPER + DIGITS, 12) },
  { cc: 'AT', bban: (r) => r.digits(16) },
  { cc: 'PL', bban: (r) => r.digits(24) },
  { cc: 'SE', bban: (r) => r.digits(20) },
  { cc: 'NO', bban: (r) => r.digits(11) },
  { cc: 'DK', bban: (r) => r.digits(14) },
  { cc: 'IE', bban: (r) => r.chars(UPPER, 4) + r.digits(14) },
  { cc: 'PT', bban: (r) => r.digits(21) },
  { cc: 'FI', bban: (r) => r.digits(14) },
];

function mod97(s: string): number {
  let rem = 0;
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    rem = c <= 57 ? (rem * 10 + c - 48) % 97 : (rem * 100 + c - 55) % 97;
  }
  return rem;
}

function ibanValue(r: Rng, valid = true): string {
  const spec = r.pick(IBAN_SPECS);
  const bban = spec.bban(r);
  let check = 98 - mod97(`${bban}${spec.cc}00`);
  if (!valid) check = ((check - 2 + r.int(1, 96)) % 97) + 2; // any other check value 02–98
  const raw = `${spec.cc}${String(check).padStart(2, '0')}${bban}`;
  const grouped = r.chance(0.55);
  return grouped ? (raw.match(/.{1,4}/g) ?? []).join(' ') : raw;
}

function ssnValue(r: Rng): string {
  let area = r.int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, '0')}-${String(r.int(1, 99)).padStart(2, '0')}-${String(r.int(1, 9999)).padStart(4, '0')}`;
}

function badSsn(r: Rng): string {
  const kind = r.int(0, 4);
  const area =
    kind === 0 ? '000' : kind === 1 ? '666' : kind === 2 ? String(r.int(900, 999)) : String(r.int(101, 665));
  const group = kind === 3 ? '00' : String(r.int(10, 99));
  const serial = kind === 4 ? '0000' : String(r.int(1000, 9999));
  return `${area}-${group}-${serial}`;
}

function emailValue(r: Rng): string {
  const f = r.pick(FIRST).toLowerCase();
  const l = r
    .pick(LAST)
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  const local = r.pick([
    `${f}.${l}`,
    `${f[0]}${l}`,
    `${f}_${l}${r.int(1, 99)}`,
    `${f}+${r.pick(['billing', 'news', 'work'])}`,
    `${l}.${f}`,
    `${f}${r.int(1970, 2005)}`,
  ]);
  const domain = r.pick(DOMAINS);
  return r.chance(0.1) ? `${local[0]!.toUpperCase()}${local.slice(1)}@${domain}` : `${local}@${domain}`;
}

function nanp(r: Rng): [string, string, string] {
  return [String(r.int(201, 989)), String(r.int(200, 999)), r.digits(4)];
}

function phoneValue(r: Rng): string {
  const country = r.int(0, 11);
  switch (country) {
    case 0:
    case 1: {
      const [a, e, l] = nanp(r);
      return r.pick([
        `(${a}) ${e}-${l}`,
        `${a}-${e}-${l}`,
        `${a}.${e}.${l}`,
        `${a} ${e} ${l}`,
        `(${a})${e}-${l}`,
        `1-${a}-${e}-${l}`,
      ]);
    }
    case 2: {
      const [a, e, l] = nanp(r);
      return r.pick([`+1${a}${e}${l}`, `+1 ${a} ${e} ${l}`, `+1-${a}-${e}-${l}`, `+1 (${a}) ${e}-${l}`]);
    }
    case 3: {
      // UK
      const london = `20 ${r.int(3, 8)}${r.digits(3)} ${r.digits(4)}`;
      const mobile = `7${r.int(100, 999)} ${r.digits(6)}`;
      return r.pick([
        `0${london}`,
        `+44 ${london}`,
        `0${mobile}`,
        `+44 ${mobile}`,
        `(0${london.slice(0, 2)}) ${london.slice(3)}`,
      ]);
    }
    case 4: {
      // Germany
      const area = r.pick(['30', '40', '89', '221', '69', '711']);
      const sub = r.digits(area.length === 2 ? 8 : 7);
      return r.pick([
        `0${area} ${sub}`,
        `+49 ${area} ${sub}`,
        `+49 (0)${area} ${sub}`,
        `0${area}/${sub}`,
        `0${area}-${sub}`,
      ]);
    }
    case 5: {
      // France
      const first = r.pick(['1', '2', '3', '4', '5', '6', '7', '9']);
      const pairs = [r.digits(2), r.digits(2), r.digits(2), r.digits(2)];
      return r.pick([
        `0${first} ${pairs.join(' ')}`,
        `0${first}.${pairs.join('.')}`,
        `+33 ${first} ${pairs.join(' ')}`,
      ]);
    }
    case 6: {
      // Netherlands
      return r.pick([
        `020 ${r.digits(3)} ${r.digits(4)}`,
        `+31 20 ${r.digits(3)} ${r.digits(4)}`,
        `06-${r.digits(8)}`,
        `+31 6 ${r.digits(8)}`,
      ]);
    }
    case 7: {
      // Spain, Italy
      return r.pick([
        `+34 9${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
        `+39 06 ${r.digits(4)} ${r.digits(4)}`,
        `+39 3${r.digits(2)} ${r.digits(3)} ${r.digits(4)}`,
      ]);
    }
    case 8: {
      // Australia
      return r.pick([
        `(02) ${r.digits(4)} ${r.digits(4)}`,
        `+61 2 ${r.digits(4)} ${r.digits(4)}`,
        `04${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
      ]);
    }
    case 9: {
      // India, Brazil, Japan
      return r.pick([
        `+91 ${r.int(70000, 99999)} ${r.digits(5)}`,
        `+55 11 9${r.digits(4)}-${r.digits(4)}`,
        `+81 3-${r.digits(4)}-${r.digits(4)}`,
        `03-${r.digits(4)}-${r.digits(4)}`,
      ]);
    }
    case 10: {
      // Switzerland, Sweden, Belgium
      return r.pick([
        `+41 44 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
        `044 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
        `+46 8 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
        `04${r.int(60, 99)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
      ]);
    }
    default: {
      // international with 00 prefix, and extensions
      const [a, e, l] = nanp(r);
      return r.pick([
        `0044 20 ${r.int(3, 8)}${r.digits(3)} ${r.digits(4)}`,
        `0049 30 ${r.digits(8)}`,
        `${a}-${e}-${l} x${r.int(10, 9999)}`,
        `+1 ${a} ${e} ${l}`,
      ]);
    }
  }
}

function ipv4(r: Rng): string {
  return r.pick([
    () => `${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
    () => `192.168.${r.int(0, 255)}.${r.int(1, 254)}`,
    () => `10.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
    () => `172.${r.int(16, 31)}.${r.int(0, 255)}.${r.int(1, 254)}`,
  ])();
}

function hexGroup(r: Rng, full = false): string {
  const g = r.chars(HEX, full ? 4 : r.int(1, 4));
  return full ? g : g.replace(/^0+(?=.)/, '');
}

function ipv6(r: Rng): string {
  const kind = r.int(0, 5);
  const groups = (n: number, full = false) => Array.from({ length: n }, () => hexGroup(r, full));
  let v: string;
  if (kind === 0) v = groups(8, true).join(':');
  else if (kind === 1) v = groups(8).join(':');
  else if (kind === 2) v = `2001:db8::${groups(r.int(1, 3)).join(':')}`;
  else if (kind === 3) v = `fe80::${groups(4).join(':')}`;
  else if (kind === 4) {
    const left = r.int(1, 4);
    const right = r.int(1, 6 - left);
    v = `${groups(left).join(':')}::${groups(right).join(':')}`;
  } else v = r.pick(['::1', `::ffff:${ipv4(r)}`, `2001:db8:${hexGroup(r)}::${hexGroup(r)}`]);
  // make sure there is a decimal digit (addresses made only of a–f letters are vanishingly rare)
  if (!/\d/.test(v)) v = `2001:${v.replace(/^:/, '')}`;
  return r.chance(0.15) ? v.toUpperCase() : v;
}

function awsKeyId(r: Rng): string {
  return r.pick(['AKIA', 'AKIA', 'AKIA', 'ASIA']) + r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16);
}
function awsSecret(r: Rng): string {
  for (;;) {
    const s = r.chars(B64, 40);
    if (/[A-Z]/.test(s) && /[a-z]/.test(s)) return s;
  }
}

function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}
function jwtValue(r: Rng): string {
  const alg = r.pick(['HS256', 'RS256', 'ES256', 'HS512']);
  const header = r.chance(0.7)
    ? `{"alg":"${alg}","typ":"JWT"}`
    : `{"typ":"JWT","alg":"${alg}","kid":"${r.chars(B62, 8)}"}`;
  const payload = JSON.stringify({
    sub: r.chance(0.5) ? String(r.int(1000, 9999999)) : r.chars(B62, 12),
    name: person(r),
    iat: 1_700_000_000 + r.int(0, 30_000_000),
    ...(r.chance(0.5) ? { role: r.pick(['admin', 'user', 'support']) } : {}),
  });
  const sigLen = alg.startsWith('HS256') ? 43 : alg === 'HS512' ? 86 : alg === 'ES256' ? 86 : 342;
  return `${b64url(header)}.${b64url(payload)}.${r.chars(B64URL, sigLen)}`;
}

function pemValue(r: Rng, kind: 'private' | 'public' | 'cert', escaped = false): string {
  const label =
    kind === 'private'
      ? r.pick([
          'RSA PRIVATE KEY',
          'PRIVATE KEY',
          'EC PRIVATE KEY',
          'OPENSSH PRIVATE KEY',
          'ENCRYPTED PRIVATE KEY',
        ])
      : kind === 'public'
        ? 'PUBLIC KEY'
        : 'CERTIFICATE';
  const lines = r.int(2, 6);
  const body: string[] = [];
  for (let i = 0; i < lines; i++) body.push(r.chars(B64, i === lines - 1 ? r.int(8, 60) : 64));
  body[body.length - 1] += r.pick(['', '=', '==']);
  const nl = escaped ? '\\n' : '\n';
  return `-----BEGIN ${label}-----${nl}${body.join(nl)}${nl}-----END ${label}-----`;
}

function opaqueToken(r: Rng): string {
  return r.pick([
    () => r.chars(B62, r.int(24, 48)),
    () => `${r.chars(B62, 16)}.${r.chars(B62, 24)}`,
    () => `${r.chars(B64URL, r.int(32, 60))}`,
    () => `ya29.${r.chars(B64URL, 60)}`,
  ])();
}

function apiKeyValue(r: Rng): string {
  return r.pick([
    () => r.chars(B62, r.int(24, 48)),
    () => r.chars(B62, 32),
    () => `sk_live_${r.chars(B62, 24)}`,
    () => `ghp_${r.chars(B62, 36)}`,
    () => `xoxb-${r.digits(12)}-${r.digits(13)}-${r.chars(B62, 24)}`,
    () => `${r.chars(B64, 40)}`,
    () => `AIza${r.chars(B64URL, 35)}`,
    () => `glpat-${r.chars(B62, 20)}`,
  ])();
}

// ------------------------------------------------------------------------------------------------
// Look-alike negatives (values that carry no span).

function negativeValue(r: Rng): string {
  const kind = r.int(0, 27);
  switch (kind) {
    case 0:
      return `card ${cardNumber(r, false).text}`;
    case 1:
      return `IBAN ${ibanValue(r, false)}`;
    case 2:
      return `SSN ${badSsn(r)}`;
    case 3:
      return r.pick([
        `on ${r.int(2015, 2030)}-${pad2(r.int(1, 12))}-${pad2(r.int(1, 28))}`,
        `on ${pad2(r.int(1, 28))}/${pad2(r.int(1, 12))}/${r.int(2015, 2030)}`,
        `on ${pad2(r.int(1, 28))}.${pad2(r.int(1, 12))}.${r.int(2015, 2030)}`,
      ]);
    case 4:
      return r.pick([
        `at ${pad2(r.int(0, 23))}:${pad2(r.int(0, 59))}`,
        `at ${pad2(r.int(0, 23))}:${pad2(r.int(0, 59))}:${pad2(r.int(0, 59))}`,
        `at ${r.int(2020, 2029)}-${pad2(r.int(1, 12))}-${pad2(r.int(1, 28))}T${pad2(r.int(0, 23))}:${pad2(r.int(0, 59))}:${pad2(r.int(0, 59))}Z`,
      ]);
    case 5:
      return r.pick([
        `$${r.int(1, 99)},${r.digits(3)}.${r.digits(2)}`,
        `€${r.int(1, 999)},${r.digits(2)}`,
        `${r.int(1, 99)} ${r.digits(3)},${r.digits(2)} €`,
        `USD ${r.int(100, 999)},${r.digits(3)}.00`,
        `£${r.int(1, 9)},${r.digits(3)}`,
      ]);
    case 6:
      return r.pick([
        `order #${r.digits(r.int(6, 10))}`,
        `order ORD-${r.int(2019, 2025)}-${r.digits(6)}`,
        `order number ${r.int(1, 9)}${r.digits(r.int(9, 15))}`,
        `invoice INV-${r.int(2019, 2025)}${r.digits(4)}-${r.digits(4)}`,
      ]);
    case 7:
      return r.pick([
        `tracking 1Z${r.chars(UPPER + DIGITS, 16)}`,
        `tracking number 9400 ${r.digits(4)} ${r.digits(4)} ${r.digits(4)} ${r.digits(4)} ${r.digits(2)}`,
        `parcel ${r.digits(12)}`,
      ]);
    case 8:
      return r.pick([
        `version ${r.int(0, 20)}.${r.int(0, 30)}.${r.int(0, 99)}`,
        `v${r.int(0, 9)}.${r.int(0, 20)}.${r.int(0, 20)}`,
        `version ${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 99)}`,
        `Chrome/${r.int(90, 130)}.0.${r.int(1000, 6999)}.${r.int(10, 200)}`,
      ]);
    case 9:
      return r.pick([
        `ISBN 978-${r.int(0, 9)}-${r.digits(2)}-${r.digits(6)}-${r.int(0, 9)}`,
        `ISBN ${r.int(0, 9)}-${r.digits(3)}-${r.digits(5)}-${r.int(0, 9)}`,
        `ISBN 979${r.digits(10)}`,
      ]);
    case 10:
      return `request ${r.chars(HEX, 8)}-${r.chars(HEX, 4)}-4${r.chars(HEX, 3)}-${r.pick(['8', '9', 'a', 'b'])}${r.chars(HEX, 3)}-${r.chars(HEX, 12)}`;
    case 11:
      return r.pick([
        `commit ${r.chars(HEX, 40)}`,
        `sha256 ${r.chars(HEX, 64)}`,
        `short hash ${r.chars(HEX, 7)}`,
        `digest md5:${r.chars(HEX, 32)}`,
      ]);
    case 12:
      return r.pick([
        'call 911',
        'dial 112',
        `extension ${r.int(100, 9999)}`,
        `room ${r.int(100, 4999)}`,
        `text STOP to ${r.int(10000, 99999)}`,
        `PIN ${r.digits(4)}`,
        `call ${r.int(100, 999)}-${r.digits(3)}`,
      ]);
    case 13:
      return r.pick([
        `zip ${r.digits(5)}`,
        `ZIP ${r.digits(5)}-${r.digits(4)}`,
        `${r.int(1, 999)} ${r.pick(['km', 'kg', 'MB', 'ms'])}`,
        `coordinates ${r.int(10, 60)}.${r.digits(4)}, -${r.int(10, 130)}.${r.digits(4)}`,
      ]);
    case 14:
      return r.pick([
        'getUserAccountSettingsById',
        'AbstractSingletonProxyFactoryBean',
        'MAX_RETRY_COUNT_FOR_UPLOADS_V2',
        'handleCheckoutSessionCompleted2024',
        'src/guardrails/pii/detectors.test.ts',
        'com.example.payments.InvoiceService',
        'customer_lifetime_value_q3_2024_final',
      ]);
    case 15:
      return r.pick([
        `https://docs.example.com/api/v2/orders/${r.digits(6)}/items`,
        `/var/log/nginx/access-${r.int(2020, 2025)}${pad2(r.int(1, 12))}${pad2(r.int(1, 28))}.log.gz`,
        `IMG_${r.int(2019, 2025)}${pad2(r.int(1, 12))}${pad2(r.int(1, 28))}_${r.digits(6)}.jpg`,
      ]);
    case 16:
      return r.pick([
        'the bearer of bad news',
        'Authorization: Bearer YOUR_TOKEN_HERE',
        'Authorization: Bearer <token>',
        'send a Bearer token in the header',
        'Authorization: Bearer $API_TOKEN',
      ]);
    case 17:
      return pemValue(r, r.chance(0.5) ? 'public' : 'cert');
    case 18:
      return `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${r.chars(B64, 60)} ${r.pick(FIRST).toLowerCase()}@laptop`;
    case 19:
      return r.pick([
        `${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}`,
        `${r.int(256, 999)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(0, 255)}`,
        `${r.int(1, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}.${r.int(0, 9)}`,
        `MAC ${macAddress(r)}`,
      ]);
    case 20:
      return r.pick([`std::vector<int>`, `Foo::bar()`, `at 12:30:45`, `ratio 3:2`, `score 10:8`]);
    case 21:
      return r.pick([
        `${r.int(2, 12)} items`,
        `${r.int(10, 99)}%`,
        `${r.int(1, 9)}.${r.digits(2)} rating`,
        `#${r.digits(4)}`,
        `ticket ${r.int(10000, 99999)}`,
      ]);
    case 22:
      return `user @${r.pick(FIRST).toLowerCase()} and handle ${r.pick(FIRST).toLowerCase()}@`;
    case 23:
      return r.pick([
        `unix time ${r.int(1_500_000_000, 1_800_000_000)}`,
        `epoch ms ${r.int(1_500_000_000, 1_800_000_000)}${r.digits(3)}`,
      ]);
    case 24:
      return r.pick([
        `${r.digits(3)}-${r.digits(3)}`,
        `SKU ${r.chars(UPPER, 3)}-${r.digits(5)}`,
        `model XR-${r.digits(4)}`,
        `serial ${r.chars(UPPER + DIGITS, 12)}`,
      ]);
    case 25:
      return `account ${r.digits(8)}`;
    case 26:
      return r.pick([
        `data:image/png;base64,iVBORw0KGgo${r.chars(B64, 60)}`,
        `integrity="sha384-${r.chars(B64, 64)}"`,
      ]);
    default:
      return r.pick([
        `page ${r.int(1, 400)} of ${r.int(400, 900)}`,
        `${r.int(1, 20)}/${r.int(1, 20)}`,
        `batch ${r.digits(3)}-${r.digits(2)}-${r.digits(3)}`,
      ]);
  }
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
function macAddress(r: Rng): string {
  return Array.from({ length: 6 }, () => r.chars('0123456789ABCDEF', 2)).join(':');
}

// ------------------------------------------------------------------------------------------------
// Sentences.

type Part = string | { type: string; value: string };

function build(parts: Part[]): GeneratedRow {
  let text = '';
  const spans: GeneratedSpan[] = [];
  for (const p of parts) {
    if (typeof p === 'string') text += p;
    else {
      spans.push({ type: p.type, start: text.length, end: text.length + p.value.length });
      text += p.value;
    }
  }
  return { text, spans };
}

const E = (type: string, value: string): Part => ({ type, value });

type Template = (r: Rng) => Part[];

const POSITIVE: Record<string, Template[]> = {
  email: [
    (r) => ['Hi, this is ', person(r), ', please send the receipt to ', E('email', emailValue(r)), '.'],
    (r) => ['Contact: ', E('email', emailValue(r)), ' (', r.pick(COMPANIES), ')'],
    (r) => ['Can you cc ', E('email', emailValue(r)), ' and ', E('email', emailValue(r)), ' on the thread?'],
    (r) => ['My new address is <', E('email', emailValue(r)), '>, the old one bounced.'],
    (r) => ['"email": "', E('email', emailValue(r)), '", "name": "', person(r), '"'],
    (r) => ['mailto:', E('email', emailValue(r)), '?subject=Refund'],
  ],
  phone: [
    (r) => ['You can reach ', person(r), ' at ', E('phone', phoneValue(r)), ' after 5pm.'],
    (r) => ['Phone: ', E('phone', phoneValue(r)), '\nCity: ', r.pick(CITIES)],
    (r) => ['Please call me back on ', E('phone', phoneValue(r)), ', thanks!'],
    (r) => [r.pick(COMPANIES), ' support line ', E('phone', phoneValue(r)), ' is open weekdays.'],
    (r) => ['Mobile ', E('phone', phoneValue(r)), ' / office ', E('phone', phoneValue(r))],
    (r) => ['I moved to ', r.pick(CITIES), ', my number is now ', E('phone', phoneValue(r)), '.'],
    (r) => ['tel: ', E('phone', phoneValue(r))],
  ],
  card: [
    (r) => {
      const c = cardNumber(r);
      return ['Please charge my ', c.brand, ' card ', E('card', c.text), ' for the renewal.'];
    },
    (r) => {
      const c = cardNumber(r);
      return [
        'Card number: ',
        E('card', c.text),
        ' exp ',
        `${pad2(r.int(1, 12))}/${r.int(25, 31)}`,
        ' CVV ',
        r.digits(3),
      ];
    },
    (r) => ['I was charged twice on ', E('card', cardNumber(r).text), ', can you refund one?'],
    (r) => [
      person(r),
      ' paid with ',
      E('card', cardNumber(r).text),
      ' on ',
      `${r.int(2022, 2025)}-${pad2(r.int(1, 12))}-${pad2(r.int(1, 28))}`,
      '.',
    ],
    (r) => ['{"pan": "', E('card', cardNumber(r).text), '", "holder": "', person(r), '"}'],
  ],
  iban: [
    (r) => ['Please wire the deposit to IBAN ', E('iban', ibanValue(r)), ' (', person(r), ').'],
    (r) => [
      'My bank account: ',
      E('iban', ibanValue(r)),
      '\nBIC: ',
      r.chars(UPPER, 6),
      r.chars(UPPER + DIGITS, 2),
    ],
    (r) => [
      'Refund to ',
      E('iban', ibanValue(r)),
      ' please, reference ',
      r.chars(UPPER, 3),
      '-',
      r.digits(4),
      '.',
    ],
    (r) => ['Kontoinhaber ', person(r), ', IBAN: ', E('iban', ibanValue(r))],
  ],
  ssn: [
    (r) => ['My SSN is ', E('ssn', ssnValue(r)), ' if you need it for the form.'],
    (r) => [
      'Employee ',
      person(r),
      ', social security number ',
      E('ssn', ssnValue(r)),
      ', started ',
      `${r.int(2015, 2024)}`,
      '.',
    ],
    (r) => ['SSN: ', E('ssn', ssnValue(r).replace(/-/g, r.chance(0.5) ? '' : ' '))],
    (r) => ['Taxpayer ', person(r), ' (', E('ssn', ssnValue(r)), ') filed late.'],
  ],
  ip: [
    (r) => [
      'Login from ',
      E('ip', ipv4(r)),
      ' was blocked at ',
      `${pad2(r.int(0, 23))}:${pad2(r.int(0, 59))}`,
      '.',
    ],
    (r) => ['The server at ', E('ip', ipv6(r)), ' stopped answering.'],
    (r) => ['client_ip=', E('ip', ipv4(r)), ' user=', r.pick(FIRST).toLowerCase(), ' status=403'],
    (r) => ['Allow ', E('ip', ipv4(r)), ' and ', E('ip', ipv6(r)), ' in the firewall.'],
    (r) => ['ssh admin@', E('ip', ipv4(r)), ' -p ', String(r.int(1024, 65000))],
    (r) => ['curl http://[', E('ip', ipv6(r)), ']:8080/health'],
    (r) => ['Gateway ', E('ip', ipv4(r)), '/', String(r.int(8, 30)), ', DNS ', E('ip', ipv4(r)), '.'],
  ],
  'aws-key': [
    (r) => [
      'aws_access_key_id = ',
      E('aws-key', awsKeyId(r)),
      '\naws_secret_access_key = ',
      E('aws-key', awsSecret(r)),
    ],
    (r) => ['export AWS_ACCESS_KEY_ID=', E('aws-key', awsKeyId(r))],
    (r) => ['The deploy failed with key ', E('aws-key', awsKeyId(r)), ', can you rotate it?'],
    (r) => [
      '{"AccessKeyId": "',
      E('aws-key', awsKeyId(r)),
      '", "SecretAccessKey": "',
      E('aws-key', awsSecret(r)),
      '"}',
    ],
  ],
  'private-key': [
    (r) => ['Here is the deploy key:\n', E('private-key', pemValue(r, 'private')), '\nplease keep it safe.'],
    (r) => ['{"private_key": "', E('private-key', pemValue(r, 'private', true)), '\\n"}'],
    (r) => ['key.pem:\n', E('private-key', pemValue(r, 'private'))],
  ],
  jwt: [
    (r) => ['My session token is ', E('jwt', jwtValue(r)), ' and it expired.'],
    (r) => ['Cookie: session=', E('jwt', jwtValue(r)), '; Path=/'],
    (r) => ['{"id_token": "', E('jwt', jwtValue(r)), '"}'],
  ],
  'bearer-token': [
    (r) => ['Authorization: Bearer ', E('bearer-token', opaqueToken(r))],
    (r) => [
      "curl -H 'Authorization: Bearer ",
      E('bearer-token', opaqueToken(r)),
      "' https://api.example.com/v1/me",
    ],
    (r) => ['I sent Bearer ', E('bearer-token', r.chars(B62, r.int(24, 40))), ' but got 401.'],
    (r) => [
      'headers: {"Authorization": "Bearer ',
      E('bearer-token', r.chance(0.5) ? opaqueToken(r) : jwtValue(r)),
      '"}',
    ],
  ],
  'high-entropy': [
    (r) => ['API_KEY=', E('high-entropy', apiKeyValue(r))],
    (r) => ['client_secret: "', E('high-entropy', apiKeyValue(r)), '"'],
    (r) => ['Use this key for staging: ', E('high-entropy', apiKeyValue(r)), ' (rotate monthly).'],
    (r) => [
      '{"token": "',
      E('high-entropy', apiKeyValue(r)),
      '", "user": "',
      r.pick(FIRST).toLowerCase(),
      '"}',
    ],
    (r) => ['https://hooks.example.com/services/', E('high-entropy', r.chars(B62, r.int(24, 40)))],
  ],
};

const FILLER = [
  'Thanks in advance.',
  'Let me know if you need anything else.',
  'This is urgent, the customer is waiting.',
  'Sorry for the long message.',
  '',
  '',
];

const NEGATIVE_TEMPLATES: Template[] = [
  (r) => [person(r), ' mentioned ', negativeValue(r), ' in the ticket.'],
  (r) => ['Note: ', negativeValue(r), '.'],
  (r) => [
    'Please check ',
    negativeValue(r),
    ' and ',
    negativeValue(r),
    ' before ',
    `${pad2(r.int(1, 28))}/${pad2(r.int(1, 12))}`,
    '.',
  ],
  (r) => ['The log says ', negativeValue(r), ', nothing else.'],
  (r) => [negativeValue(r)],
];

/** Generates `rows` rows from `seed`; the same arguments give the same rows. */
export function generate(rows = 3000, seed = 20240611): GeneratedRow[] {
  const r = new Rng(seed);
  const types = Object.keys(POSITIVE);
  const out: GeneratedRow[] = [];
  for (let i = 0; i < rows; i++) {
    const roll = r.float();
    let parts: Part[];
    if (roll < 0.62) {
      // one type, one template
      parts = r.pick(POSITIVE[r.pick(types)]!)(r);
    } else if (roll < 0.72) {
      // two entities of different types in one message
      parts = [...r.pick(POSITIVE[r.pick(types)]!)(r), ' ', ...r.pick(POSITIVE[r.pick(types)]!)(r)];
    } else if (roll < 0.85) {
      // an entity next to a look-alike
      const pos = r.pick(POSITIVE[r.pick(types)]!)(r);
      parts = r.chance(0.5)
        ? [...pos, ' Also ', negativeValue(r), '.']
        : ['Re ', negativeValue(r), ': ', ...pos];
    } else {
      parts = r.pick(NEGATIVE_TEMPLATES)(r);
    }
    const filler = r.pick(FILLER);
    if (filler) parts = r.chance(0.5) ? [...parts, ' ', filler] : [filler, ' ', ...parts];
    out.push(build(parts));
  }
  return out;
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: string) => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
  };
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const rows = Number(opt('--rows', '3000'));
  const seed = Number(opt('--seed', '20240611'));
  const file = path.resolve(opt('--out', path.join(root, 'test/fixtures/pii/generated.jsonl')));
  const data = generate(rows, seed);
  const body = `${data.map((row) => JSON.stringify(row)).join('\n')}\n`;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, body);
  const counts: Record<string, number> = {};
  for (const row of data) for (const s of row.spans) counts[s.type] = (counts[s.type] ?? 0) + 1;
  console.log(`${file}: ${data.length} rows, ${(body.length / 1024).toFixed(0)} KB`, counts);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
