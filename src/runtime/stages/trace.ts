import type { ContractMutation } from '../../contracts/input.js';
import { isPromptOpsError, PromptOpsError } from '../../errors.js';
import { REDACTED, type Trace } from '../../observe/trace.js';
import { type CallAttempt, estimateCost } from '../../providers/index.js';
import type { VersionRecord } from '../../store/index.js';
import type { RunResult } from '../pipeline.js';
import { lap, type RunContext, versionOf } from './run-state.js';

type Redact = VersionRecord['spec']['promptops']['trace']['redact'];

/** A run's input as its trace keeps it: redacted whole, or with the contract's `redact` fields masked. */
export function traceInput(redact: Redact, input: unknown, redactedPaths: readonly string[]): unknown {
  return redact === 'input' || redact === 'all' ? REDACTED : redactPaths(input, redactedPaths);
}

/** A run's output as its trace keeps it. */
export function traceOutput(redact: Redact, output: unknown): unknown {
  return redact === 'output' || redact === 'all' ? REDACTED : output;
}

/** Stops the clock and queues the run's trace (nothing when the version never resolved or no queue). */
export function recordTrace(
  { deps, request, run }: RunContext,
  status: Trace['status'],
  output: unknown,
  error: { code: string; message: string } | null,
): void {
  run.timings.total = performance.now() - run.t0;
  const { record, compiled } = run;
  if (!record || !deps.traces) return;
  const redact = record.spec.promptops.trace.redact;
  deps.traces.enqueue({
    id: run.traceId,
    project: deps.project,
    prompt: record.prompt,
    version: { number: record.number, hash: record.hash },
    environment: request.environment ?? null,
    arm: request.arm ?? null,
    status,
    error,
    startedAt: run.startedAt,
    model: run.model,
    timings: run.timings,
    usage: run.usage,
    costUsd: run.model ? estimateCost(run.model, run.usage, deps.pricing) : null,
    input: traceInput(redact, run.value ?? request.input, compiled?.redactedPaths ?? []),
    output: traceOutput(redact, output),
    mutations: redactMutations(run.mutations, compiled?.redactedPaths ?? [], redact),
    attempts: run.attempts,
    reasks: run.reasks,
    guardrails: run.guardrails.map(({ durationMs: _ms, ...verdict }) => verdict),
    review: request.approvedReview
      ? { id: request.approvedReview.id, decision: 'approved', decidedBy: request.approvedReview.decidedBy }
      : null,
    metadata: request.metadata ?? {},
  });
}

/**
 * Traces a failed run and returns the error to throw: a `PromptOpsError` carrying the trace id
 * (unexpected errors become `PO_ERR_INTERNAL`).
 */
export function failRun(ctx: RunContext, err: unknown): PromptOpsError {
  const { request, run } = ctx;
  // A provider failure carries every attempt made; keep them (and the time spent) on the trace.
  const failedAttempts = isPromptOpsError(err) ? err.details.attempts : undefined;
  if (Array.isArray(failedAttempts) && failedAttempts.length > 0) {
    run.attempts = [...run.attempts, ...(failedAttempts as CallAttempt[])];
    run.model = run.attempts.at(-1)?.model ?? run.model;
    lap(run, 'model');
  }
  const error = isPromptOpsError(err)
    ? { code: err.code, message: err.message }
    : { code: 'PO_ERR_INTERNAL', message: err instanceof Error ? err.message : String(err) };
  recordTrace(
    ctx,
    isPromptOpsError(err) && err.code === 'PO_ERR_REVIEW_PENDING' ? 'held' : 'error',
    err instanceof PromptOpsError && err.code === 'PO_ERR_OUTPUT_INVALID' ? run.text : null,
    error,
  );
  if (isPromptOpsError(err)) {
    if (run.record) err.details.traceId = run.traceId;
    return err;
  }
  return new PromptOpsError(
    'PO_ERR_INTERNAL',
    `running ${request.prompt} failed unexpectedly: ${error.message}`,
    {
      traceId: run.traceId,
    },
  );
}

/** Traces a run that answered and returns its result (`costUsd` 0 when a fallback answered). */
export function succeed<T>(
  ctx: RunContext,
  record: VersionRecord,
  output: unknown,
  costUsd: number | null,
): RunResult<T> {
  recordTrace(ctx, 'ok', output, null);
  const { run } = ctx;
  return {
    output: output as T,
    text: run.text,
    traceId: run.traceId,
    version: versionOf(record),
    model: run.model,
    usage: run.usage,
    costUsd,
    mutations: run.mutations,
    guardrails: run.guardrails,
  };
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
