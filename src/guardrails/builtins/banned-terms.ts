import { type GuardrailCheck, PASS, type Span } from '../types.js';

/** Lower-cases and strips accents, keeping one output character per input character. */
function fold(text: string, caseSensitive: boolean): string {
  let out = '';
  for (const ch of text) {
    const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    const folded = base.length === ch.length ? base : ch;
    out += caseSensitive
      ? folded
      : folded.toLowerCase().length === folded.length
        ? folded.toLowerCase()
        : folded;
  }
  return out;
}

const WORD = /[\p{L}\p{N}_]/u;

/**
 * `banned-terms`: words and phrases that must not appear, matched on word boundaries after case
 * and accent folding ("Guarantée" matches "guarantee"; "guaranteed" does not match "guarantee").
 * Phrases match across any run of whitespace.
 */
export function create(options: Record<string, unknown>): GuardrailCheck {
  const caseSensitive = Boolean(options.caseSensitive);
  const terms = (options.terms as string[])
    .map((t) => fold(t.trim().replace(/\s+/g, ' '), caseSensitive))
    .filter(Boolean);
  return (text) => {
    const haystack = fold(text, caseSensitive).replace(/\s/g, ' ');
    const spans: Span[] = [];
    const found = new Set<string>();
    for (const term of terms) {
      let from = 0;
      for (;;) {
        const at = haystack.indexOf(term, from);
        if (at < 0) break;
        const end = at + term.length;
        const before = at > 0 ? haystack[at - 1]! : ' ';
        const after = end < haystack.length ? haystack[end]! : ' ';
        if (!WORD.test(before) && !WORD.test(after)) {
          spans.push({ start: at, end, type: 'banned-term' });
          found.add(term);
        }
        from = at + 1;
      }
    }
    if (spans.length === 0) return PASS;
    spans.sort((a, b) => a.start - b.start);
    return {
      isViolation: true,
      score: 1,
      reasons: [`contains banned term${found.size > 1 ? 's' : ''}: ${[...found].join(', ')}`],
      spans,
    };
  };
}
