import { randomUUID } from 'node:crypto';
import type { VersionRef } from '../catalog/ref.js';
import type { PromptSpec } from '../catalog/spec.js';
import { type ContractMutation, enforceInput } from '../contracts/input.js';
import { checkOutput } from '../contracts/output.js';
import { isPromptOpsError, PromptOpsError } from '../errors.js';
import { REDACTED, type StageTimings, type Trace } from '../observe/trace.js';
import type { TraceQueue } from '../observe/trace-queue.js';
import {
  type CallAttempt,
  type CallDeps,
  type ChatMessage,
  callModel,
  estimateCost,
  type ProviderLookup,
  type RetryPolicy,
  type TokenUsage,
} from '../providers/index.js';
import type { ModelPrice } from '../providers/registry.js';
import type { VersionRecord } from '../store/index.js';
import type { CompiledCache, CompiledPrompt } from './compile.js';
import { type KnowledgeSource, loadKnowledge } from './knowledge.js';
import type { VersionResolver } from './resolver.js';

/** One execution request. Without environment, label or version, the latest version runs. */
export interface RunRequest {
  prompt: string;
  input: unknown;
  /** An environment (or any label) whose version runs. */
  environment?: string;
  /** An exact version number. */
  version?: number;
  metadata?: Record<string, string>;
  /** Earlier turns, inserted where the template says `{{history}}` (or before the last user turn). */
  history?: ChatMessage[];
  /** Run every model call on this provider instead (`offline` for demos and CI). */
  provider?: string;
  /** Another model for this call; only when the prompt's `promptops.overrides.model` allows it. */
  model?: string;
  /** Config values for this call; only the keys listed in `promptops.overrides.config`. */
  config?: Record<string, unknown>;
}

export interface RunResult<T = unknown> {
  output: T;
  /** The model's raw answer. */
  text: string;
  traceId: string;
  version: { prompt: string; number: number; hash: string };
  model: string;
  usage: TokenUsage;
  costUsd: number | null;
  mutations: ContractMutation[];
}

export interface PipelineDeps {
  project: string;
  resolver: VersionResolver;
  compiled: CompiledCache;
  lookup: ProviderLookup;
  traces: TraceQueue | null;
  knowledge: KnowledgeSource | null;
  pricing: Readonly<Record<string, ModelPrice>>;
  retry: RetryPolicy;
  callDeps?: CallDeps;
}

/**
 * Runs one prompt: resolve the version, enforce the input contract, render, call the model (with
 * retries and fallbacks), enforce the output contract (re-asking on failure), and record a trace
 * whether it succeeded or not. Throws a `PromptOpsError` on failure; its details carry `traceId`.
 */
export async function runPipeline<T = unknown>(
  deps: PipelineDeps,
  request: RunRequest,
): Promise<RunResult<T>> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const traceId = randomUUID();
  const timings: StageTimings = { resolve: 0, validate: 0, render: 0, model: 0, output: 0, total: 0 };
  let record: VersionRecord | null = null;
  let compiled: CompiledPrompt | null = null;
  let mutations: ContractMutation[] = [];
  let value: Record<string, unknown> | null = null;
  let attempts: CallAttempt[] = [];
  let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
  let model: string | null = null;
  let text = '';
  let reasks = 0;
  let t = t0;
  const lap = (stage: keyof StageTimings) => {
    const now = performance.now();
    timings[stage] += now - t;
    t = now;
  };

  const finish = (
    status: 'ok' | 'error',
    output: unknown,
    error: { code: string; message: string } | null,
  ) => {
    timings.total = performance.now() - t0;
    if (!record || !deps.traces) return;
    const redact = record.spec.promptops.trace.redact;
    const trace: Trace = {
      id: traceId,
      project: deps.project,
      prompt: record.prompt,
      version: { number: record.number, hash: record.hash },
      environment: request.environment ?? null,
      status,
      error,
      startedAt,
      model,
      timings,
      usage,
      costUsd: model ? estimateCost(model, usage, deps.pricing) : null,
      input:
        redact === 'input' || redact === 'all'
          ? REDACTED
          : redactPaths(value ?? request.input, compiled?.redactedPaths ?? []),
      output: redact === 'output' || redact === 'all' ? REDACTED : output,
      mutations: redactMutations(mutations, compiled?.redactedPaths ?? [], redact),
      attempts,
      reasks,
      metadata: request.metadata ?? {},
    };
    deps.traces.enqueue(trace);
  };

  try {
    const ref: VersionRef = {
      prompt: request.prompt,
      selector:
        request.version !== undefined
          ? { kind: 'number', number: request.version }
          : request.environment !== undefined
            ? { kind: 'label', label: request.environment }
            : { kind: 'latest' },
    };
    record = await deps.resolver.resolve(ref);
    compiled = deps.compiled.get(record);
    lap('resolve');

    const label = `${record.prompt}@${record.number}`;
    const enforced = enforceInput(request.input, compiled.input, label);
    value = enforced.value;
    mutations = enforced.mutations;
    lap('validate');

    const spec = record.spec;
    const knowledge =
      spec.promptops.knowledge.length > 0
        ? await loadKnowledge(spec.promptops.knowledge, deps.knowledge, label)
        : null;
    const messages = compiled.render(knowledge ? { ...value, ...knowledge } : value, request.history);
    lap('render');

    const { model: requestedModel, config } = applyOverrides(spec, request, label);
    const models = [requestedModel, ...spec.promptops.fallbackModels].map((m) =>
      overrideProvider(m, request.provider),
    );
    const conversation = [...messages];
    for (;;) {
      const call = await callModel(
        [...new Set(models)],
        {
          messages: conversation,
          config,
          format: spec.output.format,
          prompt: { name: record.prompt, hash: record.hash },
        },
        deps.lookup,
        deps.retry,
        deps.callDeps,
      );
      attempts = [...attempts, ...call.attempts];
      usage = {
        inputTokens: usage.inputTokens + call.response.usage.inputTokens,
        outputTokens: usage.outputTokens + call.response.usage.outputTokens,
      };
      model = call.model;
      text = call.response.text;
      lap('model');
      const check = checkOutput(text, compiled.output);
      lap('output');
      if (check.ok) {
        finish('ok', check.value, null);
        return {
          output: check.value as T,
          text,
          traceId,
          version: { prompt: record.prompt, number: record.number, hash: record.hash },
          model,
          usage,
          costUsd: estimateCost(model, usage, deps.pricing),
          mutations,
        };
      }
      if (reasks >= spec.promptops.contract.output.reasks) {
        throw new PromptOpsError(
          'PO_ERR_OUTPUT_INVALID',
          `${label}: the model's answer breaks the output contract${reasks > 0 ? ` after ${reasks} re-ask${reasks === 1 ? '' : 's'}` : ''}: ${check.problems.join('; ')}`,
          { prompt: label, problems: check.problems, raw: text },
        );
      }
      reasks++;
      conversation.push(
        { role: 'assistant', content: text },
        {
          role: 'user',
          content: `Your answer does not meet the required format: ${check.problems.join('; ')}. Answer again with only the corrected ${spec.output.format === 'json' ? 'JSON' : 'answer'}.`,
        },
      );
    }
  } catch (err) {
    // A provider failure carries every attempt made; keep them (and the time spent) on the trace.
    const failedAttempts = isPromptOpsError(err) ? err.details.attempts : undefined;
    if (Array.isArray(failedAttempts) && failedAttempts.length > 0) {
      attempts = [...attempts, ...(failedAttempts as CallAttempt[])];
      model = attempts.at(-1)?.model ?? model;
      lap('model');
    }
    const error = isPromptOpsError(err)
      ? { code: err.code, message: err.message }
      : { code: 'PO_ERR_INTERNAL', message: err instanceof Error ? err.message : String(err) };
    finish(
      'error',
      err instanceof PromptOpsError && err.code === 'PO_ERR_OUTPUT_INVALID' ? text : null,
      error,
    );
    if (isPromptOpsError(err)) {
      if (record) err.details.traceId = traceId;
      throw err;
    }
    throw new PromptOpsError(
      'PO_ERR_INTERNAL',
      `running ${request.prompt} failed unexpectedly: ${error.message}`,
      { traceId },
    );
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

function overrideProvider(model: string, provider: string | undefined): string {
  if (!provider) return model;
  const slash = model.indexOf('/');
  const current = model.slice(0, slash);
  if (current === provider) return model;
  return provider === 'offline' ? 'offline/echo' : `${provider}/${model.slice(slash + 1)}`;
}

function redactPaths(input: unknown, paths: readonly string[]): unknown {
  if (paths.length === 0 || typeof input !== 'object' || input === null) return input;
  const copy = structuredClone(input) as Record<string, unknown>;
  for (const path of paths) {
    const parts = path.split('.');
    let node: unknown = copy;
    for (const part of parts.slice(0, -1)) {
      node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    }
    const last = parts.at(-1)!;
    if (typeof node === 'object' && node !== null && Object.hasOwn(node, last))
      (node as Record<string, unknown>)[last] = REDACTED;
  }
  return copy;
}

function redactMutations(
  mutations: ContractMutation[],
  paths: readonly string[],
  redact: string,
): ContractMutation[] {
  if (redact === 'input' || redact === 'all')
    return mutations.map((m) => ({ ...m, before: REDACTED, after: REDACTED }));
  if (paths.length === 0) return mutations;
  return mutations.map((m) =>
    paths.some((p) => m.path === p || m.path.startsWith(`${p}.`))
      ? { ...m, before: REDACTED, after: REDACTED }
      : m,
  );
}
