import { projectDependencies } from '../compose.js';
import { isPromptOpsError } from '../errors.js';
import { bearerOf } from '../governance/tokens.js';
import type { Clock } from '../monitor/rollup.js';
import { RollupAccumulator } from '../monitor/rollup-accumulator.js';
import { sampledSink } from '../monitor/sampling.js';
import { meteredSink, TraceMetrics } from '../observe/metrics.js';
import { otlpSinkFromEnv } from '../observe/otel-env.js';
import type { Workspace } from '../project/workspace.js';
import type { Environment } from '../providers/index.js';
import { HttpStore } from '../store/http-store.js';
import type { FeedbackRecord, NewFeedback, Store } from '../store/types.js';
import { Gateway } from './gateway.js';
import { ServedPrompts } from './served.js';
import { describe, remoteSnapshots, SnapshotFollower } from './snapshots.js';
import { TraceSpool } from './spool.js';

/** Where a gateway learns what is released and sends its traces and held requests. */
export type GatewaySource =
  /** A control plane over HTTP (`promptops gateway`), with the gateway's own token. */
  | { kind: 'remote'; url: string; token: string; project: string }
  /** The store itself (`promptops serve` embeds a gateway beside its API). */
  | { kind: 'store'; store: Store; project: string };

/** A gateway ready to serve, and how to stop it. */
export interface GatewayParts {
  gateway: Gateway;
  follower: SnapshotFollower;
  traces: TraceSpool;
  /** What its traces count, for `/metrics`. */
  metrics: TraceMetrics;
  /** Its per-minute rollups, written to the store every `telemetry.rollups.flushSeconds`. */
  rollups: RollupAccumulator;
  /** Records feedback on a trace as `caller` (POST /v1/feedback). */
  feedback: (
    input: NewFeedback,
    caller: { subject: string; authorization: string },
  ) => Promise<FeedbackRecord>;
  /** Stops following, then writes its rollups and the traces still held to disk, and ships what it can. */
  close: () => Promise<void>;
}

export interface AssembleOptions {
  env?: Environment;
  environments: readonly string[];
  defaultEnvironment?: string;
  /** Where last-known-good snapshots are kept; null keeps none. */
  stateDir: string | null;
  /** The trace spool's folder (one process at a time) and its bound in bytes (default 256 MiB). */
  spool: { dir: string; maxBytes?: number };
  provider?: string;
  onLog?: (level: 'info' | 'warn', message: string) => void;
  /** When traces start and which minute a rollup counts them in (default the system clock). */
  clock?: Clock;
}

/**
 * A gateway for the project in `ws`: its snapshots followed from `source` (and kept as
 * last-known-good in `stateDir`), traces and held requests sent there, models called with the
 * project's providers and keys from `env`. Resolves once the last-known-good files are loaded.
 */
export async function assembleGateway(
  ws: Workspace,
  source: GatewaySource,
  options: AssembleOptions,
): Promise<GatewayParts> {
  const project = await projectDependencies(ws, { env: options.env ?? process.env });
  const store =
    source.kind === 'store'
      ? source.store.forProject(source.project)
      : new HttpStore({ url: source.url, token: source.token, project: source.project });
  const log = options.onLog ?? (() => {});
  const served = new ServedPrompts(source.project);
  const follower = new SnapshotFollower({
    environments: options.environments,
    served,
    stateDir: options.stateDir,
    project: source.project,
    fetch: source.kind === 'remote' ? remoteSnapshots(source) : storeSnapshots(store),
    ...(source.kind === 'store' ? { pollMs: 250 } : {}),
    onError: (environment, err, failures) =>
      log('warn', `snapshot of ${environment}: ${describe(err)} (failure ${failures}; serving what it had)`),
    onSnapshot: (snapshot, from) =>
      log(
        'info',
        `serving ${snapshot.environment} at revision ${snapshot.revision} (${snapshot.prompts.length} prompts, from ${from})`,
      ),
  });
  const traces = await TraceSpool.open({
    dir: options.spool.dir,
    sink: (batch) => store.writeTraces(batch),
    ...(options.spool.maxBytes !== undefined ? { maxBytes: options.spool.maxBytes } : {}),
    onDrop: countDrops(log),
  });
  const telemetry = ws.config.telemetry;
  // Raw traces are stored as `telemetry.traces` samples them; metrics and rollups count them all.
  const spooled = sampledSink(traces, telemetry.traces);
  // Off unless OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set: then every trace is also sent as spans.
  const otel = await otlpSinkFromEnv(spooled, options.env ?? process.env, 'promptops-gateway');
  if (otel) log('info', 'exporting traces as OpenTelemetry spans (OTLP/HTTP)');
  const metrics = new TraceMetrics();
  const rollups = new RollupAccumulator({
    write: (source, cells) => store.writeRollups(source, cells),
    flushMs: telemetry.rollups.flushMs,
    ...(options.clock ? { clock: options.clock } : {}),
    onError: (err) =>
      log('warn', `writing rollups failed (kept, retried at the next flush): ${describe(err)}`),
  });
  const gateway = new Gateway({
    project: source.project,
    environments: options.environments,
    defaultEnvironment: options.defaultEnvironment ?? defaultEnvironmentOf(options.environments),
    served,
    dependencies: project,
    // Every trace is counted (metrics, rollups), then spooled as sampled (and exported as spans when asked).
    traces: meteredSink(otel ?? spooled, metrics, rollups),
    reviews: store,
    ...(options.provider ? { provider: options.provider } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  try {
    await follower.start();
  } catch (err) {
    await Promise.all([traces.close(0), otel?.shutdown(), rollups.close().catch(() => {})]);
    throw err;
  }
  return {
    gateway,
    follower,
    traces,
    metrics,
    rollups,
    feedback: feedbackRecorder(source, store, traces),
    close: async () => {
      await follower.stop();
      // A failed last write of the rollups is logged (onError); shutting down goes on.
      await Promise.all([traces.close(), otel?.shutdown(), rollups.close().catch(() => {})]);
    },
  };
}

/** How long feedback waits for the spool to ship the trace it names. */
const FEEDBACK_WAIT_MS = 2000;

/**
 * Snapshots read from the store itself: the revision (the audit head, one cheap query) each poll,
 * the whole snapshot only when it moved.
 */
function storeSnapshots(store: Pick<Store, 'snapshot' | 'listAudit'>) {
  return async (environment: string, known: number | null) => {
    if (known !== null && ((await store.listAudit({ limit: 1 }))[0]?.seq ?? 0) === known) return null;
    const snapshot = await store.snapshot(environment);
    return snapshot.revision === known ? null : snapshot;
  };
}

/**
 * Logs refused traces: the first of a run of drops, then every thousandth (the spool's `dropped`
 * counter, on /v1/gateway/status, has them all).
 */
function countDrops(log: NonNullable<AssembleOptions['onLog']>) {
  let dropped = 0;
  return (_trace: unknown, reason: string) => {
    dropped++;
    if (dropped === 1 || dropped % 1000 === 0)
      log('warn', `trace spool refused ${dropped} traces so far (${reason})`);
  };
}

/**
 * Records feedback as its caller: a standalone gateway forwards the caller's own token, so the
 * control plane records who gave it. Feedback right after a run may name a trace still in the
 * spool: it is shipped, then asked for again.
 */
function feedbackRecorder(source: GatewaySource, store: Store, traces: TraceSpool): GatewayParts['feedback'] {
  return async (input, caller) => {
    const target =
      source.kind === 'remote' ? new HttpStore({ ...source, token: bearerOf(caller.authorization) }) : store;
    const record = () => target.recordFeedback(input, caller.subject);
    try {
      return await record();
    } catch (err) {
      if (!isPromptOpsError(err) || err.code !== 'PO_ERR_TRACE_NOT_FOUND') throw err;
      if (!(await traces.drain(FEEDBACK_WAIT_MS))) throw err;
      return record();
    }
  };
}

/** The environment a request that names none gets: production when served, else the first. */
export function defaultEnvironmentOf(environments: readonly string[]): string {
  return environments.includes('production') ? 'production' : (environments[0] as string);
}
