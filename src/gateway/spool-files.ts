import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import path from 'node:path';
import { PromptOpsError } from '../errors.js';

// The spool directory's files: numbered segments of JSON lines, a cursor (how far shipping got)
// and a lock (which process owns the directory). Kept apart from the spool's loops.

const SEGMENT = /^(\d{12})\.jsonl$/;
const LOCK = 'spool.lock';
const CURSOR = 'cursor.json';

/** The lock files this process holds, to tell its own lock from a dead run's that had the same pid. */
const heldHere = new Set<string>();

/** How far shipping got: the segment being shipped and the byte offset of its next line. */
export interface Cursor {
  segment: number;
  offset: number;
}

/** The file name of segment `n`: fixed width, so names sort as numbers do. */
export function segmentPath(dir: string, n: number): string {
  return path.join(dir, `${String(n).padStart(12, '0')}.jsonl`);
}

/** The segment numbers present in `dir`, oldest first. */
export async function listSegments(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names
    .map((name) => SEGMENT.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** Reads the cursor; a missing or unreadable one means "from the start of the oldest segment". */
export async function readCursor(dir: string): Promise<Cursor | null> {
  try {
    const value = JSON.parse(await readFile(path.join(dir, CURSOR), 'utf8')) as Partial<Cursor>;
    if (Number.isSafeInteger(value.segment) && Number.isSafeInteger(value.offset)) {
      return { segment: value.segment as number, offset: value.offset as number };
    }
  } catch {
    // Missing or torn: shipping restarts from the oldest segment; the store ignores duplicates.
  }
  return null;
}

/** Writes the cursor atomically (tmp + rename), so a crash leaves the old one or the new one. */
export async function writeCursor(dir: string, cursor: Cursor): Promise<void> {
  const tmp = path.join(dir, `${CURSOR}.tmp`);
  await writeFile(tmp, JSON.stringify(cursor));
  await rename(tmp, path.join(dir, CURSOR));
}

/**
 * Cuts a torn last line (a crash in the middle of a write) off a segment, so it is never shipped
 * as garbage and never glued to the next line. Returns the segment's size after the cut.
 */
export async function truncateTornTail(file: string): Promise<number> {
  const handle = await open(file, 'r+');
  try {
    const { size } = await handle.stat();
    let end = size;
    const chunk = Buffer.alloc(64 * 1024);
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await handle.read(chunk, 0, end - start, start);
      const newline = chunk.subarray(0, bytesRead).lastIndexOf(10);
      if (newline >= 0) {
        end = start + newline + 1;
        break;
      }
      end = start;
    }
    if (end < size) {
      await handle.truncate(end);
      await handle.datasync();
    }
    return end;
  } finally {
    await handle.close();
  }
}

/** Makes a created or removed file's name durable: on Linux that takes an fsync of the directory. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The complete lines of a segment from `offset`, up to `limit` bytes and `maxLines` lines. */
export async function readLines(
  handle: FileHandle,
  offset: number,
  limit: number,
  maxLines: number,
): Promise<{ lines: string[]; next: number }> {
  let size = Math.min(1024 * 1024, limit - offset);
  for (;;) {
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await handle.read(buffer, 0, size, offset);
    const text = buffer.subarray(0, bytesRead);
    const lines: string[] = [];
    let start = 0;
    while (lines.length < maxLines) {
      const newline = text.indexOf(10, start);
      if (newline < 0) break;
      lines.push(text.toString('utf8', start, newline));
      start = newline + 1;
    }
    // One line longer than the read: read more, unless the bytes simply end there (a torn line).
    if (lines.length === 0 && bytesRead === size && offset + size < limit) {
      size = Math.min(size * 2, limit - offset);
      continue;
    }
    return { lines, next: offset + start };
  }
}

/** The total size of the given segments. */
export async function segmentBytes(dir: string, segments: number[]): Promise<number> {
  const sizes = await Promise.all(segments.map(async (n) => (await stat(segmentPath(dir, n))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

/**
 * Takes the directory's lock: a file holding the owner's pid. A lock of a live process is refused
 * (two gateways must not share one spool); a lock of a dead one is taken over.
 */
export async function acquireLock(dir: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      heldHere.add(file);
      return async () => {
        heldHere.delete(file);
        await rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    // Our own pid on a lock this process did not take: an earlier run that had the same pid (a
    // container's process restarted is pid 1 again) and is gone.
    const isOurs = owner === process.pid && !heldHere.has(file);
    if (Number.isSafeInteger(owner) && owner > 0 && !isOurs && isAlive(owner)) {
      throw new PromptOpsError(
        'PO_ERR_SPOOL_LOCKED',
        `The trace spool ${dir} is in use by process ${owner}${owner === process.pid ? ' (this one)' : ''}: two gateways cannot share a spool directory. Give this one its own directory, or stop process ${owner}; if no such process is a gateway, delete ${file}.`,
        { dir, pid: owner },
      );
    }
    // The owner is gone (killed or crashed): its lock is stale.
    await rm(file, { force: true });
  }
  throw new PromptOpsError(
    'PO_ERR_SPOOL_LOCKED',
    `Another process took the trace spool ${dir} while this one opened it.`,
    {
      dir,
    },
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The traces on disk after the cursor: one per line. */
export async function countLines(dir: string, cursor: Cursor, sizes: Map<number, number>): Promise<number> {
  let count = 0;
  for (const [segment, size] of sizes) {
    const from = segment === cursor.segment ? cursor.offset : 0;
    if (from >= size) continue;
    const handle = await open(segmentPath(dir, segment), 'r');
    try {
      const buffer = Buffer.alloc(Math.min(size - from, 1024 * 1024));
      for (let at = from; at < size; ) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - at), at);
        if (bytesRead === 0) break;
        for (let i = buffer.indexOf(10); i >= 0 && i < bytesRead; i = buffer.indexOf(10, i + 1)) count++;
        at += bytesRead;
      }
    } finally {
      await handle.close();
    }
  }
  return count;
}
