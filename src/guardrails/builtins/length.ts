import { type GuardrailCheck, PASS } from '../types.js';

/** `length`: text shorter than `min` or longer than `max` characters (code points). */
export function create(options: Record<string, unknown>): GuardrailCheck {
  const min = options.min as number | undefined;
  const max = options.max as number | undefined;
  return (text) => {
    const length = [...text].length;
    if (max !== undefined && length > max) {
      return {
        isViolation: true,
        score: 1,
        reasons: [`${length} characters; at most ${max} allowed`],
        spans: [{ start: 0, end: text.length, type: 'too-long' }],
      };
    }
    if (min !== undefined && length < min) {
      return {
        isViolation: true,
        score: 1,
        reasons: [`${length} characters; at least ${min} required`],
        spans: [],
      };
    }
    return PASS;
  };
}
