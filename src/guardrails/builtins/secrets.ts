import { detectSecrets } from '../secrets/detectors.js';
import { type GuardrailCheck, PASS } from '../types.js';

/** `secrets`: credentials (AWS keys, private keys, JWTs, bearer tokens, high-entropy keys). */
export function create(options: Record<string, unknown>): GuardrailCheck {
  const kinds = options.kinds as string[] | undefined;
  return (text) => {
    const spans = detectSecrets(text, kinds);
    if (spans.length === 0) return PASS;
    const types = [...new Set(spans.map((s) => s.type))];
    return { isViolation: true, score: 1, reasons: [`contains ${types.join(', ')}`], spans };
  };
}
