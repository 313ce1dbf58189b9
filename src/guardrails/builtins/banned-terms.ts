import { type GuardrailCheck, PASS, type Span } from '../types.js';

/**
 * Lower-cases, strips accents and collapses whitespace runs to one space, keeping for each output
 * character the offset it came from, so matches map back to the original text.
 */
function fold(text: string, caseSensitive: boolean): { chars: string; index: number[] } {
  let chars = '';
  const index: number[] = [];
  let offset = 0;
  let inSpace = false;
  for (const ch of text) {
    if (/\s/.test(ch)) {
      if (!inSpace) {
        chars += ' ';
        index.push(offset);
      }
      inSpace = true;
    } else {
      inSpace = false;
      const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      let folded = base.length === ch.length ? base : ch;
      if (!caseSensitive && folded.toLowerCase().length === folded.length) folded = folded.toLowerCase();
      for (let i = 0; i < folded.length; i++) {
        chars += folded[i];
        index.push(offset + i);
      }
    }
    offset += ch.length;
  }
  index.push(offset);
  return { chars, index };
}

const WORD = /[\p{L}\p{N}_]/u;

/**
 * `banned-terms`: words and phrases that must not appear, matched on word boundaries after case
 * and accent folding ("Guarantée" matches "guarantee"; "guaranteed" does not match "guarantee").
 * Phrases match across any run of whitespace.
 */
export function create(options: Record<string, unknown>): GuardrailCheck {
  const caseSensitive = Boolean(options.caseSensitive);
  const terms = (options.terms as string[]).map((t) => fold(t.trim(), caseSensitive).chars).filter(Boolean);
  return (text) => {
    const folded = fold(text, caseSensitive);
    const haystack = folded.chars;
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
          spans.push({ start: folded.index[at]!, end: folded.index[end]!, type: 'banned-term' });
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
