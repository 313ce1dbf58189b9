import { describe, expect, it } from 'vitest';
import { countGuardrails } from '../../src/observe/guardrail-stats.js';
import type { Trace } from '../../src/observe/trace.js';

const verdict = (name: string, action: string, isViolation: boolean, field: string | null) => ({
  name,
  action,
  isViolation,
  field,
  score: 1,
  reasons: [],
  spans: [],
});
const trace = (version: number, guardrails: ReturnType<typeof verdict>[]) =>
  ({ prompt: 'p', version: { number: version, hash: 'h' }, guardrails }) as unknown as Trace;

describe('guardrail containment counters', () => {
  it('counts checks, violations and contained violations per version, guardrail, action and stage', () => {
    const counters = countGuardrails([
      trace(1, [verdict('pii', 'redact', true, 'message'), verdict('banned-terms', 'flag', true, null)]),
      trace(1, [verdict('pii', 'redact', false, 'message'), verdict('banned-terms', 'flag', false, null)]),
      trace(2, [verdict('banned-terms', 'block', true, null)]),
    ]);
    expect(counters).toEqual([
      {
        prompt: 'p',
        version: 1,
        guardrail: 'pii',
        action: 'redact',
        stage: 'input',
        checked: 2,
        violations: 1,
        contained: 1,
      },
      {
        prompt: 'p',
        version: 1,
        guardrail: 'banned-terms',
        action: 'flag',
        stage: 'output',
        checked: 2,
        violations: 1,
        contained: 0,
      },
      {
        prompt: 'p',
        version: 2,
        guardrail: 'banned-terms',
        action: 'block',
        stage: 'output',
        checked: 1,
        violations: 1,
        contained: 1,
      },
    ]);
  });
});
