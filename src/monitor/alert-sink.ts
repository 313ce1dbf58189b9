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
