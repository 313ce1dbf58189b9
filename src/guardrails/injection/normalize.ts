/**
 * Text normalisation shared by the prompt-injection heuristics and the model's features.
 *
 * The normalised text is NFKC-folded, lower-cased, stripped of Latin/Greek/Cyrillic combining
 * accents, zero-width and other invisible characters, with Unicode tag characters (U+E0000–E007F)
 * decoded back to the ASCII they smuggle, homoglyphs mapped to ASCII and every run of whitespace
 * collapsed to one space. `start[i]`/`end[i]` give, for normalised character `i`, the [start, end)
 * range of the original code point(s) it came from, so matches on the normalised text can be
 * reported in ORIGINAL coordinates (UTF-16 code units). Pure: no state survives a call except
 * caches of per-code-point mappings.
 */

export interface OffsetMap {
  /** Original start offset (UTF-16) of the code point each normalised character came from. */
  start: Int32Array;
  /** Original end offset (exclusive) of the code point each normalised character came from. */
  end: Int32Array;
}

export interface NormalizedText {
  /** The normalised text. */
  text: string;
  /** The original text. */
  source: string;
  /** The original text was plain ASCII (so is the normalised one). */
  ascii: boolean;
  /** The offset map, computed on first use (plain ASCII input skips it until a span is needed). */
  map: OffsetMap | null;
  /** Zero-width / invisible formatting characters removed. */
  invisible: number;
  /** Zero-width characters found between two letters (inside a word): the obfuscation signal. */
  invisibleInWord: number;
  /** Unicode tag characters decoded to ASCII (emoji subdivision flags excluded). */
  tagChars: number;
  /** Characters mapped from a look-alike script (Cyrillic, Greek, IPA/small capitals) to ASCII. */
  homoglyphs: number;
  /** Compatibility characters changed by NFKC (fullwidth, mathematical alphanumerics, …). */
  compat: number;
}

/** Maps a [start, end) range of the normalised text to the original text's coordinates. */
export function toOriginal(n: NormalizedText, start: number, end: number): { start: number; end: number } {
  const len = n.text.length;
  if (len === 0) return { start: 0, end: 0 };
  if (!n.map) n.map = normalizeWithMap(n.source).map;
  const s = Math.min(Math.max(start, 0), len - 1);
  const e = Math.min(Math.max(end, s + 1), len);
  return { start: n.map!.start[s]!, end: n.map!.end[e - 1]! };
}

// Invisible formatting characters: zero-width space/joiners, direction marks and embeddings, word
// joiner and invisible operators, BOM, soft hyphen, Mongolian vowel separator, combining grapheme
// joiner, Hangul fillers, variation selectors.
function isInvisible(cp: number): boolean {
  return (
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x2064) ||
    (cp >= 0x2066 && cp <= 0x206f) ||
    cp === 0xfeff ||
    cp === 0x00ad ||
    cp === 0x180e ||
    cp === 0x034f ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x3164 ||
    cp === 0xffa0 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  );
}

function isSpace(cp: number): boolean {
  return (
    cp === 0x20 ||
    (cp >= 0x09 && cp <= 0x0d) ||
    cp === 0x85 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

// Look-alikes from other scripts, one UTF-16 unit to one ASCII letter (length-preserving, so the
// offset maps stay valid). Cyrillic and Greek ones are applied only where the text is mostly Latin
// or inside a word that mixes scripts, so genuine Russian or Greek text is left alone.
const SCRIPT_CONFUSABLES: Record<string, string> = {
  // Cyrillic (lower case: the text is lower-cased first)
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  з: '3',
  і: 'i',
  ї: 'i',
  ј: 'j',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  п: 'n',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  һ: 'h',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  ь: 'b',
  г: 'r',
  ш: 'w',
  // Greek
  α: 'a',
  β: 'b',
  γ: 'y',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ϲ: 'c',
  ϳ: 'j',
};

// Latin look-alikes NFKC leaves alone (IPA letters, small capitals, dotless i): always mapped.
const LATIN_CONFUSABLES: Record<string, string> = {
  ı: 'i',
  ɑ: 'a',
  ɡ: 'g',
  ɩ: 'i',
  ɪ: 'i',
  ɴ: 'n',
  ʀ: 'r',
  ʏ: 'y',
  ʙ: 'b',
  ʜ: 'h',
  ʟ: 'l',
  ɢ: 'g',
  ᴀ: 'a',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ᴊ: 'j',
  ᴋ: 'k',
  ᴍ: 'm',
  ᴏ: 'o',
  ᴘ: 'p',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ᴢ: 'z',
  ꜱ: 's',
};

const scriptConfusable = new Int32Array(0x500); // indexed by code unit < 0x500: ASCII code or 0
for (const [k, v] of Object.entries(SCRIPT_CONFUSABLES)) scriptConfusable[k.charCodeAt(0)] = v.charCodeAt(0);

function isCyrGreek(c: number): boolean {
  return c >= 0x370 && c < 0x530;
}

// Per-code-point mapping cache for non-ASCII: the replacement string ('' = drop) and flags.
interface Mapped {
  out: string;
  compat: boolean;
  latinConfusable: boolean;
}
const cache = new Map<number, Mapped>();
const COMBINING = /[\u0300-\u036f]/g;

function mapCodePoint(cp: number): Mapped {
  let m = cache.get(cp);
  if (m) return m;
  const ch = String.fromCodePoint(cp);
  const nfkc = ch.normalize('NFKC');
  let out = nfkc.toLowerCase();
  let latinConfusable = false;
  if (out === 'ß') out = 'ss';
  else {
    let mapped = '';
    for (const c of out) {
      const l = LATIN_CONFUSABLES[c];
      if (l) {
        mapped += l;
        latinConfusable = true;
      } else mapped += c;
    }
    out = mapped;
  }
  // Accents are dropped from Latin and Greek letters only: in Cyrillic (й, ё) they make a letter.
  const base = out.charCodeAt(0);
  if (base < 0x0400 || (base >= 0x1e00 && base <= 0x1fff))
    out = out.normalize('NFD').replace(COMBINING, '').normalize('NFC');
  // NFKC can produce spaces (e.g. U+2002 is handled earlier, but "¨" → " ̈"); collapse later.
  m = { out, compat: nfkc !== ch && !latinConfusable, latinConfusable };
  if (cache.size < 65_536) cache.set(cp, m);
  return m;
}

// ASCII fast path: lower-case letters, whitespace marked as -1, controls as spaces.
const ASCII = new Int32Array(128);
for (let c = 0; c < 128; c++) {
  if (isSpace(c) || c < 0x20 || c === 0x7f) ASCII[c] = -1;
  else if (c >= 0x41 && c <= 0x5a) ASCII[c] = c + 32;
  else ASCII[c] = c;
}

function isLetterOrDigitCode(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && !isSpace(c))
  );
}

const KEEP_BUFFERS = 1 << 20;

/**
 * The output being built: normalised UTF-16 code units with, per unit, the original [start, end).
 * One instance is reused across calls (no closures over mutable locals: they would slow the loop).
 */
class Writer {
  out = new Uint16Array(4096);
  st = new Int32Array(4096);
  en = new Int32Array(4096);
  n = 0;
  pendingSpace = false;
  spaceStart = 0;
  spaceEnd = 0;
  /** `n` when the last invisible character was dropped (an invisible inside a word is a signal). */
  lastInvisibleAt = -2;
  invisibleInWord = 0;

  reset(capacity: number): void {
    if (this.out.length < capacity) this.grow(capacity);
    this.n = 0;
    this.pendingSpace = false;
    this.lastInvisibleAt = -2;
    this.invisibleInWord = 0;
  }

  grow(min: number): void {
    const size = Math.max(min, this.out.length * 2);
    const o = new Uint16Array(size);
    o.set(this.out);
    const s = new Int32Array(size);
    s.set(this.st);
    const e = new Int32Array(size);
    e.set(this.en);
    this.out = o;
    this.st = s;
    this.en = e;
  }

  /** Appends one code unit (and the space pending before it). */
  push(c: number, s: number, e: number): void {
    let n = this.n;
    if (n + 2 >= this.out.length) this.grow(n + 16);
    const out = this.out;
    if (this.pendingSpace) {
      out[n] = 0x20;
      this.st[n] = this.spaceStart;
      this.en[n] = this.spaceEnd;
      n++;
      this.pendingSpace = false;
    }
    if (
      this.lastInvisibleAt === this.n &&
      n > 0 &&
      isLetterOrDigitCode(out[n - 1]!) &&
      isLetterOrDigitCode(c)
    ) {
      this.invisibleInWord++;
    }
    out[n] = c;
    this.st[n] = s;
    this.en[n] = e;
    this.n = n + 1;
  }

  /** Marks a space (collapsed with neighbours, never leading). */
  space(s: number, e: number): void {
    if (!this.pendingSpace && this.n > 0 && this.out[this.n - 1] !== 0x20) {
      this.pendingSpace = true;
      this.spaceStart = s;
      this.spaceEnd = e;
    }
  }

  release(): void {
    if (this.out.length > KEEP_BUFFERS) {
      this.out = new Uint16Array(4096);
      this.st = new Int32Array(4096);
      this.en = new Int32Array(4096);
    }
  }
}
const W = new Writer();

// Plain ASCII: characters that need no change (printable, single spaces), and runs of whitespace or
// control characters that do (anything starting with a control, or two or more in a row).
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]| {2}/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NON_ASCII = /[^\x00-\x7f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const WHITESPACE_RUN = /[\x00-\x1f\x7f][\x00-\x20\x7f]*| [\x00-\x20\x7f]+/g;

/** The regular expressions of this module (for the ReDoS test). */
export const NORMALIZE_PATTERNS: readonly RegExp[] = [
  NOT_PRINTABLE_ASCII,
  NON_ASCII,
  WHITESPACE_RUN,
  COMBINING,
];

/**
 * Normalises `input` (see the module comment). Linear in the input length. Plain ASCII takes a fast
 * path that produces the same text and leaves the offset map to be computed if a span needs it.
 */
export function normalize(input: string): NormalizedText {
  let text: string;
  if (!NOT_PRINTABLE_ASCII.test(input)) text = input;
  else if (NON_ASCII.test(input)) return core(input, false);
  else text = input.replace(WHITESPACE_RUN, ' ');
  if (text.charCodeAt(0) === 0x20 || text.charCodeAt(text.length - 1) === 0x20) text = text.trim();
  return {
    text: text.toLowerCase(),
    source: input,
    ascii: true,
    map: null,
    invisible: 0,
    invisibleInWord: 0,
    tagChars: 0,
    homoglyphs: 0,
    compat: 0,
  };
}

/** `normalize` with the offset map computed eagerly (the reference implementation). */
export function normalizeWithMap(input: string): NormalizedText {
  return core(input, true);
}

/**
 * The full normalisation; the offset arrays are filled (and returned) only `withMap`. Long because
 * it is one linear pass filling the output and offset arrays; pieces would share every cursor.
 */
function core(input: string, withMap: boolean): NormalizedText {
  const len = input.length;
  const w = W;
  w.reset(len + 16);
  let invisible = 0;
  let tagChars = 0;
  let compat = 0;
  let latinConf = 0;
  let latinLetters = 0;
  let foreignLetters = 0;
  let afterFlag = false; // inside a 🏴 + tag-sequence emoji flag
  let inTagRun = false;

  let i = 0;
  while (i < len) {
    const c = input.charCodeAt(i);
    if (c < 128) {
      const m = ASCII[c]!;
      if (inTagRun) {
        w.space(i, i);
        inTagRun = false;
      }
      afterFlag = false;
      if (m < 0) w.space(i, i + 1);
      else {
        if (m >= 0x61 && m <= 0x7a) latinLetters++;
        w.push(m, i, i + 1);
      }
      i++;
      continue;
    }
    let cp = c;
    let size = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
      const d = input.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        size = 2;
      }
    }
    const s = i;
    i += size;
    if (cp >= 0xe0000 && cp <= 0xe007f) {
      // Unicode tags. After a black flag (🏴) they spell an emoji subdivision flag: drop them.
      if (afterFlag) {
        if (cp === 0xe007f) afterFlag = false;
        continue;
      }
      const ascii = cp - 0xe0000;
      if (ascii >= 0x20 && ascii <= 0x7e) {
        if (!inTagRun) {
          w.space(s, s);
          inTagRun = true;
        }
        tagChars++;
        const m = ASCII[ascii]!;
        if (m < 0) w.space(s, i);
        else w.push(m, s, i);
      }
      continue;
    }
    if (inTagRun) {
      w.space(s, s);
      inTagRun = false;
    }
    // A black flag may start an emoji subdivision flag spelled in tag characters.
    afterFlag = cp === 0x1f3f4;
    if (isInvisible(cp)) {
      invisible++;
      w.lastInvisibleAt = w.n;
      continue;
    }
    if (isSpace(cp)) {
      w.space(s, i);
      continue;
    }
    if (cp >= 0x0300 && cp <= 0x036f) {
      // A combining accent: dropped after Latin/Greek letters; on other letters (Cyrillic и + ̆)
      // composed with them when a precomposed letter exists, as NFKC would.
      const prev = w.n > 0 ? w.out[w.n - 1]! : 0;
      if (prev >= 0x0400 && !(prev >= 0x1e00 && prev <= 0x1fff)) {
        const composed = (String.fromCharCode(prev) + String.fromCharCode(cp)).normalize('NFC');
        if (composed.length === 1) w.out[w.n - 1] = composed.charCodeAt(0);
      }
      continue;
    }
    const mapped = mapCodePoint(cp);
    if (mapped.compat) compat++;
    if (mapped.latinConfusable) latinConf++;
    const o = mapped.out;
    for (let k = 0; k < o.length; k++) {
      const oc = o.charCodeAt(k);
      if (oc === 0x20 || isSpace(oc)) w.space(s, i);
      else if (oc >= 0x0300 && oc <= 0x036f) {
        // stray combining mark produced by a decomposition
      } else {
        if (oc >= 0x61 && oc <= 0x7a) latinLetters++;
        else if (isCyrGreek(oc)) foreignLetters++;
        w.push(oc, s, i);
      }
    }
  }
  const out = w.out;
  let n = w.n;

  // Homoglyphs from Cyrillic and Greek: everywhere when the text is mostly Latin, otherwise only
  // inside words that mix the scripts.
  let homoglyphs = latinConf;
  if (foreignLetters > 0) {
    const mostlyLatin = latinLetters > foreignLetters;
    let w = 0;
    while (w < n) {
      // find the word [w, e)
      while (w < n && out[w] === 0x20) w++;
      let e = w;
      let hasLatin = false;
      let hasForeign = false;
      while (e < n && out[e] !== 0x20) {
        const ch = out[e]!;
        if (ch >= 0x61 && ch <= 0x7a) hasLatin = true;
        else if (ch < 0x500 && scriptConfusable[ch]! > 0) hasForeign = true;
        e++;
      }
      if (hasForeign && (mostlyLatin || hasLatin)) {
        for (let k = w; k < e; k++) {
          const ch = out[k]!;
          if (ch < 0x500 && scriptConfusable[ch]! > 0) {
            out[k] = scriptConfusable[ch]!;
            homoglyphs++;
          }
        }
      }
      w = e;
    }
  }

  if (n > 0 && out[n - 1] === 0x20) n--;
  const text = Buffer.from(out.buffer, out.byteOffset, n * 2).toString('utf16le');
  const result: NormalizedText = {
    text,
    source: input,
    ascii: false,
    map: withMap ? { start: w.st.slice(0, n), end: w.en.slice(0, n) } : null,
    invisible,
    invisibleInWord: w.invisibleInWord,
    tagChars,
    homoglyphs,
    compat,
  };
  w.release();
  return result;
}
