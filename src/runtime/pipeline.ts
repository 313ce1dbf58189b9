import { randomUUID } from 'node:crypto';
import type { TextMessage } from '@promptops/client/render';
import type { ContractMutation } from '../contracts/input.js';
import { PromptOpsError } from '../errors.js';
import type { CompiledGuardrails, GuardrailResult } from '../guardrails/engine.js';
import type { Clock } from '../monitor/rollup.js';
import type { TraceSink } from '../observe/trace-sink.js';
import type { ModelPrice } from '../providers/definitions.js';
import type { CallDeps, ChatMessage, ProviderLookup, RetryPolicy, TokenUsage } from '../providers/index.js';
import type { RegistryStore, ReviewRecord, VersionRecord } from '../store/index.js';
import type { CompiledCache, CompiledPrompt } from './compile.js';
import type { KnowledgeSource } from './knowledge.js';
import type { VersionResolver } from './resolver.js';
import { guardInput, resolveVersion, validateInput } from './stages/input.js';
import { answer } from './stages/model.js';
import { renderMessages } from './stages/render.js';
import { type RunContext, startRun, versionOf } from './stages/run-state.js';
import { failRun, succeed, traceInput, traceOutput } from './stages/trace.js';

/** One execution request. Without environment, label or version, the latest version runs. */
export interface RunRequest {
  prompt: string;
  input: unknown;
  /** An environment (or any label) whose version runs. */
  environment?: string;
  /** An exact version number. */
  version?: number;
  /** The canary arm a gateway routed the request to: recorded on the trace. */
  arm?: 'stable' | 'canary';
  metadata?: Record<string, string>;
  /** Earlier turns, inserted where the template says `{{history}}` (or before the last user turn). */
  history?: (ChatMessage | TextMessage)[];
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
  traces: TraceSink | null;
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
  /**
   * When a trace or a held review says it started (default the system clock). A control plane
   * under test moves it, so the minutes its rollups and canary intervals count are the test's.
   */
  clock?: Clock;
}

/**
 * Runs one prompt: resolve the version, enforce the input contract, run the input guardrails,
 * render, call the model (with retries and fallbacks), enforce the output contract and guardrails
 * (re-asking on failure), and record a trace whether it succeeded or not. Throws a
 * `PromptOpsError` on failure; its details carry `traceId`.
 */
export async function runPipeline<T = unknown>(
  deps: PipelineDeps,
  request: RunRequest,
): Promise<RunResult<T>> {
  const ctx: RunContext = { deps, request, run: startRun(deps.clock?.()) };
  try {
    const resolved = await resolveVersion(ctx);
    const value = validateInput(ctx, resolved);
    const guards = await deps.guardrails(resolved.compiled);
    const input = await guardInput(ctx, resolved.record, guards, value);
    if (input.kind === 'fallback') return succeed<T>(ctx, resolved.record, input.output, 0);
    const rendered = await renderMessages(ctx, resolved, guards, input.modelInput);
    return await answer<T>(ctx, resolved, guards, rendered, input.replacements);
  } catch (err) {
    throw failRun(ctx, err);
  }
}

/** What a review holds: the request, and for a held output the answer as it was checked. */
type HeldRequest = {
  request: {
    prompt: string;
    version: number;
    environment: string | null;
    /** Absent in reviews held before traces recorded the arm. */
    arm?: 'stable' | 'canary' | null;
    input: unknown;
    metadata: Record<string, string>;
  };
  output?: unknown;
  text?: string;
};

/**
 * Acts on a person's decision about a held request. Approved output: the held answer is delivered
 * exactly as it was checked (the model is not asked again). Approved input: the request runs with
 * that escalation cleared. Rejected: a refusal. Every outcome is traced with who decided.
 */
export async function deliverDecision<T>(deps: PipelineDeps, review: ReviewRecord): Promise<RunResult<T>> {
  const held = review.payload as HeldRequest;
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
      ...(held.request.arm ? { arm: held.request.arm } : {}),
      approvedReview: { id: review.id, stage: 'input', decidedBy },
    });
  }
  const isApproved = review.status === 'approved';
  const traceId = traceDecision(deps, review, record, held, decidedBy);
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

/** Traces a decision delivered without running the prompt (an approved output, or a refusal); returns the trace id. */
function traceDecision(
  deps: PipelineDeps,
  review: ReviewRecord,
  record: VersionRecord,
  held: HeldRequest,
  decidedBy: string,
): string {
  const isApproved = review.status === 'approved';
  const redact = record.spec.promptops.trace.redact;
  const traceId = randomUUID();
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
    arm: held.request.arm ?? null,
    status: isApproved ? 'ok' : 'error',
    error,
    startedAt: (deps.clock?.() ?? new Date()).toISOString(),
    model: null,
    timings: { resolve: 0, validate: 0, guardrails: 0, render: 0, model: 0, output: 0, total: 0 },
    usage: { inputTokens: 0, outputTokens: 0 },
    costUsd: 0,
    // The same redaction as a run's trace: the whole input or output, and the contract's redact fields.
    input: traceInput(redact, held.request.input, deps.compiled.get(record).redactedPaths),
    output: isApproved ? traceOutput(redact, held.output) : null,
    mutations: [],
    attempts: [],
    reasks: 0,
    guardrails: [],
    review: { id: review.id, decision: isApproved ? 'approved' : 'rejected', decidedBy },
    metadata: held.request.metadata,
  });
  return traceId;
}
