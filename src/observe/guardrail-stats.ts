import type { Trace } from './trace.js';

/** Counts for one guardrail of one prompt version at one stage. */
export interface GuardrailCounter {
  prompt: string;
  version: number;
  guardrail: string;
  action: string;
  stage: 'input' | 'output';
  checked: number;
  violations: number;
  /** Violations whose action kept the content from passing (everything but `flag`). */
  contained: number;
}

/**
 * Aggregates guardrail verdicts from traces into counters per prompt, version, guardrail, action
 * and stage; `contained / violations` is the containment rate dashboards show.
 */
export function countGuardrails(traces: readonly Trace[]): GuardrailCounter[] {
  const counters = new Map<string, GuardrailCounter>();
  for (const trace of traces) {
    for (const verdict of trace.guardrails ?? []) {
      const stage = verdict.field === null ? 'output' : 'input';
      const key = `${trace.prompt}\u0000${trace.version.number}\u0000${verdict.name}\u0000${verdict.action}\u0000${stage}`;
      const counter = counters.get(key) ?? {
        prompt: trace.prompt,
        version: trace.version.number,
        guardrail: verdict.name,
        action: verdict.action,
        stage,
        checked: 0,
        violations: 0,
        contained: 0,
      };
      counter.checked++;
      if (verdict.isViolation) {
        counter.violations++;
        if (verdict.action !== 'flag') counter.contained++;
      }
      counters.set(key, counter);
    }
  }
  return [...counters.values()].sort(
    (a, b) =>
      a.prompt.localeCompare(b.prompt) ||
      a.version - b.version ||
      a.stage.localeCompare(b.stage) ||
      a.guardrail.localeCompare(b.guardrail),
  );
}
