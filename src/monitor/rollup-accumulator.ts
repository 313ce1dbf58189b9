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

/** Cells per write: a request to the control plane stays well under its body limit. */
const WRITE_CHUNK = 2000;

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
  /** The cell's minute as its first 16 characters (`2026-12-07T10:04`), as traces are matched. */
  stamp: string;
  dirty: boolean;
}

/** A source id unique to this process. */
export function processSource(): string {
  return `gw-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export class RollupAccumulator {
  readonly source: string;
  /**
   * The cells by prompt, each prompt's a short list (versions × environments × arms × the minutes
   * kept): a lookup by an existing string and a scan of a few slots, with no key string to build.
   */
  private readonly cells = new Map<string, Slot[]>();
  private readonly write: RollupAccumulatorOptions['write'];
  private readonly clock: Clock;
  private readonly onError: (err: unknown) => void;
  private readonly timer: NodeJS.Timeout | null;
  /** Traces of minutes before this stamp count in the current minute: their cells may be gone. */
  private floor = '';
  private flushing: Promise<void> | null = null;

  constructor(options: RollupAccumulatorOptions) {
    this.write = options.write;
    this.source = options.source ?? processSource();
    this.clock = options.clock ?? systemClock;
    this.onError = options.onError ?? (() => {});
    const flushMs = options.flushMs ?? 10_000;
    this.timer = flushMs > 0 ? setInterval(() => void this.flush().catch(() => {}), flushMs) : null;
    this.timer?.unref();
  }

  /** Counts one trace in its cell. On the request path: a map lookup, a short scan, some additions. */
  observe(trace: Trace): void {
    let stamp = stampOf(trace.startedAt);
    // A trace that ran past the cells kept (a very slow request) counts in the minute it ended in.
    if (stamp < this.floor) stamp = minuteOf(this.clock()).slice(0, 16);
    let slots = this.cells.get(trace.prompt);
    if (!slots) {
      slots = [];
      this.cells.set(trace.prompt, slots);
    }
    const { environment, arm } = trace;
    const version = trace.version.number;
    let slot: Slot | undefined;
    for (const s of slots) {
      const cell = s.cell;
      if (
        cell.version === version &&
        cell.environment === environment &&
        cell.arm === arm &&
        s.stamp === stamp
      ) {
        slot = s;
        break;
      }
    }
    if (!slot) {
      slot = {
        cell: {
          prompt: trace.prompt,
          version,
          environment,
          arm,
          minute: `${stamp}:00.000Z`,
          values: emptyValues(),
        },
        stamp,
        dirty: true,
      };
      slots.push(slot);
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
    let n = 0;
    for (const slots of this.cells.values()) n += slots.length;
    return n;
  }

  private async flushOnce(): Promise<void> {
    this.floor = minuteOf(this.clock().getTime() - KEEP_MS).slice(0, 16);
    const batch: Slot[] = [];
    for (const slots of this.cells.values()) for (const slot of slots) if (slot.dirty) batch.push(slot);
    for (let i = 0; i < batch.length; i += WRITE_CHUNK) {
      const chunk = batch.slice(i, i + WRITE_CHUNK);
      // Copies: traces keep counting into the cells while the write is under way.
      const cells = chunk.map(({ cell }) => ({ ...cell, values: addValues(emptyValues(), cell.values) }));
      for (const slot of chunk) slot.dirty = false;
      try {
        await this.write(this.source, cells);
      } catch (err) {
        for (const slot of batch.slice(i)) slot.dirty = true;
        this.onError(err);
        throw err;
      }
    }
    for (const [prompt, slots] of this.cells) {
      const kept = slots.filter((slot) => slot.dirty || slot.stamp >= this.floor);
      if (kept.length === 0) this.cells.delete(prompt);
      else if (kept.length < slots.length) this.cells.set(prompt, kept);
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
  const cost = trace.costUsd ?? 0;
  values.costUsd += cost;
  values.costSquaresSum += cost * cost;
  values.inputTokens += trace.usage.inputTokens;
  values.outputTokens += trace.usage.outputTokens;
  const output = trace.output;
  if (output !== null && output !== undefined) {
    values.outputLength[outputLengthSlot(answerLength(output))]!++;
    if (trace.status === 'ok' && typeof output === 'string' && isRefusal(output)) values.refusals++;
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

/**
 * The answer's length in characters: a text answer's own; a structured answer's as JSON, counted
 * without writing the JSON out (escapes inside strings are not counted: a bin, not a byte count).
 */
export function answerLength(output: unknown): number {
  switch (typeof output) {
    case 'string':
      return output.length;
    case 'object':
      return output === null ? 0 : jsonLength(output);
    case 'undefined':
      return 0;
    default:
      return String(output).length;
  }
}

function jsonLength(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
    case 'boolean':
      return String(value).length;
    case 'object': {
      if (value === null) return 4;
      let n = 2;
      if (Array.isArray(value)) {
        for (const item of value) n += jsonLength(item) + 1;
        return value.length > 0 ? n - 1 : n;
      }
      let fields = 0;
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue;
        n += key.length + 3 + jsonLength(item);
        fields++;
      }
      return fields > 0 ? n + fields - 1 : n;
    }
    default:
      return 0;
  }
}

/** The first 16 characters of the minute of an ISO time (`2026-12-07T10:04`). */
function stampOf(iso: string): string {
  // toISOString()'s form, as traces record it: the stamp is its start; anything else is parsed.
  if (iso.length === 24 && iso.charCodeAt(23) === 90 /* Z */ && iso.charCodeAt(10) === 84 /* T */)
    return iso.slice(0, 16);
  return minuteOf(new Date(iso)).slice(0, 16);
}
