import { badValue, verdict } from './shared.js';
import type { AssertionFamily, AssertionHandler } from './types.js';

/**
 * Checks the run's guardrail outcome. `{ blocked: true|false }` asks whether the run was blocked;
 * `{ guardrail: 'pii' }` asks whether that guardrail reported a violation (with `blocked: true`,
 * whether it was the one that blocked). No value means "the run was not blocked".
 */
const guardrail: AssertionHandler = ({ value, ctx }) => {
  const expected = value ?? { blocked: false };
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected))
    throw badValue('guardrail', 'an object { blocked?: boolean, guardrail?: string }', value);
  const { blocked, guardrail: name, ...rest } = expected as Record<string, unknown>;
  if (
    (blocked !== undefined && typeof blocked !== 'boolean') ||
    (name !== undefined && typeof name !== 'string') ||
    Object.keys(rest).length > 0
  )
    throw badValue('guardrail', 'an object { blocked?: boolean, guardrail?: string }', value);

  const wasBlocked = ctx.blocked ?? false;
  const reports = ctx.guardrails ?? [];
  const problems: string[] = [];
  if (blocked !== undefined && wasBlocked !== blocked)
    problems.push(blocked ? 'the run was not blocked' : 'the run was blocked');
  if (name !== undefined) {
    const hits = reports.filter((r) => r.name === name && r.isViolation);
    if (hits.length === 0) problems.push(`guardrail "${name}" reported no violation`);
    else if (blocked === true && !hits.some((r) => r.action === 'block'))
      problems.push(`guardrail "${name}" reported a violation but did not block (action ${hits[0]!.action})`);
  }
  if (problems.length > 0) return verdict(false, problems.join('; '));
  const fired = reports.filter((r) => r.isViolation).map((r) => r.name);
  return verdict(
    true,
    `the guardrail outcome matches (${wasBlocked ? 'blocked' : 'not blocked'}${fired.length > 0 ? `; violations: ${fired.join(', ')}` : ''})`,
  );
};

/** Guardrail assertions on the run's guardrail verdicts. */
export const GUARDRAIL_ASSERTIONS: AssertionFamily = {
  guardrail: { handler: guardrail },
};
