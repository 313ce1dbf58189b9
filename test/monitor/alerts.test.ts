/**
 * Alerts end to end on each engine: the alert service records what is raised, evaluates rules over
 * the rollups and delivers signed webhooks to a real local receiver, which verifies each signature
 * with the snippet docs/monitoring.md gives receivers. Time is the injected clock: hours of
 * retries run with no sleeps.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRule, AlertsConfig } from '../../src/monitor/alert-rules.js';
import { AlertService, type AlertServiceOptions } from '../../src/monitor/alerts.js';
import { emptyValues, type RollupCell } from '../../src/monitor/rollup.js';
import type { Store } from '../../src/store/index.js';
import {
  type EngineHarness,
  type OpenEngine,
  openPostgresHarness,
  openSqliteHarness,
  reachableEngines,
} from '../store/harness.js';
import { openHttpHarness } from '../store/http-harness.js';
import { freePort, type Receiver, startReceiver, useDocsVerifier } from './webhook-receiver.js';

/** The receivers' verification snippet, loaded from the docs page as written. */
const verify = useDocsVerifier();

/** A clock that moves only when told. */
function manualClock(start = '2026-12-07T21:00:00.000Z') {
  let now = new Date(start).getTime();
  return {
    clock: () => new Date(now),
    set: (iso: string) => {
      now = new Date(iso).getTime();
    },
    advance: (ms: number) => {
      now += ms;
    },
    seconds: () => Math.floor(now / 1000),
  };
}

const ENGINES: readonly { name: string; open: OpenEngine }[] = reachableEngines([
  { name: 'sqlite', open: openSqliteHarness },
  { name: 'postgres', open: openPostgresHarness },
  // The alert service on a remote control plane's API (HttpStore over a SQLite server).
  { name: 'http', open: openHttpHarness },
]);

for (const engine of ENGINES) {
  describe(`alerts (${engine.name})`, () => {
    let h: EngineHarness;
    const closers: (() => Promise<void>)[] = [];
    const secret = `whsec_${randomBytes(16).toString('hex')}`;
    const logs: string[] = [];

    afterEach(async () => {
      for (const close of closers.splice(0)) await close();
      await h?.cleanup();
    });

    async function setup(
      config: AlertsConfig,
      options: Partial<AlertServiceOptions> = {},
    ): Promise<{ service: AlertService; time: ReturnType<typeof manualClock>; store: Store }> {
      const time = manualClock();
      h = await engine.open({ project: 'shop', now: time.clock });
      const store = h.store as Store;
      const service = new AlertService({
        store,
        config,
        clock: time.clock,
        env: { ONCALL_SECRET: secret },
        log: (line) => logs.push(line),
        ...options,
      });
      return { service, time, store };
    }

    const webhook = (url: string, extra: Partial<AlertsConfig['webhooks'][number]> = {}) => ({
      name: 'oncall',
      url,
      secretEnv: 'ONCALL_SECRET',
      minSeverity: 'info' as const,
      ...extra,
    });

    const rollback = {
      source: 'canary' as const,
      name: 'canary-rollback',
      severity: 'critical' as const,
      prompt: 'support-reply',
      environment: 'production',
      summary: 'support-reply@2 rolled back: error rate 0.31 vs 0.02',
      evidence: { interval: 3, canary: 0.31, stable: 0.02 },
    };

    it('records an alert raised twice once and delivers it once, signed, to each webhook severe enough', async () => {
      let seconds = () => 0;
      const receiver = await startReceiver(verify, secret, () => seconds());
      closers.push(receiver.close);
      const { service, store, time } = await setup({
        webhooks: [webhook(receiver.url), webhook(receiver.url, { name: 'pager', minSeverity: 'critical' })],
        rules: [],
      });
      await service.raise(rollback);
      time.advance(60_000);
      await service.raise({ ...rollback, summary: 'still failing' });
      await service.raise({ ...rollback, name: 'drift', source: 'drift', severity: 'warning' });

      const alerts = await store.listAlerts();
      expect(alerts.map((a) => [a.name, a.status, a.deliveries.map((d) => d.webhook)])).toEqual([
        ['drift', 'firing', ['oncall']],
        ['canary-rollback', 'firing', ['oncall', 'pager']],
      ]);
      const raised = alerts.find((a) => a.name === 'canary-rollback')!;
      expect(raised.summary).toBe('still failing');
      expect(raised.firedAt).toBe('2026-12-07T21:00:00.000Z');

      seconds = time.seconds;
      const attempts = await service.deliver();
      expect(attempts.map((a) => a.status)).toEqual(['delivered', 'delivered', 'delivered']);
      expect(await service.deliver()).toEqual([]);
      expect(receiver.received).toHaveLength(3);
      expect(receiver.received.every((r) => r.verified)).toBe(true);
      const toOncall = receiver.received.filter((r) => r.eventId === raised.id);
      expect(toOncall).toHaveLength(2);
      const event = JSON.parse(toOncall[0]!.body);
      expect(event).toMatchObject({
        id: raised.id,
        type: 'alert.firing',
        alert: {
          name: 'canary-rollback',
          severity: 'critical',
          prompt: 'support-reply',
          summary: 'still failing',
        },
      });
      // Signed at the clock's time, over this body: another body, another secret or a late replay fails.
      const { body, signature } = toOncall[0]!;
      expect(signature).toMatch(new RegExp(`^t=${time.seconds()},v1=[0-9a-f]{64}$`));
      expect(verify(`${body} `, signature, secret, 300, time.seconds())).toBe(false);
      expect(verify(body, signature, `${secret}x`, 300, time.seconds())).toBe(false);
      expect(verify(body, signature, secret, 300, time.seconds() + 301)).toBe(false);
    });

    /** One minute of support-reply in `environment`: `requests` requests, `errors` of them errors. */
    const cell = (
      minute: string,
      requests: number,
      errors: number,
      environment = 'production',
    ): RollupCell => ({
      prompt: 'support-reply',
      version: 2,
      environment,
      arm: null,
      minute,
      values: { ...emptyValues(), requests, errors },
    });

    it('fires a rule once when its metric crosses the threshold, with one signed delivery, and resolves it when it clears', async () => {
      let seconds = () => 0;
      const receiver = await startReceiver(verify, secret, () => seconds());
      closers.push(receiver.close);
      const rule: AlertRule = {
        name: 'support-errors',
        metric: 'error_rate',
        prompt: 'support-reply',
        environment: 'production',
        op: '>',
        threshold: 0.1,
        window: '5m',
        minSamples: 20,
        severity: 'critical',
      };
      const { service, store, time } = await setup({ webhooks: [webhook(receiver.url)], rules: [rule] });
      seconds = time.seconds;
      // Half of 10 requests failed: too few samples to decide anything.
      await store.writeRollups('gateway-1', [cell('2026-12-07T20:57:00.000Z', 10, 5)]);
      // Another environment's failures are not this rule's.
      await store.writeRollups('gateway-2', [cell('2026-12-07T20:58:00.000Z', 500, 500, 'staging')]);
      expect(await service.tick()).toEqual([
        { rule: 'support-errors', decision: { state: 'undecided', value: 0.5, samples: 10 }, action: 'none' },
      ]);
      expect(await store.listAlerts({ status: 'all' })).toEqual([]);

      // A second gateway's minute: 10 errors in 30 requests over the window, summed across sources.
      await store.writeRollups('gateway-2', [cell('2026-12-07T20:59:00.000Z', 20, 5)]);
      const [fired] = await service.tick();
      expect(fired).toMatchObject({ action: 'raised', decision: { state: 'firing', samples: 30 } });
      expect(fired!.decision.value).toBeCloseTo(1 / 3);
      time.advance(30_000);
      expect((await service.tick())[0]!.action).toBe('updated');
      expect((await service.deliver()).map((a) => a.status)).toEqual(['delivered']);
      expect(await service.deliver()).toEqual([]);
      expect(receiver.received).toHaveLength(1);
      expect(receiver.received[0]!.verified).toBe(true);
      const [alert] = await store.listAlerts();
      expect(alert).toMatchObject({
        source: 'rule',
        name: 'support-errors',
        severity: 'critical',
        status: 'firing',
        prompt: 'support-reply',
        environment: 'production',
        summary: 'error_rate is 0.3333 (> 0.1) over the last 5m, 30 samples',
        evidence: { metric: 'error_rate', samples: 30, op: '>', threshold: 0.1, window: '5m' },
      });
      expect(JSON.parse(receiver.received[0]!.body).alert.summary).toBe(alert!.summary);

      // Six minutes on, the window's complete minutes (21:00–21:04) hold only a healthy one: resolved, once.
      time.set('2026-12-07T21:05:30.000Z');
      await store.writeRollups('gateway-1', [cell('2026-12-07T21:03:00.000Z', 100, 1)]);
      expect((await service.tick())[0]).toMatchObject({
        action: 'resolved',
        decision: { state: 'clear', value: 0.01 },
      });
      expect((await service.tick())[0]!.action).toBe('none');
      expect(await store.listAlerts()).toEqual([]);
      expect(await store.listAlerts({ status: 'resolved' })).toEqual([
        expect.objectContaining({ id: alert!.id, resolvedAt: '2026-12-07T21:05:30.000Z' }),
      ]);
      expect(await service.deliver()).toEqual([]);

      // Failing again later is a new alert, delivered again.
      await store.writeRollups('gateway-1', [cell('2026-12-07T21:04:00.000Z', 100, 90)]);
      expect((await service.tick())[0]!.action).toBe('raised');
      expect((await service.deliver()).map((a) => a.status)).toEqual(['delivered']);
      expect(new Set(receiver.received.map((r) => r.eventId)).size).toBe(2);
    });

    it('reads the complete minutes of a window that have settled, never the minute under way', async () => {
      const rule: AlertRule = {
        name: 'support-errors-1m',
        metric: 'error_rate',
        op: '>',
        threshold: 0.5,
        window: '1m',
        minSamples: 10,
        severity: 'warning',
      };
      const { service, store, time } = await setup({ webhooks: [], rules: [rule] }, { settleMs: 15_000 });
      await store.writeRollups('gateway-1', [cell('2026-12-07T21:00:00.000Z', 100, 90)]);
      // 21:01:10: the minute 21:00 ended 10 s ago, less than the 15 s it needs to settle.
      time.set('2026-12-07T21:01:10.000Z');
      await store.writeRollups('gateway-1', [cell('2026-12-07T21:01:00.000Z', 1, 0)]);
      expect((await service.tick())[0]).toMatchObject({ decision: { state: 'undecided', samples: 0 } });
      // 21:01:20: 21:00 has settled and is the one minute a `1m` window reads; 21:01 is still under way.
      time.set('2026-12-07T21:01:20.000Z');
      expect((await service.tick())[0]).toMatchObject({
        action: 'raised',
        decision: { state: 'firing', value: 0.9, samples: 100 },
      });
      // `90s` covers two whole minutes.
      const wider = await setupRuleWindow(store, time.clock, { ...rule, name: 'wide', window: '90s' });
      await store.writeRollups('gateway-1', [cell('2026-12-07T20:59:00.000Z', 100, 20)]);
      expect((await wider.tick())[0]).toMatchObject({ decision: { state: 'firing', samples: 200 } });
    });

    function setupRuleWindow(store: Store, clock: () => Date, rule: AlertRule): AlertService {
      return new AlertService({
        store,
        config: { webhooks: [], rules: [rule] },
        clock,
        settleMs: 15_000,
        log: (line) => logs.push(line),
      });
    }

    it('retries a receiver that is down with growing backoff, keeps it in dead letters after the last attempt, and delivers on redelivery', async () => {
      const port = await freePort();
      const { service, store, time } = await setup(
        { webhooks: [webhook(`http://127.0.0.1:${port}/hook`)], rules: [] },
        { retry: { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 60_000, jitter: 0.2 } },
      );
      await service.raise(rollback);
      const [alert] = await store.listAlerts();

      let receiver: Receiver | undefined;
      const waits: number[] = [];
      const errors: string[] = [];
      for (let attempt = 1; attempt <= 5; attempt++) {
        if (attempt === 3) {
          // The receiver comes up, but fails every request.
          receiver = await startReceiver(verify, secret, time.seconds, port, 500);
          closers.push(receiver.close);
        }
        const [result, ...more] = await service.deliver();
        expect(more).toEqual([]);
        expect(result).toMatchObject({ alertId: alert!.id, webhook: 'oncall', attempts: attempt });
        errors.push(result!.error ?? '');
        if (attempt < 5) {
          expect(result!.status).toBe('pending');
          const due = new Date(result!.nextAttemptAt).getTime();
          waits.push(due - time.clock().getTime());
          // Not before it is due.
          time.set(new Date(due - 1).toISOString());
          expect(await service.deliver()).toEqual([]);
          time.set(result!.nextAttemptAt);
        } else {
          expect(result!.status).toBe('dead');
        }
      }
      // 1 s, 2 s, 4 s, 8 s, each plus at most 20% jitter.
      waits.forEach((wait, i) => {
        expect(wait).toBeGreaterThanOrEqual(1_000 * 2 ** i);
        expect(wait).toBeLessThanOrEqual(1_200 * 2 ** i);
      });
      expect(errors.slice(0, 2).every((e) => e.includes('ECONNREFUSED'))).toBe(true);
      expect(errors.slice(2)).toEqual(Array(3).fill('the webhook answered HTTP 500'));
      expect(receiver!.received).toHaveLength(3);
      expect(receiver!.received.every((r) => r.verified && r.eventId === alert!.id)).toBe(true);

      time.advance(3_600_000);
      expect(await service.deliver()).toEqual([]);
      const dead = await store.listAlerts({ deadLetters: true });
      expect(dead.map((a) => [a.id, a.deliveries])).toEqual([
        [
          alert!.id,
          [
            expect.objectContaining({
              webhook: 'oncall',
              status: 'dead',
              attempts: 5,
              lastError: 'the webhook answered HTTP 500',
            }),
          ],
        ],
      ]);

      receiver!.status = 200;
      const requeued = await store.redeliverAlert(alert!.id, 'ada@shop.example');
      expect(requeued.deliveries).toEqual([expect.objectContaining({ status: 'pending', attempts: 0 })]);
      expect((await service.deliver()).map((a) => a.status)).toEqual(['delivered']);
      expect(receiver!.received).toHaveLength(4);
      expect(receiver!.received[3]).toMatchObject({ verified: true, eventId: alert!.id });
      expect(await store.listAlerts({ deadLetters: true })).toEqual([]);

      // The secret is nowhere: not in the store, the records, the log or what was sent.
      const everything = JSON.stringify([
        await h.readRows!('alerts'),
        await h.readRows!('alert_deliveries'),
        await store.listAlerts({ status: 'all' }),
        logs,
        receiver!.received.map((r) => r.body),
      ]);
      expect(everything).not.toContain(secret);
      expect(logs.some((line) => line.includes(`alerts redeliver ${alert!.id}`))).toBe(true);
    });

    it('does not send an alert unsigned when the secret variable is not set', async () => {
      const receiver = await startReceiver(verify, secret, () => 0);
      closers.push(receiver.close);
      const { service } = await setup(
        { webhooks: [webhook(receiver.url)], rules: [] },
        { env: {}, retry: { maxAttempts: 1 } },
      );
      await service.raise(rollback);
      const [result] = await service.deliver();
      expect(result).toMatchObject({
        status: 'dead',
        error: "the environment variable ONCALL_SECRET (the webhook's secret) is not set",
      });
      expect(receiver.received).toEqual([]);
    });

    it('acknowledges an open alert with who and a note; a resolved alert or an unknown id is refused', async () => {
      const { service, store } = await setup({ webhooks: [], rules: [] });
      await service.raise(rollback);
      const [alert] = await store.listAlerts();
      const acked = await store.ackAlert(alert!.id, 'rolling back', 'ada@shop.example');
      expect(acked).toMatchObject({
        status: 'acknowledged',
        ackedBy: 'ada@shop.example',
        note: 'rolling back',
      });
      // Still open: raising it again updates the acknowledged alert, raises no new one.
      await service.raise(rollback);
      expect((await store.listAlerts()).map((a) => a.status)).toEqual(['acknowledged']);

      await store.resolveAlert(alert!.dedupeKey, '2026-12-07T22:00:00.000Z');
      await expect(store.ackAlert(alert!.id, undefined, 'ada@shop.example')).rejects.toMatchObject({
        code: 'PO_ERR_ALERT_RESOLVED',
      });
      await expect(store.ackAlert('no-such-alert', undefined, 'ada@shop.example')).rejects.toMatchObject({
        code: 'PO_ERR_ALERT_NOT_FOUND',
      });
      expect(await store.listAlerts()).toEqual([]);
      expect((await store.listAlerts({ status: 'resolved' })).map((a) => a.resolvedAt)).toEqual([
        '2026-12-07T22:00:00.000Z',
      ]);
    });
  });
}
