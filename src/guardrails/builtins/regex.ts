import { type GuardrailCheck, PASS, type Span } from '../types.js';

/**
 * `regex`: `mode: deny` (default) flags every match; `mode: require` flags text that never
 * matches. Patterns are the prompt author's; the engine bounds the text they run on.
 */
export function create(options: Record<string, unknown>): GuardrailCheck {
  const flags = `${(options.flags as string | undefined) ?? ''}g`.replace(/g+/, 'g');
  const pattern = new RegExp(options.pattern as string, [...new Set(flags)].join(''));
  const mode = (options.mode as 'deny' | 'require' | undefined) ?? 'deny';
  return (text) => {
    pattern.lastIndex = 0;
    const spans: Span[] = [];
    for (const match of text.matchAll(pattern)) {
      if (match[0].length === 0) continue;
      spans.push({ start: match.index, end: match.index + match[0].length, type: 'regex' });
      if (spans.length >= 100) break;
    }
    if (mode === 'require') {
      return spans.length > 0
        ? PASS
        : { isViolation: true, score: 1, reasons: [`text does not match /${pattern.source}/`], spans: [] };
    }
    return spans.length > 0
      ? { isViolation: true, score: 1, reasons: [`text matches /${pattern.source}/`], spans }
      : PASS;
  };
}
