/**
 * The drift monitor and re-grading on each engine: rollups of a release's first day, then an hour
 * whose input categories shifted, raise the drift alert once (with the PSI as evidence); an hour
 * like the first day raises nothing; re-grading scores fresh traces into `grader_score`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openProjectStore, projectDependencies } from '../../src/compose.js';
import { REGRADE_SOURCE, RegradeJob } from '../../src/eval/regrade.js';
import { modelGraderOf } from '../../src/eval/runner.js';
import { type Alert, type AlertSink, RecordingAlertSink } from '../../src/monitor/alert-sink.js';
import { DEFAULT_THRESHOLDS } from '../../src/monitor/drift.js';
import { DriftMonitor } from '../../src/monitor/drift-monitor.js';
import {
  type Clock,
  emptyValues,
  LATENCY_SLOTS,
  mergeValues,
  metricOf,
  type RollupCell,
} from '../../src/monitor/rollup.js';
import { RollupAccumulator } from '../../src/monitor/rollup-accumulator.js';
import type { DriftConfig } from '../../src/project/config.js';
import { openWorkspace } from '../../src/project/workspace.js';
import type { Store } from '../../src/store/index.js';
import { runCli, useTempDir } from '../helpers.js';
import { ENGINES } from '../store/audit-sabotage.js';
import { promptItem, traceRecord } from '../store/fixtures.js';
import { type EngineHarness, reachableEngines } from '../store/harness.js';
import { openHttpHarness } from '../store/http-harness.js';
import { serveTopics } from './served-traces.js';

/** Each engine, and a server over SQLite with the monitor on its remote client. */
const TARGETS = [...ENGINES, { name: 'http', open: openHttpHarness }];

/** A RecordingAlertSink whose next `failNext` raises throw. */
class FlakySink extends RecordingAlertSink {
  failNext = 0;

  override async raise(alert: Alert): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('the alert store is unreachable');
    }
    await super.raise(alert);
  }
}

function recordingSink(): FlakySink {
  return new FlakySink();
}

/** A clock the test moves. */
function manualClock(start: string): Clock & { set(at: string): void; advance(ms: number): void } {
  let now = new Date(start).getTime();
  const clock = () => new Date(now);
  clock.set = (at: string) => {
    now = new Date(at).getTime();
  };
  clock.advance = (ms: number) => {
    now += ms;
  };
  return clock;
}

/** A monitor of production with CONFIG. */
function monitorOf(store: Store, sink: AlertSink, clock: Clock): DriftMonitor {
  return new DriftMonitor({ store, sink, clock, config: CONFIG, environments: ['production'] });
}

const RELEASED_AT = '2026-12-01T00:00:00.000Z';
const MINUTE = 60_000;
const CONFIG: DriftConfig = {
  reference: 'release-day',
  window: '1h',
  every: '5m',
  prompts: [],
  environments: ['production'],
  thresholds: DEFAULT_THRESHOLDS,
};

/** `count` minutes of traffic from `from`, `every` minutes apart: 10 requests each, topics as given. */
function traffic(from: string, count: number, every: number, topics: Record<string, number>): RollupCell[] {
  const latency = new Array(LATENCY_SLOTS).fill(0);
  latency[20] = 10;
  return Array.from({ length: count }, (_, i) => ({
    prompt: 'support',
    version: 1,
    environment: 'production',
    arm: null,
    minute: new Date(new Date(from).getTime() + i * every * MINUTE).toISOString(),
    values: { ...emptyValues(), requests: 10, latency, inputs: { topic: { ...topics } } },
  }));
}

describe.each(reachableEngines(TARGETS))('drift monitoring on $name', ({ open }) => {
  let harness: EngineHarness | undefined;
  afterEach(async () => {
    await harness?.cleanup();
    harness = undefined;
  });

  async function released(clock: Clock): Promise<Store> {
    harness = await open({ project: 'acme', now: clock });
    const { store } = harness;
    await store.push([await promptItem('support', 'Answer {{text}}.')], { author: 'ada' });
    await store.setLabel('support', 1, 'production', 'ada');
    // The release's first day: 72 minutes of traffic spread over 24 h, topics half and half.
    await store.addRollups('gw-1', traffic(RELEASED_AT, 72, 20, { billing: 5, shipping: 5 }));
    return store;
  }

  /** The release day, then an hour of traffic with these topics up to the clock's now. */
  async function releasedThenAnHour(topics: Record<string, number>) {
    const clock = manualClock(RELEASED_AT);
    const store = await released(clock);
    clock.set('2026-12-03T12:00:00.000Z');
    await store.addRollups('gw-1', traffic('2026-12-03T11:00:00.000Z', 60, 1, topics));
    const sink = new RecordingAlertSink();
    return { store, clock, sink, monitor: monitorOf(store, sink, clock) };
  }

  it('raises the drift alert once when an input field shifts, with the PSI in its evidence', async () => {
    const { store, clock, sink, monitor } = await releasedThenAnHour({ billing: 1, shipping: 9 });

    const [report] = await monitor.tick();
    expect(report).toMatchObject({
      prompt: 'support',
      environment: 'production',
      version: 1,
      severity: 'major',
      reference: { from: RELEASED_AT, to: '2026-12-02T00:00:00.000Z', requests: 720 },
      current: { requests: 600 },
    });
    const expectedPsi = 0.4 * Math.log(5) + 0.4 * Math.log(1.8);
    expect(sink.alerts).toHaveLength(1);
    const [alert] = sink.alerts;
    expect(alert).toMatchObject({
      source: 'drift',
      name: 'drift.input.topic',
      severity: 'critical',
      prompt: 'support',
      environment: 'production',
    });
    const evidence = alert!.evidence as { finding: { psi: number; bins: { bin: string }[] } };
    expect(evidence.finding.psi).toBeCloseTo(expectedPsi, 9);
    expect(evidence.finding.bins.map((b) => b.bin).sort()).toEqual(['billing', 'shipping']);

    // Still shifted five minutes later: the same crossing, no second alert.
    clock.advance(5 * MINUTE);
    await store.addRollups('gw-1', traffic('2026-12-03T12:00:00.000Z', 5, 1, { billing: 1, shipping: 9 }));
    await monitor.tick();
    expect(sink.alerts).toHaveLength(1);

    // A restarted monitor reads the last report and does not alert the same crossing again.
    const restarted = monitorOf(store, sink, clock);
    await restarted.tick();
    expect(sink.alerts).toHaveLength(1);
    const [kept] = await store.listDriftReports({ prompt: 'support' });
    expect(kept?.inputs[0]?.psi).toBeCloseTo(expectedPsi, 9);
  });

  it('resolves the alert when the check is back in its band, and alerts the next crossing again', async () => {
    const { store, clock, sink, monitor } = await releasedThenAnHour({ billing: 1, shipping: 9 });
    await monitor.tick();
    expect(sink.alerts.map((a) => [a.name, a.occurrence])).toEqual([['drift.input.topic', 'v1']]);

    // The next hour looks like the release day: the topic check is back in its band.
    clock.set('2026-12-03T13:00:00.000Z');
    await store.addRollups('gw-1', traffic('2026-12-03T12:00:00.000Z', 60, 1, { billing: 5, shipping: 5 }));
    await monitor.tick();
    expect(sink.resolved).toEqual([
      {
        source: 'drift',
        name: 'drift.input.topic',
        prompt: 'support',
        environment: 'production',
        occurrence: 'v1',
      },
    ]);

    // Shifted again an hour later: a new crossing, alerted again.
    clock.set('2026-12-03T14:00:00.000Z');
    await store.addRollups('gw-1', traffic('2026-12-03T13:00:00.000Z', 60, 1, { billing: 1, shipping: 9 }));
    await monitor.tick();
    expect(sink.alerts.map((a) => a.name)).toEqual(['drift.input.topic', 'drift.input.topic']);
  });

  it('checks the other prompts when one fails, tells onError, and raises a failed alert on the next tick', async () => {
    const clock = manualClock(RELEASED_AT);
    const store = await released(clock);
    await store.push([await promptItem('billing', 'Bill {{text}}.')], { author: 'ada' });
    await store.setLabel('billing', 1, 'production', 'ada');
    const asBilling = (cells: RollupCell[]) => cells.map((c) => ({ ...c, prompt: 'billing' }));
    await store.addRollups('gw-1', asBilling(traffic(RELEASED_AT, 72, 20, { billing: 5, shipping: 5 })));
    clock.set('2026-12-03T12:00:00.000Z');
    const shifted = traffic('2026-12-03T11:00:00.000Z', 60, 1, { billing: 1, shipping: 9 });
    await store.addRollups('gw-1', [...shifted, ...asBilling(shifted)]);
    const sink = recordingSink();
    const errors: string[] = [];
    const monitor = new DriftMonitor({
      ...{ store, sink, clock, config: CONFIG, environments: ['production'] },
      onError: (err, { prompt }) => errors.push(`${prompt}: ${(err as Error).message}`),
    });
    sink.failNext = 1;
    const reports = await monitor.tick();
    expect(errors).toHaveLength(1);
    expect(reports).toHaveLength(1);
    expect(sink.alerts).toHaveLength(1);
    const failed = errors[0]!.split(':')[0];
    // The alert that failed is raised on the next tick; the one that got through is not raised twice.
    clock.advance(5 * MINUTE);
    await monitor.tick();
    expect(sink.alerts.map((a) => a.prompt).sort()).toEqual(['billing', 'support']);
    expect(sink.alerts[1]!.prompt).toBe(failed);
  });

  it('raises the alert from traces counted by the gateway accumulator when their inputs shift', async () => {
    const clock = manualClock(RELEASED_AT);
    harness = await open({ project: 'acme', now: clock });
    const { store } = harness;
    await store.push([await promptItem('support', 'Answer {{text}}.')], { author: 'ada' });
    await store.setLabel('support', 1, 'production', 'ada');
    const accumulator = new RollupAccumulator({
      write: (source, cells) => store.writeRollups(source, cells),
      source: 'gw-test',
      clock,
      flushMs: 0,
    });
    const served = {
      accumulator,
      setNow: clock.set,
      project: 'acme',
      prompt: 'support',
      environment: 'production',
    };
    const serve = (from: string, to: string, everyMs: number, topicOf: (i: number) => string) =>
      serveTopics(served, from, to, everyMs, topicOf);
    // The release day: billing and shipping alike; two days later, an hour of mostly shipping.
    await serve(RELEASED_AT, '2026-12-02T00:00:00.000Z', 2 * MINUTE, (i) => (i % 2 ? 'billing' : 'shipping'));
    await serve('2026-12-03T11:00:00.000Z', '2026-12-03T12:00:00.000Z', 12_000, (i) =>
      i % 10 === 0 ? 'billing' : 'shipping',
    );
    await accumulator.close();
    clock.set('2026-12-03T12:00:00.000Z');
    const sink = new RecordingAlertSink();
    const [report] = await monitorOf(store, sink, clock).tick();
    expect(report).toMatchObject({ reference: { requests: 720 }, current: { requests: 300 } });
    expect(sink.alerts.map((a) => a.name)).toEqual(['drift.input.topic']);
    const { finding } = sink.alerts[0]!.evidence as { finding: { psi: number } };
    expect(finding.psi).toBeCloseTo(0.4 * Math.log(5) + 0.4 * Math.log(1.8), 9);
    // The text field and the answers' length did not move.
    expect(report!.inputs.find((f) => f.name === 'input.text')).toMatchObject({ psi: 0, severity: 'none' });
    expect(report!.outputLength).toMatchObject({ psi: 0, severity: 'none' });
  });

  it('compares a new version with a fixed baseline of what the environment served before', async () => {
    const clock = manualClock(RELEASED_AT);
    const store = await released(clock);
    clock.set('2026-12-02T06:00:00.000Z');
    await store.push([await promptItem('support', 'Answer {{text}} briefly.')], { author: 'ada' });
    await store.setLabel('support', 2, 'production', 'ada');
    clock.set('2026-12-03T12:00:00.000Z');
    const shifted = traffic('2026-12-03T11:00:00.000Z', 60, 1, { billing: 1, shipping: 9 });
    await store.addRollups(
      'gw-1',
      shifted.map((c) => ({ ...c, version: 2 })),
    );
    const sink = new RecordingAlertSink();
    const reference = { from: RELEASED_AT, to: '2026-12-02T00:00:00.000Z' };
    const config = { ...CONFIG, reference };
    const monitor = new DriftMonitor({ store, sink, clock, config, environments: ['production'] });
    const [report] = await monitor.tick();
    expect(report).toMatchObject({ version: 2, reference: { ...reference, requests: 720 } });
    expect(sink.alerts.map((a) => a.name)).toEqual(['drift.input.topic']);
  });

  it('raises nothing when the current hour looks like the release day', async () => {
    const { sink, monitor } = await releasedThenAnHour({ billing: 5, shipping: 5 });
    const [report] = await monitor.tick();
    expect(report?.severity).toBe('none');
    expect(report?.inputs[0]?.psi).toBeCloseTo(0, 12);
    expect(sink.alerts).toEqual([]);
  });

  it('records re-grading scores that grader_score reads', async () => {
    const clock = manualClock('2026-12-03T12:00:00.000Z');
    harness = await open({ project: 'acme', now: clock });
    const { store } = harness;
    const at = (minute: number) =>
      new Date(Date.parse('2026-12-03T11:00:00.000Z') + minute * MINUTE).toISOString();
    await store.writeTraces([
      traceRecord('t1', { prompt: 'support', environment: 'production', startedAt: at(1), output: { a: 1 } }),
      traceRecord('t2', {
        prompt: 'support',
        environment: 'production',
        startedAt: at(1),
        output: '{"b":2}',
      }),
      traceRecord('t3', {
        prompt: 'support',
        environment: 'production',
        startedAt: at(2),
        output: 'not json',
      }),
      traceRecord('t4', {
        prompt: 'support',
        environment: 'production',
        startedAt: at(2),
        output: 'nor this',
      }),
      // Before the look-back: not fresh, not graded.
      traceRecord('old', {
        prompt: 'support',
        environment: 'production',
        startedAt: '2026-12-03T09:00:00.000Z',
      }),
    ]);
    const job = new RegradeJob({
      store,
      clock,
      graders: { support: [{ type: 'is-json' }] },
      sample: 20,
      lookbackMs: 3_600_000,
    });
    const [outcome] = await job.run();
    expect(outcome).toMatchObject({ prompt: 'support', graded: 4, failed: 0, meanScore: 0.5 });
    const cells = await store.readRollups({
      prompt: 'support',
      from: '2026-12-03T00:00:00.000Z',
      to: '2026-12-04T00:00:00.000Z',
    });
    const graded = mergeValues(cells.map((c) => c.values));
    expect(metricOf('grader_score', graded)).toEqual({ value: 0.5, samples: 4 });
    // Two scores of 1 and two of 0: the squares a canary's Welch test on grader_score needs.
    expect(graded.graderScoreSquaresSum).toBe(2);
    // The next run starts where this one stopped: nothing new, nothing graded twice.
    clock.advance(MINUTE);
    const [again] = await job.run();
    expect(again?.graded).toBe(0);
    expect(REGRADE_SOURCE).toBe('regrade');
  });
});

describe('re-grading with a model-graded assertion', () => {
  const dir = useTempDir({ examples: true });

  it('asks eval.grader about production answers and records its scores', async () => {
    expect((await runCli(['push'], { cwd: dir() })).code).toBe(0);
    const ws = await openWorkspace(dir());
    const store = await openProjectStore(ws, {});
    try {
      const grader = await store.resolve({ prompt: 'rubric-grader', selector: { kind: 'latest' } });
      const at = '2026-12-03T11:30:00.000Z';
      const reply = (id: string, text: string) =>
        traceRecord(id, {
          project: ws.config.project,
          prompt: 'support-reply',
          startedAt: at,
          output: { reply: text },
        });
      await store.writeTraces([
        reply('sorry', 'Sorry about the double charge, Dana; billing will refund it.'),
        reply('curt', 'Our hours are 9 to 5.'),
      ]);
      const job = new RegradeJob({
        store,
        clock: () => new Date('2026-12-03T12:00:00.000Z'),
        graders: { 'support-reply': [{ type: 'llm-rubric', value: 'apologises for the trouble' }] },
        sample: 10,
        lookbackMs: 3_600_000,
        modelGrader: modelGraderOf(await projectDependencies(ws, { env: {} }), grader),
      });
      const [outcome] = await job.run();
      // The examples' scripted grader: 0.9 for an apology, 0.2 otherwise.
      expect(outcome).toMatchObject({ graded: 2, failed: 0 });
      expect(outcome!.meanScore).toBeCloseTo(0.55, 12);
      const cells = await store.readRollups({
        prompt: 'support-reply',
        from: '2026-12-03T00:00:00.000Z',
        to: '2026-12-04T00:00:00.000Z',
      });
      const score = metricOf('grader_score', mergeValues(cells.map((c) => c.values)));
      expect(score.samples).toBe(2);
      expect(score.value).toBeCloseTo(0.55, 12);
    } finally {
      await store.close();
    }
  });
});
