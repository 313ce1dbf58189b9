import type { VersionRef } from '../../catalog/ref.js';
import { enforceInput } from '../../contracts/input.js';
import {
  type CompiledGuardrails,
  type GuardrailResult,
  runGuardrailStage,
  stringFields,
} from '../../guardrails/engine.js';
import { defaultPlaceholder, type RedactionEntry, redactSpans } from '../../guardrails/redact.js';
import { parseFallback } from './output.js';
import { lap, type Resolved, type RunContext, versionName } from './run-state.js';
import { stopAt } from './stop.js';

/** Finds the version the request names (an exact number, a label, or the latest) and compiles it. */
export async function resolveVersion({ deps, request, run }: RunContext): Promise<Resolved> {
  const ref: VersionRef = {
    prompt: request.prompt,
    selector:
      request.version !== undefined
        ? { kind: 'number', number: request.version }
        : request.environment !== undefined
          ? { kind: 'label', label: request.environment }
          : { kind: 'latest' },
  };
  const record = await deps.resolver.resolve(ref);
  const compiled = deps.compiled.get(record);
  run.record = record;
  run.compiled = compiled;
  lap(run, 'resolve');
  return { record, compiled };
}

/** Enforces the input contract; returns the value the prompt sees. */
export function validateInput(
  { request, run }: RunContext,
  { record, compiled }: Resolved,
): Record<string, unknown> {
  const enforced = enforceInput(request.input, compiled.input, versionName(record));
  run.value = enforced.value;
  run.mutations = enforced.mutations;
  lap(run, 'validate');
  return enforced.value;
}

/** What the input guardrails let through: a fallback answer, or the (redacted) input for the model. */
export type GuardedInput =
  | { kind: 'fallback'; output: unknown }
  | {
      kind: 'pass';
      modelInput: Record<string, unknown>;
      /** Placeholders put in for redacted spans, to restore in the answer when asked to. */
      replacements: RedactionEntry[];
    };

/** Runs the input guardrails: stops at a block or escalation, answers a fallback, redacts the rest. */
export async function guardInput(
  ctx: RunContext,
  record: Resolved['record'],
  guards: CompiledGuardrails,
  value: Record<string, unknown>,
): Promise<GuardedInput> {
  const { request, run } = ctx;
  let modelInput = value;
  const replacements: RedactionEntry[] = [];
  if (guards.input.length === 0) return { kind: 'pass', modelInput, replacements };
  const outcome = runGuardrailStage(guards.input, stringFields(value), { stage: 'input' });
  run.guardrails.push(...outcome.results);
  // A person approved this input: its escalation no longer holds it.
  const terminal =
    request.approvedReview?.stage === 'input' && outcome.terminal?.action === 'escalate'
      ? null
      : outcome.terminal;
  if (terminal?.action === 'fallback') {
    run.text = outcome.fallback ?? '';
    const output = parseFallback(run.text, record.spec.output.format);
    lap(run, 'guardrails');
    return { kind: 'fallback', output };
  }
  if (terminal) await stopAt(ctx, record, terminal, 'input', { input: value });
  if (outcome.redactions.length > 0) {
    // One copy for all the redacted fields (the caller's input stays as it was).
    modelInput = structuredClone(value);
    for (const result of outcome.redactions) redactField(modelInput, result, replacements);
  }
  lap(run, 'guardrails');
  return { kind: 'pass', modelInput, replacements };
}

/** Redacts one input field's spans in `copy`, in place; the path is the dotted/indexed one from `stringFields`. */
function redactField(
  copy: Record<string, unknown>,
  result: GuardrailResult,
  replacements: RedactionEntry[],
): void {
  if (result.field === null) return;
  const parts = result.field.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let node: unknown = copy;
  for (const part of parts.slice(0, -1)) node = (node as Record<string, unknown>)[part];
  const last = parts.at(-1)!;
  const holder = node as Record<string, unknown>;
  if (typeof holder[last] === 'string') {
    const redacted = redactSpans(holder[last] as string, result.spans, defaultPlaceholder, replacements);
    holder[last] = redacted.text;
    replacements.splice(0, replacements.length, ...redacted.mapping);
  }
}
