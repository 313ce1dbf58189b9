/**
 * Watches projects' revisions (their audit heads) for the requests that wait on one: one reader per
 * project, whoever and however many wait, so N gateways long-polling a project cost one query a tick.
 * It reads the database, not this process's writes, so a release made through another server on the
 * same database wakes the waiters too.
 */

/** One request waiting for its project's revision to move past `seen`. */
interface Waiter {
  seen: number;
  done: (revision: number | null) => void;
}

/** A project being watched: its waiters and whether a tick is scheduled. */
interface Watched {
  waiters: Set<Waiter>;
  timer: NodeJS.Timeout | null;
}

/** What a watch is built from. */
export interface RevisionWatchOptions {
  /** Reads a project's revision (one cheap query). */
  read: (project: string) => Promise<number>;
  /** How often a watched project is read (ms). */
  intervalMs?: number;
  /** Told about a failed read; the waiters keep waiting until the next tick or their time. */
  onError?: (err: unknown) => void;
}

/** The shared watcher of projects' revisions (one per server). */
export class RevisionWatch {
  private readonly watched = new Map<string, Watched>();
  private closed = false;

  constructor(private readonly options: RevisionWatchOptions) {}

  /** The project's revision now. */
  read(project: string): Promise<number> {
    return this.options.read(project);
  }

  /**
   * Resolves with the project's revision once it is other than `seen`, or with null when `ms` pass
   * first or the watch closes (a server shutting down lets its waiters go at once).
   */
  changed(project: string, seen: number, ms: number): Promise<number | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      const watched = this.watchedOf(project);
      const timeout = setTimeout(() => waiter.done(null), ms);
      const waiter: Waiter = {
        seen,
        done: (revision) => {
          clearTimeout(timeout);
          watched.waiters.delete(waiter);
          resolve(revision);
        },
      };
      watched.waiters.add(waiter);
      this.schedule(project, watched);
    });
  }

  /** Lets every waiter go (with null) and watches nothing more. */
  close(): void {
    this.closed = true;
    for (const watched of this.watched.values()) {
      if (watched.timer) clearTimeout(watched.timer);
      for (const waiter of [...watched.waiters]) waiter.done(null);
    }
    this.watched.clear();
  }

  private watchedOf(project: string): Watched {
    let watched = this.watched.get(project);
    if (!watched) {
      watched = { waiters: new Set(), timer: null };
      this.watched.set(project, watched);
    }
    return watched;
  }

  /** One tick at a time per project (a slow read delays the next one rather than piling up). */
  private schedule(project: string, watched: Watched): void {
    if (watched.timer || this.closed) return;
    watched.timer = setTimeout(() => void this.tick(project, watched), this.options.intervalMs ?? 200);
  }

  private async tick(project: string, watched: Watched): Promise<void> {
    try {
      const revision = await this.options.read(project);
      for (const waiter of [...watched.waiters]) if (waiter.seen !== revision) waiter.done(revision);
    } catch (err) {
      this.options.onError?.(err);
    }
    watched.timer = null;
    if (watched.waiters.size > 0) this.schedule(project, watched);
    else if (this.watched.get(project) === watched) this.watched.delete(project);
  }
}
