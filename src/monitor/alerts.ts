/**
 * The alert service: the one `AlertSink` of the control plane. It records what canaries, drift
 * checks and rules raise (one open alert per dedupe key), evaluates the rules of `promptops.yaml`
 * over the rollups, and delivers new alerts to webhooks: signed POSTs, retried with exponential
 * backoff and jitter until delivered or dead (the dead-letter list). Every time comes from the
 * injected clock, so tests run hours of retries with no sleeps.
 */
import { createHmac } from 'node:crypto';
import { request } from 'undici';
import type { AlertDelivery, AlertRecord, DeliveryOutcome, DueDelivery, Store } from '../store/types.js';
import {
  type AlertRule,
  type AlertsConfig,
  isSevereEnough,
  judgeRule,
  type RuleDecision,
  windowMs,
} from './alert-rules.js';
import type { Alert, AlertKey, AlertSink } from './alert-sink.js';
import { type Clock, mergeValues, settledWindow, systemClock } from './rollup.js';

/** The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + '.' + body)>`. */
export const SIGNATURE_HEADER = 'x-promptops-signature';
/** The header naming the event (the alert's id): the same on every retry, for receivers to de-duplicate. */
export const EVENT_ID_HEADER = 'x-promptops-event-id';

/** What the service needs of the store: the alert operations and the rollups. */
export type AlertServiceStore = Pick<
  Store,
  'raiseAlert' | 'resolveAlert' | 'dueDeliveries' | 'settleDelivery' | 'readRollups'
>;

/** How deliveries are retried. */
export interface RetryPolicy {
  /** Attempts before a delivery is dead (default 8). */
  maxAttempts: number;
  /** The wait after the first failed attempt (ms, default 10 s); it doubles with each failure. */
  baseDelayMs: number;
  /** The longest wait (ms, default 1 h). */
  maxDelayMs: number;
  /** Up to this share of the wait is added at random, so receivers coming back are not stampeded (default 0.2). */
  jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 10_000,
  maxDelayMs: 3_600_000,
  jitter: 0.2,
};

export interface AlertServiceOptions {
  store: AlertServiceStore;
  config: AlertsConfig;
  clock?: Clock;
  /** Where webhook secrets are read (by each webhook's `secretEnv`); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  retry?: Partial<RetryPolicy>;
  /** How long a webhook has to answer (ms, default 10 s). */
  timeoutMs?: number;
  /** A number in [0, 1) for the jitter; default Math.random. */
  random?: () => number;
  /** Where the service reports what it did (never a secret); default stderr. */
  log?: (line: string) => void;
  /**
   * How long after a minute ends a rule reads it (ms, default 0): gateways write their rollups every
   * few seconds. `promptops serve` gives the rollup flush interval and a margin.
   */
  settleMs?: number;
}

/** What a rule came to in one evaluation. */
export interface RuleOutcome {
  rule: string;
  decision: RuleDecision;
  /** `raised`: a new alert; `updated`: the open one still fires; `resolved`: it cleared. */
  action: 'raised' | 'updated' | 'resolved' | 'none';
}

/** What one delivery attempt came to. */
export interface DeliveryAttempt {
  alertId: string;
  webhook: string;
  status: DeliveryOutcome['status'];
  attempts: number;
  nextAttemptAt: string;
  error?: string;
}

/** The JSON a webhook receives. */
export interface AlertEvent {
  /** The event id (also in the x-promptops-event-id header): the alert's id. */
  id: string;
  type: 'alert.firing';
  alert: Omit<AlertRecord, 'deliveries' | 'dedupeKey'>;
}

/** The signature header's value for `body` sent at `unixSeconds` with `secret`. */
export function signatureOf(secret: string, unixSeconds: number, body: string): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

/**
 * The wait before the next attempt after `attempts` failed ones: baseDelay × 2^(attempts−1), capped,
 * plus up to `jitter` of it at random.
 */
export function backoffMs(attempts: number, policy: RetryPolicy, random: () => number): number {
  const wait = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(wait * (1 + policy.jitter * random()));
}

/** The alert service; `raise` is its AlertSink. */
export class AlertService implements AlertSink {
  private readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly random: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: AlertServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.env = options.env ?? process.env;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? ((line) => process.stderr.write(`promptops alerts: ${line}\n`));
  }

  /**
   * Records an alert from a canary, a drift check or a rule. While one with the same source, name,
   * prompt, environment and occurrence is open it is updated, not raised again; a new one is queued
   * for every webhook whose minSeverity it reaches.
   */
  async raise(alert: Alert): Promise<void> {
    await this.record({ ...alert, dedupeKey: dedupeKeyOf(alert) });
  }

  /** Resolves the open alert so named, if any: the next time it is raised, it is a new alert. */
  async resolve(key: AlertKey): Promise<void> {
    const resolved = await this.options.store.resolveAlert(dedupeKeyOf(key), this.clock().toISOString());
    if (resolved) this.log(`${resolved.name} resolved (alert ${resolved.id})`);
  }

  /**
   * Evaluates every rule over the complete minutes of its window that have settled (see
   * settledWindow): fires, updates or resolves its alert.
   */
  async tick(): Promise<RuleOutcome[]> {
    const outcomes: RuleOutcome[] = [];
    for (const rule of this.options.config.rules) outcomes.push(await this.evaluate(rule));
    return outcomes;
  }

  /** Attempts every delivery due now, once each; what each attempt came to. */
  async deliver(): Promise<DeliveryAttempt[]> {
    const due = await this.options.store.dueDeliveries(this.clock().toISOString());
    const attempts: DeliveryAttempt[] = [];
    for (const item of due) attempts.push(await this.attempt(item));
    return attempts;
  }

  private async evaluate(rule: AlertRule): Promise<RuleOutcome> {
    const now = this.clock();
    const cells = await this.options.store.readRollups({
      ...(rule.prompt !== undefined ? { prompt: rule.prompt } : {}),
      ...(rule.environment !== undefined ? { environment: rule.environment } : {}),
      ...(rule.arm !== undefined ? { arm: rule.arm } : {}),
      ...settledWindow(now, windowMs(rule.window), this.options.settleMs),
    });
    const decision = judgeRule(rule, mergeValues(cells.map((cell) => cell.values)));
    const dedupeKey = `rule:${rule.name}`;
    if (decision.state === 'undecided') return { rule: rule.name, decision, action: 'none' };
    if (decision.state === 'clear') {
      const resolved = await this.options.store.resolveAlert(dedupeKey, now.toISOString());
      if (resolved) this.log(`${rule.name} resolved (${rule.metric} ${decision.value})`);
      return { rule: rule.name, decision, action: resolved ? 'resolved' : 'none' };
    }
    const isNew = await this.record({
      source: 'rule',
      name: rule.name,
      severity: rule.severity,
      ...(rule.prompt !== undefined ? { prompt: rule.prompt } : {}),
      ...(rule.environment !== undefined ? { environment: rule.environment } : {}),
      summary: `${rule.metric} is ${round(decision.value)} (${rule.op} ${rule.threshold}) over the last ${rule.window}, ${decision.samples} samples`,
      evidence: {
        metric: rule.metric,
        value: decision.value,
        samples: decision.samples,
        op: rule.op,
        threshold: rule.threshold,
        window: rule.window,
        ...(rule.arm !== undefined ? { arm: rule.arm } : {}),
      },
      dedupeKey,
    });
    return { rule: rule.name, decision, action: isNew ? 'raised' : 'updated' };
  }

  /** Raises (or updates) an alert; true when it is new. */
  private async record(alert: Alert & { dedupeKey: string }): Promise<boolean> {
    const webhooks = this.options.config.webhooks
      .filter((hook) => isSevereEnough(alert.severity, hook.minSeverity))
      .map((hook) => hook.name);
    const { alert: stored, isNew } = await this.options.store.raiseAlert({
      source: alert.source,
      name: alert.name,
      dedupeKey: alert.dedupeKey,
      severity: alert.severity,
      ...(alert.prompt !== undefined ? { prompt: alert.prompt } : {}),
      ...(alert.environment !== undefined ? { environment: alert.environment } : {}),
      summary: alert.summary,
      evidence: alert.evidence ?? null,
      at: this.clock().toISOString(),
      webhooks,
    });
    if (isNew) this.log(`${alert.severity} alert ${stored.id} (${alert.name}): ${alert.summary}`);
    return isNew;
  }

  private async attempt({ delivery, alert }: DueDelivery): Promise<DeliveryAttempt> {
    const now = this.clock();
    const attempts = delivery.attempts + 1;
    const hook = this.options.config.webhooks.find((w) => w.name === delivery.webhook);
    const failure = hook
      ? await this.post(hook.url, this.env[hook.secretEnv], hook.secretEnv, alert, now)
      : { error: `webhook "${delivery.webhook}" is no longer in promptops.yaml`, final: true };
    let outcome: DeliveryOutcome;
    if (failure === null) {
      outcome = {
        ...keyOf(delivery),
        status: 'delivered',
        attempts,
        nextAttemptAt: now.toISOString(),
        deliveredAt: now.toISOString(),
      };
    } else if (failure.final || attempts >= this.retry.maxAttempts) {
      outcome = {
        ...keyOf(delivery),
        status: 'dead',
        attempts,
        nextAttemptAt: now.toISOString(),
        lastError: failure.error,
      };
      this.log(
        `delivery of alert ${alert.id} to ${delivery.webhook} is dead after ${attempts} attempts (${failure.error}); "promptops alerts redeliver ${alert.id}" retries it`,
      );
    } else {
      const next = new Date(now.getTime() + backoffMs(attempts, this.retry, this.random));
      outcome = {
        ...keyOf(delivery),
        status: 'pending',
        attempts,
        nextAttemptAt: next.toISOString(),
        lastError: failure.error,
      };
    }
    await this.options.store.settleDelivery(outcome);
    return {
      alertId: outcome.alertId,
      webhook: outcome.webhook,
      status: outcome.status,
      attempts,
      nextAttemptAt: outcome.nextAttemptAt,
      ...(outcome.lastError !== undefined ? { error: outcome.lastError } : {}),
    };
  }

  /** POSTs the signed event; null when the receiver took it (2xx), else why not. */
  private async post(
    url: string,
    secret: string | undefined,
    secretEnv: string,
    alert: AlertRecord,
    now: Date,
  ): Promise<{ error: string; final?: boolean } | null> {
    if (!secret) return { error: `the environment variable ${secretEnv} (the webhook's secret) is not set` };
    const body = JSON.stringify(eventOf(alert));
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    try {
      const response = await request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'promptops-alerts',
          [EVENT_ID_HEADER]: alert.id,
          [SIGNATURE_HEADER]: signatureOf(secret, Math.floor(now.getTime() / 1000), body),
        },
        body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.body.dump();
      if (response.statusCode >= 200 && response.statusCode < 300) return null;
      return { error: `the webhook answered HTTP ${response.statusCode}` };
    } catch (err) {
      // The error's code and message only: they name the host and port, never the URL's path or the secret.
      const e = err as { code?: string; message?: string; name?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError')
        return { error: `the webhook did not answer within ${timeoutMs} ms` };
      return { error: e.code ? `${e.code}: ${e.message}` : `${e.message ?? String(err)}` };
    }
  }
}

/** Alerts raised while one with the same key is open update it: source, name, prompt, environment, occurrence. */
function dedupeKeyOf(key: AlertKey): string {
  const parts = [key.source, key.name, key.prompt ?? '*', key.environment ?? '*'];
  return [...parts, ...(key.occurrence !== undefined ? [key.occurrence] : [])].join(':');
}

function keyOf(delivery: AlertDelivery): { alertId: string; webhook: string } {
  return { alertId: delivery.alertId, webhook: delivery.webhook };
}

/** The event a webhook receives for an alert. */
export function eventOf(alert: AlertRecord): AlertEvent {
  const { deliveries: _deliveries, dedupeKey: _key, ...rest } = alert;
  return { id: alert.id, type: 'alert.firing', alert: rest };
}

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
