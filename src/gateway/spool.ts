import { type FileHandle, open, rm } from 'node:fs/promises';
import type { Trace } from '../observe/trace.js';
import type { TraceSink, TraceSinkStats } from '../observe/trace-sink.js';
import {
  acquireLock,
  type Cursor,
  countLines,
  listSegments,
  readCursor,
  readLines,
  segmentPath,
  syncDirectory,
  truncateTornTail,
  writeCursor,
} from './spool-files.js';

const MiB = 1024 * 1024;

export interface TraceSpoolOptions {
  /** The spool directory; one process owns it at a time. */
  dir: string;
  /** Where shipped batches go: the store's `writeTraces` (idempotent on trace id). */
  sink: (batch: Trace[]) => Promise<void>;
  /** Most bytes of unshipped traces kept; beyond it new traces are refused and counted. */
  maxBytes?: number;
  /** A segment file is rolled past this size (at most a quarter of `maxBytes`). */
  segmentBytes?: number;
  /** Longest a trace waits in memory before its write and fsync start. */
  syncIntervalMs?: number;
  /** Buffered traces that start a write at once, without waiting for `syncIntervalMs`. */
  commitSize?: number;
  /** Most traces per call to `sink`. */
  shipBatchSize?: number;
  /**
   * Least time between two calls to `sink` while less than a batch waits (default 100 ms): at a
   * thousand requests a second the store takes ten batches of a hundred, not a hundred of ten.
   */
  shipIntervalMs?: number;
  /** Retry delays after a failed ship or write: doubled from `initialMs` up to `maxMs`, with jitter. */
  backoff?: { initialMs: number; maxMs: number };
  /** Told about each refused trace (the spool is full or closed, or the trace is not JSON). */
  onDrop?: (trace: Trace, reason: 'full' | 'closed' | 'unserialisable') => void;
}

export interface TraceSpoolStats extends TraceSinkStats {
  /** On disk and fsynced. */
  recorded: number;
  /** Accepted by the sink. */
  shipped: number;
  /** Taken but not yet on disk. */
  buffered: number;
  /** Bytes on disk not yet shipped. */
  pendingBytes: number;
  segments: number;
  /** Lines on disk that were not a trace (skipped, never shipped). */
  skipped: number;
  /** Writes with their fdatasync (group commits): `recorded / commits` traces share one fsync. */
  commits: number;
  /** The last sink failure's message, cleared by the next success. */
  lastShipError: string | null;
  lastWriteError: string | null;
}

/** A group commit just written: where its lines are, and the traces they hold. */
interface RecentCommit {
  segment: number;
  start: number;
  end: number;
  traces: Trace[];
}

interface Writer {
  handle: FileHandle;
  segment: number;
  size: number;
}

/**
 * A durable trace sink: traces are appended as JSON lines to segment files (one write and one
 * fdatasync per batch, a group commit) and shipped from there to the store, resuming from a cursor
 * after a restart. When the store is down the spool grows up to `maxBytes`; beyond it new traces
 * are refused and counted, and nothing already on disk is ever dropped.
 */
export class TraceSpool implements TraceSink {
  private buffer: Trace[] = [];
  private timer: NodeJS.Timeout | null = null;
  private isCommitting = false;
  private isCommitDue = false;
  private isClosing = false;
  private isStopped = false;
  private writer: Writer | null = null;
  /** The segment the writer appends to (set before its file exists): never removed by the shipper. */
  private writerSegment: number | null = null;
  private shipping: Promise<void> = Promise.resolve();
  private readonly waiters = new Set<() => void>();
  private recent: RecentCommit[] = [];
  /** Where a commit's lines are encoded; written before the next commit starts, so it is reused. */
  private scratch: Buffer = Buffer.allocUnsafe(256 * 1024);
  private recentCount = 0;
  private readonly counters = { enqueued: 0, recorded: 0, shipped: 0, dropped: 0, skipped: 0, commits: 0 };
  /** Traces the writer is done with (on disk or refused): what `flush` waits for. */
  private settled = 0;
  /** Traces on disk not yet shipped, counted at open and kept since. */
  private unshipped = 0;
  /** Bytes of all segment files, and the average line: kept so `enqueue` does no arithmetic over files. */
  private diskBytes = 0;
  private lineEstimate = 2048;
  private lastShipError: string | null = null;
  private lastWriteError: string | null = null;
  private readonly maxBytes: number;
  private readonly segmentLimit: number;
  private readonly syncIntervalMs: number;
  private readonly commitSize: number;
  private readonly shipBatchSize: number;
  private readonly shipIntervalMs: number;
  private lastShipAt = 0;
  private readonly recentLimit: number;
  private readonly backoff: { initialMs: number; maxMs: number };

  private constructor(
    private readonly options: TraceSpoolOptions,
    private readonly sizes: Map<number, number>,
    private cursor: Cursor,
    private nextSegment: number,
    private readonly releaseLock: () => Promise<void>,
  ) {
    this.maxBytes = options.maxBytes ?? 256 * MiB;
    this.segmentLimit = Math.max(1, Math.min(options.segmentBytes ?? 8 * MiB, Math.floor(this.maxBytes / 4)));
    this.syncIntervalMs = options.syncIntervalMs ?? 10;
    this.commitSize = options.commitSize ?? 1024;
    this.shipBatchSize = options.shipBatchSize ?? 500;
    this.shipIntervalMs = options.shipIntervalMs ?? 100;
    this.recentLimit = 8 * this.shipBatchSize;
    this.backoff = options.backoff ?? { initialMs: 100, maxMs: 5000 };
  }

  /**
   * Opens (creating) a spool directory: takes its lock, cuts a torn last line left by a crash,
   * and starts shipping whatever earlier runs left unshipped.
   */
  static async open(options: TraceSpoolOptions): Promise<TraceSpool> {
    const releaseLock = await acquireLock(options.dir);
    try {
      const { dir } = options;
      const segments = await listSegments(dir);
      const sizes = new Map<number, number>();
      // Every segment was last written by a process that is gone, so each may end in a torn line.
      for (const n of segments) sizes.set(n, await truncateTornTail(segmentPath(dir, n)));
      const saved = await readCursor(dir);
      const last = Math.max(segments.at(-1) ?? 0, saved?.segment ?? 0);
      const first = segments.find((n) => n >= (saved?.segment ?? 0));
      const cursor: Cursor =
        first === undefined
          ? { segment: last + 1, offset: 0 }
          : {
              segment: first,
              offset: first === saved?.segment ? Math.min(saved.offset, sizes.get(first) ?? 0) : 0,
            };
      // Segments before the cursor were shipped; a crash came between the cursor and their removal.
      for (const n of segments.filter((n) => n < cursor.segment)) {
        await rm(segmentPath(dir, n), { force: true });
        sizes.delete(n);
      }
      const spool = new TraceSpool(options, sizes, cursor, last + 1, releaseLock);
      spool.unshipped = await countLines(dir, cursor, sizes);
      for (const size of sizes.values()) spool.diskBytes += size;
      spool.shipping = spool.shipLoop();
      return spool;
    } catch (err) {
      await releaseLock();
      throw err;
    }
  }

  /** Takes a trace without touching the disk; returns false when it was refused (and counted). */
  enqueue(trace: Trace): boolean {
    if (this.isClosing) return this.drop(trace, 'closed');
    // The size of a trace is known only once the writer serialises it: estimate with the average.
    if (this.pendingBytes() + (this.buffer.length + 1) * this.lineEstimate > this.maxBytes)
      return this.drop(trace, 'full');
    this.buffer.push(trace);
    this.counters.enqueued++;
    if (this.buffer.length >= this.commitSize) this.commitSoon(0);
    else this.commitSoon(this.syncIntervalMs);
    return true;
  }

  get stats(): TraceSpoolStats {
    return {
      ...this.counters,
      buffered: this.counters.enqueued - this.settled,
      pending: this.counters.enqueued - this.settled + this.unshipped,
      pendingBytes: this.pendingBytes(),
      segments: this.sizes.size,
      lastShipError: this.lastShipError,
      lastWriteError: this.lastWriteError,
    };
  }

  /** Resolves when every trace enqueued so far is on disk and fsynced (or was refused). */
  async flush(): Promise<void> {
    const target = this.counters.enqueued;
    // Committed here, not on a timer: timers are unref'd, and a caller awaiting flush must keep the
    // process alive until its traces are on disk.
    this.startCommit();
    while (this.settled < target && !this.isStopped) await this.change();
  }

  /** Flushes, then waits up to `timeoutMs` for the sink to take everything; true when it did. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    await this.flush();
    while (this.unshipped > 0 && !this.isStopped) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.change(left, true);
    }
    return this.unshipped === 0;
  }

  /**
   * Stops taking traces, writes and fsyncs what is buffered, ships for at most `shipTimeoutMs`
   * (what is left stays on disk for the next open) and releases the directory.
   */
  async close(shipTimeoutMs = 2000): Promise<void> {
    if (this.isClosing) return;
    this.isClosing = true;
    await this.drain(shipTimeoutMs);
    this.isStopped = true;
    this.notify();
    // A sink call in flight may hang; it is not waited for beyond the timeout, and once stopped the
    // shipper touches no file, so its late success only means a duplicate on the next open.
    await Promise.race([this.shipping, sleep(shipTimeoutMs)]);
    if (this.timer) clearTimeout(this.timer);
    await this.writer?.handle.close();
    this.writer = null;
    await this.releaseLock();
  }

  private drop(trace: Trace, reason: 'full' | 'closed' | 'unserialisable'): false {
    this.counters.dropped++;
    try {
      this.options.onDrop?.(trace, reason);
    } catch {
      // A failing callback must not stop the writer; the drop is counted either way.
    }
    return false;
  }

  private pendingBytes(): number {
    return this.diskBytes - (this.sizes.has(this.cursor.segment) ? this.cursor.offset : 0);
  }

  /** Starts a commit in `ms` (never from inside `enqueue`: the caller is on a request path). */
  private commitSoon(ms: number): void {
    if (this.isCommitting || this.isStopped || this.isCommitDue) return;
    if (ms > 0) {
      if (this.timer) return;
      this.timer = setTimeout(() => this.startCommit(), ms);
      this.timer.unref();
      return;
    }
    this.isCommitDue = true;
    setImmediate(() => this.startCommit());
  }

  private startCommit(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.isCommitDue = false;
    if (!this.isCommitting && !this.isStopped) void this.commit();
  }

  /** The group commit: what is buffered goes out in one write and one fdatasync per `commitSize`. */
  private async commit(): Promise<void> {
    this.isCommitting = true;
    let failures = 0;
    while (this.buffer.length > 0 && !this.isStopped) {
      const taken = this.buffer;
      this.buffer = [];
      // In slices: under overload, one huge string per write costs more in garbage collection than
      // the extra fdatasyncs do.
      for (let i = 0; i < taken.length; i += this.commitSize) {
        const error = await this.commitSlice(taken.slice(i, i + this.commitSize));
        this.notify();
        if (error === null) {
          failures = 0;
          continue;
        }
        // The disk refused (full, I/O error): keep the traces, in order, and try again later.
        this.lastWriteError = errorMessage(error);
        this.buffer = taken.slice(i).concat(this.buffer);
        await sleep(this.delay(failures++));
        break;
      }
    }
    this.isCommitting = false;
  }

  /** Serialises and appends one slice; returns the disk's error, if any (the slice is then not settled). */
  private async commitSlice(slice: Trace[]): Promise<unknown> {
    // Encoded straight into one reused buffer: no joined string, no fresh buffer per write.
    let bytes = this.scratch;
    let used = 0;
    const written: Trace[] = [];
    const refused: Trace[] = [];
    for (const trace of slice) {
      const line = serialise(trace);
      if (line === null) {
        refused.push(trace);
        continue;
      }
      // A UTF-16 code unit takes at most 3 bytes in UTF-8, and the newline one.
      if (used + line.length * 3 + 1 > bytes.length) bytes = this.grow(used + line.length * 3 + 1);
      used += bytes.write(line, used);
      bytes[used++] = 10;
      written.push(trace);
    }
    try {
      if (written.length > 0) await this.append(bytes.subarray(0, used), written);
    } catch (err) {
      return err;
    }
    // Refused only now, so a slice retried after a disk error does not count its refusals twice.
    for (const trace of refused) this.drop(trace, 'unserialisable');
    this.settled += slice.length;
    return null;
  }

  private grow(size: number): Buffer {
    const bigger = Buffer.allocUnsafe(Math.max(size, this.scratch.length * 2));
    this.scratch.copy(bigger);
    this.scratch = bigger;
    return bigger;
  }

  private async append(bytes: Buffer, traces: Trace[]): Promise<void> {
    const count = traces.length;
    if (this.writer && this.writer.size > 0 && this.writer.size + bytes.length > this.segmentLimit) {
      await this.writer.handle.close();
      this.writer = null;
    }
    const writer = this.writer ?? (await this.startSegment());
    try {
      let written = 0;
      while (written < bytes.length) {
        const result = await writer.handle.write(
          bytes,
          written,
          bytes.length - written,
          writer.size + written,
        );
        written += result.bytesWritten;
      }
      await writer.handle.datasync();
    } catch (err) {
      // Take back a partial write, so the retry does not leave a torn line mid-segment.
      await writer.handle.truncate(writer.size).catch(() => {});
      throw err;
    }
    this.remember({ segment: writer.segment, start: writer.size, end: writer.size + bytes.length, traces });
    writer.size += bytes.length;
    this.sizes.set(writer.segment, writer.size);
    this.counters.recorded += count;
    this.counters.commits++;
    this.unshipped += count;
    this.diskBytes += bytes.length;
    this.lineEstimate = (this.lineEstimate * 7 + bytes.length / count) / 8;
    this.lastWriteError = null;
  }

  private async startSegment(): Promise<Writer> {
    const segment = this.nextSegment++;
    this.writerSegment = segment;
    this.sizes.set(segment, 0);
    const handle = await open(segmentPath(this.options.dir, segment), 'wx');
    await syncDirectory(this.options.dir);
    this.writer = { handle, segment, size: 0 };
    return this.writer;
  }

  /** Ships until stopped; a file error (the disk, a segment removed by hand) is reported and retried. */
  private async shipLoop(): Promise<void> {
    for (let failures = 0; !this.isStopped; failures++) {
      try {
        await this.shipSegments();
      } catch (err) {
        this.lastShipError = `reading the spool: ${errorMessage(err)}`;
        this.recent = [];
        this.recentCount = 0;
        await this.change(this.delay(failures));
      }
    }
  }

  /** Ships segments in order, one batch at a time, retrying a failed batch until it goes through. */
  private async shipSegments(): Promise<void> {
    let reader = null as { segment: number; handle: FileHandle } | null;
    try {
      while (!this.isStopped) {
        const { segment, offset } = this.cursor;
        const size = this.sizes.get(segment);
        const isActive = this.writerSegment === segment;
        if (size === undefined || offset >= size) {
          // A finished segment (not the writer's) is removed; otherwise wait for the writer.
          if (size !== undefined && !isActive) {
            await reader?.handle.close();
            reader = null;
            const later = [...this.sizes.keys()].find((n) => n > segment) ?? this.nextSegment;
            await this.advance({ segment: later, offset: 0 }, segment);
          } else await this.change();
          continue;
        }
        const fromMemory = await this.shipFromMemory(segment, offset);
        if (fromMemory === false) return;
        if (fromMemory) continue;
        if (reader?.segment !== segment) {
          await reader?.handle.close();
          reader = { segment, handle: await open(segmentPath(this.options.dir, segment), 'r') };
        }
        const { lines, next } = await readLines(reader.handle, offset, size, this.shipBatchSize);
        if (lines.length === 0) {
          // Only bytes without a newline remain in a closed segment: nothing of them can ship.
          if (isActive) await this.change();
          else {
            this.diskBytes -= size - offset;
            this.sizes.set(segment, offset);
          }
          continue;
        }
        const batch = this.parse(lines);
        if (batch.length > 0 && !(await this.ship(batch))) return;
        this.counters.shipped += batch.length;
        this.unshipped -= lines.length;
        await this.advance({ segment, offset: next }, null);
      }
    } finally {
      await reader?.handle.close();
    }
  }

  /**
   * Keeps what was just written in memory (up to `recentLimit` traces), so a shipper that keeps up
   * sends it without reading and parsing it back; what falls out is read from disk as usual.
   */
  private remember(commit: RecentCommit): void {
    this.recent.push(commit);
    this.recentCount += commit.traces.length;
    while (this.recentCount > this.recentLimit) this.recentCount -= this.recent.shift()?.traces.length ?? 0;
  }

  /**
   * Ships the commits at the cursor from memory, consecutive ones together up to a batch: null when
   * the cursor's commit is not there, false when stopped.
   */
  private async shipFromMemory(segment: number, offset: number): Promise<boolean | null> {
    await this.pace();
    let commit = this.recent[0];
    // Commits behind the cursor were shipped from disk.
    while (commit && (commit.segment < segment || (commit.segment === segment && commit.start < offset))) {
      this.recentCount -= commit.traces.length;
      this.recent.shift();
      commit = this.recent[0];
    }
    if (!commit || commit.segment !== segment || commit.start !== offset) return null;
    const commits = [commit];
    let count = commit.traces.length;
    for (const next of this.recent.slice(1)) {
      const last = commits.at(-1)!;
      if (next.segment !== last.segment || next.start !== last.end) break;
      if (count + next.traces.length > this.shipBatchSize) break;
      commits.push(next);
      count += next.traces.length;
    }
    const traces = commits.length === 1 ? commit.traces : commits.flatMap((c) => c.traces);
    // The cursor moves once the whole of it is shipped: a restart midway sends duplicates, never gaps.
    for (let i = 0; i < traces.length; i += this.shipBatchSize) {
      const batch = traces.slice(i, i + this.shipBatchSize);
      if (!(await this.ship(batch))) return false;
      this.counters.shipped += batch.length;
      this.unshipped -= batch.length;
    }
    this.lastShipAt = Date.now();
    for (const shipped of commits) {
      if (this.recent[0] !== shipped) break;
      this.recent.shift();
      this.recentCount -= shipped.traces.length;
    }
    await this.advance({ segment, offset: commits.at(-1)!.end }, null);
    return true;
  }

  /** Waits while less than a batch is waiting and the last ship was under `shipIntervalMs` ago. */
  private async pace(): Promise<void> {
    while (!this.isStopped && !this.isClosing && this.recentCount < this.shipBatchSize) {
      const wait = this.shipIntervalMs - (Date.now() - this.lastShipAt);
      if (wait <= 0) return;
      await this.change(wait);
    }
  }

  private parse(lines: string[]): Trace[] {
    const batch: Trace[] = [];
    for (const line of lines) {
      try {
        batch.push(JSON.parse(line) as Trace);
      } catch {
        this.counters.skipped++;
      }
    }
    return batch;
  }

  /** Sends one batch until the sink takes it; false when the spool stopped first. */
  private async ship(batch: Trace[]): Promise<boolean> {
    for (let failures = 0; !this.isStopped; failures++) {
      try {
        await this.options.sink(batch);
        this.lastShipError = null;
        return !this.isStopped;
      } catch (err) {
        this.lastShipError = errorMessage(err);
        this.notify();
        await this.change(this.delay(failures));
      }
    }
    return false;
  }

  private async advance(cursor: Cursor, finished: number | null): Promise<void> {
    this.cursor = cursor;
    await writeCursor(this.options.dir, cursor);
    if (finished !== null) {
      // Removed only after the cursor moved past it: a crash between the two leaves a file that
      // the next open recognises as shipped.
      await rm(segmentPath(this.options.dir, finished), { force: true });
      this.diskBytes -= this.sizes.get(finished) ?? 0;
      this.sizes.delete(finished);
    }
    this.notify();
  }

  /** Exponential backoff with jitter: a fleet of gateways does not retry in step. */
  private delay(failures: number): number {
    const ceiling = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(failures, 20));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  /** Resolves at the next commit, ship or stop (or after `ms`; `keepAlive` while a caller waits). */
  private change(ms?: number, keepAlive = false): Promise<void> {
    if (this.isStopped && ms === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        if (timer) clearTimeout(timer);
        resolve();
      };
      const timer = ms === undefined ? null : setTimeout(done, ms);
      if (!keepAlive) timer?.unref();
      this.waiters.add(done);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function serialise(trace: Trace): string | null {
  try {
    return JSON.stringify(trace) ?? null;
  } catch {
    return null;
  }
}

/** An error's message for `stats`, without the credentials a connection URL may carry. */
function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\/\/[^/@\s]+@/g, '//***@');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
