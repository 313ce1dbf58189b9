/**
 * Which raw traces a gateway stores. Metrics and rollups count every request; the trace spool keeps
 * a sample, decided by the trace id (so every process agrees on a trace), plus every trace of a kind
 * named in `keep`.
 */
import type { Trace } from '../observe/trace.js';
import type { TraceSink } from '../observe/trace-sink.js';

/** Kinds of traces stored whatever the sample. */
export const TRACE_KEEP = ['error', 'held', 'canary'] as const;

export type TraceKeep = (typeof TRACE_KEEP)[number];

/** `telemetry:` in promptops.yaml, defaults filled in. */
export interface TelemetryConfig {
  traces: { sample: number; keep: TraceKeep[] };
  /** How long raw traces and rollups are kept; null: for ever. */
  retention: { tracesMs: number | null; rollupsMs: number | null };
  rollups: { flushMs: number };
}

export interface SamplingPolicy {
  /** The share of traces stored, 0 to 1. */
  sample: number;
  keep: readonly TraceKeep[];
}

/** Whether `trace` is stored under `policy`. */
export function isSampled(trace: Trace, policy: SamplingPolicy): boolean {
  if (policy.sample >= 1) return true;
  for (const kind of policy.keep) {
    if (
      kind === 'error'
        ? trace.status === 'error'
        : kind === 'held'
          ? trace.status === 'held'
          : trace.arm === 'canary'
    )
      return true;
  }
  return unitOf(trace.id) < policy.sample;
}

/** A trace id mapped uniformly onto [0, 1) (FNV-1a, 32 bits): the same id, the same number. */
export function unitOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}

/**
 * `sink` taking only the traces `policy` keeps; the others are reported taken (leaving them out is
 * the policy, not a refusal) and counted nowhere but in metrics and rollups, which see them first.
 */
export function sampledSink(sink: TraceSink, policy: SamplingPolicy): TraceSink {
  if (policy.sample >= 1) return sink;
  return {
    enqueue: (trace) => !isSampled(trace, policy) || sink.enqueue(trace),
    get stats() {
      return sink.stats;
    },
    flush: () => sink.flush(),
  };
}
