/**
 * Alert rules, pure: what a rule in `promptops.yaml` says, and what its metric over a window of
 * rollups decides. The alert service (alerts.ts) reads the rollups and acts on the decision.
 */
import { parseDuration } from '../duration.js';
import { type MetricName, type MetricValue, metricOf, type RollupValues } from './rollup.js';

export type Severity = 'info' | 'warning' | 'critical';
export type Comparison = '>' | '>=' | '<' | '<=';

/** A rule of `alerts.rules`: an alert raised while `metric op threshold` holds over the window. */
export interface AlertRule {
  name: string;
  metric: MetricName;
  prompt?: string;
  environment?: string;
  arm?: 'stable' | 'canary';
  op: Comparison;
  threshold: number;
  /** As written, e.g. `5m` (src/duration.ts); read as the whole minutes it covers, rounded up. */
  window: string;
  /** Fewer samples (the metric's denominator) than this decide nothing. */
  minSamples: number;
  severity: Severity;
}

/** A webhook of `alerts.webhooks`; the secret itself is read from `secretEnv` when delivering. */
export interface AlertWebhook {
  name: string;
  url: string;
  secretEnv: string;
  /** Only alerts at least this severe go to it. */
  minSeverity: Severity;
}

export interface AlertsConfig {
  webhooks: AlertWebhook[];
  rules: AlertRule[];
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** True when an alert of `severity` goes to a webhook that takes `minSeverity` and up. */
export function isSevereEnough(severity: Severity, minSeverity: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[minSeverity];
}

/** A window (`90s`, `5m`, `1h`) in ms; the config schema has already checked its form. */
export function windowMs(window: string): number {
  return parseDuration(window) ?? Number.NaN;
}

/** What a rule's metric over its window decides. */
export type RuleDecision =
  | { state: 'firing'; value: number; samples: number }
  | { state: 'clear'; value: number; samples: number }
  /** Too few samples (or no value): neither fires nor clears. */
  | { state: 'undecided'; value: number | null; samples: number };

/** Judges `rule` on the summed rollup values of its window. */
export function judgeRule(rule: AlertRule, values: RollupValues): RuleDecision {
  const measured: MetricValue = metricOf(rule.metric, values);
  if (measured.value === null || measured.samples < rule.minSamples) {
    return { state: 'undecided', value: measured.value, samples: measured.samples };
  }
  const holds = compare(measured.value, rule.op, rule.threshold);
  return { state: holds ? 'firing' : 'clear', value: measured.value, samples: measured.samples };
}

function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}
