import { splitModelId } from '../../catalog/model-id.js';
import type { PromptSpec } from '../../catalog/spec.js';
import { PromptOpsError } from '../../errors.js';
import type { CompiledGuardrails } from '../../guardrails/engine.js';
import type { RedactionEntry } from '../../guardrails/redact.js';
import { callModel, estimateCost } from '../../providers/index.js';
import type { RunRequest, RunResult } from '../pipeline.js';
import { checkAnswer, reaskOrFail, restoreOriginals } from './output.js';
import type { Rendered } from './render.js';
import { lap, type Resolved, type RunContext, versionName } from './run-state.js';
import { succeed } from './trace.js';

/**
 * Calls the model (with retries and fallback models) until an answer passes the output contract
 * and guardrails, re-asking with the problems found as often as the prompt allows.
 */
export async function answer<T>(
  ctx: RunContext,
  resolved: Resolved,
  guards: CompiledGuardrails,
  rendered: Rendered,
  replacements: RedactionEntry[],
): Promise<RunResult<T>> {
  const { deps, request, run } = ctx;
  const spec = resolved.record.spec;
  const { model, config } = applyOverrides(spec, request, versionName(resolved.record));
  const models = [
    ...new Set([model, ...spec.promptops.fallbackModels].map((m) => overrideProvider(m, request.provider))),
  ];
  const restore = guards.input.some((g) => g.decl.name === 'pii' && g.decl.options.restoreOutput === true);
  const conversation = [...rendered.messages];
  for (;;) {
    const call = await callModel(
      models,
      {
        messages: conversation,
        config,
        format: spec.output.format === 'json' ? 'json' : 'text',
        prompt: { name: resolved.record.prompt, hash: resolved.record.hash },
      },
      deps.lookup,
      deps.retry,
      deps.callDeps,
    );
    run.attempts = [...run.attempts, ...call.attempts];
    run.usage = {
      inputTokens: run.usage.inputTokens + call.response.usage.inputTokens,
      outputTokens: run.usage.outputTokens + call.response.usage.outputTokens,
    };
    run.model = call.model;
    run.text = call.response.text;
    lap(run, 'model');
    const checked = await checkAnswer(ctx, resolved, guards, rendered);
    if (checked.problems.length === 0) {
      const output =
        restore && replacements.length > 0
          ? restoreOriginals(run, checked.output, replacements)
          : checked.output;
      return succeed<T>(ctx, resolved.record, output, estimateCost(call.model, run.usage, deps.pricing));
    }
    reaskOrFail(run, resolved, conversation, checked);
  }
}

/** The model and config for this call: the spec's, with the per-call overrides it allows. */
function applyOverrides(
  spec: PromptSpec,
  request: RunRequest,
  label: string,
): { model: string; config: Record<string, unknown> } {
  const allowed = spec.promptops.overrides;
  const refused: string[] = [];
  if (request.model !== undefined && !allowed.model) refused.push('model');
  const extra = Object.keys(request.config ?? {}).filter((key) => !allowed.config.includes(key));
  refused.push(...extra.map((key) => `config.${key}`));
  if (refused.length > 0) {
    throw new PromptOpsError(
      'PO_ERR_CONTRACT_VIOLATION',
      `${label} does not allow overriding ${refused.join(', ')}; allow it under promptops.overrides in the prompt file`,
      { prompt: label, refused },
    );
  }
  return {
    model: request.model ?? spec.model ?? 'offline/echo',
    config: request.config ? { ...spec.config, ...request.config } : spec.config,
  };
}

/** A model id moved to another provider (`offline` answers with its echo model). */
function overrideProvider(model: string, provider: string | undefined): string {
  const parts = splitModelId(model);
  if (!provider || parts?.provider === provider) return model;
  return provider === 'offline' ? 'offline/echo' : `${provider}/${parts?.model ?? model}`;
}
