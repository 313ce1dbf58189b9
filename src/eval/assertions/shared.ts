import { PromptOpsError } from '../../errors.js';
import type { HandlerResult } from './types.js';

/** A pass/fail verdict scored 1 or 0. */
export function verdict(pass: boolean, reason: string): HandlerResult {
  return { pass, score: pass ? 1 : 0, reason };
}

/** A result that could not be graded; it fails whether or not the assertion is negated. */
export function cannotGrade(reason: string): HandlerResult {
  return { pass: false, score: 0, reason, inconclusive: true };
}

/** The usage error for a malformed assertion value. */
export function badValue(type: string, expected: string, value: unknown): PromptOpsError {
  return new PromptOpsError(
    'PO_ERR_USAGE',
    `assertion "${type}" needs ${expected} as its value, got ${describe(value)}`,
    { type, value },
  );
}

/** Requires a string value (numbers and booleans are accepted and stringified). */
export function stringValue(type: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badValue(type, 'a string', value);
}

/** Short, quoted rendering of a value for reasons and errors. */
export function describe(value: unknown, max = 80): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? JSON.stringify(value) : safeJson(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
