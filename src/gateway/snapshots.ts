import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EnvironmentSnapshot } from '../governance/environment-snapshot.js';
import { remoteFailure } from '../store/http-store.js';
import type { ServedPrompts } from './served.js';

/**
 * Reads an environment's snapshot: a newer one than revision `known`, or null when nothing changed
 * (a long-poll may hold the call until something does or its wait runs out).
 */
export type SnapshotFetch = (
  environment: string,
  known: number | null,
  signal: AbortSignal,
) => Promise<EnvironmentSnapshot | null>;

/** How one environment's snapshot stands. */
export interface EnvironmentStatus {
  environment: string;
  /** The revision served, or null before the first snapshot. */
  revision: number | null;
  /** Where the served snapshot came from. */
  source: 'control-plane' | 'last-known-good' | null;
  /** When the control plane last answered (ISO time), null if it never has since start. */
  lastContactAt: string | null;
  consecutiveFailures: number;
  lastError: string | null;
}

export interface FollowerOptions {
  environments: readonly string[];
  fetch: SnapshotFetch;
  served: ServedPrompts;
  /** Where each environment's last snapshot is kept (last-known-good); null keeps none. */
  stateDir: string | null;
  project: string;
  /** Fewest milliseconds between two reads that came back unchanged at once (a server without long-poll). */
  pollMs?: number;
  /** Back-off after a failed read: the first wait and the longest (ms); the wait doubles, with jitter. */
  backoff?: { initialMs: number; maxMs: number };
  /** Told about every failed read and every snapshot taken (for the log). */
  onError?: (environment: string, err: unknown, failures: number) => void;
  onSnapshot?: (snapshot: EnvironmentSnapshot, source: 'control-plane' | 'last-known-good') => void;
}

/**
 * Keeps a gateway's snapshots current: loads each environment's last-known-good file at start (so a
 * gateway restarted while the control plane is down still serves), then follows the control plane
 * (a long-poll per environment), swapping in each new snapshot and writing it to disk before it
 * counts as known good. A failed read backs off and retries; what is served stays as it was.
 */
export class SnapshotFollower {
  private readonly status = new Map<string, EnvironmentStatus>();
  private readonly abort = new AbortController();
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly options: FollowerOptions) {
    for (const environment of options.environments) {
      this.status.set(environment, {
        environment,
        revision: null,
        source: null,
        lastContactAt: null,
        consecutiveFailures: 0,
        lastError: null,
      });
    }
  }

  /** Loads the last-known-good files, then starts following; resolves once the files are loaded. */
  async start(): Promise<void> {
    for (const environment of this.options.environments) {
      const saved = await this.load(environment);
      if (saved) this.take(saved, 'last-known-good');
    }
    for (const environment of this.options.environments) this.loops.push(this.follow(environment));
  }

  /**
   * Waits until every environment has a snapshot (from the control plane or disk) or `timeoutMs`
   * passes; true when all have one.
   */
  async ready(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isReady() && Date.now() < deadline && !this.abort.signal.aborted) {
      await sleep(25, this.abort.signal);
    }
    return this.isReady();
  }

  isReady(): boolean {
    return [...this.status.values()].every((s) => s.revision !== null);
  }

  environments(): EnvironmentStatus[] {
    return [...this.status.values()].map((s) => ({ ...s }));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
  }

  private async follow(environment: string): Promise<void> {
    const status = this.status.get(environment)!;
    const signal = this.abort.signal;
    const pollMs = this.options.pollMs ?? 500;
    const { initialMs, maxMs } = this.options.backoff ?? { initialMs: 200, maxMs: 10_000 };
    while (!signal.aborted) {
      const startedAt = Date.now();
      try {
        const snapshot = await this.options.fetch(environment, status.revision, signal);
        status.lastContactAt = new Date().toISOString();
        status.consecutiveFailures = 0;
        status.lastError = null;
        const isNew = snapshot !== null && snapshot.revision !== status.revision;
        if (isNew) {
          await this.save(snapshot);
          this.take(snapshot, 'control-plane');
        } else if (status.source === 'last-known-good') {
          status.source = 'control-plane';
        }
        if (!isNew && Date.now() - startedAt < pollMs) await sleep(pollMs, signal);
      } catch (err) {
        if (signal.aborted) break;
        status.consecutiveFailures++;
        status.lastError = describe(err);
        // The first failure and then every doubling: an outage is logged, not flooded.
        const failures = status.consecutiveFailures;
        if ((failures & (failures - 1)) === 0) this.options.onError?.(environment, err, failures);
        const wait = Math.min(maxMs, initialMs * 2 ** (status.consecutiveFailures - 1));
        await sleep(wait / 2 + Math.random() * (wait / 2), signal);
      }
    }
  }

  private take(snapshot: EnvironmentSnapshot, source: 'control-plane' | 'last-known-good'): void {
    const status = this.status.get(snapshot.environment);
    if (!status) return;
    this.options.served.replace(snapshot);
    status.revision = snapshot.revision;
    status.source = source;
    this.options.onSnapshot?.(snapshot, source);
  }

  private fileOf(environment: string): string | null {
    const dir = this.options.stateDir;
    return dir ? path.join(dir, `snapshot-${encodeURIComponent(environment)}.json`) : null;
  }

  /** Writes the snapshot beside its file and renames it over, so a crash never leaves half a file. */
  private async save(snapshot: EnvironmentSnapshot): Promise<void> {
    const file = this.fileOf(snapshot.environment);
    if (!file) return;
    await mkdir(path.dirname(file), { recursive: true });
    const body = JSON.stringify({
      project: this.options.project,
      savedAt: new Date().toISOString(),
      snapshot,
    });
    await writeFile(`${file}.tmp`, body, { flush: true });
    await rename(`${file}.tmp`, file);
  }

  /** The last-known-good snapshot of an environment, if a readable one of this project is on disk. */
  private async load(environment: string): Promise<EnvironmentSnapshot | null> {
    const file = this.fileOf(environment);
    if (!file) return null;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return null;
    }
    try {
      const saved = JSON.parse(text) as { project?: unknown; snapshot?: EnvironmentSnapshot };
      const snapshot = saved.snapshot;
      const isSnapshot =
        saved.project === this.options.project &&
        snapshot?.environment === environment &&
        Number.isInteger(snapshot.revision) &&
        Array.isArray(snapshot.prompts);
      return isSnapshot ? snapshot : null;
    } catch (err) {
      this.options.onError?.(
        environment,
        new Error(`${file} is not a snapshot: ${(err as Error).message}`),
        0,
      );
      return null;
    }
  }
}

/**
 * Reads snapshots from a control plane over HTTP: `If-None-Match` with the known revision and a
 * long-poll of `waitSeconds`, so a release reaches the gateway as soon as the control plane has it.
 */
export function remoteSnapshots(options: {
  url: string;
  token: string;
  project: string;
  waitSeconds?: number;
}): SnapshotFetch {
  const base = options.url.replace(/\/+$/, '');
  const wait = options.waitSeconds ?? 25;
  return async (environment, known, signal) => {
    const url = `${base}/v1/projects/${encodeURIComponent(options.project)}/environments/${encodeURIComponent(environment)}/snapshot?wait=${known === null ? 0 : wait}`;
    const response = await fetch(url, {
      headers: {
        authorization: `Bearer ${options.token}`,
        ...(known === null ? {} : { 'if-none-match': `"${known}"` }),
      },
      signal: AbortSignal.any([signal, AbortSignal.timeout((wait + 10) * 1000)]),
    });
    if (response.status === 304) return null;
    const body = (await response.json().catch(() => null)) as unknown;
    if (!response.ok) throw remoteFailure(body, response.status, base);
    return body as EnvironmentSnapshot;
  };
}

/** A failed read's reason: fetch's "fetch failed" says nothing, its cause does (ECONNREFUSED …). */
export function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message;
  return reason ? `${(err as Error).message} (${reason})` : (err as Error).message;
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
