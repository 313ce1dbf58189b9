/**
 * A canary scenario on a real registry, shared by the canary analysis suite and the production-loop
 * test: `summarize` v1 released to production, v2 released as a canary with an analysis plan, and
 * scripted traffic written minute by minute as a gateway's rollups while a simulated clock moves.
 */
import { prng } from '../../scripts/injection-synth.js';
import { type CanaryPlan, parseCanaryPlan } from '../../src/monitor/canary-plan.js';
import {
  emptyValues,
  latencySlot,
  minuteOf,
  type RollupCell,
  type RollupValues,
} from '../../src/monitor/rollup.js';
import type { ChangeRequest, Store } from '../../src/store/index.js';
import { passAllChecks } from '../store/fixtures.js';
import { shapedItem } from '../store/governance.suite.js';

export const AUTHOR = 'ada@acme.example';
export const REVIEWER = 'rita@acme.example';
export const RELEASER = 'rel@acme.example';

/** What one arm's traffic looks like for a minute. */
export interface ArmTraffic {
  requests: number;
  errorRate?: number;
  blockRate?: number;
  /** Median latency in ms; each request varies ±40% around it (log-uniform). */
  latencyMs?: number;
  costUsd?: number;
}

/** Turns "N requests, x% errors, latency ~L" into a minute's rollup values, request by request. */
export function scriptedMinute(traffic: ArmTraffic, random: () => number): RollupValues {
  const v = emptyValues();
  const latency = traffic.latencyMs ?? 200;
  for (let i = 0; i < traffic.requests; i++) {
    v.requests++;
    const blocked = random() < (traffic.blockRate ?? 0);
    if (blocked) v.blocked++;
    if (blocked || random() < (traffic.errorRate ?? 0)) v.errors++;
    const ms = latency * Math.exp((random() - 0.5) * 0.8);
    v.latency[latencySlot(ms)]! += 1;
    v.latencySumMs += ms;
    const cost = (traffic.costUsd ?? 0.001) * (0.5 + random());
    v.costUsd += cost;
    v.costSquaresSum += cost * cost;
  }
  return v;
}

/** The plan canaries are released with: 5 → 25 → 50 → 100, 5-minute intervals, two failures roll back. */
export const PLAN: CanaryPlan = parseCanaryPlan(
  {
    steps: [5, 25, 50, 100],
    interval: '5m',
    minSamples: 200,
    failureLimit: 2,
    metrics: [
      { metric: 'error_rate', maxIncrease: 0.02 },
      { metric: 'block_rate', maxIncrease: 0.02 },
      { metric: 'p95_latency_ms', maxRatio: 1.5 },
      { metric: 'cost_per_request', maxRatio: 1.3 },
    ],
  },
  'test plan',
);

/** Traffic like stable's: 1% errors, 1% blocks, ~200 ms, $0.001 a request. */
export const HEALTHY: Omit<ArmTraffic, 'requests'> = {
  errorRate: 0.01,
  blockRate: 0.01,
  latencyMs: 200,
  costUsd: 0.001,
};

/** Total requests a minute and how each arm behaves. */
export interface ScriptedTraffic {
  total: number;
  stable: Omit<ArmTraffic, 'requests'>;
  canary: Omit<ArmTraffic, 'requests'>;
}

/** The simulated clock a scenario moves: `now()` is the time, `tick(ms)` moves it on (default 1 s). */
export interface ScenarioClock {
  now(): Date;
  tick(ms?: number): unknown;
}

/** The scenario's steps on `store` (a registry with the `staging` and `production` environments). */
export function canaryScenario(store: Store, time: ScenarioClock) {
  const tick = (ms?: number) => {
    time.tick(ms);
  };

  /** A change request of `summarize` with this template, checked and approved. */
  async function readyCr(template: string): Promise<ChangeRequest> {
    const item = await shapedItem('summarize', { template });
    tick();
    await store.push([item], { author: AUTHOR, message: 'change' });
    tick();
    const cr = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);
    await passAllChecks(store, cr, 'ci@acme.example', tick);
    tick();
    await store.recordApproval(cr.number, { decision: 'approve' }, REVIEWER);
    return store.getChangeRequest(cr.number);
  }

  /** v1 in production, v2 released as a canary at the plan's first weight. */
  async function startCanary(plan: CanaryPlan | null = PLAN): Promise<ChangeRequest> {
    const first = await readyCr('Summarize {{text}}.');
    tick();
    await store.release({ changeRequest: first.number, environment: 'production' }, RELEASER);
    const second = await readyCr('Summarize {{text}} briefly.');
    tick();
    await store.release(
      { changeRequest: second.number, environment: 'production', canaryWeight: 5, analysis: plan },
      RELEASER,
    );
    return second;
  }

  /**
   * Simulates `minutes` of production traffic (total requests a minute split by the canary's
   * weight of the moment), writing each minute's rollups as a gateway would, and ticking the
   * analysis after each minute; stops early once no canary runs.
   */
  async function simulate(
    minutes: number,
    traffic: ScriptedTraffic,
    analysis: { tick(): Promise<unknown> },
    seed = 1,
  ): Promise<void> {
    const random = prng(seed);
    for (let m = 0; m < minutes; m++) {
      const [active] = await store.listReleases({ environment: 'production', activeOnly: true });
      if (!active?.canary) return;
      const minute = minuteOf(time.now());
      const canaryRequests = Math.round((traffic.total * active.canary.weight) / 100);
      const cell = (arm: 'stable' | 'canary', version: number, t: ArmTraffic): RollupCell => ({
        ...{ prompt: 'summarize', version, environment: 'production', arm, minute },
        values: scriptedMinute(t, random),
      });
      await store.writeRollups('gateway-1', [
        cell('stable', active.version, { ...traffic.stable, requests: traffic.total - canaryRequests }),
        cell('canary', active.canary.version, { ...traffic.canary, requests: canaryRequests }),
      ]);
      tick(60_000);
      await analysis.tick();
    }
  }

  /** The canary's status as `promptops canary status` shows it. */
  async function status() {
    const [s] = await store.canaryStatus({ prompt: 'summarize', environment: 'production' });
    return s!;
  }

  return { readyCr, startCanary, simulate, status };
}
