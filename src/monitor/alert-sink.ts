/**
 * Where monitoring raises alerts: canary analysis, drift detection and alert rules all report
 * through this one interface; the alert service records each alert and notifies webhooks.
 */
export interface AlertSink {
  raise(alert: {
    source: 'canary' | 'drift' | 'rule';
    name: string;
    severity: 'info' | 'warning' | 'critical';
    prompt?: string;
    environment?: string;
    summary: string;
    evidence: unknown;
  }): Promise<void>;
}
