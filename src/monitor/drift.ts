/**
 * Drift: how far production has moved from a reference window. Pure: values in, report out.
 *
 * - Distributions (each input field's bins, output length bins) are compared with the Population
 *   Stability Index, PSI = Σ (cᵢ − rᵢ) · ln(cᵢ / rᵢ) over the bins' shares r (reference) and c
 *   (current). The usual reading (Siddiqi, "Credit Risk Scorecards", 2006; the industry convention
 *   since): below 0.1 no significant shift, 0.1–0.25 a moderate shift, above 0.25 a major one.
 * - Rates (refusal, guardrail block, schema-valid) are compared by their change in percentage
 *   points, counted only when a two-proportion z-test says the change is not noise.
 * - Levels (p95 latency, cost per request) are compared by their relative change.
 * - Sudden changes inside the current window: an EWMA control chart (Roberts 1959; λ = 0.2, L = 3
 *   as in Montgomery, "Introduction to Statistical Quality Control") over a per-minute series, its
 *   centre and spread taken from the reference window's minutes.
 */

import {
  METRICS,
  type MetricName,
  mergeValues,
  metricOf,
  OUTPUT_LENGTH_BOUNDS,
  type RollupCell,
  type RollupValues,
} from './rollup.js';
import { twoProportionZ } from './statistics.js';

export type DriftSeverity = 'none' | 'moderate' | 'major';

const SEVERITY_ORDER: readonly DriftSeverity[] = ['none', 'moderate', 'major'];

/** The larger of two severities. */
export function worse(a: DriftSeverity, b: DriftSeverity): DriftSeverity {
  return SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b;
}

/** Where a shift becomes moderate and major; each check reads its own pair. */
export interface Bands {
  moderate: number;
  major: number;
}

export interface DriftThresholds {
  /** PSI bands (default 0.1 / 0.25). */
  psi: Bands;
  /** Rates: change in percentage points as a fraction (default 0.05 / 0.15). */
  rate: Bands;
  /** p95 latency and cost per request: relative change (default 0.25 / 1.0, i.e. +25% / doubled). */
  level: Bands;
  /** A rate's change counts only when |z| of the two-proportion test reaches this (default 3). */
  z: number;
  /** Fewer samples than this in either window: the check is `insufficient`, never drift (default 100). */
  minSamples: number;
  /**
   * EWMA: smoothing λ (default 0.2), control-limit width L in σ (default 3), and the samples a
   * minute needs to be a point of the chart (default 10; a minute with fewer is skipped, in either
   * window, so one odd request in a quiet minute is not read as a shift).
   */
  ewma: { lambda: number; width: number; minSamples?: number };
}

export const DEFAULT_THRESHOLDS: DriftThresholds = {
  psi: { moderate: 0.1, major: 0.25 },
  rate: { moderate: 0.05, major: 0.15 },
  level: { moderate: 0.25, major: 1 },
  z: 3,
  minSamples: 100,
  ewma: { lambda: 0.2, width: 3, minSamples: 10 },
};

/** The samples a minute needs to count in the EWMA chart when `ewma.minSamples` is not given. */
export const EWMA_MIN_SAMPLES = 10;

/** The band a value falls in. */
export function band(value: number, bands: Bands): DriftSeverity {
  if (value > bands.major) return 'major';
  if (value >= bands.moderate) return 'moderate';
  return 'none';
}

/**
 * A share that is zero in one window makes ln(c/r) infinite; it is replaced by this before the sum
 * (the shares are not renormalised: with ε this small the other bins' shares move by < 0.01%).
 */
export const PSI_EPSILON = 1e-4;

export interface BinShift {
  bin: string;
  reference: number;
  current: number;
  /** This bin's term of the sum. */
  contribution: number;
}

export interface PsiResult {
  psi: number;
  /** Every bin of either window, largest contribution first. */
  bins: BinShift[];
  referenceSamples: number;
  currentSamples: number;
}

/** Counts by bin: a record (label → count) or slots (index → count). */
export type Counts = Readonly<Record<string, number>> | readonly number[];

function asRecord(counts: Counts, labels?: readonly string[]): Record<string, number> {
  if (!Array.isArray(counts)) return counts as Record<string, number>;
  return Object.fromEntries(counts.map((n, i) => [labels?.[i] ?? String(i), n]));
}

/** PSI between two distributions over the union of their bins (see PSI_EPSILON for empty bins). */
export function psi(reference: Counts, current: Counts, labels?: readonly string[]): PsiResult {
  const ref = asRecord(reference, labels);
  const cur = asRecord(current, labels);
  const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const refTotal = total(ref);
  const curTotal = total(cur);
  const bins: BinShift[] = [];
  if (refTotal > 0 && curTotal > 0) {
    for (const bin of new Set([...Object.keys(ref), ...Object.keys(cur)])) {
      const r = Math.max((ref[bin] ?? 0) / refTotal, PSI_EPSILON);
      const c = Math.max((cur[bin] ?? 0) / curTotal, PSI_EPSILON);
      bins.push({ bin, reference: r, current: c, contribution: (c - r) * Math.log(c / r) });
    }
  }
  bins.sort((a, b) => b.contribution - a.contribution);
  return {
    psi: bins.reduce((sum, b) => sum + b.contribution, 0),
    bins,
    referenceSamples: refTotal,
    currentSamples: curTotal,
  };
}

/** The labels of the output length bins: `≤0`, `≤20`, … and `>3200`. */
export const OUTPUT_LENGTH_LABELS: readonly string[] = [
  ...OUTPUT_LENGTH_BOUNDS.map((b) => `<=${b}`),
  `>${OUTPUT_LENGTH_BOUNDS.at(-1)}`,
];

/** One drift check's verdict. `insufficient`: too few samples to say. */
export interface Finding {
  /** `input.<field>`, `output_length`, a metric name, or `sudden.<metric>`. */
  name: string;
  kind: 'psi' | 'rate' | 'level' | 'sudden';
  severity: DriftSeverity;
  insufficient: boolean;
  summary: string;
}

export interface DistributionDrift extends Finding {
  kind: 'psi';
  psi: number;
  bins: BinShift[];
  referenceSamples: number;
  currentSamples: number;
}

function distributionDrift(
  name: string,
  reference: Counts,
  current: Counts,
  t: DriftThresholds,
  labels?: readonly string[],
): DistributionDrift {
  const result = psi(reference, current, labels);
  const insufficient = result.referenceSamples < t.minSamples || result.currentSamples < t.minSamples;
  const severity = insufficient ? 'none' : band(result.psi, t.psi);
  const top = result.bins[0];
  return {
    name,
    kind: 'psi',
    severity,
    insufficient,
    summary: insufficient
      ? `${name}: too few samples (${result.referenceSamples} reference, ${result.currentSamples} current; needs ${t.minSamples})`
      : `${name}: PSI ${result.psi.toFixed(3)} (${severity})${top ? `, most from "${top.bin}" ${pct(top.reference)} → ${pct(top.current)}` : ''}`,
    ...result,
  };
}

const RATE_METRICS = ['refusal_rate', 'block_rate', 'schema_valid_rate'] as const;
const LEVEL_METRICS = ['p95_latency_ms', 'cost_per_request'] as const;

export interface LevelDrift extends Finding {
  kind: 'rate' | 'level';
  metric: MetricName;
  reference: { value: number | null; samples: number };
  current: { value: number | null; samples: number };
  /** Rates: current − reference; levels: (current − reference) / reference. Null when unknown. */
  change: number | null;
  /** Rates: the two-proportion z statistic. */
  z?: number;
}

/** Whether a signed change goes the metric's worse way. */
function isWorse(metric: MetricName, change: number): boolean {
  return METRICS[metric].better === 'lower' ? change > 0 : change < 0;
}

function levelDrift(
  metric: MetricName,
  ref: RollupValues,
  cur: RollupValues,
  t: DriftThresholds,
): LevelDrift {
  const reference = metricOf(metric, ref);
  const current = metricOf(metric, cur);
  const kind = METRICS[metric].kind === 'proportion' ? 'rate' : 'level';
  const insufficient =
    reference.samples < t.minSamples ||
    current.samples < t.minSamples ||
    reference.value === null ||
    current.value === null;
  const base = { name: metric, kind, metric, reference, current } as const;
  if (insufficient) {
    return {
      ...base,
      severity: 'none',
      insufficient,
      change: null,
      summary: `${metric}: too few samples (${reference.samples} reference, ${current.samples} current; needs ${t.minSamples})`,
    };
  }
  const r = reference.value!;
  const c = current.value!;
  if (kind === 'rate') {
    const change = c - r;
    const z = twoProportionZ(r * reference.samples, reference.samples, c * current.samples, current.samples);
    const counts = isWorse(metric, change) && Math.abs(z) >= t.z;
    const severity = counts ? band(Math.abs(change), t.rate) : 'none';
    return {
      ...base,
      severity,
      insufficient,
      change,
      z,
      summary: `${metric}: ${pct(r)} → ${pct(c)} (z ${z.toFixed(1)}, ${severity})`,
    };
  }
  const change = r === 0 ? (c === 0 ? 0 : Number.POSITIVE_INFINITY) : (c - r) / r;
  const severity = isWorse(metric, change) ? band(Math.abs(change), t.level) : 'none';
  return {
    ...base,
    severity,
    insufficient,
    change,
    summary: `${metric}: ${fmt(r)} → ${fmt(c)} (${change >= 0 ? '+' : ''}${(change * 100).toFixed(0)}%, ${severity})`,
  };
}

/** One point of an EWMA chart. */
export interface EwmaPoint {
  x: number;
  z: number;
  lower: number;
  upper: number;
  outside: boolean;
}

/**
 * An EWMA control chart over `series`: zᵢ = λxᵢ + (1−λ)zᵢ₋₁ from z₀ = μ, with the exact limits
 * μ ± Lσ·√(λ/(2−λ)·(1−(1−λ)^{2i})). μ and σ are the in-control mean and standard deviation (the
 * reference window's).
 */
export function ewmaChart(
  series: readonly number[],
  mean: number,
  sd: number,
  { lambda, width }: { lambda: number; width: number },
): EwmaPoint[] {
  const points: EwmaPoint[] = [];
  let z = mean;
  series.forEach((x, index) => {
    z = lambda * x + (1 - lambda) * z;
    const i = index + 1;
    const half = width * sd * Math.sqrt((lambda / (2 - lambda)) * (1 - (1 - lambda) ** (2 * i)));
    points.push({
      x,
      z,
      lower: mean - half,
      upper: mean + half,
      outside: z > mean + half || z < mean - half,
    });
  });
  return points;
}

export interface SuddenChange extends Finding {
  kind: 'sudden';
  metric: MetricName;
  /** The in-control mean and standard deviation of the per-minute rate (reference window). */
  mean: number;
  sd: number;
  /** The minute the chart first left its limits, with the point, or null when it stayed inside. */
  firstOutside: { minute: string; point: EwmaPoint } | null;
}

/** Per-minute rates of a metric: one value per minute with at least `minSamples` samples, in time order. */
export function perMinute(
  cells: readonly RollupCell[],
  metric: MetricName,
  minSamples = 1,
): { minute: string; value: number }[] {
  const byMinute = new Map<string, RollupValues[]>();
  for (const cell of cells) {
    const list = byMinute.get(cell.minute) ?? [];
    list.push(cell.values);
    byMinute.set(cell.minute, list);
  }
  const out: { minute: string; value: number }[] = [];
  for (const minute of [...byMinute.keys()].sort()) {
    const { value, samples } = metricOf(metric, mergeValues(byMinute.get(minute)!));
    if (value !== null && samples >= minSamples) out.push({ minute, value });
  }
  return out;
}

const SUDDEN_METRICS = ['error_rate', 'block_rate', 'refusal_rate'] as const;

function suddenChange(
  metric: MetricName,
  referenceCells: readonly RollupCell[],
  currentCells: readonly RollupCell[],
  t: DriftThresholds,
): SuddenChange {
  const minSamples = t.ewma.minSamples ?? EWMA_MIN_SAMPLES;
  const reference = perMinute(referenceCells, metric, minSamples).map((p) => p.value);
  const current = perMinute(currentCells, metric, minSamples);
  const mean = reference.reduce((a, b) => a + b, 0) / (reference.length || 1);
  const variance = reference.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, reference.length - 1);
  // A reference with a constant rate (σ = 0) would flag any change at all: a floor of one
  // percentage point keeps the chart from reading a single odd request as a shift.
  const sd = Math.max(Math.sqrt(variance), 0.01);
  const name = `sudden.${metric}`;
  const insufficient = reference.length < 10 || current.length === 0;
  if (insufficient) {
    return {
      name,
      kind: 'sudden',
      metric,
      severity: 'none',
      insufficient,
      mean,
      sd,
      firstOutside: null,
      summary: `${name}: too few minutes with ${minSamples} samples or more (${reference.length} reference, ${current.length} current)`,
    };
  }
  const chart = ewmaChart(
    current.map((p) => p.value),
    mean,
    sd,
    t.ewma,
  );
  const index = chart.findIndex((p) => p.outside && isWorse(metric, p.z - mean));
  const firstOutside = index === -1 ? null : { minute: current[index]!.minute, point: chart[index]! };
  const severity: DriftSeverity = firstOutside ? 'major' : 'none';
  return {
    name,
    kind: 'sudden',
    metric,
    severity,
    insufficient,
    mean,
    sd,
    firstOutside,
    summary: firstOutside
      ? `${name}: EWMA ${pct(firstOutside.point.z)} left its limit ${pct(firstOutside.point.upper)} at ${firstOutside.minute} (reference mean ${pct(mean)})`
      : `${name}: within its EWMA limits (reference mean ${pct(mean)})`,
  };
}

export interface DriftWindow {
  from: string;
  to: string;
  requests: number;
}

/** Everything drift found for one prompt in one environment. */
export interface DriftReport {
  prompt: string;
  environment: string;
  /** The version served, whose traffic both windows read. */
  version: number;
  reference: DriftWindow;
  current: DriftWindow;
  /** The worst severity of the findings. */
  severity: DriftSeverity;
  inputs: DistributionDrift[];
  outputLength: DistributionDrift;
  levels: LevelDrift[];
  sudden: SuddenChange[];
  computedAt: string;
}

/** Every finding of a report, in one list. */
export function findingsOf(report: DriftReport): Finding[] {
  return [...report.inputs, report.outputLength, ...report.levels, ...report.sudden];
}

/** What a report is computed from: each window's per-minute cells (any sources, any arms). */
export interface DriftInput {
  prompt: string;
  environment: string;
  version: number;
  reference: { from: string; to: string; cells: readonly RollupCell[] };
  current: { from: string; to: string; cells: readonly RollupCell[] };
  computedAt: string;
}

/** Compares the current window with the reference window: every check, and the worst severity. */
export function driftReport(input: DriftInput, t: DriftThresholds = DEFAULT_THRESHOLDS): DriftReport {
  const ref = sumCells(input.reference.cells);
  const cur = sumCells(input.current.cells);
  const fields = [...new Set([...Object.keys(ref.inputs), ...Object.keys(cur.inputs)])].sort();
  const inputs = fields.map((field) =>
    distributionDrift(`input.${field}`, ref.inputs[field] ?? {}, cur.inputs[field] ?? {}, t),
  );
  const outputLength = distributionDrift(
    'output_length',
    ref.outputLength,
    cur.outputLength,
    t,
    OUTPUT_LENGTH_LABELS,
  );
  const levels = [...RATE_METRICS, ...LEVEL_METRICS].map((m) => levelDrift(m, ref, cur, t));
  const sudden = SUDDEN_METRICS.map((m) => suddenChange(m, input.reference.cells, input.current.cells, t));
  const report: DriftReport = {
    prompt: input.prompt,
    environment: input.environment,
    version: input.version,
    reference: { from: input.reference.from, to: input.reference.to, requests: ref.requests },
    current: { from: input.current.from, to: input.current.to, requests: cur.requests },
    severity: 'none',
    inputs,
    outputLength,
    levels,
    sudden,
    computedAt: input.computedAt,
  };
  report.severity = findingsOf(report).reduce<DriftSeverity>((s, f) => worse(s, f.severity), 'none');
  return report;
}

function sumCells(cells: readonly RollupCell[]): RollupValues {
  return mergeValues(cells.map((c) => c.values));
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toPrecision(3);
}
