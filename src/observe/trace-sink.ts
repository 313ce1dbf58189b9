import type { Trace } from './trace.js';

/** What every trace sink counts: what it took, what it refused, what it still holds. */
export interface TraceSinkStats {
  enqueued: number;
  /** Traces refused (full, closed or unserialisable): counted, never silently lost. */
  dropped: number;
  /** Traces taken but not yet where the sink sends them. */
  pending: number;
}

/**
 * Where the pipeline hands its traces: the in-memory `TraceQueue` (the SDK) or the on-disk
 * `TraceSpool` (the gateway). `enqueue` is on the request path, so it never waits.
 */
export interface TraceSink {
  /** Takes a trace; returns false when it had to be dropped (and counted). */
  enqueue(trace: Trace): boolean;
  readonly stats: TraceSinkStats;
  /** Resolves when every trace taken so far is as safe as this sink makes it. */
  flush(): Promise<void>;
}
