import { parseVersionRef, type VersionRef } from '../catalog/ref.js';
import { openProjectStore, runtimeDependencies } from '../compose.js';
import { PromptOpsError } from '../errors.js';
import type { OtlpSink } from '../observe/otel.js';
import { otlpSinkFromEnv } from '../observe/otel-env.js';
import { TraceQueue, type TraceQueueStats } from '../observe/trace-queue.js';
import { openWorkspace } from '../project/workspace.js';
import type { Environment, RetryPolicy } from '../providers/index.js';
import type { FeedbackRecord, RegistryStore, ReviewRecord, VersionRecord } from '../store/index.js';
import {
  deliverDecision,
  type PipelineDeps,
  type RunRequest,
  type RunResult,
  runPipeline,
} from './pipeline.js';
import {
  asPromptOpsError,
  type ClientRunResult,
  gatewayConnection,
  type PromptView,
  type RenderedView,
  runResultOf,
} from './remote-client.js';
import { renderVersion } from './render-version.js';

/** Feedback on a run's answer: thumbs or a score from 0 to 1 (at least one), a comment, the answer it should have given. */
export interface FeedbackInput {
  thumbs?: 'up' | 'down';
  score?: number;
  comment?: string;
  /** Text, or JSON for prompts that answer JSON. */
  correctedOutput?: unknown;
}

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
  /**
   * Remote mode: the last-known-good file that `get` and `render` serve from while the gateway is
   * unreachable (e.g. `.promptops/client-cache.json`; default: memory only).
   */
  cacheFile?: string;
}

/** Which version serves a `get` or `render`: an environment's, and a canary's arm by sticky key. */
export interface ServeOptions {
  environment?: string;
  /** Remote mode: a user or session id, so the same key gets the same arm of a canary. */
  stickyKey?: string;
}

export interface RenderOptions extends ServeOptions {
  history?: RunRequest['history'];
}

export interface RunOptions {
  environment?: string;
  version?: number;
  /** Remote mode: a user or session id, so the same key gets the same arm of a canary. */
  stickyKey?: string;
  metadata?: Record<string, string>;
  history?: RunRequest['history'];
  provider?: string;
  /** Per-call model and config, where the prompt's `promptops.overrides` allows them. */
  model?: string;
  config?: Record<string, unknown>;
}

/**
 * The SDK: runs managed prompts in-process against the local registry, or through a gateway when
 * PROMPTOPS_GATEWAY_URL or PROMPTOPS_URL is set.
 */
export interface PromptOpsClient {
  /**
   * Runs a prompt. `prompt` is any reference the CLI takes: `NAME` (the client's environment, else
   * the latest version), `NAME@3` (version 3) or `NAME:production` (what the label points at).
   */
  run<T = unknown>(prompt: string, input: unknown, options?: RunOptions): Promise<ClientRunResult<T>>;
  /** A prompt, compiled (template, partials, schemas, config), for calling the model yourself. */
  get(prompt: string, options?: ServeOptions): Promise<PromptView>;
  /** The messages a prompt renders for `input`, after its input contract, for your own model client. */
  render(prompt: string, input: unknown, options?: RenderOptions): Promise<RenderedView>;
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
  /**
   * Records feedback on a run's answer by the run's `traceId`; negative feedback becomes a test
   * case with `promptops dataset add-from-traces --feedback negative`. Fails with
   * PO_ERR_TRACE_NOT_FOUND for a trace the project does not have.
   */
  feedback(traceId: string, feedback: FeedbackInput): Promise<FeedbackRecord>;
  /** Trace queue counters (written, dropped, pending). */
  readonly traceStats: TraceQueueStats;
  /** Waits until every trace recorded so far is stored. */
  flush(): Promise<void>;
  /** Flushes traces and closes the store. */
  close(): Promise<void>;
}

/**
 * Creates a client for the project around `cwd`, or for the gateway at PROMPTOPS_GATEWAY_URL (else
 * PROMPTOPS_URL) when one is set. Nothing is opened until the first call.
 *
 * @example
 * const client = createClient({ environment: 'production' });
 * const { output, traceId } = await client.run('support-reply', { customer, message });
 */
export function createClient(options: ClientOptions = {}): PromptOpsClient {
  const env = { ...process.env, ...options.env };
  const local = registryClient(options);
  const url = env.PROMPTOPS_GATEWAY_URL || env.PROMPTOPS_URL;
  return url ? remoteClient(options, url, env, local) : local;
}

/**
 * Remote mode: run, get and render go to the gateway through the light client (@promptops/client);
 * reviews are still awaited on the control plane's store.
 */
function remoteClient(
  options: ClientOptions,
  url: string,
  env: Environment,
  local: PromptOpsClient,
): PromptOpsClient {
  const gateway = gatewayConnection(url, env, {
    ...(options.environment ? { environment: options.environment } : {}),
    ...(options.cacheFile ? { cacheFile: options.cacheFile } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
  return {
    run: (prompt, input, runOptions = {}) =>
      asPromptOpsError(async () => {
        const { provider: _gatewayDecides, ...rest } = runOptions;
        return runResultOf(await (await gateway()).run(prompt, input, rest));
      }),
    get: (prompt, serveOptions) => asPromptOpsError(async () => (await gateway()).get(prompt, serveOptions)),
    render: (prompt, input, renderOptions) =>
      asPromptOpsError(async () => (await gateway()).render(prompt, input, renderOptions)),
    awaitReview: (reviewId, waitOptions) => local.awaitReview(reviewId, waitOptions),
    feedback: (traceId, feedback) =>
      asPromptOpsError(async () => (await gateway()).feedback(traceId, feedback)),
    get traceStats() {
      return local.traceStats;
    },
    flush: () => local.flush(),
    close: () => local.close(),
  };
}

/** What local mode opens on first use: the pipeline's dependencies, the store and the trace queue. */
interface Local {
  deps: PipelineDeps;
  store: RegistryStore;
  queue: TraceQueue;
  /** The queue, also exporting spans when an OTLP endpoint is set (see docs/gateway.md); else null. */
  otel: OtlpSink | null;
}

async function openLocal(options: ClientOptions): Promise<Local> {
  const ws = await openWorkspace(options.cwd ?? process.cwd());
  const env = { ...process.env, ...options.env };
  const store = await openProjectStore(ws, env);
  const queue = new TraceQueue({
    sink: (batch) => store.writeTraces(batch),
    onError: (err, dropped) =>
      process.emitWarning(`promptops: ${dropped} traces could not be stored: ${(err as Error).message}`),
  });
  const otel = await otlpSinkFromEnv(queue, env, 'promptops');
  const deps = await runtimeDependencies(ws, store, {
    env: options.env,
    retry: options.retry,
    cacheTtlMs: options.cacheTtlMs,
    traces: otel ?? queue,
    onEscalate: options.onEscalate,
  });
  return { deps, store, queue, otel };
}

/**
 * Local mode: the pipeline in this process, on the project's registry — the local database, or
 * the control plane's over HTTP when PROMPTOPS_URL is set. `promptops run` works this way whatever
 * is set: a developer runs any version (released or not) with the project's providers, where an
 * application (`createClient`) runs what is released, through a gateway.
 */
export function registryClient(options: ClientOptions): PromptOpsClient {
  let ready: Promise<Local> | null = null;
  let queue: TraceQueue | null = null;
  let otel: OtlpSink | null = null;
  const init = async () => {
    const local = await openLocal(options);
    queue = local.queue;
    otel = local.otel;
    return local;
  };
  return {
    async run<T>(prompt: string, input: unknown, runOptions: RunOptions = {}): Promise<RunResult<T>> {
      const { name, environment, version } = selectVersion(prompt, runOptions, options.environment);
      ready ??= init();
      const { deps } = await ready;
      const provider = runOptions.provider ?? options.provider;
      return runPipeline<T>(deps, {
        prompt: name,
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
    async get(prompt, serveOptions = {}) {
      ready ??= init();
      const { record, environment } = await resolveVersion((await ready).deps, prompt, serveOptions, options);
      return promptViewOf(record, environment);
    },
    async render(prompt, input, renderOptions = {}) {
      ready ??= init();
      const { deps } = await ready;
      const { record, environment } = await resolveVersion(deps, prompt, renderOptions, options);
      const messages = await renderVersion(deps, record, input, renderOptions.history);
      const { prompt: name, number: version, hash } = record;
      return { prompt: name, version, hash, environment, arm: 'stable', messages, source: 'registry' };
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
    async feedback(traceId, feedback) {
      ready ??= init();
      const { store } = await ready;
      // The run's trace may still be queued: store it first.
      await queue?.flush();
      return store.recordFeedback(
        { traceId, ...feedback },
        options.env?.PROMPTOPS_AUTHOR ?? process.env.PROMPTOPS_AUTHOR ?? 'sdk',
      );
    },
    get traceStats() {
      return queue?.stats ?? { enqueued: 0, written: 0, dropped: 0, pending: 0 };
    },
    async flush() {
      await (otel ?? queue)?.flush();
    },
    async close() {
      if (!ready) return;
      const { store } = await ready;
      await Promise.all([queue?.flush(), otel?.shutdown()]);
      await store.close();
    },
  };
}

/**
 * The prompt and version a reference and options name: an exact version, an environment's (the
 * reference's label, the options', else the client's when no version is named), or the latest.
 */
function selectVersion(
  prompt: string,
  chosen: { environment?: string; version?: number },
  clientEnvironment: string | undefined,
): { name: string; environment?: string; version?: number } {
  const ref = parseVersionRef(prompt);
  const version = agree(
    'version',
    ref.selector.kind === 'number' ? ref.selector.number : undefined,
    chosen.version,
  );
  const label = agree(
    'environment',
    ref.selector.kind === 'label' ? ref.selector.label : undefined,
    chosen.environment,
  );
  const environment = label ?? (version === undefined ? clientEnvironment : undefined);
  return {
    name: ref.prompt,
    ...(environment !== undefined ? { environment } : {}),
    ...(version !== undefined ? { version } : {}),
  };
}

/** The version a local `get` or `render` serves (no canary routing: a label's version). */
async function resolveVersion(
  deps: PipelineDeps,
  prompt: string,
  chosen: ServeOptions,
  options: ClientOptions,
): Promise<{ record: VersionRecord; environment: string | null }> {
  const { name, environment, version } = selectVersion(prompt, chosen, options.environment);
  const selector: VersionRef['selector'] =
    version !== undefined
      ? { kind: 'number', number: version }
      : environment !== undefined
        ? { kind: 'label', label: environment }
        : { kind: 'latest' };
  const record = await deps.resolver.resolve({ prompt: name, selector });
  return { record, environment: version === undefined ? (environment ?? null) : null };
}

/** A registry version as `get` answers it, in the gateway's shape. */
function promptViewOf(record: VersionRecord, environment: string | null): PromptView {
  const { spec } = record;
  return {
    prompt: record.prompt,
    version: record.number,
    hash: record.hash,
    environment,
    arm: 'stable',
    model: spec.model ?? null,
    config: spec.config,
    template: spec.template,
    partials: spec.partials ?? {},
    input: spec.input as PromptView['input'],
    output: spec.output as PromptView['output'],
    source: 'registry',
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
