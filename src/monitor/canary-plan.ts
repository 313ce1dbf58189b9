import { DURATION_PATTERN, parseDuration } from '../duration.js';
import { PromptOpsError } from '../errors.js';
import { isMetricName, METRICS, type MetricName } from './rollup.js';

/**
 * A canary's analysis plan: the weights it ramps through, how long each interval lasts, how many
 * passes move it on, and the metrics it is judged by, each with a threshold relative to stable.
 */
export interface CanaryPlan {
  /** Canary weights in percent, increasing, e.g. [5, 25, 50, 100]; 100 (if given) means promotion. */
  steps: number[];
  /** An interval's length: `30s`, `10m`, `1h`. */
  interval: string;
  /** Passed intervals a step needs before the next one (default 1). */
  intervalsPerStep: number;
  /** Requests each arm needs in an interval before a verdict is given (else inconclusive). */
  minSamples: number;
  /** Failed intervals (over the whole canary, every step) that roll it back. */
  failureLimit: number;
  /** One-sided significance level of each metric's test (default 0.01). */
  significance: number;
  metrics: MetricThreshold[];
}

/**
 * A metric and how much worse than stable the canary may be. Proportions take an absolute
 * `maxIncrease` (lower is better) or `maxDecrease` (higher is better); latencies and means a
 * `maxRatio` (lower is better) or `minRatio` (higher is better, e.g. a grader score).
 */
export interface MetricThreshold {
  metric: MetricName;
  /** This metric's samples each arm needs (default: `minSamplesOf`). */
  minSamples?: number;
  maxIncrease?: number;
  maxDecrease?: number;
  maxRatio?: number;
  minRatio?: number;
}

/** The metrics a canary may be judged by (counts are not a quality). */
export const CANARY_METRICS = (Object.keys(METRICS) as MetricName[]).filter(
  (m) => METRICS[m].kind !== 'count',
);

/**
 * Metrics counted over something rarer than requests (feedback given, traces graded): an interval
 * holds far fewer of them, so they need fewer samples by default and never hold a verdict back.
 */
export const SPARSE_METRICS: ReadonlySet<MetricName> = new Set(['negative_feedback_rate', 'grader_score']);

/** The default minimum samples of a sparse metric (the plan's minSamples when that is smaller). */
export const SPARSE_MIN_SAMPLES = 30;

/**
 * The samples a metric needs in each arm for a verdict: its own `minSamples`, else the plan's, and
 * for a sparse metric at most SPARSE_MIN_SAMPLES.
 */
export function minSamplesOf(plan: Pick<CanaryPlan, 'minSamples'>, threshold: MetricThreshold): number {
  if (threshold.minSamples !== undefined) return threshold.minSamples;
  return SPARSE_METRICS.has(threshold.metric)
    ? Math.min(plan.minSamples, SPARSE_MIN_SAMPLES)
    : plan.minSamples;
}

const THRESHOLD_KEYS = ['maxIncrease', 'maxDecrease', 'maxRatio', 'minRatio'] as const;

/** JSON Schema of a plan as written in promptops.yaml (`canary:`) or a plan file. */
export const CANARY_PLAN_SCHEMA = {
  type: 'object',
  description: 'the analysis plan a canary release carries unless it says otherwise (docs/monitoring.md)',
  properties: {
    steps: {
      type: 'array',
      items: { type: 'integer', minimum: 1, maximum: 100 },
      minItems: 1,
      description: 'canary weights in percent, increasing (e.g. [5, 25, 50, 100]); 100 means promote',
    },
    interval: {
      type: 'string',
      pattern: DURATION_PATTERN,
      description: 'interval length: 30s, 10m, 1h (above zero)',
    },
    intervalsPerStep: {
      type: 'integer',
      minimum: 1,
      description: 'passed intervals before the next step (1)',
    },
    minSamples: {
      type: 'integer',
      minimum: 1,
      description: 'requests per arm per interval for a verdict (100)',
    },
    failureLimit: {
      type: 'integer',
      minimum: 1,
      description: 'failed intervals that roll the canary back (2)',
    },
    significance: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 0.5,
      description: 'one-sided significance level of each test (0.01)',
    },
    metrics: {
      type: 'array',
      minItems: 1,
      description:
        'the metrics judged, each with its threshold relative to stable: maxIncrease/maxDecrease (proportions), maxRatio/minRatio (latency, means)',
      items: {
        type: 'object',
        properties: {
          metric: { enum: CANARY_METRICS },
          maxIncrease: { type: 'number', minimum: 0, maximum: 1 },
          maxDecrease: { type: 'number', minimum: 0, maximum: 1 },
          maxRatio: { type: 'number', minimum: 1 },
          minRatio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
          minSamples: {
            type: 'integer',
            minimum: 1,
            description: `this metric's samples per arm per interval (the plan's; feedback and grader metrics: at most ${SPARSE_MIN_SAMPLES})`,
          },
        },
        required: ['metric'],
        additionalProperties: false,
      },
    },
  },
  required: ['steps', 'interval', 'metrics'],
  additionalProperties: false,
} as const;

/** The plan's defaults for what a written plan leaves out. */
export const PLAN_DEFAULTS = { intervalsPerStep: 1, minSamples: 100, failureLimit: 2, significance: 0.01 };

/** An interval's length in ms: `30s`, `10m`, `1h`, `1d` (src/duration.ts's grammar, above zero). */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (!ms) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `an interval is a whole number above zero and a unit (s, m, h or d), like "10m", not "${text}"`,
      { interval: text },
    );
  }
  return ms;
}

function invalid(where: string, message: string): never {
  throw new PromptOpsError('PO_ERR_CONFIG_INVALID', `${where}: ${message}`, { where });
}

/**
 * Checks a plan as written (promptops.yaml's `canary:`, a plan file, or an API body) and fills its
 * defaults; `where` names it in the error (PO_ERR_CONFIG_INVALID) that says what to fix.
 */
export function parseCanaryPlan(raw: unknown, where: string): CanaryPlan {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    invalid(where, 'an analysis plan is a mapping');
  const given = raw as Record<string, unknown>;
  const known = new Set(Object.keys(CANARY_PLAN_SCHEMA.properties));
  for (const key of Object.keys(given))
    if (!known.has(key)) invalid(where, `unknown field "${key}"; fields are ${[...known].join(', ')}`);
  const steps = given.steps;
  if (
    !Array.isArray(steps) ||
    steps.length === 0 ||
    !steps.every((w) => Number.isInteger(w) && w >= 1 && w <= 100)
  )
    invalid(where, 'steps is a list of whole percents from 1 to 100, e.g. [5, 25, 50, 100]');
  if (!steps.every((w, i) => i === 0 || w > steps[i - 1]))
    invalid(where, `steps must increase, not ${steps.join(' → ')}`);
  if (steps[0] === 100) invalid(where, 'the first step must be a canary weight below 100');
  if (typeof given.interval !== 'string') invalid(where, 'interval is a duration like "10m"');
  durationMs(given.interval);
  const whole = (key: 'intervalsPerStep' | 'minSamples' | 'failureLimit'): number => {
    const value = given[key] ?? PLAN_DEFAULTS[key];
    if (!Number.isInteger(value) || (value as number) < 1)
      invalid(where, `${key} is a whole number ≥ 1, not ${String(value)}`);
    return value as number;
  };
  const significance = given.significance ?? PLAN_DEFAULTS.significance;
  if (typeof significance !== 'number' || !(significance > 0 && significance <= 0.5))
    invalid(
      where,
      `significance is a level above 0 and at most 0.5 (e.g. 0.01), not ${String(significance)}`,
    );
  if (!Array.isArray(given.metrics) || given.metrics.length === 0)
    invalid(where, `metrics lists at least one of ${CANARY_METRICS.join(', ')} with its threshold`);
  const metrics = given.metrics.map((m, i) => parseThreshold(m, `${where} metrics[${i}]`));
  return {
    steps: steps as number[],
    interval: given.interval,
    intervalsPerStep: whole('intervalsPerStep'),
    minSamples: whole('minSamples'),
    failureLimit: whole('failureLimit'),
    significance,
    metrics,
  };
}

/** The threshold key a metric takes: by its kind and which way is better. */
export function thresholdKeyOf(metric: MetricName): (typeof THRESHOLD_KEYS)[number] {
  const { kind, better } = METRICS[metric];
  if (kind === 'proportion') return better === 'lower' ? 'maxIncrease' : 'maxDecrease';
  return better === 'lower' ? 'maxRatio' : 'minRatio';
}

function parseThreshold(raw: unknown, where: string): MetricThreshold {
  if (typeof raw !== 'object' || raw === null)
    invalid(where, 'a metric is a mapping like { metric: error_rate, maxIncrease: 0.02 }');
  const given = raw as Record<string, unknown>;
  const metric = given.metric;
  if (typeof metric !== 'string' || !isMetricName(metric) || !CANARY_METRICS.includes(metric))
    invalid(where, `metric is one of ${CANARY_METRICS.join(', ')}, not ${JSON.stringify(metric)}`);
  const key = thresholdKeyOf(metric);
  for (const other of Object.keys(given))
    if (other !== 'metric' && other !== key && other !== 'minSamples')
      invalid(where, `${metric} takes ${key}, not ${other} (a metric may also set minSamples)`);
  const minSamples = given.minSamples;
  if (minSamples !== undefined && !(Number.isInteger(minSamples) && (minSamples as number) >= 1))
    invalid(where, `${metric}'s minSamples is a whole number ≥ 1, not ${String(minSamples)}`);
  const value = given[key];
  const ok =
    typeof value === 'number' &&
    (key === 'maxIncrease' || key === 'maxDecrease'
      ? value >= 0 && value <= 1
      : key === 'maxRatio'
        ? value >= 1
        : value > 0 && value <= 1);
  if (!ok) {
    const range = {
      maxIncrease: 'from 0 to 1 (absolute, 0.02 = two points)',
      maxDecrease: 'from 0 to 1',
      maxRatio: '≥ 1 (1.5 = 50% worse)',
      minRatio: 'above 0 and ≤ 1',
    }[key];
    invalid(where, `${metric} needs ${key} ${range}, not ${String(value)}`);
  }
  return { metric, [key]: value, ...(minSamples === undefined ? {} : { minSamples }) } as MetricThreshold;
}
