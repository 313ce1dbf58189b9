import { type GuardrailCheck, PASS } from '../types.js';

// A light detector: the writing system decides for most scripts; for Latin-script text, the share
// of each language's most frequent function words decides. It needs about 20 letters to speak.

const SCRIPTS: [RegExp, string][] = [
  [/\p{Script=Hangul}/u, 'ko'],
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/u, 'ja'],
  [/\p{Script=Han}/u, 'zh'],
  [/\p{Script=Arabic}/u, 'ar'],
  [/\p{Script=Hebrew}/u, 'he'],
  [/\p{Script=Greek}/u, 'el'],
  [/\p{Script=Devanagari}/u, 'hi'],
  [/\p{Script=Thai}/u, 'th'],
  [/\p{Script=Cyrillic}/u, 'ru'],
];

const STOPWORDS: Record<string, string[]> = {
  en: [
    'the',
    'and',
    'is',
    'are',
    'to',
    'of',
    'in',
    'that',
    'it',
    'you',
    'for',
    'with',
    'this',
    'was',
    'have',
    'not',
    'be',
    'on',
    'my',
    'can',
  ],
  de: [
    'der',
    'die',
    'das',
    'und',
    'ist',
    'nicht',
    'ich',
    'sie',
    'es',
    'zu',
    'mit',
    'den',
    'ein',
    'eine',
    'auf',
    'für',
    'sich',
    'von',
    'wir',
    'bitte',
  ],
  fr: [
    'le',
    'la',
    'les',
    'et',
    'est',
    'des',
    'une',
    'un',
    'je',
    'vous',
    'pas',
    'que',
    'pour',
    'dans',
    'avec',
    'mon',
    'ce',
    'sur',
    'qui',
    'merci',
  ],
  es: [
    'el',
    'la',
    'los',
    'las',
    'y',
    'es',
    'que',
    'de',
    'en',
    'un',
    'una',
    'por',
    'para',
    'con',
    'no',
    'mi',
    'se',
    'del',
    'al',
    'gracias',
  ],
  it: [
    'il',
    'la',
    'che',
    'di',
    'e',
    'è',
    'non',
    'un',
    'una',
    'per',
    'con',
    'sono',
    'mi',
    'ho',
    'del',
    'della',
    'gli',
    'questo',
    'grazie',
    'anche',
  ],
  pt: [
    'o',
    'a',
    'os',
    'as',
    'que',
    'de',
    'não',
    'um',
    'uma',
    'para',
    'com',
    'meu',
    'minha',
    'é',
    'em',
    'do',
    'da',
    'por',
    'obrigado',
    'você',
  ],
  nl: [
    'de',
    'het',
    'een',
    'en',
    'is',
    'niet',
    'ik',
    'van',
    'dat',
    'met',
    'voor',
    'op',
    'zijn',
    'je',
    'mijn',
    'wij',
    'maar',
    'ook',
    'bedankt',
    'dit',
  ],
  sv: [
    'och',
    'att',
    'det',
    'är',
    'som',
    'en',
    'på',
    'inte',
    'jag',
    'för',
    'med',
    'har',
    'till',
    'den',
    'av',
    'min',
    'vi',
    'kan',
    'tack',
    'om',
  ],
  pl: [
    'i',
    'w',
    'nie',
    'na',
    'się',
    'z',
    'jest',
    'to',
    'że',
    'do',
    'mój',
    'moja',
    'jak',
    'ale',
    'czy',
    'dla',
    'tak',
    'ten',
    'dziękuję',
    'proszę',
  ],
  tr: [
    've',
    'bir',
    'bu',
    'da',
    'de',
    'için',
    'ile',
    'ne',
    'çok',
    'ben',
    'sen',
    'mi',
    'değil',
    'var',
    'yok',
    'gibi',
    'daha',
    'olarak',
    'teşekkürler',
    'lütfen',
  ],
};

const WORDS = new Map<string, string[]>();
for (const [lang, words] of Object.entries(STOPWORDS)) {
  for (const word of words) WORDS.set(word, [...(WORDS.get(word) ?? []), lang]);
}

/** The language of a text as an ISO 639-1 code with a confidence, or null when it cannot tell. */
export function detectLanguage(text: string): { language: string; confidence: number } | null {
  const sample = text.length > 4000 ? text.slice(0, 4000) : text;
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  // A character of these scripts carries about a word, so fewer of them are enough.
  if (letters < 6) return null;
  for (const [pattern, language] of SCRIPTS) {
    const hits = sample.match(new RegExp(pattern.source, 'gu'))?.length ?? 0;
    if (hits / letters > 0.3) return { language, confidence: Math.min(1, hits / letters + 0.2) };
  }
  if (letters < 20) return null;
  const tokens = sample.toLowerCase().match(/\p{L}+/gu) ?? [];
  const counts = new Map<string, number>();
  for (const token of tokens)
    for (const lang of WORDS.get(token) ?? []) counts.set(lang, (counts.get(lang) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const best = ranked[0];
  if (!best || best[1] < 2) return null;
  const second = ranked[1]?.[1] ?? 0;
  return {
    language: best[0],
    confidence: Math.min(1, (best[1] - second) / Math.max(3, tokens.length * 0.15) + 0.3),
  };
}

/** `language`: text confidently written in a language outside `allow`. Too-short text passes. */
export function create(options: Record<string, unknown>): GuardrailCheck {
  const allow = new Set(options.allow as string[]);
  return (text) => {
    const detected = detectLanguage(text);
    if (!detected || allow.has(detected.language) || detected.confidence < 0.5) return PASS;
    return {
      isViolation: true,
      score: detected.confidence,
      reasons: [`text looks like ${detected.language}; allowed: ${[...allow].join(', ')}`],
      spans: [],
    };
  };
}
