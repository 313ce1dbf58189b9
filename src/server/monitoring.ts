/**
 * What `promptops serve` runs besides answering requests: the production loop. Canary analysis,
 * alert rules, webhook deliveries, drift detection, scheduled re-grading and retention, each a job
 * on one MonitorLoop. All of them act on shared state (a rollback, a webhook, an alert), so they run
 * on the leader only: the holder of a PostgreSQL advisory lock when several servers share a
 * registry, the one process on SQLite. Each job reads time from `clock`; the loop only paces them.
 */
import { type ModelGrader, RegradeJob } from '../eval/regrade.js';
import { AlertService } from '../monitor/alerts.js';
import { CanaryAnalysis } from '../monitor/canary-analysis.js';
import { DriftMonitor, durationSetting } from '../monitor/drift-monitor.js';
import { type MonitorJob, MonitorLoop } from '../monitor/loop.js';
import { RetentionJob } from '../monitor/retention.js';
import { type Clock, systemClock } from '../monitor/rollup.js';
import type { ProjectConfig } from '../project/config.js';
import type { AnalysisLeader } from '../store/analysis-leader.js';
import type { Store } from '../store/index.js';

export interface MonitoringOptions {
  store: Store;
  config: Pick<ProjectConfig, 'alerts' | 'drift' | 'regrade' | 'telemetry' | 'environments'>;
  leader: AnalysisLeader;
  clock?: Clock;
  /** Answers llm-rubric and g-eval re-grading assertions (the project's eval.grader). */
  modelGrader?: ModelGrader;
  /** How often canary analysis and alert rules run (ms; default 15 s); deliveries run as often. */
  tickMs?: number;
  /** Where webhook secrets are read (each webhook's `secretEnv`); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  log: (line: string) => void;
}

export interface Monitoring {
  alerts: AlertService;
  loop: MonitorLoop;
  jobs: readonly MonitorJob[];
  /** Stops the jobs (waiting for ticks under way) and gives up leadership. */
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;
const SETTLE_MARGIN_MS = 5_000;

export function startMonitoring(options: MonitoringOptions): Monitoring {
  const { store, config, log } = options;
  const clock = options.clock ?? systemClock;
  const tickMs = options.tickMs ?? 15_000;
  // A minute of rollups is read once every gateway has flushed it.
  const settleMs = config.telemetry.rollups.flushMs + SETTLE_MARGIN_MS;
  const alerts = new AlertService({
    store,
    config: config.alerts,
    clock,
    log,
    settleMs,
    ...(options.env ? { env: options.env } : {}),
  });
  const canary = new CanaryAnalysis({
    store,
    alerts,
    clock,
    // An interval is judged once every gateway has written its last minute: a flush and a margin.
    settleMs: config.telemetry.rollups.flushMs + SETTLE_MARGIN_MS,
    onError: (err) => failed('canary-analysis', err),
  });
  const drift = new DriftMonitor({
    store,
    sink: alerts,
    clock,
    config: config.drift,
    environments: config.environments,
    settleMs,
    onError: (err, { prompt, environment }) => failed(`drift of ${prompt} in ${environment}`, err),
  });
  const retention = new RetentionJob({ store, retention: config.telemetry.retention, clock });
  const job = (name: string, everyMs: number, tick: () => Promise<unknown>): MonitorJob => ({
    name,
    everyMs,
    leaderOnly: true,
    tick,
  });
  const jobs = [
    job('canary-analysis', tickMs, () => canary.tick()),
    job('alert-rules', tickMs, () => alerts.tick()),
    job('alert-delivery', Math.min(tickMs, 5_000), () => alerts.deliver()),
    job('drift', durationSetting(config.drift.every, 'drift.every'), () => drift.tick()),
    job('retention', HOUR_MS, () => retention.tick()),
  ];
  const regrade = regradeJob(options, clock);
  if (regrade) jobs.push(regrade);
  function failed(name: string, err: unknown): void {
    log(`${name}: ${(err as Error).message}`);
  }
  const loop = new MonitorLoop(jobs, { isLeader: () => options.leader.tryLead(), onError: failed });
  loop.start();
  return {
    alerts,
    loop,
    jobs,
    async stop() {
      await loop.stop();
      await options.leader.close();
    },
  };
}

/** Re-grading as a job, when `regrade.graders` names a prompt; its failures are logged. */
function regradeJob(options: MonitoringOptions, clock: Clock): MonitorJob | null {
  const { store, config, log } = options;
  if (Object.keys(config.regrade.graders).length === 0) return null;
  const every = durationSetting(config.regrade.every, 'regrade.every');
  const regrade = new RegradeJob({
    store,
    clock,
    graders: config.regrade.graders,
    sample: config.regrade.sample,
    lookbackMs: every,
    ...(options.modelGrader ? { modelGrader: options.modelGrader } : {}),
  });
  return {
    name: 'regrade',
    everyMs: every,
    leaderOnly: true,
    async tick() {
      // A grader that is down fails traces, not the job: say so, or accuracy silently stops.
      for (const outcome of await regrade.run()) {
        if (outcome.failed > 0) {
          log(
            `regrade: ${outcome.failed} trace(s) of ${outcome.prompt} not graded: ${outcome.errors[0] ?? ''}`,
          );
        }
      }
    },
  };
}
