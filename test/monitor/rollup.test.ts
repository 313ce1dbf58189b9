import { describe, expect, it } from 'vitest';
import {
  addValues,
  emptyValues,
  LATENCY_BOUNDS_MS,
  latencyQuantile,
  latencySlot,
  mergeValues,
  metricOf,
  minuteOf,
  outputLengthSlot,
} from '../../src/monitor/rollup.js';

describe('rollup values', () => {
  it('puts a latency in the first bucket whose bound holds it', () => {
    for (const ms of [0, 0.4, 1, 1.2, 3, 99, 100, 2_500, 60_000]) {
      const slot = latencySlot(ms);
      expect(LATENCY_BOUNDS_MS[slot]).toBeGreaterThanOrEqual(ms);
      if (slot > 0) expect(LATENCY_BOUNDS_MS[slot - 1]).toBeLessThan(ms);
    }
    expect(latencySlot(10_000_000)).toBe(LATENCY_BOUNDS_MS.length);
  });

  it('reads quantiles from the sketch to within one bucket (at most 25% high)', () => {
    const v = emptyValues();
    for (let i = 1; i <= 1_000; i++) v.latency[latencySlot(i)]! += 1;
    const p95 = latencyQuantile(v.latency, 0.95)!;
    expect(p95).toBeGreaterThanOrEqual(950);
    expect(p95).toBeLessThanOrEqual(950 * 1.25);
    expect(latencyQuantile(emptyValues().latency, 0.5)).toBeNull();
  });

  it('merges cells by addition, stored JSON with missing fields included', () => {
    const a = emptyValues();
    a.requests = 10;
    a.errors = 3;
    a.errorCodes = { PO_ERR_PROVIDER_REJECTED: 3 };
    a.inputs = { topic: { billing: 6, refunds: 4 } };
    a.latency[4] = 10;
    const merged = mergeValues([
      a,
      { requests: 5, errors: 1, errorCodes: { PO_ERR_PROVIDER_REJECTED: 1 } },
      a,
    ]);
    expect(merged.requests).toBe(25);
    expect(merged.errors).toBe(7);
    expect(merged.errorCodes).toEqual({ PO_ERR_PROVIDER_REJECTED: 7 });
    expect(merged.inputs).toEqual({ topic: { billing: 12, refunds: 8 } });
    expect(merged.latency[4]).toBe(20);
    expect(a.requests).toBe(10);
    expect(addValues(emptyValues(), {}).requests).toBe(0);
  });

  it('gives each metric its value and its denominator, null without samples', () => {
    const v = emptyValues();
    expect(metricOf('error_rate', v)).toEqual({ value: null, samples: 0 });
    v.requests = 200;
    v.errors = 10;
    v.blocked = 4;
    v.schemaChecked = 50;
    v.schemaValid = 45;
    v.costUsd = 0.5;
    v.feedbackPositive = 3;
    v.feedbackNegative = 1;
    expect(metricOf('error_rate', v)).toEqual({ value: 0.05, samples: 200 });
    expect(metricOf('block_rate', v)).toEqual({ value: 0.02, samples: 200 });
    expect(metricOf('schema_valid_rate', v)).toEqual({ value: 0.9, samples: 50 });
    expect(metricOf('cost_per_request', v)).toEqual({ value: 0.0025, samples: 200 });
    expect(metricOf('negative_feedback_rate', v)).toEqual({ value: 0.25, samples: 4 });
    expect(metricOf('grader_score', v)).toEqual({ value: null, samples: 0 });
  });

  it('bins output lengths and truncates times to their minute', () => {
    expect([0, 1, 20, 21, 5_000].map(outputLengthSlot)).toEqual([0, 1, 1, 2, 9]);
    expect(minuteOf(new Date('2026-12-07T21:04:37.123Z'))).toBe('2026-12-07T21:04:00.000Z');
  });
});
