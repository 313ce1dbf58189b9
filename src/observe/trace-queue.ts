import type { Trace } from './trace.js';

export interface TraceQueueOptions {
  /** Where batches go (the store). */
  sink: (batch: Trace[]) => Promise<void>;
  /** Most traces held in memory; beyond it new traces are dropped and counted. */
  capacity?: number;
  batchSize?: number;
  flushIntervalMs?: number;
  /** Told about sink failures (a batch that fails is counted as dropped, never retried forever). */
  onError?: (err: unknown, dropped: number) => void;
}

export interface TraceQueueStats {
  enqueued: number;
  written: number;
  dropped: number;
  pending: number;
}

/**
 * A bounded, batching, asynchronous trace writer. `enqueue` is O(1) and never waits on the store,
 * so the request path does not slow down when the store does; when the buffer is full, new traces
 * are dropped and counted (never silently lost).
 */
export class TraceQueue {
  private buffer: Trace[] = [];
  private readonly capacity: number;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private isKickScheduled = false;
  private readonly counters = { enqueued: 0, written: 0, dropped: 0 };

  constructor(private readonly options: TraceQueueOptions) {
    this.capacity = options.capacity ?? 10_000;
    this.batchSize = options.batchSize ?? 200;
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
  }

  /** Hands a trace over for writing; returns false when it had to be dropped. */
  enqueue(trace: Trace): boolean {
    if (this.buffer.length >= this.capacity) {
      this.counters.dropped++;
      return false;
    }
    this.buffer.push(trace);
    this.counters.enqueued++;
    // Never write from inside enqueue: the caller is on a request path. A full batch is written on
    // the next turn of the event loop, a partial one after flushIntervalMs.
    if (this.buffer.length >= this.batchSize && !this.isKickScheduled) {
      this.isKickScheduled = true;
      setImmediate(() => {
        this.isKickScheduled = false;
        this.kick();
      });
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.kick(), this.flushIntervalMs);
      this.timer.unref();
    }
    return true;
  }

  get stats(): TraceQueueStats {
    return { ...this.counters, pending: this.buffer.length };
  }

  private kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inFlight || this.buffer.length === 0) return;
    this.inFlight = this.drain().finally(() => {
      this.inFlight = null;
      if (this.buffer.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.splice(0, this.batchSize);
      try {
        await this.options.sink(batch);
        this.counters.written += batch.length;
      } catch (err) {
        this.counters.dropped += batch.length;
        this.options.onError?.(err, batch.length);
      }
    }
  }

  /** Writes everything buffered; resolves when the store has it (or it was counted as dropped). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.inFlight || this.buffer.length > 0) {
      if (!this.inFlight) this.kick();
      await this.inFlight;
    }
  }
}
