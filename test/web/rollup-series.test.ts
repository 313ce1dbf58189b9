import { describe, expect, it } from 'vitest';
import { emptyValues, latencySlot, type RollupCell, type RollupValues } from '../../src/monitor/rollup.js';
import {
  chartData,
  describeChart,
  formatMetric,
  isolatedPoints,
  metricReading,
  spanBuckets,
  sumByBucket,
  windowBuckets,
} from '../../web/src/rollup-series.js';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const MIN = 60_000;

/** A cell of `minute` minutes after T0 with the given latencies (ms) and errors. */
function cell(
  minute: number,
  latencies: number[],
  extra: Partial<RollupValues> = {},
  arm: RollupCell['arm'] = null,
): RollupCell {
  const values = { ...emptyValues(), ...extra, requests: latencies.length };
  for (const ms of latencies) values.latency[latencySlot(ms)] = (values.latency[latencySlot(ms)] ?? 0) + 1;
  return {
    prompt: 'greet',
    version: 1,
    environment: 'production',
    arm,
    minute: new Date(T0 + minute * MIN).toISOString(),
    values,
  };
}

describe('windowBuckets', () => {
  it('ends with the bucket under way and starts one window earlier, on bucket boundaries', () => {
    const now = T0 + 7 * MIN + 30_000;
    expect(windowBuckets(now, '1h')).toEqual({
      from: T0 + 8 * MIN - 60 * MIN,
      to: T0 + 8 * MIN,
      stepMs: MIN,
    });
    const sixHours = windowBuckets(now, '6h');
    expect(sixHours.stepMs).toBe(5 * MIN);
    expect(sixHours.to).toBe(T0 + 10 * MIN);
    expect((sixHours.to - sixHours.from) / sixHours.stepMs).toBe(72);
  });
});

describe('spanBuckets', () => {
  it('uses one bucket a minute while the span fits, and whole minutes per bucket beyond', () => {
    expect(spanBuckets(T0 + 10_000, T0 + 30 * MIN)).toEqual({ from: T0, to: T0 + 30 * MIN, stepMs: MIN });
    const week = spanBuckets(T0, T0 + 7 * 24 * 60 * MIN, 360);
    expect(week.stepMs).toBe(28 * MIN);
    expect((week.to - week.from) / week.stepMs).toBeLessThanOrEqual(360);
    expect(week.to).toBeGreaterThanOrEqual(T0 + 7 * 24 * 60 * MIN);
  });
});

describe('cells to series', () => {
  it('reads p95 from the summed sketch of a bucket, not from an average of its minutes', () => {
    // Minute 0: 19 fast requests; minute 1: one slow one. Per-minute p95s are ~10 ms and ~1000 ms;
    // the bucket's true p95 over 20 requests is the 19th fastest: still fast.
    const cells = [cell(0, Array(19).fill(10)), cell(1, [1000])];
    const buckets = { from: T0, to: T0 + 5 * MIN, stepMs: 5 * MIN };
    const data = chartData(sumByBucket(cells, buckets), buckets, [
      { label: 'p95', read: metricReading('p95_latency_ms') },
      { label: 'p99', read: metricReading('p99_latency_ms') },
    ]);
    expect(data.x).toEqual([T0 / 1000]);
    expect(data.series[0]?.values[0]).toBeGreaterThanOrEqual(10);
    expect(data.series[0]?.values[0]).toBeLessThan(13);
    expect(data.series[1]?.values[0]).toBeGreaterThanOrEqual(1000);
  });

  it('leaves a bucket nothing was counted in empty (null), and cells outside the window out', () => {
    const cells = [cell(0, [5, 5], { errors: 1 }), cell(2, [5, 5, 5, 5]), cell(-1, [5]), cell(3, [5])];
    const buckets = { from: T0, to: T0 + 3 * MIN, stepMs: MIN };
    const data = chartData(sumByBucket(cells, buckets), buckets, [
      { label: 'error rate', read: metricReading('error_rate') },
      { label: 'requests', read: (v) => v.requests },
    ]);
    expect(data.series[0]?.values).toEqual([0.5, null, 0]);
    expect(data.series[1]?.values).toEqual([2, null, 4]);
  });

  it('keeps groups apart (canary and stable arms) and sums the gateways of one cell', () => {
    const cells = [
      cell(0, [5, 5], { errors: 2 }, 'canary'),
      cell(0, [5, 5], { errors: 0 }, 'canary'),
      cell(0, [5, 5, 5, 5], {}, 'stable'),
    ];
    const buckets = { from: T0, to: T0 + MIN, stepMs: MIN };
    const summed = sumByBucket(cells, buckets, (c) => c.arm);
    const data = chartData(summed, buckets, [
      { label: 'canary', group: 'canary', read: metricReading('error_rate') },
      { label: 'stable', group: 'stable', read: metricReading('error_rate') },
      { label: 'nobody', group: 'missing', read: metricReading('error_rate') },
    ]);
    expect(data.series.map((s) => s.values[0])).toEqual([0.5, 0, null]);
  });
});

describe('formatMetric and describeChart', () => {
  it('writes rates in percent, latency in ms and cost in dollars', () => {
    expect(formatMetric('error_rate', 0.125)).toBe('12.5%');
    expect(formatMetric('p95_latency_ms', 397.3)).toBe('397 ms');
    expect(formatMetric('cost_per_request', 0.0012345)).toBe('$0.00123');
    expect(formatMetric('error_rate', null)).toBe('—');
  });

  it('summarises each line for a screen reader: latest, lowest and highest, and says when a line is empty', () => {
    const text = describeChart(
      'Error rate',
      {
        x: [T0 / 1000, T0 / 1000 + 60],
        series: [
          { label: 'canary', values: [0.3, 0.1] },
          { label: 'stable', values: [null, null] },
        ],
      },
      (v) => formatMetric('error_rate', v),
    );
    expect(text).toBe(
      'Error rate, 2 points from 2026-12-07T10:00 to 2026-12-07T10:01 UTC. canary: latest 10.0%, lowest 10.0%, highest 30.0%; stable: no data.',
    );
  });
});

describe('isolatedPoints', () => {
  it('finds the values no line segment can draw: known, with both neighbours unknown', () => {
    expect(isolatedPoints([null, 3, null, 4, 5, null, 6])).toEqual([1, 6]);
    expect(isolatedPoints([7])).toEqual([0]);
    expect(isolatedPoints([1, 2, null])).toEqual([]);
    expect(isolatedPoints([null, null])).toEqual([]);
  });
});
