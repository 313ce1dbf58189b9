import { createInjectionCheck } from '../injection/detector.js';
import type { GuardrailCheck } from '../types.js';

/** `prompt-injection`: layered heuristics plus a linear n-gram classifier (see docs/guardrails.md). */
export function create(options: Record<string, unknown>): GuardrailCheck {
  const threshold = options.threshold as number | undefined;
  return createInjectionCheck(threshold === undefined ? {} : { threshold });
}
