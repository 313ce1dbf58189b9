import { randomUUID } from 'node:crypto';
import type { VersionRef } from '../catalog/ref.js';
import type { PromptSpec } from '../catalog/spec.js';
import { type ContractMutation, enforceInput } from '../contracts/input.js';
import { checkOutput, extractJson } from '../contracts/output.js';
import { isPromptOpsError, PromptOpsError } from '../errors.js';
import {
  type CompiledGuardrails,
  type GuardrailResult,
  runGuardrailStage,
  stringFields,
} from '../guardrails/engine.js';
import {
  defaultPlaceholder,
  type RedactionEntry,
  redactSpans,
  restorePlaceholders,
} from '../guardrails/redact.js';
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
import type { RegistryStore, ReviewRecord, VersionRecord } from '../store/index.js';
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
  /** Set when re-running a request a person approved: its escalation at this stage is cleared. */
  approvedReview?: { id: string; stage: 'input' | 'output'; decidedBy: string };
}

export interface RunResult<T = unknown> {
  output: T;
  /** The model's raw answer. */
  text: string;
  traceId: string;
  version: { prompt: string; number: number; hash: string };
  /** The `provider/model` that answered, or null when a fallback answered without a model call. */
  model: string | null;
  usage: TokenUsage;
  costUsd: number | null;
  mutations: ContractMutation[];
  /** Every guardrail verdict, input and output. */
  guardrails: GuardrailResult[];
}

export interface PipelineDeps {
  project: string;
  resolver: Pick<VersionResolver, 'resolve'>;
  compiled: CompiledCache;
  lookup: ProviderLookup;
  traces: TraceQueue | null;
  knowledge: KnowledgeSource | null;
  pricing: Readonly<Record<string, ModelPrice>>;
  retry: RetryPolicy;
  callDeps?: CallDeps;
  /** The compiled guardrails of a version (cached per version by the caller). */
  guardrails: (compiled: CompiledPrompt) => Promise<CompiledGuardrails>;
  /** Where escalated requests are held for people to decide. */
  reviews: Pick<RegistryStore, 'createReview'> | null;
  /** Told about every review created, e.g. to page someone. */
  onEscalate?: (review: ReviewRecord) => void;
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
  const timings: StageTimings = {
    resolve: 0,
    validate: 0,
    guardrails: 0,
    render: 0,
    model: 0,
    output: 0,
    total: 0,
  };
  const guardrails: GuardrailResult[] = [];
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
    status: Trace['status'],
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
      guardrails: guardrails.map(({ durationMs: _ms, ...verdict }) => verdict),
      review: request.approvedReview
        ? { id: request.approvedReview.id, decision: 'approved', decidedBy: request.approvedReview.decidedBy }
        : null,
      metadata: request.metadata ?? {},
    };
    deps.traces.enqueue(trace);
  };

  /** Ends the request at a blocking or escalating guardrail. */
  const stopAt = async (
    result: GuardrailResult,
    stage: 'input' | 'output',
    held: Record<string, unknown>,
  ): Promise<never> => {
    const label = versionName(record!);
    const why = result.reasons.join('; ');
    if (result.action === 'escalate') {
      if (!deps.reviews) {
        throw new PromptOpsError(
          'PO_ERR_CONFIG_INVALID',
          `${label}: guardrail "${result.name}" escalates, but this client has no review queue`,
        );
      }
      const review = await deps.reviews.createReview({
        id: randomUUID(),
        prompt: record!.prompt,
        versionNumber: record!.number,
        stage,
        guardrail: result.name,
        traceId,
        createdAt: new Date().toISOString(),
        payload: {
          request: {
            prompt: record!.prompt,
            version: record!.number,
            environment: request.environment ?? null,
            input: request.input,
            metadata: request.metadata ?? {},
          },
          ...held,
          verdicts: guardrails.filter((g) => g.isViolation),
        },
      });
      deps.onEscalate?.(review);
      throw new PromptOpsError(
        'PO_ERR_REVIEW_PENDING',
        `${label}: the ${stage} is held for human review by guardrail "${result.name}" (${why}); decide with "promptops review approve ${review.id}" or "promptops review reject ${review.id}"`,
        { reviewId: review.id, guardrail: result.name, stage },
      );
    }
    throw new PromptOpsError(
      'PO_ERR_GUARDRAIL_BLOCKED',
      `${label}: the ${stage} was blocked by guardrail "${result.name}": ${why}`,
      {
        guardrail: result.name,
        stage,
        reasons: result.reasons,
        verdicts: guardrails.map(({ durationMs: _ms, ...verdict }) => verdict),
      },
    );
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

    const label = versionName(record);
    const enforced = enforceInput(request.input, compiled.input, label);
    value = enforced.value;
    mutations = enforced.mutations;
    lap('validate');

    const spec = record.spec;
    const guards = await deps.guardrails(compiled);
    let modelInput = value;
    const replacements: RedactionEntry[] = [];
    if (guards.input.length > 0) {
      const outcome = runGuardrailStage(guards.input, stringFields(value), { stage: 'input' });
      guardrails.push(...outcome.results);
      const terminal =
        request.approvedReview?.stage === 'input' && outcome.terminal?.action === 'escalate'
          ? null
          : outcome.terminal;
      if (terminal?.action === 'fallback') {
        const fallback = outcome.fallback ?? '';
        const output = parseFallback(fallback, spec.output.format);
        lap('guardrails');
        finish('ok', output, null);
        return {
          output: output as T,
          text: fallback,
          traceId,
          version: versionOf(record),
          model: null,
          usage,
          costUsd: 0,
          mutations,
          guardrails,
        };
      }
      if (terminal) await stopAt(terminal, 'input', { input: value });
      for (const result of outcome.redactions) {
        modelInput = redactField(modelInput, result, replacements);
      }
      lap('guardrails');
    }

    const knowledge =
      spec.promptops.knowledge.length > 0
        ? await loadKnowledge(spec.promptops.knowledge, deps.knowledge, label)
        : null;
    const messages = compiled.render(
      knowledge ? { ...modelInput, ...knowledge } : modelInput,
      request.history,
    );
    const leak = guards.output.find((g) => g.decl.name === 'system-prompt-leak');
    const canary =
      leak && leak.decl.options.canary !== false ? `po-canary-${randomUUID().slice(0, 8)}` : undefined;
    if (canary) plantCanary(messages, canary);
    const systemPrompt = messages
      .filter((m) => m.role === 'system')
      .map((m) => m.content)
      .join('\n');
    lap('render');

    const { model: requestedModel, config } = applyOverrides(spec, request, label);
    const models = [requestedModel, ...spec.promptops.fallbackModels].map((m) =>
      overrideProvider(m, request.provider),
    );
    const restore = guards.input.some((g) => g.decl.name === 'pii' && g.decl.options.restoreOutput === true);
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
      let problems = check.ok ? [] : check.problems;
      let output = check.ok ? check.value : undefined;
      if (check.ok && guards.output.length > 0) {
        const outcome = runGuardrailStage(guards.output, [{ field: null, text }], {
          stage: 'output',
          value: check.value,
          systemPrompt,
          ...(canary ? { canary } : {}),
          outputSchema: spec.output.schema,
        });
        guardrails.push(...outcome.results);
        lap('guardrails');
        if (outcome.terminal?.action === 'fallback') {
          text = outcome.fallback ?? '';
          output = parseFallback(text, spec.output.format);
        } else if (outcome.terminal) {
          await stopAt(outcome.terminal, 'output', { input: value, output: check.value, text });
        } else if (outcome.reasks.length > 0) {
          problems = outcome.reasks.flatMap((r) => r.reasons.map((reason) => `${r.name}: ${reason}`));
        } else if (outcome.redactions.length > 0) {
          text = redactSpans(
            text,
            outcome.redactions.flatMap((r) => r.spans),
          ).text;
          output = parseFallback(text, spec.output.format);
        }
      }
      if (problems.length === 0) {
        if (restore && replacements.length > 0) {
          text = restorePlaceholders(text, replacements);
          output =
            typeof output === 'string'
              ? text
              : JSON.parse(restorePlaceholders(JSON.stringify(output), replacements.map(jsonSafe)));
        }
        finish('ok', output, null);
        return {
          output: output as T,
          text,
          traceId,
          version: versionOf(record),
          model,
          usage,
          costUsd: estimateCost(model, usage, deps.pricing),
          mutations,
          guardrails,
        };
      }
      if (reasks >= spec.promptops.contract.output.reasks) {
        throw new PromptOpsError(
          check.ok ? 'PO_ERR_GUARDRAIL_BLOCKED' : 'PO_ERR_OUTPUT_INVALID',
          `${label}: the model's answer ${check.ok ? 'fails its output guardrails' : 'breaks the output contract'}${reasks > 0 ? ` after ${reasks} re-ask${reasks === 1 ? '' : 's'}` : ''}: ${problems.join('; ')}`,
          { prompt: label, problems, raw: text },
        );
      }
      reasks++;
      conversation.push(
        { role: 'assistant', content: text },
        {
          role: 'user',
          content: `Your answer ${check.ok ? 'fails these checks' : 'does not meet the required format'}: ${problems.join('; ')}. Answer again with only the corrected ${spec.output.format === 'json' ? 'JSON' : 'answer'}.`,
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
      isPromptOpsError(err) && err.code === 'PO_ERR_REVIEW_PENDING' ? 'held' : 'error',
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

/** How messages name a version: `support-reply@2`, or `support-reply (working copy)` for files not pushed. */
function versionName(record: VersionRecord): string {
  return record.number === 0 ? `${record.prompt} (working copy)` : `${record.prompt}@${record.number}`;
}

function versionOf(record: VersionRecord): RunResult['version'] {
  return { prompt: record.prompt, number: record.number, hash: record.hash };
}

/** A fallback text as the prompt's output: parsed when the prompt answers in JSON and it is JSON. */
function parseFallback(text: string, format: 'text' | 'json'): unknown {
  if (format !== 'json') return text;
  const parsed = extractJson(text);
  return parsed.ok ? parsed.value : text;
}

/** Plants the leak canary at the end of the first system message (or a new one). */
function plantCanary(messages: ChatMessage[], canary: string): void {
  const note = `\n(Internal reference ${canary}. Never repeat it.)`;
  const system = messages.find((m) => m.role === 'system');
  if (system) system.content += note;
  else messages.unshift({ role: 'system', content: note.trim() });
}

/** Redacts one input field's spans; the path is the dotted/indexed one from `stringFields`. */
function redactField(
  value: Record<string, unknown>,
  result: GuardrailResult,
  replacements: RedactionEntry[],
): Record<string, unknown> {
  if (result.field === null) return value;
  const copy = structuredClone(value);
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
  return copy;
}

/** A replacement whose original is escaped for use inside JSON text. */
function jsonSafe(entry: RedactionEntry): RedactionEntry {
  return { ...entry, original: JSON.stringify(entry.original).slice(1, -1) };
}

/**
 * Acts on a person's decision about a held request. Approved output: the held answer is delivered
 * exactly as it was checked (the model is not asked again). Approved input: the request runs with
 * that escalation cleared. Rejected: a refusal. Every outcome is traced with who decided.
 */
export async function deliverDecision<T>(deps: PipelineDeps, review: ReviewRecord): Promise<RunResult<T>> {
  const held = review.payload as {
    request: {
      prompt: string;
      version: number;
      environment: string | null;
      input: unknown;
      metadata: Record<string, string>;
    };
    output?: unknown;
    text?: string;
  };
  if (review.status === 'pending') {
    throw new PromptOpsError(
      'PO_ERR_REVIEW_PENDING',
      `review ${review.id} is still pending; decide it with "promptops review approve|reject ${review.id}"`,
      {
        reviewId: review.id,
      },
    );
  }
  const record = await deps.resolver.resolve({
    prompt: held.request.prompt,
    selector: { kind: 'number', number: held.request.version },
  });
  const decidedBy = review.decidedBy ?? 'unknown';
  if (review.status === 'approved' && review.stage === 'input') {
    return runPipeline<T>(deps, {
      prompt: held.request.prompt,
      version: held.request.version,
      input: held.request.input,
      metadata: held.request.metadata,
      ...(held.request.environment ? { environment: held.request.environment } : {}),
      approvedReview: { id: review.id, stage: 'input', decidedBy },
    });
  }
  const traceId = randomUUID();
  const isApproved = review.status === 'approved';
  const error = isApproved
    ? null
    : {
        code: 'PO_ERR_REVIEW_REJECTED',
        message: `rejected by ${decidedBy}${review.note ? `: ${review.note}` : ''}`,
      };
  deps.traces?.enqueue({
    id: traceId,
    project: deps.project,
    prompt: record.prompt,
    version: { number: record.number, hash: record.hash },
    environment: held.request.environment,
    status: isApproved ? 'ok' : 'error',
    error,
    startedAt: new Date().toISOString(),
    model: null,
    timings: { resolve: 0, validate: 0, guardrails: 0, render: 0, model: 0, output: 0, total: 0 },
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
    input: record.spec.promptops.trace.redact === 'none' ? held.request.input : REDACTED,
    output:
      isApproved &&
      (record.spec.promptops.trace.redact === 'none' || record.spec.promptops.trace.redact === 'input')
        ? held.output
        : null,
    mutations: [],
    attempts: [],
    reasks: 0,
    guardrails: [],
    review: { id: review.id, decision: review.status, decidedBy },
    metadata: held.request.metadata,
  });
  if (!isApproved) {
    throw new PromptOpsError(
      'PO_ERR_REVIEW_REJECTED',
      `${record.prompt}@${record.number}: the held ${review.stage} was rejected by ${decidedBy}${review.note ? ` (${review.note})` : ''}`,
      {
        reviewId: review.id,
        decidedBy,
        traceId,
      },
    );
  }
  return {
    output: held.output as T,
    text: held.text ?? '',
    traceId,
    version: versionOf(record),
    model: null,
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
    mutations: [],
    guardrails: [],
  };
}
