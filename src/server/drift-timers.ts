/**
 * What `promptops serve` runs on a timer: the drift monitor every `drift.every` and scheduled
 * re-grading every `regrade.every`. Timers are the only real-time part; each run reads the clock.
 */

import { type ModelGrader, RegradeJob, type RegradeOutcome } from '../eval/regrade.js';
import type { AlertSink } from '../monitor/alert-sink.js';
import type { DriftReport } from '../monitor/drift.js';
import { DriftMonitor, durationSetting } from '../monitor/drift-monitor.js';
import { type Clock, systemClock } from '../monitor/rollup.js';
import type { ProjectConfig } from '../project/config.js';
import type { Store } from '../store/index.js';

export interface DriftTimerOptions {
  store: Store;
  sink: AlertSink;
  config: Pick<ProjectConfig, 'drift' | 'regrade' | 'environments'>;
  clock?: Clock;
  /** Answers llm-rubric and g-eval re-grading assertions (e.g. `gradeWithModel` with eval.grader). */
  modelGrader?: ModelGrader;
  /** Told of a run that failed (the store unreachable, say); the timer keeps going. */
  onError?: (err: unknown, job: 'drift' | 'regrade') => void;
  /** Told when a run finished, with what it found (for serve's log). */
  onRun?: (
    run: { job: 'drift'; reports: DriftReport[] } | { job: 'regrade'; outcomes: RegradeOutcome[] },
  ) => void;
}

export interface DriftTimer {
  monitor: DriftMonitor;
  regrade: RegradeJob | null;
  stop(): void;
}

/**
 * Starts the drift monitor and (when `regrade.graders` names any prompt) re-grading on timers.
 * A run never overlaps the previous one of the same job: a slow tick skips the next.
 */
export function startDriftTimers(options: DriftTimerOptions): DriftTimer {
  const { store, sink, config, onError, onRun } = options;
  const clock = options.clock ?? systemClock;
  const monitor = new DriftMonitor({
    store,
    sink,
    clock,
    config: config.drift,
    environments: config.environments,
  });
  const regrade =
    Object.keys(config.regrade.graders).length === 0
      ? null
      : new RegradeJob({
          store,
          clock,
          graders: config.regrade.graders,
          sample: config.regrade.sample,
          lookbackMs: durationSetting(config.regrade.every, 'regrade.every'),
          ...(options.modelGrader ? { modelGrader: options.modelGrader } : {}),
        });
  const timers = [
    every(
      durationSetting(config.drift.every, 'drift.every'),
      async () => onRun?.({ job: 'drift', reports: await monitor.tick() }),
      (err) => onError?.(err, 'drift'),
    ),
  ];
  if (regrade)
    timers.push(
      every(
        durationSetting(config.regrade.every, 'regrade.every'),
        async () => onRun?.({ job: 'regrade', outcomes: await regrade.run() }),
        (err) => onError?.(err, 'regrade'),
      ),
    );
  return {
    monitor,
    regrade,
    stop: () => {
      for (const timer of timers) clearInterval(timer);
    },
  };
}

function every(ms: number, run: () => Promise<unknown>, onError: (err: unknown) => void): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    run()
      .catch(onError)
      .finally(() => {
        running = false;
      });
  }, ms);
  // Monitoring never keeps the process alive on its own: serve's server does.
  timer.unref();
  return timer;
}
