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

export interface AlertSink {
  raise(alert: Alert): Promise<void>;
}

/** A sink that keeps what it is given: for tests, and where no delivery is configured. */
export class RecordingAlertSink implements AlertSink {
  readonly alerts: Alert[] = [];

  async raise(alert: Alert): Promise<void> {
    this.alerts.push(alert);
  }
}
