/**
 * The production loop's parts together, on each engine, as `promptops serve` runs them: the jobs
 * `startMonitoring` builds from a promptops.yaml (drift, canary analysis, alert rules, deliveries)
 * raise into the real AlertService, which delivers signed webhooks to a real local receiver. The
 * test runs each job's tick itself on a simulated clock (serve's timers are stopped), so hours of
 * traffic and retries take no sleeps.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ANALYSIS_ACTOR } from '../../src/monitor/canary-analysis.js';
import { emptyValues, type RollupCell } from '../../src/monitor/rollup.js';
import { RollupAccumulator } from '../../src/monitor/rollup-accumulator.js';
import { parseProjectConfig } from '../../src/project/config.js';
import { type Monitoring, startMonitoring } from '../../src/server/monitoring.js';
import { analysisLeader } from '../../src/store/analysis-leader.js';
import type { AlertRecord, Store } from '../../src/store/index.js';
import { ENGINES } from '../store/audit-sabotage.js';
import { type ManualClock, manualClock, promptItem } from '../store/fixtures.js';
import { type EngineHarness, reachableEngines } from '../store/harness.js';
import { canaryScenario, HEALTHY, PLAN, RELEASER } from './canary-scenario.js';
import { serveTopics } from './served-traces.js';
import { freePort, type Receiver, startReceiver, useDocsVerifier } from './webhook-receiver.js';

const verify = useDocsVerifier();

const PROJECT = 'acme';
const MINUTE = 60_000;
const SECRET_ENV = 'ONCALL_SECRET';

/** promptops.yaml with one webhook (its secret in $ONCALL_SECRET) and `more` settings. */
function projectYaml(webhookUrl: string, more = ''): string {
  return `project: ${PROJECT}
environments: [staging, production]
alerts:
  webhooks:
    - name: oncall
      url: ${webhookUrl}
      secretEnv: ${SECRET_ENV}
${more}`;
}

/** The event a webhook body carries. */
interface Event {
  id: string;
  type: string;
  alert: Omit<AlertRecord, 'deliveries' | 'dedupeKey'>;
}

describe.each(reachableEngines(ENGINES))('the production loop on $name', ({ open }) => {
  const secret = `whsec_${randomBytes(16).toString('hex')}`;
  let harness: EngineHarness | undefined;
  let monitoring: Monitoring | undefined;
  const closers: (() => Promise<void>)[] = [];
  const logs: string[] = [];

  afterEach(async () => {
    await monitoring?.stop();
    monitoring = undefined;
    for (const close of closers.splice(0)) await close();
    await harness?.cleanup();
    harness = undefined;
    logs.length = 0;
  });

  async function registry(time: ManualClock): Promise<Store> {
    harness = await open({ project: PROJECT, now: time.now, environments: ['staging', 'production'] });
    return harness.store;
  }

  /**
   * serve's monitoring of `store` with this promptops.yaml and the webhook secret in its
   * environment; `run(job)` runs one job's tick now, as serve's loop would (leader-gated).
   */
  async function monitor(store: Store, time: ManualClock, yaml: string) {
    const { config, diagnostics } = parseProjectConfig(yaml, 'promptops.yaml');
    expect(diagnostics).toEqual([]);
    monitoring = startMonitoring({
      store,
      config: config!,
      leader: analysisLeader(harness!.url!, PROJECT),
      clock: time.now,
      env: { [SECRET_ENV]: secret },
      log: (line) => logs.push(line),
    });
    // The ticks are the test's to run, at the simulated times it chooses.
    await monitoring.loop.stop();
    const { loop, jobs } = monitoring;
    return {
      run: async (name: string) => {
        const job = jobs.find((j) => j.name === name);
        if (!job) throw new Error(`serve runs no job named ${name}`);
        await loop.runJob(job);
      },
      /** What the jobs reported as failures (a failing tick is logged as `<job>: <message>`). */
      failures: () => logs.filter((line) => jobs.some((j) => line.startsWith(`${j.name}: `))),
    };
  }

  const receive = async (time: ManualClock, port = 0): Promise<Receiver> => {
    const receiver = await startReceiver(verify, secret, () => Math.floor(time.now().getTime() / 1000), port);
    closers.push(receiver.close);
    return receiver;
  };

  /** The one alert open now, with its deliveries. */
  async function onlyAlert(store: Store): Promise<AlertRecord> {
    const alerts = await store.listAlerts({ status: 'all' });
    expect(alerts).toHaveLength(1);
    return alerts[0]!;
  }

  const RELEASED_AT = '2026-12-01T00:00:00.000Z';
  /** Billing and shipping alike, as on the release day. */
  const evenTopics = (i: number) => (i % 2 ? 'billing' : 'shipping');

  /**
   * `support` v1 released to production on RELEASED_AT, a day of its traffic counted by a gateway
   * (billing and shipping alike), and serve's monitoring with drift on and one webhook.
   */
  async function releasedWithTraffic() {
    const time = manualClock(RELEASED_AT);
    const store = await registry(time);
    await store.push([await promptItem('support', 'Answer {{text}}.')], { author: 'ada' });
    await store.setLabel('support', 1, 'production', 'ada');
    const receiver = await receive(time);
    const drift = 'drift:\n  window: 1h\n  every: 5m\n  environments: [production]\n';
    const loop = await monitor(store, time, projectYaml(receiver.url, drift));
    const accumulator = new RollupAccumulator({
      write: (source, cells) => store.writeRollups(source, cells),
      source: 'gw-1',
      clock: time.now,
      flushMs: 0,
    });
    closers.push(() => accumulator.close());
    const served = {
      accumulator,
      setNow: time.set,
      project: PROJECT,
      prompt: 'support',
      environment: 'production',
    };
    await serveTopics(served, RELEASED_AT, '2026-12-02T00:00:00.000Z', 2 * MINUTE, evenTopics);
    /** An hour of traffic (a trace every 12 s) up to `to`, whose topics `topicOf` picks; the clock ends at `to`. */
    const hourTo = async (to: string, topicOf: (i: number) => string) => {
      await serveTopics(served, new Date(Date.parse(to) - 60 * MINUTE).toISOString(), to, 12_000, topicOf);
      // Once the hour's last minute has settled (serve waits the 10 s flush and 5 s), drift reads it.
      time.set(new Date(Date.parse(to) + 15_000).toISOString());
    };
    return { time, store, receiver, loop, served, hourTo };
  }

  it('raises the drift alert when an input field of the traffic shifts; the webhook receives a signed body, once', async () => {
    const { time, store, receiver, loop, served, hourTo } = await releasedWithTraffic();
    // Two days after the release, an hour asks about shipping nine times in ten.
    const shipping = (i: number) => (i % 10 === 0 ? 'billing' : 'shipping');
    await hourTo('2026-12-03T12:00:00.000Z', shipping);

    await loop.run('drift');
    const alert = await onlyAlert(store);
    expect(alert).toMatchObject({ source: 'drift', name: 'drift.input.topic', severity: 'critical' });
    expect(alert.deliveries).toEqual([expect.objectContaining({ webhook: 'oncall', status: 'pending' })]);
    await loop.run('alert-delivery');

    expect(receiver.received).toHaveLength(1);
    const [{ body, signature, eventId, verified }] = receiver.received as [Receiver['received'][number]];
    expect(verified).toBe(true);
    expect(signature).toMatch(new RegExp(`^t=${Math.floor(time.now().getTime() / 1000)},v1=[0-9a-f]{64}$`));
    expect(verify(body, signature, `${secret}x`, 300, Math.floor(time.now().getTime() / 1000))).toBe(false);
    const event = JSON.parse(body) as Event;
    expect(eventId).toBe(alert.id);
    expect(event).toMatchObject({
      id: alert.id,
      type: 'alert.firing',
      alert: {
        source: 'drift',
        name: 'drift.input.topic',
        severity: 'critical',
        prompt: 'support',
        environment: 'production',
      },
    });
    // Reference: half and half; now: 1 in 10 billing. PSI = Σ (cur − ref) ln(cur / ref).
    const { finding, version } = event.alert.evidence as {
      finding: { name: string; psi: number; bins: { bin: string }[] };
      version: number;
    };
    expect(version).toBe(1);
    expect(finding.name).toBe('input.topic');
    expect(finding.psi).toBeCloseTo(0.4 * Math.log(5) + 0.4 * Math.log(1.8), 9);
    expect(finding.bins.map((b) => b.bin).sort()).toEqual(['billing', 'shipping']);
    expect((await onlyAlert(store)).deliveries).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: 1 }),
    ]);

    // Five minutes on, still shifted: the same crossing, nothing new raised or sent.
    await serveTopics(served, '2026-12-03T12:00:00.000Z', '2026-12-03T12:05:00.000Z', 12_000, shipping);
    time.set('2026-12-03T12:05:00.000Z');
    await loop.run('drift');
    await loop.run('alert-delivery');
    expect(receiver.received).toHaveLength(1);
    expect((await onlyAlert(store)).id).toBe(alert.id);

    // An hour later the topics are back to the release day's: the alert is resolved. When they
    // shift again, that is a new alert, and the webhook hears of it.
    await hourTo('2026-12-03T13:05:00.000Z', evenTopics);
    await loop.run('drift');
    expect(await store.listAlerts()).toEqual([]);
    expect((await onlyAlert(store)).resolvedAt).toBe('2026-12-03T13:05:15.000Z');
    await hourTo('2026-12-03T14:05:00.000Z', shipping);
    await loop.run('drift');
    await loop.run('alert-delivery');
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]).toMatchObject({ verified: true });
    expect(JSON.parse(receiver.received[1]!.body).alert).toMatchObject({
      name: 'drift.input.topic',
      status: 'firing',
    });
    expect(receiver.received[1]!.eventId).not.toBe(alert.id);
    expect(loop.failures()).toEqual([]);
    expect(logs.join('\n')).not.toContain(secret);
  });

  it('delivers a drift alert again when the drift worsens from moderate to major, at its new severity', async () => {
    const { time, store, receiver, loop, hourTo } = await releasedWithTraffic();
    // Three in ten about billing: PSI 0.2 ln(5/3) + 0.2 ln(7/5) ≈ 0.17, moderate.
    await hourTo('2026-12-03T12:00:00.000Z', (i) => (i % 10 < 3 ? 'billing' : 'shipping'));
    await loop.run('drift');
    await loop.run('alert-delivery');
    // One in ten: major.
    await hourTo('2026-12-03T13:00:00.000Z', (i) => (i % 10 === 0 ? 'billing' : 'shipping'));
    await loop.run('drift');
    await loop.run('alert-delivery');

    expect(receiver.received.every((r) => r.verified)).toBe(true);
    const sent = receiver.received.map((r) => (JSON.parse(r.body) as Event).alert);
    expect(sent.map((a) => [a.name, a.severity])).toEqual([
      ['drift.input.topic', 'warning'],
      ['drift.input.topic', 'critical'],
    ]);
    expect((sent[0]!.evidence as { finding: { psi: number } }).finding.psi).toBeCloseTo(
      0.2 * Math.log(5 / 3) + 0.2 * Math.log(7 / 5),
      9,
    );
    expect((await store.listAlerts()).map((a) => a.severity)).toEqual(['critical']);
    expect(loop.failures()).toEqual([]);
    expect(time.now().toISOString()).toBe('2026-12-03T13:00:15.000Z');
  });

  it('rolls back a canary failing 30% of calls and delivers the signed canary-rollback alert, the audit entry carrying the evidence; a later canary rolled back is alerted again', async () => {
    const time = manualClock('2026-12-07T09:00:00.000Z');
    const store = await registry(time);
    const receiver = await receive(time);
    const loop = await monitor(store, time, projectYaml(receiver.url));
    const scenario = canaryScenario(store, time);

    await scenario.startCanary();
    await scenario.simulate(
      30,
      { total: 1000, stable: HEALTHY, canary: { ...HEALTHY, errorRate: 0.3 } },
      { tick: () => loop.run('canary-analysis') },
    );
    const status = await scenario.status();
    expect(status.state).toBe('rolled back');
    expect(status.intervals.map((i) => i.verdict)).toEqual(['fail', 'fail']);
    await loop.run('alert-delivery');
    await loop.run('alert-delivery');

    expect(receiver.received).toHaveLength(1);
    const [{ body, verified }] = receiver.received as [Receiver['received'][number]];
    expect(verified).toBe(true);
    const event = JSON.parse(body) as Event;
    expect(event.alert).toMatchObject({
      source: 'canary',
      name: 'canary-rollback',
      severity: 'critical',
      prompt: 'summarize',
      environment: 'production',
    });
    expect(event.alert.summary).toMatch(
      /^canary summarize@2 in production rolled back by analysis: 2 failed/,
    );

    // The audit log's rollback, by the analysis, holds the same evidence the webhook received.
    const entry = (await store.listAudit({ limit: 50 })).find((e) => e.action === 'release.rollback');
    expect(entry?.actor).toBe(ANALYSIS_ACTOR);
    const notes = (entry?.after as { notes?: string } | undefined)?.notes ?? '';
    const audited = JSON.parse(notes.slice(notes.indexOf('evidence: ') + 'evidence: '.length));
    const { failures } = event.alert.evidence as {
      failures: { failing: { metric: string; canary: { value: number }; stable: { value: number } }[] }[];
    };
    expect(failures).toEqual(audited);
    expect(failures).toHaveLength(2);
    for (const interval of failures) {
      const errors = interval.failing.find((m) => m.metric === 'error_rate');
      expect(errors?.canary.value).toBeGreaterThan(0.25);
      expect(errors?.stable.value).toBeLessThan(0.03);
    }

    // A later canary of the same prompt fails too: another rollback, another alert, delivered too.
    const third = await scenario.readyCr('Summarize {{text}} in one line.');
    await store.release(
      { changeRequest: third.number, environment: 'production', canaryWeight: 5, analysis: PLAN },
      RELEASER,
    );
    await scenario.simulate(
      30,
      { total: 1000, stable: HEALTHY, canary: { ...HEALTHY, errorRate: 0.3 } },
      { tick: () => loop.run('canary-analysis') },
    );
    expect((await scenario.status()).state).toBe('rolled back');
    await loop.run('alert-delivery');
    expect(receiver.received).toHaveLength(2);
    const second = JSON.parse(receiver.received[1]!.body) as Event;
    expect(receiver.received[1]!.verified).toBe(true);
    expect(second.id).not.toBe(event.id);
    expect(second.alert).toMatchObject({ name: 'canary-rollback', prompt: 'summarize' });
    expect(second.alert.summary).toMatch(/^canary summarize@3 in production rolled back by analysis/);
    expect(loop.failures()).toEqual([]);
  });

  it('fires a configured rule once over two gateways’ rollups and delivers it, retrying on the clock’s schedule while the receiver is down', async () => {
    const time = manualClock('2026-12-07T21:00:00.000Z');
    const store = await registry(time);
    const port = await freePort();
    const rules = `  rules:
    - name: support-errors
      metric: error_rate
      prompt: support-reply
      environment: production
      op: ">"
      threshold: 0.1
      window: 5m
      minSamples: 50
      severity: critical
`;
    const loop = await monitor(store, time, projectYaml(`http://127.0.0.1:${port}/hook`, rules));
    const minute = (requests: number, errors: number): RollupCell => ({
      prompt: 'support-reply',
      version: 2,
      environment: 'production',
      arm: null,
      minute: '2026-12-07T20:57:00.000Z',
      values: { ...emptyValues(), requests, errors },
    });

    // One gateway's 40 requests are too few to decide; with a second gateway's 40 the minute holds
    // 80 requests and 10 errors: 12.5%, over the threshold.
    await store.writeRollups('gateway-1', [minute(40, 2)]);
    await loop.run('alert-rules');
    expect(await store.listAlerts({ status: 'all' })).toEqual([]);
    await store.writeRollups('gateway-2', [minute(40, 8)]);
    await loop.run('alert-rules');
    time.tick(30_000);
    await loop.run('alert-rules');
    const alert = await onlyAlert(store);
    expect(alert).toMatchObject({
      source: 'rule',
      name: 'support-errors',
      status: 'firing',
      summary: 'error_rate is 0.125 (> 0.1) over the last 5m, 80 samples',
      evidence: { metric: 'error_rate', value: 0.125, samples: 80 },
    });

    // The receiver is down: each failed attempt waits twice as long as the last (10 s, then 20 s,
    // each with up to 20% jitter), and nothing is tried before it is due.
    const delivery = async () => (await onlyAlert(store)).deliveries[0]!;
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 2; attempt++) {
      await loop.run('alert-delivery');
      const failed = await delivery();
      expect(failed).toMatchObject({ status: 'pending', attempts: attempt });
      expect(failed.lastError).toContain('ECONNREFUSED');
      const due = Date.parse(failed.nextAttemptAt);
      waits.push(due - time.now().getTime());
      time.set(new Date(due - 1).toISOString());
      await loop.run('alert-delivery');
      expect((await delivery()).attempts).toBe(attempt);
      time.set(failed.nextAttemptAt);
    }
    expect(waits[0]).toBeGreaterThanOrEqual(10_000);
    expect(waits[0]).toBeLessThanOrEqual(12_000);
    expect(waits[1]).toBeGreaterThanOrEqual(20_000);
    expect(waits[1]).toBeLessThanOrEqual(24_000);

    // Back up: the third attempt, when due, delivers the alert signed, once.
    const receiver = await receive(time, port);
    await loop.run('alert-delivery');
    await loop.run('alert-delivery');
    expect(await delivery()).toMatchObject({
      status: 'delivered',
      attempts: 3,
      deliveredAt: time.now().toISOString(),
    });
    expect(receiver.received).toHaveLength(1);
    const [{ body, verified, eventId }] = receiver.received as [Receiver['received'][number]];
    expect(verified).toBe(true);
    expect(eventId).toBe(alert.id);
    expect((JSON.parse(body) as Event).alert).toMatchObject({
      name: 'support-errors',
      summary: alert.summary,
    });
    expect(loop.failures()).toEqual([]);
  });
});
