import { describe, expect, it } from 'vitest';
import { LATENCY_BOUNDS_MS, LATENCY_SLOTS, latencySlot } from '../../src/monitor/rollup.js';
import {
  binomialUpperTail,
  latencyQuantileWorseTest,
  meanWorseTest,
  normalCdf,
  normalUpperTail,
  proportionWorseTest,
  varianceOf,
} from '../../src/monitor/statistics.js';

function sketch(latencies: number[]): number[] {
  const buckets = new Array(LATENCY_SLOTS).fill(0);
  for (const ms of latencies) buckets[latencySlot(ms)]++;
  return buckets;
}

describe('the normal distribution', () => {
  it('matches tabulated values, far tails included', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 6);
    expect(normalUpperTail(3)).toBeCloseTo(0.0013499, 6);
    // 1 − Φ(6) would round to 0 in a naive subtraction; the tail keeps its digits.
    expect(normalUpperTail(6) / 9.8659e-10).toBeCloseTo(1, 3);
  });
});

describe('the binomial upper tail', () => {
  it('is exact for small n', () => {
    expect(binomialUpperTail(3, 10, 0.5)).toBeCloseTo(968 / 1024, 10);
    expect(binomialUpperTail(10, 10, 0.5)).toBeCloseTo(1 / 1024, 12);
    expect(binomialUpperTail(2, 20, 0.05)).toBeCloseTo(1 - 0.95 ** 20 - 20 * 0.05 * 0.95 ** 19, 10);
    expect(binomialUpperTail(0, 20, 0.05)).toBe(1);
    expect(binomialUpperTail(21, 20, 0.05)).toBe(0);
  });

  it('agrees with the exact sum where the normal approximation takes over', () => {
    // n = 5000 is summed exactly, 5001 approximated: the two must be close at the same quantile.
    const exact = binomialUpperTail(280, 5000, 0.05);
    const approx = binomialUpperTail(280, 5001, 0.05);
    expect(Math.abs(exact - approx)).toBeLessThan(0.01);
    expect(exact).toBeGreaterThan(0.02);
    expect(exact).toBeLessThan(0.05);
  });
});

describe('the proportion test (worse by more than the margin)', () => {
  it('gives the hand-computed statistic for a canary failing 30% of calls', () => {
    const r = proportionWorseTest({ events: 30, trials: 100 }, { events: 10, trials: 1000 }, 0.02, 'higher');
    // pc = 31/102, ps = 11/1002, se = 0.04566 → z = (0.30392 − 0.01098 − 0.02) / 0.04566
    expect(r.statistic).toBeCloseTo(5.977, 2);
    expect(r.pValue).toBeLessThan(1e-6);
  });

  it('does not fail a canary slightly above stable but within the margin', () => {
    const r = proportionWorseTest({ events: 22, trials: 1000 }, { events: 10, trials: 1000 }, 0.02, 'higher');
    expect(r.pValue).toBeGreaterThan(0.5);
  });

  it('stays conservative with very few samples', () => {
    const r = proportionWorseTest({ events: 2, trials: 5 }, { events: 0, trials: 5 }, 0.02, 'higher');
    expect(r.pValue).toBeGreaterThan(0.01);
  });

  it('turns around for a rate where higher is better', () => {
    const worse = proportionWorseTest(
      { events: 800, trials: 1000 },
      { events: 990, trials: 1000 },
      0.05,
      'lower',
    );
    const fine = proportionWorseTest(
      { events: 985, trials: 1000 },
      { events: 990, trials: 1000 },
      0.05,
      'lower',
    );
    expect(worse.pValue).toBeLessThan(1e-6);
    expect(fine.pValue).toBeGreaterThan(0.5);
  });
});

describe('the latency quantile test', () => {
  const stable = Array.from({ length: 2000 }, (_, i) => 100 + (i % 100));
  it('fails a canary whose latency doubled', () => {
    const canary = stable.slice(0, 200).map((ms) => ms * 2);
    const r = latencyQuantileWorseTest(
      { buckets: sketch(canary), bounds: LATENCY_BOUNDS_MS },
      199,
      0.95,
      1.5,
    );
    expect(r.slower).toBeGreaterThan(50);
    expect(r.pValue).toBeLessThan(1e-6);
  });

  it('passes a canary with the same distribution', () => {
    const canary = stable.slice(0, 200);
    const r = latencyQuantileWorseTest(
      { buckets: sketch(canary), bounds: LATENCY_BOUNDS_MS },
      199,
      0.95,
      1.5,
    );
    expect(r.slower).toBe(0);
    expect(r.pValue).toBe(1);
  });

  it('counts only buckets wholly above the limit', () => {
    // 10% of the canary at exactly the limit's bucket edge: not certainly above it.
    const r = latencyQuantileWorseTest(
      {
        buckets: sketch([...new Array(90).fill(100), ...new Array(10).fill(150)]),
        bounds: LATENCY_BOUNDS_MS,
      },
      100,
      0.95,
      1.5,
    );
    expect(r.slower).toBe(0);
  });
});

describe('the mean test', () => {
  it('gives the hand-computed p-value for a costlier canary', () => {
    // n = 100 each, canary mean 2 var 1, stable mean 1 var 1, ratio 1.5: z = 0.5 / √0.0325 = 2.7735
    const moments = (mean: number, variance: number, n: number) => ({
      n,
      sum: mean * n,
      sumSquares: variance * (n - 1) + n * mean * mean,
    });
    expect(varianceOf(moments(2, 1, 100))).toBeCloseTo(1, 10);
    const r = meanWorseTest(moments(2, 1, 100), moments(1, 1, 100), 1.5, 'higher');
    expect(r.statistic).toBeCloseTo(2.7735, 3);
    expect(r.pValue).toBeCloseTo(0.002773, 4);
  });
});
