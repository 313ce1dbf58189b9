/**
 * Canary analysis end to end on a real registry: scripted traffic becomes per-minute rollups
 * written with store.writeRollups, a simulated clock moves minute by minute, and the analysis
 * rolls back, ramps and promotes real releases. Each engine's test file calls the suite.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prng } from '../../scripts/injection-synth.js';
import { RecordingAlertSink } from '../../src/monitor/alert-sink.js';
import { ANALYSIS_ACTOR, type AnalysisStore, CanaryAnalysis } from '../../src/monitor/canary-analysis.js';
import { endedIntervals } from '../../src/monitor/canary-verdict.js';
import { minuteOf, type RollupCell } from '../../src/monitor/rollup.js';
import { defaultProjectConfig } from '../../src/project/config.js';
import { startMonitoring } from '../../src/server/monitoring.js';
import { analysisLeader } from '../../src/store/analysis-leader.js';
import type { Store } from '../../src/store/index.js';
import type { EngineHarness, OpenEngine } from '../store/harness.js';
import {
  type ArmTraffic,
  canaryScenario,
  HEALTHY,
  PLAN,
  RELEASER,
  scriptedMinute,
} from './canary-scenario.js';

/** What serve monitors with when promptops.yaml sets nothing: no webhooks, no rules, no re-grading. */
const MONITORED = defaultProjectConfig();

const PROJECT = 'acme';

export function describeCanaryAnalysis(engine: string, open: OpenEngine): void {
  describe(`canary analysis (${engine})`, () => {
    let h: EngineHarness;
    let store: Store;
    let now: Date;
    const clock = () => new Date(now);
    let alerts: RecordingAlertSink;
    let scenario: ReturnType<typeof canaryScenario>;

    beforeEach(async () => {
      now = new Date('2026-12-07T09:00:00.000Z');
      h = await open({ project: PROJECT, now: clock, environments: ['staging', 'production'] });
      store = h.store;
      alerts = new RecordingAlertSink();
      scenario = canaryScenario(store, { now: clock, tick });
    });

    afterEach(async () => {
      await h.cleanup();
    });

    const tick = (ms = 1000) => {
      now = new Date(now.getTime() + ms);
    };

    const analysisOf = (over: Partial<AnalysisStore> = {}) =>
      new CanaryAnalysis({
        store: Object.assign(Object.create(store) as AnalysisStore, over),
        alerts,
        clock,
      });

    async function expectRolledBack(metric: string) {
      const s = await scenario.status();
      expect(s.state).toBe('rolled back');
      expect(s.failures).toBe(PLAN.failureLimit);
      // Within the limit: exactly `failureLimit` intervals judged, both failed.
      expect(s.intervals.map((i) => i.verdict)).toEqual(['fail', 'fail']);
      const [active] = await store.listReleases({ environment: 'production', activeOnly: true });
      expect(active).toMatchObject({ kind: 'rollback', version: 1, canary: null, actor: ANALYSIS_ACTOR });
      const entry = (await store.listAudit({ limit: 20 })).find((e) => e.action === 'release.rollback');
      expect(entry?.actor).toBe(ANALYSIS_ACTOR);
      const notes = ((entry?.after ?? {}) as { notes?: string }).notes ?? '';
      expect(notes).toContain(metric);
      expect(notes).toContain('evidence:');
      expect(alerts.alerts).toHaveLength(1);
      expect(alerts.alerts[0]).toMatchObject({
        source: 'canary',
        name: 'canary-rollback',
        severity: 'critical',
        prompt: 'summarize',
        environment: 'production',
      });
    }

    /**
     * `minutes` of a failing canary's traffic (30% errors at 5%), written without ticking any
     * analysis: the clock ends where the last minute does.
     */
    async function writeFailingTraffic(minutes: number, versions: { stable: number; canary: number }) {
      const random = prng(3);
      for (let m = 0; m < minutes; m++) {
        const minute = minuteOf(now);
        const cell = (arm: 'stable' | 'canary', t: ArmTraffic): RollupCell => ({
          ...{ prompt: 'summarize', version: versions[arm], environment: 'production', arm, minute },
          values: scriptedMinute(t, random),
        });
        await store.writeRollups('gateway-1', [
          cell('stable', { ...HEALTHY, requests: 950 }),
          cell('canary', { ...HEALTHY, errorRate: 0.3, requests: 50 }),
        ]);
        tick(60_000);
      }
    }

    it('rolls back a canary failing 30% of calls within the failure limit, with the evidence audited', async () => {
      await scenario.startCanary();
      await scenario.simulate(
        30,
        { total: 1000, stable: HEALTHY, canary: { ...HEALTHY, errorRate: 0.3 } },
        analysisOf(),
      );
      await expectRolledBack('error_rate');
      const failing = (await scenario.status()).intervals[0]!.evidence.metrics.find(
        (m) => m.metric === 'error_rate',
      )!;
      expect(failing.canary.value).toBeGreaterThan(0.25);
      expect(failing.stable.value).toBeLessThan(0.03);
      expect(failing.pValue).toBeLessThan(0.01);
    });

    it('rolls back a canary whose guardrails block 20% of requests', async () => {
      await scenario.startCanary();
      await scenario.simulate(
        30,
        { total: 1000, stable: HEALTHY, canary: { ...HEALTHY, blockRate: 0.2 } },
        analysisOf(),
      );
      await expectRolledBack('block_rate');
    });

    it('rolls back a canary whose p95 latency doubled', async () => {
      await scenario.startCanary();
      await scenario.simulate(
        30,
        { total: 1000, stable: HEALTHY, canary: { ...HEALTHY, latencyMs: 400 } },
        analysisOf(),
      );
      await expectRolledBack('p95_latency_ms');
    });

    it('promotes a healthy canary step by step, without flapping on noise near the thresholds', async () => {
      await scenario.startCanary({ ...PLAN, intervalsPerStep: 4 });
      // Worse than stable, but within every allowance: +1 point of blocks (2 allowed), errors
      // (blocks included) +1.8 points (2 allowed), 20% slower (50% allowed), 15% costlier (30%
      // allowed). Raw interval values cross the thresholds now and then; the tests do not.
      const canary = { errorRate: 0.0184, blockRate: 0.02, latencyMs: 240, costUsd: 0.00115 };
      await scenario.simulate(120, { total: 1000, stable: HEALTHY, canary }, analysisOf(), 7);
      const s = await scenario.status();
      expect(s.state).toBe('promoted');
      expect(s.intervals.map((i) => [i.weight, i.verdict])).toEqual(
        [5, 25, 50].flatMap((w) => new Array(4).fill([w, 'pass'])),
      );
      // Some intervals' raw error rates were more than 2 points above stable's; none failed.
      const rawExcess = s.intervals.map((i) => {
        const m = i.evidence.metrics.find((e) => e.metric === 'error_rate')!;
        return m.canary.value! - m.stable.value!;
      });
      expect(rawExcess.some((d) => d > 0.02)).toBe(true);
      const releases = await store.listReleases({ environment: 'production' });
      expect(releases.slice(0, 4).map((r) => [r.kind, r.canary?.weight ?? null, r.actor])).toEqual([
        ['promote', null, ANALYSIS_ACTOR],
        ['canary', 50, ANALYSIS_ACTOR],
        ['canary', 25, ANALYSIS_ACTOR],
        ['canary', 5, RELEASER],
      ]);
      expect(alerts.alerts.map((a) => a.name)).toEqual(['canary-promoted']);
    });

    it('keeps a canary with too little traffic inconclusive: neither promoted nor rolled back', async () => {
      await scenario.startCanary();
      // 40 requests a minute: the canary's 5% is 2 a minute, 10 an interval, far below 200.
      await scenario.simulate(
        60,
        { total: 40, stable: HEALTHY, canary: { ...HEALTHY, errorRate: 0.5 } },
        analysisOf(),
      );
      const s = await scenario.status();
      expect(s.state).toBe('running');
      expect(s.canary.weight).toBe(5);
      expect(s.intervals.length).toBeGreaterThanOrEqual(10);
      expect(new Set(s.intervals.map((i) => i.verdict))).toEqual(new Set(['inconclusive']));
      expect(s.intervals[0]!.evidence.metrics[0]!.reason).toMatch(/too few samples/);
      expect(alerts.alerts).toEqual([]);
    });

    it('records a failure to read the rollups as an error, never as a failure of the canary', async () => {
      await scenario.startCanary();
      const broken = analysisOf({
        readRollups: async () => {
          throw new Error('connection reset');
        },
      });
      await scenario.simulate(
        30,
        { total: 1000, stable: HEALTHY, canary: { ...HEALTHY, errorRate: 0.3 } },
        broken,
      );
      const s = await scenario.status();
      expect(s.state).toBe('running');
      expect(s.failures).toBe(0);
      expect(s.intervals.length).toBeGreaterThanOrEqual(5);
      expect(s.intervals.every((i) => i.verdict === 'error')).toBe(true);
      expect(s.intervals[0]!.evidence.error).toMatch(/connection reset/);
      expect(alerts.alerts).toEqual([]);
    });

    it('acts only on the release it judged: a rollback by hand during its tick leaves stable alone', async () => {
      // v1, then v2 fully released, then v3 as a canary: a second rollback would move stable to v1.
      const served = await scenario.readyCr('Summarise {{text}}.');
      await store.release({ changeRequest: served.number, environment: 'production' }, RELEASER);
      const canary = await scenario.startCanary();
      expect(canary.version).toBe(3);
      await writeFailingTraffic(11, { stable: 2, canary: 3 });
      // The analysis reads the running canary; before it acts, someone rolls it back by hand.
      const analysis = analysisOf({
        canaryStatus: async (filter) => {
          const read = await store.canaryStatus(filter);
          await store.rollback({ prompt: 'summarize', environment: 'production' }, RELEASER);
          return read;
        },
      });
      const [outcome] = await analysis.tick();
      expect(outcome).toMatchObject({ action: 'superseded' });
      expect(outcome!.recorded.map((i) => i.verdict)).toEqual(['fail', 'fail']);
      const [active] = await store.listReleases({ environment: 'production', activeOnly: true });
      expect(active).toMatchObject({ kind: 'rollback', version: 2, canary: null, actor: RELEASER });
      expect(alerts.alerts).toEqual([]);
      // A ramp or promotion for a release no longer active is refused the same way.
      await expect(
        store.promote(
          { prompt: 'summarize', environment: 'production', expectRelease: outcome!.recorded[0]!.release },
          ANALYSIS_ACTOR,
        ),
      ).rejects.toMatchObject({ code: 'PO_ERR_RELEASE_SUPERSEDED' });
    });

    it('judges an interval only settleMs after it ends', async () => {
      await scenario.startCanary();
      const started = Date.parse((await scenario.status()).stepStartedAt);
      const [first] = endedIntervals(PLAN, new Date(started), new Date(started + 11 * 60_000));
      await writeFailingTraffic(6, { stable: 1, canary: 2 });
      const analysis = new CanaryAnalysis({ store, alerts, clock, settleMs: 20_000 });
      now = new Date(Date.parse(first!.end) + 5_000);
      expect((await analysis.tick())[0]!.recorded).toEqual([]);
      now = new Date(Date.parse(first!.end) + 25_000);
      const [outcome] = await analysis.tick();
      expect(outcome!.recorded.map((i) => [i.windowEnd, i.verdict])).toEqual([[first!.end, 'fail']]);
    });

    it('reports a ramp it cannot make instead of skipping it every tick', async () => {
      await scenario.startCanary();
      const errors: string[] = [];
      const analysis = new CanaryAnalysis({
        store: Object.assign(Object.create(store) as AnalysisStore, {
          canaryStatus: async () => (await store.canaryStatus()).map((c) => ({ ...c, changeRequest: null })),
        }),
        ...{ alerts, clock },
        onError: (err) => errors.push((err as Error).message),
      });
      await scenario.simulate(6, { total: 10_000, stable: HEALTHY, canary: HEALTHY }, analysis);
      expect(errors[0]).toMatch(
        /passed step 1 at 5% but cannot ramp to 25%: its release names no change request/,
      );
      expect((await scenario.status()).canary.weight).toBe(5);
    });

    it("runs in serve's monitoring loop while the process leads, and stops when told", async () => {
      await scenario.startCanary();
      await writeFailingTraffic(11, { stable: 1, canary: 2 });
      const monitoring = startMonitoring({
        store,
        config: MONITORED,
        leader: analysisLeader(h.url!, PROJECT),
        clock,
        tickMs: 5,
        log: () => {},
      });
      try {
        await expect
          .poll(async () => (await scenario.status()).state, { interval: 10, timeout: 10_000 })
          .toBe('rolled back');
      } finally {
        await monitoring.stop();
      }
      // serve's alert service recorded the rollback's alert (no webhook configured: none to send).
      expect((await store.listAlerts()).map((a) => [a.name, a.severity])).toEqual([
        ['canary-rollback', 'critical'],
      ]);
    });

    it('leaves a canary released with --no-analysis alone, and a ramp keeps the plan', async () => {
      const cr = await scenario.startCanary(null);
      expect(await store.canaryStatus()).toEqual([]);
      await store.rollback({ prompt: 'summarize', environment: 'production' }, RELEASER);
      tick();
      await store.release(
        { changeRequest: cr.number, environment: 'production', canaryWeight: 5, analysis: PLAN },
        RELEASER,
      );
      tick();
      await store.release(
        { changeRequest: cr.number, environment: 'production', canaryWeight: 25 },
        RELEASER,
      );
      const s = await scenario.status();
      expect(s).toMatchObject({ state: 'running', canary: { weight: 25 }, step: 1, plan: PLAN });
    });
  });
}
