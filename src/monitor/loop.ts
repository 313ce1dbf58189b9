/**
 * The control plane's background work (canary analysis, alert rules and deliveries, drift,
 * re-grading, retention) as jobs on one loop. Each job is a `tick()` that reads the time from its
 * own clock, so tests call the ticks directly with a simulated clock and this loop only paces them
 * in production. A failing tick is reported and tried again at its next turn: background work never
 * takes the server down, and one job's failure never stops the others.
 */

export interface MonitorJob {
  name: string;
  /** How often the job runs, in ms. */
  everyMs: number;
  /** Jobs that act on shared state (rolling back a canary, sending alerts) run on one server only. */
  leaderOnly: boolean;
  tick(): Promise<unknown>;
}

/**
 * How long a tick may run before the loop stops waiting for it (a query hung on a dead connection,
 * say): it is reported, and the job's next turn comes as usual instead of never.
 */
export function tickTimeoutMs(job: Pick<MonitorJob, 'everyMs'>): number {
  return Math.max(60_000, 4 * job.everyMs);
}

export interface MonitorLoopOptions {
  /** Whether this process is the leader now (a PostgreSQL advisory lock); absent: it is. */
  isLeader?: () => Promise<boolean>;
  onError?: (job: string, err: unknown) => void;
}

export class MonitorLoop {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly jobs: readonly MonitorJob[],
    private readonly options: MonitorLoopOptions = {},
  ) {}

  /** Starts every job on its period (timers unref'd: the loop never keeps a process alive). */
  start(): void {
    for (const job of this.jobs) this.schedule(job);
  }

  /** Runs one job now unless it is still running; resolves when it is done (errors reported). */
  runJob(job: MonitorJob): Promise<void> {
    const current = this.running.get(job.name);
    if (current) return current;
    const run = this.runOnce(job).finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
    return run;
  }

  /** Stops scheduling and waits for the ticks in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.all(this.running.values());
  }

  private schedule(job: MonitorJob): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.runJob(job).finally(() => this.schedule(job));
    }, job.everyMs);
    timer.unref();
    this.timers.add(timer);
  }

  private async runOnce(job: MonitorJob): Promise<void> {
    try {
      if (job.leaderOnly && this.options.isLeader && !(await this.options.isLeader())) return;
      const limit = tickTimeoutMs(job);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`a tick still runs after ${limit / 1000} s; the next one starts anyway`)),
          limit,
        );
        timer.unref();
      });
      try {
        await Promise.race([job.tick(), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      this.options.onError?.(job.name, err);
    }
  }
}
