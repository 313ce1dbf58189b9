import type { OutputFormat } from '../../catalog/spec.js';
import { checkOutput, readAnswer } from '../../contracts/output.js';
import { PromptOpsError } from '../../errors.js';
import { type CompiledGuardrails, runGuardrailStage } from '../../guardrails/engine.js';
import { type RedactionEntry, redactSpans, restorePlaceholders } from '../../guardrails/redact.js';
import type { ChatMessage } from '../../providers/index.js';
import type { Rendered } from './render.js';
import { lap, type Resolved, type RunContext, type RunState, versionName } from './run-state.js';
import { stopAt } from './stop.js';

/** The verdict on one answer: what it means, or the problems to re-ask about. */
export interface CheckedAnswer {
  /** Whether the answer met the output contract (problems then come from guardrails). */
  isValid: boolean;
  problems: string[];
  output: unknown;
}

/** What a re-ask asks for, by output format. */
const CORRECTED: Readonly<Record<OutputFormat, string>> = {
  text: 'answer',
  json: 'JSON',
  array: 'JSON array',
  enum: 'value',
  jsonl: 'JSON lines (one object per line)',
};

/** A fallback text as the prompt's output: read as the prompt's format when it is one. */
export function parseFallback(text: string, format: OutputFormat): unknown {
  if (format === 'text') return text;
  const parsed = readAnswer(text, format);
  return parsed.ok ? parsed.value : text;
}

/** Checks the model's answer (`run.text`) against the output contract, then the output guardrails. */
export async function checkAnswer(
  ctx: RunContext,
  resolved: Resolved,
  guards: CompiledGuardrails,
  rendered: Rendered,
): Promise<CheckedAnswer> {
  const check = checkOutput(ctx.run.text, resolved.compiled.output);
  lap(ctx.run, 'output');
  if (!check.ok) return { isValid: false, problems: check.problems, output: undefined };
  if (guards.output.length === 0) return { isValid: true, problems: [], output: check.value };
  return guardOutput(ctx, resolved, guards, rendered, check.value);
}

/** Runs the output guardrails on a valid answer: fallback, stop, re-ask or redact. */
async function guardOutput(
  ctx: RunContext,
  { record }: Resolved,
  guards: CompiledGuardrails,
  rendered: Rendered,
  value: unknown,
): Promise<CheckedAnswer> {
  const { run } = ctx;
  const spec = record.spec;
  const outcome = runGuardrailStage(guards.output, [{ field: null, text: run.text }], {
    stage: 'output',
    value,
    systemPrompt: rendered.systemPrompt,
    ...(rendered.canary ? { canary: rendered.canary } : {}),
    outputSchema: spec.output.schema,
  });
  run.guardrails.push(...outcome.results);
  lap(run, 'guardrails');
  if (outcome.terminal?.action === 'fallback') {
    run.text = outcome.fallback ?? '';
    return { isValid: true, problems: [], output: parseFallback(run.text, spec.output.format) };
  }
  if (outcome.terminal) {
    await stopAt(ctx, record, outcome.terminal, 'output', {
      input: run.value,
      output: value,
      text: run.text,
    });
  }
  if (outcome.reasks.length > 0) {
    const problems = outcome.reasks.flatMap((r) => r.reasons.map((reason) => `${r.name}: ${reason}`));
    return { isValid: true, problems, output: value };
  }
  if (outcome.redactions.length > 0) {
    run.text = redactSpans(
      run.text,
      outcome.redactions.flatMap((r) => r.spans),
    ).text;
    return { isValid: true, problems: [], output: parseFallback(run.text, spec.output.format) };
  }
  return { isValid: true, problems: [], output: value };
}

/** Puts the originals of redacted input spans back into the answer (`run.text`) and its output. */
export function restoreOriginals(run: RunState, output: unknown, replacements: RedactionEntry[]): unknown {
  run.text = restorePlaceholders(run.text, replacements);
  return typeof output === 'string'
    ? run.text
    : JSON.parse(restorePlaceholders(JSON.stringify(output), replacements.map(jsonSafe)));
}

/** Asks the model again about the answer's problems, or fails once the prompt's re-asks are spent. */
export function reaskOrFail(
  run: RunState,
  { record }: Resolved,
  conversation: ChatMessage[],
  { isValid, problems }: CheckedAnswer,
): void {
  const spec = record.spec;
  const label = versionName(record);
  const { reasks } = run;
  if (reasks >= spec.promptops.contract.output.reasks) {
    throw new PromptOpsError(
      isValid ? 'PO_ERR_GUARDRAIL_BLOCKED' : 'PO_ERR_OUTPUT_INVALID',
      `${label}: the model's answer ${isValid ? 'fails its output guardrails' : 'breaks the output contract'}${reasks > 0 ? ` after ${reasks} re-ask${reasks === 1 ? '' : 's'}` : ''}: ${problems.join('; ')}`,
      { prompt: label, problems, raw: run.text },
    );
  }
  run.reasks++;
  conversation.push(
    { role: 'model', content: [{ text: run.text }] },
    {
      role: 'user',
      content: [
        {
          text: `Your answer ${isValid ? 'fails these checks' : 'does not meet the required format'}: ${problems.join('; ')}. Answer again with only the corrected ${CORRECTED[spec.output.format]}.`,
        },
      ],
    },
  );
}

/** A replacement whose original is escaped for use inside JSON text. */
function jsonSafe(entry: RedactionEntry): RedactionEntry {
  return { ...entry, original: JSON.stringify(entry.original).slice(1, -1) };
}
