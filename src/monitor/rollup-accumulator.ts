/**
 * A gateway's rollups in memory: every trace it serves is counted in its cell (prompt, version,
 * environment, arm, minute) on the request path, and the cells that changed are written to the store
 * every `flushMs` as this process's absolute values, under a source id of its own. A write that fails
 * is made again at the next flush (the values are cumulative, so nothing is lost while the process
 * lives, and a repeated write changes nothing); written cells are let go once their minute is two
 * minutes past.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Trace } from '../observe/trace.js';
import { countInputs } from './input-bins.js';
import { isRefusal } from './refusal.js';
import {
  addValues,
  type Clock,
  emptyValues,
  latencySlot,
  minuteOf,
  outputLengthSlot,
  type RollupCell,
  systemClock,
} from './rollup.js';

/** How long a written cell stays in memory after its minute starts (late traces still find it). */
const KEEP_MS = 2 * 60_000;

export interface RollupAccumulatorOptions {
  /** Writes cells as `source`'s absolute values (the store's `writeRollups`). */
  write: (source: string, cells: RollupCell[]) => Promise<void>;
  /** This process's source id; default `gw-<host>-<pid>-<random>`. */
  source?: string;
  clock?: Clock;
  /** How often dirty cells are written (ms, default 10 s); 0: only on `flush()` and `close()`. */
  flushMs?: number;
  /** Told of a failed write (it is retried at the next flush). */
  onError?: (err: unknown) => void;
}

interface Slot {
  cell: RollupCell;
  dirty: boolean;
}

/** A source id unique to this process. */
export function processSource(): string {
  return `gw-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export class RollupAccumulator {
  readonly source: string;
  private readonly cells = new Map<string, Slot>();
  private readonly write: RollupAccumulatorOptions['write'];
  private readonly clock: Clock;
  private readonly onError: (err: unknown) => void;
  private readonly timer: NodeJS.Timeout | null;
  /** Traces of minutes before this one count in the current minute: their cells may be gone. */
  private floor = '';
  private flushing: Promise<void> | null = null;

  constructor(options: RollupAccumulatorOptions) {
    this.write = options.write;
    this.source = options.source ?? processSource();
    this.clock = options.clock ?? systemClock;
    this.onError = options.onError ?? (() => {});
    const flushMs = options.flushMs ?? 10_000;
    this.timer = flushMs > 0 ? setInterval(() => void this.flush().catch(this.onError), flushMs) : null;
    this.timer?.unref();
  }

  /** Counts one trace in its cell. On the request path: a map lookup and some additions. */
  observe(trace: Trace): void {
    let minute = minuteText(trace.startedAt);
    // A trace that ran past the cells kept (a very slow request) counts in the minute it ended in.
    if (minute < this.floor) minute = minuteOf(this.clock());
    const key = `${trace.prompt}\u0000${trace.version.number}\u0000${trace.environment ?? ''}\u0000${trace.arm ?? ''}\u0000${minute}`;
    let slot = this.cells.get(key);
    if (!slot) {
      slot = {
        cell: {
          prompt: trace.prompt,
          version: trace.version.number,
          environment: trace.environment,
          arm: trace.arm,
          minute,
          values: emptyValues(),
        },
        dirty: true,
      };
      this.cells.set(key, slot);
    }
    slot.dirty = true;
    countTrace(slot.cell.values, trace);
  }

  /** Writes the cells that changed since the last successful write; one write at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Stops the timer and writes what is left (a failure is reported to `onError`, then thrown). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.flushing) await this.flushing.catch(() => {});
    await this.flush();
  }

  /** Cells held in memory (for status and tests). */
  get size(): number {
    return this.cells.size;
  }

  private async flushOnce(): Promise<void> {
    this.floor = minuteOf(this.clock().getTime() - KEEP_MS);
    const batch: Slot[] = [];
    for (const slot of this.cells.values()) if (slot.dirty) batch.push(slot);
    if (batch.length > 0) {
      // Copies: traces keep counting into the cells while the write is under way.
      const cells = batch.map(({ cell }) => ({ ...cell, values: addValues(emptyValues(), cell.values) }));
      for (const slot of batch) slot.dirty = false;
      try {
        await this.write(this.source, cells);
      } catch (err) {
        for (const slot of batch) slot.dirty = true;
        this.onError(err);
        throw err;
      }
    }
    for (const [key, slot] of this.cells) {
      if (!slot.dirty && slot.cell.minute < this.floor) this.cells.delete(key);
    }
  }
}

/** What one trace adds to its cell's values (in place). */
export function countTrace(values: RollupCell['values'], trace: Trace): void {
  values.requests++;
  const code = trace.error?.code;
  if (trace.status === 'error') {
    values.errors++;
    if (code === 'PO_ERR_GUARDRAIL_BLOCKED') values.blocked++;
  } else if (trace.status === 'held') values.held++;
  if (code) values.errorCodes[code] = (values.errorCodes[code] ?? 0) + 1;
  if (wasContractChecked(trace)) {
    values.schemaChecked++;
    if (code !== 'PO_ERR_OUTPUT_INVALID') values.schemaValid++;
  }
  const total = trace.timings.total;
  values.latency[latencySlot(total)]!++;
  values.latencySumMs += total;
  values.costUsd += trace.costUsd ?? 0;
  values.inputTokens += trace.usage.inputTokens;
  values.outputTokens += trace.usage.outputTokens;
  const text = answerText(trace);
  if (text !== null) {
    values.outputLength[outputLengthSlot(text.length)]!++;
    if (trace.status === 'ok' && isRefusal(text)) values.refusals++;
  }
  countInputs(values.inputs, trace.input);
}

/**
 * Whether the model's answer reached the output contract check (its format, and its schema when
 * the prompt declares one): the request succeeded, or failed that check (PO_ERR_OUTPUT_INVALID,
 * after any re-asks), or was stopped later by an output guardrail (which runs after the check). A
 * request stopped before the model answered (input contract, input guardrails, provider errors) was
 * not checked. A trace does not say whether the prompt declares a schema: for a text prompt
 * without one, every answer that arrives passes.
 */
export function wasContractChecked(trace: Trace): boolean {
  // A person's approved decision delivered without running the prompt was checked when it ran.
  if (trace.status === 'ok') return trace.review === null || trace.timings.model > 0;
  if (trace.error?.code === 'PO_ERR_OUTPUT_INVALID') return true;
  for (const verdict of trace.guardrails) if (verdict.field === null) return true;
  return false;
}

/** The answer as text: a string output as it is, structured output as its JSON; null without one. */
function answerText(trace: Trace): string | null {
  const output = trace.output;
  if (output === null || output === undefined) return null;
  return typeof output === 'string' ? output : JSON.stringify(output);
}

/** The start of the minute of an ISO time: sliced when it is `toISOString()`'s form, else parsed. */
function minuteText(iso: string): string {
  if (iso.length === 24 && iso.charCodeAt(23) === 90 /* Z */ && iso.charCodeAt(10) === 84 /* T */)
    return `${iso.slice(0, 16)}:00.000Z`;
  return minuteOf(new Date(iso));
}
