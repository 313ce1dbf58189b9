import { detectPii } from '../pii/detectors.js';
import { type GuardrailCheck, PASS } from '../types.js';

/** `pii`: personal data found by checksum-validated patterns (email, phone, card, IBAN, SSN, IP). */
export function create(options: Record<string, unknown>): GuardrailCheck {
  const entities = options.entities as string[] | undefined;
  return (text) => {
    const spans = detectPii(text, entities);
    if (spans.length === 0) return PASS;
    const types = [...new Set(spans.map((s) => s.type))];
    return { isViolation: true, score: 1, reasons: [`contains ${types.join(', ')}`], spans };
  };
}
