import type { Span } from './types.js';

/** One placeholder put into a text, and the value it stands for. */
export interface RedactionEntry {
  placeholder: string;
  original: string;
  type: string;
}

/** Makes the placeholder for the `index`-th distinct value (1-based) of a type. */
export type PlaceholderFn = (type: string, index: number) => string;

/** `[EMAIL_1]`, `[AWS_KEY_2]`, `[BEARER_TOKEN_1]`: the type upper-cased, non-alphanumerics as `_`. */
export const defaultPlaceholder: PlaceholderFn = (type, index) =>
  `[${type.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${index}]`;

/**
 * Replaces each span of `text` with a placeholder. Numbering is per type in order of first
 * appearance, and the same original value of the same type always gets the same placeholder, so
 * `restorePlaceholders` can put everything back. `prior` entries (from other fields of the same
 * request) are reused and continued, and returned with the new ones. Spans may come in any order; a span overlapping an
 * earlier-starting (or, at the same start, longer) one is ignored.
 *
 * A custom `placeholder` should return distinct strings for distinct (type, index) pairs if the text
 * is to be restored; a constant such as `() => '[REDACTED]'` is fine when it is not.
 */
export function redactSpans(
  text: string,
  spans: readonly Span[],
  placeholder: PlaceholderFn = defaultPlaceholder,
  prior: readonly RedactionEntry[] = [],
): { text: string; mapping: RedactionEntry[] } {
  const mapping: RedactionEntry[] = [...prior];
  if (spans.length === 0) return { text, mapping };
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  // Entries from other fields of the same request keep their placeholders and numbering.
  const byValue = new Map<string, string>(prior.map((e) => [`${e.type}\u0000${e.original}`, e.placeholder]));
  const counters = new Map<string, number>();
  for (const entry of prior) counters.set(entry.type, (counters.get(entry.type) ?? 0) + 1);
  const parts: string[] = [];
  let cursor = 0;
  for (const span of sorted) {
    const start = Math.max(0, span.start);
    const end = Math.min(text.length, span.end);
    if (start < cursor || end <= start) continue;
    const original = text.slice(start, end);
    const key = `${span.type}\u0000${original}`;
    let ph = byValue.get(key);
    if (ph === undefined) {
      const index = (counters.get(span.type) ?? 0) + 1;
      counters.set(span.type, index);
      ph = placeholder(span.type, index);
      byValue.set(key, ph);
      mapping.push({ placeholder: ph, original, type: span.type });
    }
    parts.push(text.slice(cursor, start), ph);
    cursor = end;
  }
  parts.push(text.slice(cursor));
  return { text: parts.join(''), mapping };
}

/**
 * Puts originals back wherever `text` (for example a model's answer to a redacted prompt) contains
 * their placeholders. One left-to-right pass: an original that itself looks like a placeholder is
 * never replaced again. When two entries share a placeholder, the first one wins.
 */
export function restorePlaceholders(text: string, mapping: readonly RedactionEntry[]): string {
  if (mapping.length === 0 || text.length === 0) return text;
  const originals = new Map<string, string>();
  for (const entry of mapping) {
    if (entry.placeholder !== '' && !originals.has(entry.placeholder))
      originals.set(entry.placeholder, entry.original);
  }
  if (originals.size === 0) return text;
  // longest first, so "[EMAIL_10]" is not read as "[EMAIL_1]" followed by "0]" with custom formats
  const alternatives = [...originals.keys()]
    .sort((a, b) => b.length - a.length)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return text.replace(pattern, (match) => originals.get(match) ?? match);
}
