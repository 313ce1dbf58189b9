import {
  type CanaryPlan,
  durationMs,
  type MetricThreshold,
  minSamplesOf,
  SPARSE_METRICS,
  thresholdKeyOf,
} from './canary-plan.js';
import {
  LATENCY_BOUNDS_MS,
  latencyQuantile,
  METRICS,
  type MetricName,
  metricOf,
  type RollupValues,
} from './rollup.js';
import { latencyQuantileWorseTest, meanWorseTest, proportionWorseTest } from './statistics.js';

/*
 * The pure core of canary analysis: which intervals a step has, what one interval's rollups say
 * (a verdict with its evidence per metric), and what the canary should do next.
 */

export type IntervalVerdict = 'pass' | 'fail' | 'inconclusive' | 'error';

/** What one metric showed in an interval: both arms' values and samples, the test and the threshold. */
export interface MetricEvidence {
  metric: MetricName;
  verdict: Exclude<IntervalVerdict, 'error'>;
  canary: { value: number | null; samples: number };
  stable: { value: number | null; samples: number };
  /** The threshold, as the plan wrote it, e.g. `{ maxIncrease: 0.02 }`. */
  threshold: Omit<MetricThreshold, 'metric'>;
  test: string | null;
  statistic: number | null;
  pValue: number | null;
  /** Why, in words: "canary 31.0% vs stable 1.0% (+0.02 allowed), p < 0.0001". */
  reason: string;
}

/** An interval's verdict and its evidence; `error` carries the message instead. */
export interface IntervalJudgement {
  verdict: IntervalVerdict;
  metrics: MetricEvidence[];
  /** Sparse metrics (feedback, grader score) left out of a verdict the other metrics gave. */
  notJudged?: MetricName[];
  error?: string;
}

/**
 * How an interval's verdict follows from its metrics: any failing metric fails it; otherwise any
 * inconclusive request-counted metric (too few samples) makes it inconclusive; otherwise it
 * passes. A sparse metric (SPARSE_METRICS) short of samples does not hold back a verdict the
 * request-counted metrics gave: it is listed in `notJudged`. With only sparse metrics judged, an
 * interval where they are short of samples is inconclusive.
 */
export function judgeInterval(
  plan: CanaryPlan,
  canary: RollupValues,
  stable: RollupValues,
): IntervalJudgement {
  const metrics = plan.metrics.map((threshold) => judgeMetric(plan, threshold, canary, stable));
  if (metrics.some((m) => m.verdict === 'fail')) return { verdict: 'fail', metrics };
  const inconclusive = metrics.filter((m) => m.verdict === 'inconclusive');
  if (inconclusive.length === 0) return { verdict: 'pass', metrics };
  const judged = metrics.some((m) => m.verdict === 'pass' && !SPARSE_METRICS.has(m.metric));
  if (!judged || inconclusive.some((m) => !SPARSE_METRICS.has(m.metric)))
    return { verdict: 'inconclusive', metrics };
  const notJudged = inconclusive.map((m) => m.metric);
  for (const m of inconclusive) m.reason = `not judged (the other metrics decided): ${m.reason}`;
  return { verdict: 'pass', metrics, notJudged };
}

function percent(v: number | null): string {
  return v === null ? 'n/a' : `${(v * 100).toFixed(2)}%`;
}

function formatP(p: number): string {
  return p < 0.0001 ? 'p < 0.0001' : `p = ${p.toFixed(4)}`;
}

/**
 * Judges one metric; needs minSamplesOf(plan, threshold) of the metric's samples in each arm.
 * Long because it is one decision table: each kind of metric (proportion, latency quantile, mean)
 * with its inconclusive cases and its test, side by side so they read as one rule.
 */
export function judgeMetric(
  plan: CanaryPlan,
  threshold: MetricThreshold,
  canaryValues: RollupValues,
  stableValues: RollupValues,
): MetricEvidence {
  const { metric } = threshold;
  const key = thresholdKeyOf(metric);
  const limit = threshold[key] as number;
  const canary = metricOf(metric, canaryValues);
  const stable = metricOf(metric, stableValues);
  const info = METRICS[metric];
  const base = { metric, canary, stable, threshold: { [key]: limit } };
  const fewest = Math.min(canary.samples, stable.samples);
  const needed = minSamplesOf(plan, threshold);
  if (fewest < needed || canary.value === null || stable.value === null) {
    return {
      ...base,
      verdict: 'inconclusive',
      test: null,
      statistic: null,
      pValue: null,
      reason: `too few samples: canary ${canary.samples}, stable ${stable.samples}, ${needed} needed in each`,
    };
  }
  const worse = info.better === 'lower' ? 'higher' : 'lower';
  let result: { test: string; statistic: number; pValue: number };
  let shown: string;
  switch (info.kind) {
    case 'proportion': {
      const counts = proportionCounts(metric, canaryValues, stableValues);
      result = proportionWorseTest(counts.canary, counts.stable, limit, worse);
      shown = `canary ${percent(canary.value)} vs stable ${percent(stable.value)} (${worse === 'higher' ? '+' : '−'}${limit} allowed)`;
      break;
    }
    case 'latency': {
      const q = metric === 'p50_latency_ms' ? 0.5 : metric === 'p99_latency_ms' ? 0.99 : 0.95;
      const tail = stableSamplesForQuantile(q);
      if (stable.samples < tail) {
        return {
          ...base,
          verdict: 'inconclusive',
          ...{ test: null, statistic: null, pValue: null },
          reason: `too few stable samples to take its p${Math.round(q * 100)} as known: ${stable.samples}, ${tail} needed (${TAIL_SAMPLES} beyond the quantile)`,
        };
      }
      const stableQ = latencyQuantile(stableValues.latency, q) ?? 0;
      const test = latencyQuantileWorseTest(
        { buckets: canaryValues.latency, bounds: LATENCY_BOUNDS_MS },
        stableQ,
        q,
        limit,
      );
      result = test;
      shown = `canary ${fmtMs(canary.value)} vs stable ${fmtMs(stable.value)} (× ${limit} allowed); ${test.slower} of ${canaryValues.requests} canary requests above ${fmtMs(test.limitMs)}, ${Math.round((1 - q) * 100)}% expected`;
      break;
    }
    default: {
      const sample = meanSamples(metric, canaryValues, stableValues);
      if (!varianceKnown(sample.canary) || !varianceKnown(sample.stable)) {
        return {
          ...base,
          verdict: 'inconclusive',
          ...{ test: null, statistic: null, pValue: null },
          reason: 'the rollups hold no sum of squares for this metric, so its variance is unknown',
        };
      }
      result = meanWorseTest(sample.canary, sample.stable, limit, worse);
      shown = `canary ${fmtNumber(canary.value)} vs stable ${fmtNumber(stable.value)} (× ${limit} allowed)`;
    }
  }
  const failed = result.pValue < plan.significance;
  return {
    ...base,
    verdict: failed ? 'fail' : 'pass',
    test: result.test,
    statistic: Number.isFinite(result.statistic) ? result.statistic : null,
    pValue: result.pValue,
    reason: `${shown}, ${formatP(result.pValue)}${failed ? ` (below ${plan.significance}): worse than allowed` : ''}`,
  };
}

/**
 * The latency test takes stable's quantile as known, not estimated; that holds only when enough of
 * stable's requests lie beyond it. So stable needs TAIL_SAMPLES requests beyond the quantile (p50:
 * 40 requests, p95: 400, p99: 2000), besides the plan's minSamples, or the metric is inconclusive.
 */
export const TAIL_SAMPLES = 20;

export function stableSamplesForQuantile(q: number): number {
  return Math.ceil(TAIL_SAMPLES / (1 - q) - 1e-9);
}

/** A mean's variance is known when the rollups kept Σx²: values summing above 0 square above 0. */
function varianceKnown(sample: { sum: number; sumSquares: number }): boolean {
  return !(sample.sumSquares === 0 && sample.sum > 0);
}

function fmtMs(v: number | null): string {
  return v === null ? 'n/a' : `${Math.round(v)} ms`;
}

function fmtNumber(v: number | null): string {
  return v === null ? 'n/a' : v.toPrecision(4);
}

function proportionCounts(metric: MetricName, c: RollupValues, s: RollupValues) {
  const of = (v: RollupValues) => {
    switch (metric) {
      case 'error_rate':
        return { events: v.errors, trials: v.requests };
      case 'block_rate':
        return { events: v.blocked, trials: v.requests };
      case 'schema_valid_rate':
        return { events: v.schemaValid, trials: v.schemaChecked };
      case 'refusal_rate':
        return { events: v.refusals, trials: v.requests };
      default:
        return { events: v.feedbackNegative, trials: v.feedbackNegative + v.feedbackPositive };
    }
  };
  return { canary: of(c), stable: of(s) };
}

function meanSamples(metric: MetricName, c: RollupValues, s: RollupValues) {
  const of = (v: RollupValues) =>
    metric === 'grader_score'
      ? { n: v.graded, sum: v.graderScoreSum, sumSquares: v.graderScoreSquaresSum }
      : { n: v.requests, sum: v.costUsd, sumSquares: v.costSquaresSum };
  return { canary: of(c), stable: of(s) };
}

/** One interval of a step: its index and window [start, end) in ISO-8601. */
export interface IntervalWindow {
  index: number;
  start: string;
  end: string;
}

/**
 * The intervals of a step that have ended by `now`. A step's intervals start at the first whole
 * minute after its weight was set (rollups are per minute, and the minute the weight changed mixes
 * two weights) and follow each other without gaps; a new step starts its own intervals afresh, so
 * no interval mixes two weights. Intervals shorter than a minute are rounded up to one.
 */
export function endedIntervals(plan: CanaryPlan, stepStartedAt: Date, now: Date): IntervalWindow[] {
  const length = Math.max(60_000, Math.ceil(durationMs(plan.interval) / 60_000) * 60_000);
  const first = Math.ceil(stepStartedAt.getTime() / 60_000) * 60_000;
  const windows: IntervalWindow[] = [];
  for (let index = 0; first + (index + 1) * length <= now.getTime(); index++) {
    const start = first + index * length;
    windows.push({
      index,
      start: new Date(start).toISOString(),
      end: new Date(start + length).toISOString(),
    });
  }
  return windows;
}

/** What the canary does after its recorded intervals: wait, ramp to the next weight, promote, or roll back. */
export type CanaryAction =
  | { kind: 'wait' }
  | { kind: 'ramp'; weight: number }
  | { kind: 'promote' }
  | { kind: 'rollback'; failures: number };

/**
 * The state machine: `failures` (failed intervals over the whole canary) reaching the limit rolls
 * it back; `passesThisStep` reaching intervalsPerStep moves to the next step, or promotes after the
 * last weight below 100. Inconclusive and error intervals count for neither.
 */
export function nextAction(
  plan: CanaryPlan,
  weight: number,
  failures: number,
  passesThisStep: number,
): CanaryAction {
  if (failures >= plan.failureLimit) return { kind: 'rollback', failures };
  if (passesThisStep < plan.intervalsPerStep) return { kind: 'wait' };
  const next = plan.steps.find((w) => w > weight);
  return next === undefined || next >= 100 ? { kind: 'promote' } : { kind: 'ramp', weight: next };
}
