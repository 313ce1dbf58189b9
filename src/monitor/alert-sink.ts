/**
 * Where monitoring raises alerts: canary analysis (a rollback, a promotion), drift detection and
 * alert rules all call one `AlertSink`; delivery (webhooks with signatures, retries, a dead-letter
 * list) is the sink's business.
 */
export interface Alert {
  source: 'canary' | 'drift' | 'rule';
  /** What raised it, e.g. `canary-rollback`, or the rule's name. */
  name: string;
  /**
   * What tells this alert from an earlier one of the same name, prompt and environment that is
   * still open (e.g. the canary analysis it is about); absent: raising it again updates that one.
   */
  occurrence?: string;
  severity: 'info' | 'warning' | 'critical';
  prompt?: string;
  environment?: string;
  /** One line for a human. */
  summary: string;
  /** The numbers behind it (JSON-serialisable). */
  evidence: unknown;
}

/** What names an alert, open or not: the alert without what it says. */
export type AlertKey = Pick<Alert, 'source' | 'name' | 'prompt' | 'environment' | 'occurrence'>;

export interface AlertSink {
  raise(alert: Alert): Promise<void>;
  /** The condition behind the alert so named is over: it is resolved, and raising it again is news. */
  resolve(key: AlertKey): Promise<void>;
}

/** A sink that keeps what it is given: for tests, and where no delivery is configured. */
export class RecordingAlertSink implements AlertSink {
  readonly alerts: Alert[] = [];
  readonly resolved: AlertKey[] = [];

  async raise(alert: Alert): Promise<void> {
    this.alerts.push(alert);
  }

  async resolve(key: AlertKey): Promise<void> {
    this.resolved.push(key);
  }
}
