import { parseVersionRef } from '../catalog/ref.js';
import { openProjectStore, runtimeDependencies } from '../compose.js';
import { PromptOpsError } from '../errors.js';
import { TraceQueue, type TraceQueueStats } from '../observe/trace-queue.js';
import { openWorkspace } from '../project/workspace.js';
import type { Environment, RetryPolicy } from '../providers/index.js';
import type { RegistryStore, ReviewRecord } from '../store/index.js';
import {
  deliverDecision,
  type PipelineDeps,
  type RunRequest,
  type RunResult,
  runPipeline,
} from './pipeline.js';

export interface ClientOptions {
  /** Project folder (or any folder inside it); default: the process's working directory. */
  cwd?: string;
  /** Environment used when a call names none; without either, the latest version runs. */
  environment?: string;
  /** Run every call on this provider (e.g. `offline`). */
  provider?: string;
  retry?: Partial<RetryPolicy>;
  /** How long a label's resolution is trusted before it is refreshed in the background. */
  cacheTtlMs?: number;
  /** Process environment to read API keys from (default: `process.env`). */
  env?: Environment;
  /** Called whenever a guardrail holds a request for human review. */
  onEscalate?: (review: ReviewRecord) => void;
}

export interface RunOptions {
  environment?: string;
  version?: number;
  metadata?: Record<string, string>;
  history?: RunRequest['history'];
  provider?: string;
  /** Per-call model and config, where the prompt's `promptops.overrides` allows them. */
  model?: string;
  config?: Record<string, unknown>;
}

/** The in-process SDK: runs managed prompts against the local registry. */
export interface PromptOpsClient {
  /**
   * Runs a prompt. `prompt` is any reference the CLI takes: `NAME` (the client's environment, else
   * the latest version), `NAME@3` (version 3) or `NAME:production` (what the label points at).
   */
  run<T = unknown>(prompt: string, input: unknown, options?: RunOptions): Promise<RunResult<T>>;
  /**
   * Waits for the decision on a request a guardrail held (`PO_ERR_REVIEW_PENDING` carries its
   * `reviewId`). Approved: the held answer is delivered, or, for a held input, the request runs.
   * Rejected: fails with `PO_ERR_REVIEW_REJECTED`. Still pending after `timeoutMs`: fails with
   * `PO_ERR_REVIEW_PENDING` again.
   */
  awaitReview<T = unknown>(
    reviewId: string,
    options?: { timeoutMs?: number; pollMs?: number },
  ): Promise<RunResult<T>>;
  /** Trace queue counters (written, dropped, pending). */
  readonly traceStats: TraceQueueStats;
  /** Waits until every trace recorded so far is stored. */
  flush(): Promise<void>;
  /** Flushes traces and closes the store. */
  close(): Promise<void>;
}

/**
 * Creates a client for the project around `cwd`. Nothing is opened until the first `run`.
 *
 * @example
 * const client = createClient({ environment: 'production' });
 * const { output, traceId } = await client.run('support-reply', { customer, message });
 */
export function createClient(options: ClientOptions = {}): PromptOpsClient {
  let ready: Promise<{ deps: PipelineDeps; store: RegistryStore }> | null = null;
  let queue: TraceQueue | null = null;
  const init = async () => {
    const ws = await openWorkspace(options.cwd ?? process.cwd());
    const store = await openProjectStore(ws, { ...process.env, ...options.env });
    queue = new TraceQueue({
      sink: (batch) => store.writeTraces(batch),
      onError: (err, dropped) =>
        process.emitWarning(`promptops: ${dropped} traces could not be stored: ${(err as Error).message}`),
    });
    const deps = await runtimeDependencies(ws, store, {
      env: options.env,
      retry: options.retry,
      cacheTtlMs: options.cacheTtlMs,
      traces: queue,
      onEscalate: options.onEscalate,
    });
    return { deps, store };
  };
  return {
    async run<T>(prompt: string, input: unknown, runOptions: RunOptions = {}): Promise<RunResult<T>> {
      const ref = parseVersionRef(prompt);
      const version = agree(
        'version',
        ref.selector.kind === 'number' ? ref.selector.number : undefined,
        runOptions.version,
      );
      const label = agree(
        'environment',
        ref.selector.kind === 'label' ? ref.selector.label : undefined,
        runOptions.environment,
      );
      ready ??= init();
      const { deps } = await ready;
      const environment = label ?? (version === undefined ? options.environment : undefined);
      const provider = runOptions.provider ?? options.provider;
      return runPipeline<T>(deps, {
        prompt: ref.prompt,
        input,
        ...(environment !== undefined ? { environment } : {}),
        ...(version !== undefined ? { version } : {}),
        ...(runOptions.metadata ? { metadata: runOptions.metadata } : {}),
        ...(runOptions.history ? { history: runOptions.history } : {}),
        ...(provider ? { provider } : {}),
        ...(runOptions.model ? { model: runOptions.model } : {}),
        ...(runOptions.config ? { config: runOptions.config } : {}),
      });
    },
    async awaitReview<T>(
      reviewId: string,
      waitOptions: { timeoutMs?: number; pollMs?: number } = {},
    ): Promise<RunResult<T>> {
      ready ??= init();
      const { deps, store } = await ready;
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 0);
      let review = await store.getReview(reviewId);
      while (review.status === 'pending' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, waitOptions.pollMs ?? 500));
        review = await store.getReview(reviewId);
      }
      return deliverDecision<T>(deps, review);
    },
    get traceStats() {
      return queue?.stats ?? { enqueued: 0, written: 0, dropped: 0, pending: 0 };
    },
    async flush() {
      await queue?.flush();
    },
    async close() {
      if (!ready) return;
      const { store } = await ready;
      await queue?.flush();
      await store.close();
    },
  };
}

/** One of a reference's selector and the matching option, refusing two that disagree. */
function agree<T>(what: string, fromRef: T | undefined, fromOptions: T | undefined): T | undefined {
  if (fromRef !== undefined && fromOptions !== undefined && fromRef !== fromOptions) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `the reference asks for ${what} ${String(fromRef)} and the options for ${String(fromOptions)}; give one`,
      { [what]: [fromRef, fromOptions] },
    );
  }
  return fromRef ?? fromOptions;
}
