/**
 * Rollup cells → chart series, in the browser. Pure: values in, values out. Cells are summed per
 * time bucket first (their latency sketches too) and each metric read from the sum with the same
 * `metricOf` the canary analysis and alert rules use, so a chart's p95 is the p95 monitoring judges,
 * never an average of per-minute quantiles.
 */
import {
  METRICS,
  type MetricName,
  mergeValues,
  metricOf,
  type RollupCell,
  type RollupValues,
} from '../../src/monitor/rollup.js';

const MINUTE = 60_000;

/**
 * The time windows the monitoring page offers, each with the bucket its charts sum cells into and
 * how often they are read again: a longer window reads more cells and moves less in a minute.
 */
export const WINDOWS = {
  '1h': { label: '1 h', ms: 60 * MINUTE, stepMs: MINUTE, refreshMs: 10_000 },
  '6h': { label: '6 h', ms: 6 * 60 * MINUTE, stepMs: 5 * MINUTE, refreshMs: MINUTE },
  '24h': { label: '24 h', ms: 24 * 60 * MINUTE, stepMs: 15 * MINUTE, refreshMs: 5 * MINUTE },
  '7d': { label: '7 d', ms: 7 * 24 * 60 * MINUTE, stepMs: 60 * MINUTE, refreshMs: 5 * MINUTE },
} as const;

export type WindowName = keyof typeof WINDOWS;

export function isWindowName(name: string | null): name is WindowName {
  return name !== null && Object.hasOwn(WINDOWS, name);
}

/** A span of time cut into buckets: `[from, to)` in ms, `stepMs` per bucket. */
export interface Buckets {
  from: number;
  to: number;
  stepMs: number;
}

/**
 * The buckets of the window ending now: up to the end of the bucket under way (so the latest,
 * still filling minute shows), starting `ms` earlier, both on bucket boundaries.
 */
export function windowBuckets(now: number, window: WindowName): Buckets {
  const { ms, stepMs } = WINDOWS[window];
  const to = Math.floor(now / stepMs) * stepMs + stepMs;
  return { from: to - ms, to, stepMs };
}

/**
 * Buckets covering `[from, to)` with at most `maxBuckets` of them: one a minute when that fits,
 * otherwise the smallest whole number of minutes that does (a canary's life may last days).
 */
export function spanBuckets(from: number, to: number, maxBuckets = 360): Buckets {
  const start = Math.floor(from / MINUTE) * MINUTE;
  const minutes = Math.max(1, Math.ceil((to - start) / MINUTE));
  const stepMs = Math.ceil(minutes / maxBuckets) * MINUTE;
  return { from: start, to: start + Math.ceil(minutes / (stepMs / MINUTE)) * stepMs, stepMs };
}

/** Each bucket's start, in ms. */
export function bucketStarts({ from, to, stepMs }: Buckets): number[] {
  const starts: number[] = [];
  for (let at = from; at < to; at += stepMs) starts.push(at);
  return starts;
}

/**
 * The cells summed per bucket, per group (`groupOf` names a cell's group, e.g. its arm; null leaves
 * it out). A bucket with no cell is absent from the map: nothing was counted there.
 */
export function sumByBucket(
  cells: readonly RollupCell[],
  buckets: Buckets,
  groupOf: (cell: RollupCell) => string | null = () => 'all',
): Map<string, Map<number, RollupValues>> {
  const grouped = new Map<string, Map<number, RollupValues[]>>();
  for (const cell of cells) {
    const group = groupOf(cell);
    const at = Date.parse(cell.minute);
    if (group === null || !(at >= buckets.from && at < buckets.to)) continue;
    const bucket = buckets.from + Math.floor((at - buckets.from) / buckets.stepMs) * buckets.stepMs;
    const byBucket = grouped.get(group) ?? new Map<number, RollupValues[]>();
    grouped.set(group, byBucket);
    const inBucket = byBucket.get(bucket);
    if (inBucket) inBucket.push(cell.values);
    else byBucket.set(bucket, [cell.values]);
  }
  const summed = new Map<string, Map<number, RollupValues>>();
  for (const [group, byBucket] of grouped) {
    summed.set(group, new Map([...byBucket].map(([at, all]) => [at, mergeValues(all)])));
  }
  return summed;
}

/** A named line of a chart: one value (or null: nothing to show) per x. */
export interface Series {
  label: string;
  values: (number | null)[];
}

/** What a chart draws: x in unix seconds (uPlot's unit) and its series. */
export interface ChartData {
  x: number[];
  series: Series[];
}

/** What a line reads from a bucket's summed values; null where it has nothing to say. */
export type Reading = (values: RollupValues) => number | null;

/** A metric of rollup.ts as a reading (rates as fractions, latencies in ms, cost in USD). */
export function metricReading(metric: MetricName): Reading {
  return (values) => metricOf(metric, values).value;
}

/** Lines over buckets: each line reads one group's summed values; a bucket nothing counted in is null. */
export function chartData(
  summed: Map<string, Map<number, RollupValues>>,
  buckets: Buckets,
  lines: readonly { label: string; group?: string; read: Reading }[],
): ChartData {
  const starts = bucketStarts(buckets);
  return {
    x: starts.map((at) => at / 1000),
    series: lines.map(({ label, group = 'all', read }) => {
      const byBucket = summed.get(group);
      return {
        label,
        values: starts.map((at) => {
          const values = byBucket?.get(at);
          return values ? read(values) : null;
        }),
      };
    }),
  };
}

/** A metric's value for people: rates in percent, latencies in ms, cost in USD. */
export function formatMetric(metric: MetricName, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  switch (METRICS[metric].kind) {
    case 'proportion':
      return `${(value * 100).toFixed(value < 0.001 && value > 0 ? 3 : 1)}%`;
    case 'latency':
      return `${Math.round(value)} ms`;
    case 'mean':
      return metric === 'cost_per_request' ? `$${value.toPrecision(3)}` : value.toFixed(3);
    case 'count':
      return String(Math.round(value));
  }
}

/**
 * One sentence saying what a chart shows, for people who cannot see it (the canvas is invisible to
 * screen readers): per line its latest value and its range over the points that have one.
 */
export function describeChart(
  title: string,
  data: ChartData,
  format: (value: number | null) => string = (v) => (v === null ? '—' : String(v)),
): string {
  const first = data.x[0];
  const last = data.x.at(-1);
  const span =
    first !== undefined && last !== undefined
      ? ` from ${new Date(first * 1000).toISOString().slice(0, 16)} to ${new Date(last * 1000).toISOString().slice(0, 16)} UTC`
      : '';
  const lines = data.series.map((line) => {
    const known = line.values.filter((v): v is number => v !== null && Number.isFinite(v));
    if (known.length === 0) return `${line.label}: no data`;
    const latest = known.at(-1) ?? null;
    return `${line.label}: latest ${format(latest)}, lowest ${format(Math.min(...known))}, highest ${format(Math.max(...known))}`;
  });
  return `${title}, ${data.x.length} points${span}. ${lines.join('; ')}.`;
}

const formatters = new Map<MetricName, (value: number | null) => string>();

/** `formatMetric` for one metric, the same function each time (a chart redraws when it changes). */
export function metricFormatter(metric: MetricName): (value: number | null) => string {
  let format = formatters.get(metric);
  if (!format) {
    format = (value) => formatMetric(metric, value);
    formatters.set(metric, format);
  }
  return format;
}

/**
 * The indices of values with no known neighbour (a minute of traffic between quiet ones): a line
 * chart draws nothing for them, so the chart marks them with a point.
 */
export function isolatedPoints(values: readonly (number | null)[]): number[] {
  const known = (i: number) => values[i] !== null && values[i] !== undefined;
  const isolated: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (known(i) && !known(i - 1) && !known(i + 1)) isolated.push(i);
  }
  return isolated;
}
