import { isPromptOpsError, PromptOpsError } from '../errors.js';
import type { CanaryIntervalRecord, CanaryStatus } from '../store/canary-store.js';
import type { Store } from '../store/types.js';
import type { AlertSink } from './alert-sink.js';
import {
  type CanaryAction,
  endedIntervals,
  type IntervalJudgement,
  judgeInterval,
  nextAction,
} from './canary-verdict.js';
import { type Clock, mergeValues, type RollupCell, type RollupQuery } from './rollup.js';

/** The actor canary analysis acts as in the audit log. */
export const ANALYSIS_ACTOR = 'promptops-analysis';

/** Reads summed rollups (the rollup store part: `store.readRollups`). */
export interface RollupReader {
  readRollups(query: RollupQuery): Promise<RollupCell[]>;
}

/** What the analysis needs from the registry. */
export type AnalysisStore = Pick<
  Store,
  'canaryStatus' | 'recordCanaryInterval' | 'release' | 'promote' | 'rollback'
> &
  RollupReader;

/** What one tick did to one canary. */
export interface TickOutcome {
  prompt: string;
  environment: string;
  recorded: CanaryIntervalRecord[];
  /** What it did; `superseded`: the release it judged was no longer active, so it did nothing. */
  action: CanaryAction['kind'] | 'superseded';
}

/**
 * The controller: each `tick()` judges every running canary's intervals that have ended and acts on
 * them: a rollback when failed intervals reach the plan's limit (with an alert and the evidence in
 * the audit entry), the next weight when enough intervals passed, promotion after the last step.
 * It keeps no state of its own (the store holds the intervals), so any leader can take over.
 */
export class CanaryAnalysis {
  constructor(
    private readonly deps: {
      store: AnalysisStore;
      alerts: AlertSink;
      clock: Clock;
      /**
       * How long after an interval ends it is judged (ms, default 0): gateways write their rollups
       * every few seconds, so an interval judged the moment it ends would miss its last seconds.
       * `promptops serve` gives the rollup flush interval and a margin.
       */
      settleMs?: number;
      /** Told about a canary the tick could not handle; the next tick tries again. */
      onError?: (err: unknown, canary: { prompt: string; environment: string }) => void;
    },
  ) {}

  async tick(): Promise<TickOutcome[]> {
    const running = (await this.deps.store.canaryStatus()).filter((s) => s.state === 'running');
    const outcomes: TickOutcome[] = [];
    for (const status of running) {
      try {
        outcomes.push(await this.analyse(status));
      } catch (err) {
        this.deps.onError?.(err, status);
      }
    }
    return outcomes;
  }

  private async analyse(status: CanaryStatus): Promise<TickOutcome> {
    const { store } = this.deps;
    const { plan } = status;
    const settled = new Date(this.deps.clock().getTime() - (this.deps.settleMs ?? 0));
    const done = new Set(status.intervals.filter((i) => i.release === status.release).map((i) => i.index));
    let failures = status.failures;
    let passes = status.passesThisStep;
    const recorded: CanaryIntervalRecord[] = [];
    let action: CanaryAction = nextAction(plan, status.canary.weight, failures, passes);
    for (const window of endedIntervals(plan, new Date(status.stepStartedAt), settled)) {
      if (action.kind !== 'wait') break;
      if (done.has(window.index)) continue;
      const judgement = await this.judge(status, window.start, window.end);
      const record = await store.recordCanaryInterval({
        release: status.release,
        step: status.step,
        weight: status.canary.weight,
        index: window.index,
        windowStart: window.start,
        windowEnd: window.end,
        verdict: judgement.verdict,
        evidence: judgement,
      });
      recorded.push(record);
      if (record.verdict === 'fail') failures++;
      if (record.verdict === 'pass') passes++;
      action = nextAction(plan, status.canary.weight, failures, passes);
    }
    const acted = await this.act(status, action, [...status.intervals, ...recorded]);
    return { prompt: status.prompt, environment: status.environment, recorded, action: acted };
  }

  /** One interval's verdict; a failure to read the rollups is an `error`, never the canary's fault. */
  private async judge(status: CanaryStatus, from: string, to: string): Promise<IntervalJudgement> {
    const { prompt, environment } = status;
    try {
      const [canary, stable] = await Promise.all([
        this.deps.store.readRollups({
          prompt,
          environment,
          version: status.canary.version,
          arm: 'canary',
          from,
          to,
        }),
        this.deps.store.readRollups({ prompt, environment, version: status.stable, arm: 'stable', from, to }),
      ]);
      return judgeInterval(
        status.plan,
        mergeValues(canary.map((c) => c.values)),
        mergeValues(stable.map((c) => c.values)),
      );
    } catch (err) {
      return {
        verdict: 'error',
        metrics: [],
        error: `reading the rollups failed: ${(err as Error).message}`,
      };
    }
  }

  /**
   * Acts on the release the tick judged, and only on it (`expectRelease`): when someone rolled it
   * back by hand meanwhile, or another analyser already acted, the store refuses and the decision
   * stands as taken (`superseded`), never a rollback of the stable version or a re-release.
   */
  private async act(
    status: CanaryStatus,
    action: CanaryAction,
    intervals: CanaryIntervalRecord[],
  ): Promise<TickOutcome['action']> {
    try {
      await this.apply(status, action, intervals);
      return action.kind;
    } catch (err) {
      if (isPromptOpsError(err) && err.code === 'PO_ERR_RELEASE_SUPERSEDED') return 'superseded';
      throw err;
    }
  }

  private async apply(
    status: CanaryStatus,
    action: CanaryAction,
    intervals: CanaryIntervalRecord[],
  ): Promise<void> {
    const { store, alerts } = this.deps;
    const { prompt, environment } = status;
    const expectRelease = status.release;
    const label = `${prompt}@${status.canary.version} in ${environment}`;
    switch (action.kind) {
      case 'wait':
        return;
      case 'rollback': {
        const failed = intervals.filter((i) => i.verdict === 'fail');
        const evidence = failed.map((i) => ({
          window: `${i.windowStart}/${i.windowEnd}`,
          weight: i.weight,
          failing: i.evidence.metrics
            .filter((m) => m.verdict === 'fail')
            .map((m) => ({
              metric: m.metric,
              canary: m.canary,
              stable: m.stable,
              pValue: m.pValue,
              reason: m.reason,
            })),
        }));
        const summary = `canary ${label} rolled back by analysis: ${failed.length} failed interval(s) (limit ${status.plan.failureLimit}); ${evidenceLine(failed)}`;
        await store.rollback(
          { prompt, environment, expectRelease, notes: `${summary}\nevidence: ${JSON.stringify(evidence)}` },
          ANALYSIS_ACTOR,
        );
        await alerts.raise({
          ...{ source: 'canary', name: 'canary-rollback', severity: 'critical', prompt, environment },
          // Each canary's rollback is news: never folded into an earlier canary's alert still open.
          occurrence: status.analysis,
          summary,
          evidence: { analysis: status.analysis, failures: evidence },
        });
        return;
      }
      case 'ramp': {
        if (status.changeRequest === null) {
          // Every tick would decide this ramp again: say so (onError) rather than skip it in silence.
          throw new PromptOpsError(
            'PO_ERR_RELEASE_INVALID',
            `canary ${label} passed step ${status.step + 1} at ${status.canary.weight}% but cannot ramp to ${action.weight}%: its release names no change request to re-release; ramp it ("promptops release CR --env ${environment} --canary ${action.weight}"), promote or roll it back by hand`,
            { prompt, environment, release: status.release },
          );
        }
        await store.release(
          {
            changeRequest: status.changeRequest,
            environment,
            expectRelease,
            canaryWeight: action.weight,
            notes: `canary analysis: step ${status.step + 1} passed at ${status.canary.weight}%, ramping to ${action.weight}%`,
          },
          ANALYSIS_ACTOR,
        );
        return;
      }
      case 'promote': {
        const passed = intervals.filter((i) => i.verdict === 'pass').length;
        const summary = `canary ${label} promoted by analysis after ${passed} passed interval(s) through ${status.plan.steps.filter((w) => w < 100).join(' → ')}%`;
        await store.promote({ prompt, environment, expectRelease, notes: summary }, ANALYSIS_ACTOR);
        await alerts.raise({
          ...{ source: 'canary', name: 'canary-promoted', severity: 'info', prompt, environment },
          occurrence: status.analysis,
          summary,
          evidence: { analysis: status.analysis, passed },
        });
      }
    }
  }
}

/** The failing metrics of the last failed interval, in words. */
function evidenceLine(failed: CanaryIntervalRecord[]): string {
  const last = failed.at(-1);
  if (!last) return '';
  return last.evidence.metrics
    .filter((m) => m.verdict === 'fail')
    .map((m) => `${m.metric}: ${m.reason}`)
    .join('; ');
}
