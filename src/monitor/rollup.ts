/**
 * Rollups: per-minute aggregates of a prompt's executions, per version, environment and arm. Every
 * gateway keeps its own cells and writes them (absolute values, keyed by the gateway's source id)
 * to the store; readers sum the sources, so N gateways on one database give one picture. The values
 * are all sums (counts, totals, histogram buckets), so cells merge by addition in any order.
 *
 * This module is the shared vocabulary of monitoring: the canary analysis, alert rules and drift
 * detection all read `RollupValues` through `metricOf`.
 */

export type RollupArm = 'stable' | 'canary' | null;

/** Which cell a trace counts in: the minute it started in (ISO, seconds and ms zero) and its labels. */
export interface RollupKey {
  prompt: string;
  version: number;
  environment: string | null;
  arm: RollupArm;
  /** Start of the minute, ISO-8601 UTC, e.g. `2026-12-07T21:04:00.000Z`. */
  minute: string;
}

/** Latency histogram bucket upper bounds in ms: 1.25× apart from 1 ms to ~90 s, then +Inf. */
export const LATENCY_BOUNDS_MS: readonly number[] = Array.from({ length: 52 }, (_, i) => 1.25 ** i);

/** Buckets a latency sketch has: one per bound, and the overflow. */
export const LATENCY_SLOTS = LATENCY_BOUNDS_MS.length + 1;

/** Output length bins (characters of the answer's text), for drift. Upper bounds; then +Inf. */
export const OUTPUT_LENGTH_BOUNDS: readonly number[] = [0, 20, 50, 100, 200, 400, 800, 1600, 3200];

/** What a minute of one prompt/version/environment/arm adds up to. Every field is a sum. */
export interface RollupValues {
  requests: number;
  /** status `error` (any code, guardrail blocks included). */
  errors: number;
  /** Requests a guardrail blocked (PO_ERR_GUARDRAIL_BLOCKED). */
  blocked: number;
  /** Requests held for human review. */
  held: number;
  /** Requests whose output was checked against an output schema, and those that passed it. */
  schemaChecked: number;
  schemaValid: number;
  /** Answers that refused the task (the refusal detector's verdict). */
  refusals: number;
  /** Latency histogram: counts per LATENCY_BOUNDS_MS bucket (last slot: above the last bound). */
  latency: number[];
  latencySumMs: number;
  costUsd: number;
  /** Σ cost², so the analysis can test cost per request with its variance (canary analysis). */
  costSquaresSum: number;
  inputTokens: number;
  outputTokens: number;
  /** Feedback recorded on this cell's traces. */
  feedbackPositive: number;
  feedbackNegative: number;
  feedbackScoreSum: number;
  feedbackScored: number;
  /** Scheduled re-grading of sampled traces: sum of scores (0–1) and how many were graded. */
  graderScoreSum: number;
  /** Σ score², for the variance of the grader score (canary analysis). */
  graderScoreSquaresSum: number;
  graded: number;
  /** Error counts by code (a short list: codes are a closed set). */
  errorCodes: Record<string, number>;
  /** Distributions for drift: output length bins (OUTPUT_LENGTH_BOUNDS slots + overflow). */
  outputLength: number[];
  /** Input field distributions for drift: field → bin label → count (bins bounded per field). */
  inputs: Record<string, Record<string, number>>;
}

export interface RollupCell extends RollupKey {
  values: RollupValues;
}

/** A cell with nothing counted yet. */
export function emptyValues(): RollupValues {
  return {
    requests: 0,
    errors: 0,
    blocked: 0,
    held: 0,
    schemaChecked: 0,
    schemaValid: 0,
    refusals: 0,
    latency: new Array(LATENCY_SLOTS).fill(0),
    latencySumMs: 0,
    costUsd: 0,
    costSquaresSum: 0,
    inputTokens: 0,
    outputTokens: 0,
    feedbackPositive: 0,
    feedbackNegative: 0,
    feedbackScoreSum: 0,
    feedbackScored: 0,
    graderScoreSum: 0,
    graderScoreSquaresSum: 0,
    graded: 0,
    errorCodes: {},
    outputLength: new Array(OUTPUT_LENGTH_BOUNDS.length + 1).fill(0),
    inputs: {},
  };
}

const SUMMED = [
  'requests',
  'errors',
  'blocked',
  'held',
  'schemaChecked',
  'schemaValid',
  'refusals',
  'latencySumMs',
  'costUsd',
  'costSquaresSum',
  'inputTokens',
  'outputTokens',
  'feedbackPositive',
  'feedbackNegative',
  'feedbackScoreSum',
  'feedbackScored',
  'graderScoreSum',
  'graderScoreSquaresSum',
  'graded',
] as const satisfies readonly (keyof RollupValues)[];

/** Adds `from` into `into` (in place) and returns `into`. Missing fields of stored JSON count as 0. */
export function addValues(into: RollupValues, from: Partial<RollupValues>): RollupValues {
  for (const field of SUMMED) into[field] += from[field] ?? 0;
  addSlots(into.latency, from.latency);
  addSlots(into.outputLength, from.outputLength);
  addCounts(into.errorCodes, from.errorCodes);
  for (const [field, bins] of Object.entries(from.inputs ?? {})) {
    into.inputs[field] ??= {};
    addCounts(into.inputs[field], bins);
  }
  return into;
}

/** The sum of several cells' values. */
export function mergeValues(all: Iterable<Partial<RollupValues>>): RollupValues {
  const total = emptyValues();
  for (const values of all) addValues(total, values);
  return total;
}

function addSlots(into: number[], from: readonly number[] | undefined): void {
  if (!from) return;
  for (let i = 0; i < from.length && i < into.length; i++) into[i] = (into[i] ?? 0) + (from[i] ?? 0);
}

function addCounts(into: Record<string, number>, from: Record<string, number> | undefined): void {
  if (!from) return;
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

const LN_125 = Math.log(1.25);

/** The slot a latency falls in. */
export function latencySlot(ms: number): number {
  // 1.25^i ≥ ms ⇔ i ≥ log(ms)/log(1.25); a binary search would do as well, this is O(1).
  if (!(ms > 1)) return 0;
  const i = Math.ceil(Math.log(ms) / LN_125 - 1e-9);
  return Math.min(i, LATENCY_BOUNDS_MS.length);
}

/** The slot an output length falls in. */
export function outputLengthSlot(chars: number): number {
  const i = OUTPUT_LENGTH_BOUNDS.findIndex((bound) => chars <= bound);
  return i === -1 ? OUTPUT_LENGTH_BOUNDS.length : i;
}

/**
 * The q-quantile (0–1) of a latency sketch, in ms: the upper bound of the bucket holding it (so an
 * estimate at most 25% high), or null with no samples. Above the last bound, the last bound.
 */
export function latencyQuantile(latency: readonly number[], q: number): number | null {
  const total = latency.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < latency.length; i++) {
    seen += latency[i] ?? 0;
    if (seen >= rank) return LATENCY_BOUNDS_MS[Math.min(i, LATENCY_BOUNDS_MS.length - 1)] ?? null;
  }
  return LATENCY_BOUNDS_MS.at(-1) ?? null;
}

/**
 * The metrics monitoring judges, each computed from summed values. A rate is a proportion: its
 * `samples` is its denominator (what a statistical test needs); a value with no samples is null.
 */
export const METRICS = {
  error_rate: { kind: 'proportion', better: 'lower', help: 'share of requests that ended in an error' },
  block_rate: { kind: 'proportion', better: 'lower', help: 'share of requests a guardrail blocked' },
  schema_valid_rate: {
    kind: 'proportion',
    better: 'higher',
    help: 'share of schema-checked answers that passed the output schema',
  },
  refusal_rate: { kind: 'proportion', better: 'lower', help: 'share of answers that refused the task' },
  negative_feedback_rate: {
    kind: 'proportion',
    better: 'lower',
    help: 'share of feedback that was negative',
  },
  p50_latency_ms: { kind: 'latency', better: 'lower', help: 'median latency in ms' },
  p95_latency_ms: { kind: 'latency', better: 'lower', help: '95th percentile latency in ms' },
  p99_latency_ms: { kind: 'latency', better: 'lower', help: '99th percentile latency in ms' },
  cost_per_request: { kind: 'mean', better: 'lower', help: 'mean model cost per request in USD' },
  grader_score: { kind: 'mean', better: 'higher', help: 'mean score of scheduled re-grading (0–1)' },
  requests: { kind: 'count', better: 'higher', help: 'requests' },
} as const;

export type MetricName = keyof typeof METRICS;
export type MetricKind = (typeof METRICS)[MetricName]['kind'];

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

export interface MetricValue {
  value: number | null;
  /** The denominator: requests, checked answers, feedback or graded traces. */
  samples: number;
}

/** A metric's value over summed rollup values. */
export function metricOf(name: MetricName, v: RollupValues): MetricValue {
  const ratio = (num: number, den: number): MetricValue => ({
    value: den > 0 ? num / den : null,
    samples: den,
  });
  switch (name) {
    case 'error_rate':
      return ratio(v.errors, v.requests);
    case 'block_rate':
      return ratio(v.blocked, v.requests);
    case 'schema_valid_rate':
      return ratio(v.schemaValid, v.schemaChecked);
    case 'refusal_rate':
      return ratio(v.refusals, v.requests);
    case 'negative_feedback_rate':
      return ratio(v.feedbackNegative, v.feedbackPositive + v.feedbackNegative);
    case 'p50_latency_ms':
      return { value: latencyQuantile(v.latency, 0.5), samples: v.requests };
    case 'p95_latency_ms':
      return { value: latencyQuantile(v.latency, 0.95), samples: v.requests };
    case 'p99_latency_ms':
      return { value: latencyQuantile(v.latency, 0.99), samples: v.requests };
    case 'cost_per_request':
      return ratio(v.costUsd, v.requests);
    case 'grader_score':
      return ratio(v.graderScoreSum, v.graded);
    case 'requests':
      return { value: v.requests, samples: v.requests };
  }
}

/** Which rollups to read: a prompt's cells in [from, to), optionally one version, environment, arm. */
export interface RollupQuery {
  prompt?: string;
  version?: number;
  environment?: string;
  arm?: 'stable' | 'canary';
  /** Inclusive start and exclusive end, ISO-8601. */
  from: string;
  to: string;
}

/** The start of the minute `at` falls in, ISO-8601. */
export function minuteOf(at: Date | number): string {
  const ms = typeof at === 'number' ? at : at.getTime();
  return new Date(ms - (ms % 60_000)).toISOString();
}

/**
 * Time, injected: every window, interval and schedule of monitoring reads `now()` from a clock, so
 * tests run hours of simulated traffic in seconds with no sleeps.
 */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/**
 * The complete, settled minutes of a window of `windowMs` ending now: the minutes that ended by
 * `now − settleMs`, as many as the window covers (rounded up to whole minutes, so `90s` reads two
 * and `30s` one). Rollups are keyed by minute and gateways write them every few seconds, so the
 * minute under way (and one that ended less than `settleMs` ago) is not read as if it were whole.
 */
export function settledWindow(now: Date, windowMs: number, settleMs = 0): { from: string; to: string } {
  const to = new Date(minuteOf(now.getTime() - settleMs));
  const minutes = Math.max(1, Math.ceil(windowMs / 60_000));
  return { from: new Date(to.getTime() - minutes * 60_000).toISOString(), to: to.toISOString() };
}
