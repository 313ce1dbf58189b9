import { type GuardrailCheck, PASS, type Span } from '../types.js';

const DEFAULT_MIN_SPAN = 40;

function normalise(text: string): { chars: string; index: number[] } {
  let chars = '';
  const index: number[] = [];
  let lastSpace = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      if (!lastSpace) {
        chars += ' ';
        index.push(i);
      }
      lastSpace = true;
    } else {
      chars += ch.toLowerCase();
      index.push(i);
      lastSpace = false;
    }
  }
  return { chars, index };
}

/**
 * `system-prompt-leak`: an answer that reproduces `minSpanChars` or more consecutive characters of
 * the rendered system prompt (whitespace and case ignored), or the canary token planted in it.
 * Uses shingles of the system prompt, so the check is linear in the answer's length.
 */
export function create(options: Record<string, unknown>): GuardrailCheck {
  const minSpan = (options.minSpanChars as number | undefined) ?? DEFAULT_MIN_SPAN;
  const useCanary = options.canary !== false;
  const shingle = Math.min(minSpan, 24);
  let cached: { prompt: string; shingles: Set<string>; normalised: string } | null = null;
  return (text, ctx) => {
    const spans: Span[] = [];
    const reasons: string[] = [];
    if (useCanary && ctx.canary && text.includes(ctx.canary)) {
      const at = text.indexOf(ctx.canary);
      spans.push({ start: at, end: at + ctx.canary.length, type: 'canary' });
      reasons.push('the answer contains the canary token planted in the system prompt');
    }
    const prompt = ctx.systemPrompt ?? '';
    if (prompt.length >= minSpan) {
      if (cached?.prompt !== prompt) {
        const normalised = normalise(prompt).chars;
        const shingles = new Set<string>();
        for (let i = 0; i + shingle <= normalised.length; i++) shingles.add(normalised.slice(i, i + shingle));
        cached = { prompt, shingles, normalised };
      }
      const answer = normalise(text);
      let runStart = -1;
      let runEnd = -1;
      const flush = () => {
        if (runStart >= 0 && runEnd - runStart >= minSpan) {
          const candidate = answer.chars.slice(runStart, runEnd);
          if (cached!.normalised.includes(candidate)) {
            let start = answer.index[runStart]!;
            let end = answer.index[runEnd - 1]! + 1;
            while (start < end && /\s/.test(text[start]!)) start++;
            while (end > start && /\s/.test(text[end - 1]!)) end--;
            spans.push({ start, end, type: 'system-prompt' });
          }
        }
        runStart = -1;
      };
      for (let i = 0; i + shingle <= answer.chars.length; i++) {
        if (cached.shingles.has(answer.chars.slice(i, i + shingle))) {
          if (runStart < 0) runStart = i;
          runEnd = i + shingle;
        } else if (runStart >= 0 && i >= runEnd) {
          flush();
        }
      }
      flush();
      if (spans.some((s) => s.type === 'system-prompt')) {
        reasons.push(`the answer reproduces ${minSpan}+ characters of the system prompt`);
      }
    }
    return spans.length > 0 ? { isViolation: true, score: 1, reasons, spans } : PASS;
  };
}
