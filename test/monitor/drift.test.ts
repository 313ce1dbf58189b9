import { describe, expect, it } from 'vitest';
import {
  band,
  DEFAULT_THRESHOLDS,
  driftReport,
  ewmaChart,
  PSI_EPSILON,
  psi,
} from '../../src/monitor/drift.js';
import { emptyValues, LATENCY_SLOTS, type RollupCell, type RollupValues } from '../../src/monitor/rollup.js';
import { twoProportionZ } from '../../src/monitor/statistics.js';

function cell(minute: string, values: Partial<RollupValues>): RollupCell {
  return {
    prompt: 'p',
    version: 1,
    environment: 'production',
    arm: null,
    minute,
    values: { ...emptyValues(), ...values },
  };
}

describe('psi', () => {
  it('computes the index of a shift between two categories by hand', () => {
    // (0.25 − 0.5)·ln(0.25/0.5) + (0.75 − 0.5)·ln(0.75/0.5) = 0.173287 + 0.101366
    const result = psi({ a: 50, b: 50 }, { a: 25, b: 75 });
    expect(result.psi).toBeCloseTo(0.274653, 5);
    expect(result.bins.map((b) => b.bin)).toEqual(['a', 'b']);
    expect(result).toMatchObject({ referenceSamples: 100, currentSamples: 100 });
  });

  it('is zero for the same shares at different volumes', () => {
    expect(psi({ a: 10, b: 30 }, { a: 100, b: 300 }).psi).toBeCloseTo(0, 12);
  });

  it('replaces an empty bin share with epsilon instead of dividing by zero', () => {
    // a: (0.5 − 1)·ln(0.5) = 0.346574; b: (0.5 − ε)·ln(0.5/ε)
    const expected = 0.5 * Math.log(2) + (0.5 - PSI_EPSILON) * Math.log(0.5 / PSI_EPSILON);
    const result = psi({ a: 100 }, { a: 50, b: 50 });
    expect(result.psi).toBeCloseTo(expected, 9);
    expect(result.psi).toBeCloseTo(4.604319, 5);
    expect(Number.isFinite(result.psi)).toBe(true);
  });

  it('reads slots by index, with labels when given', () => {
    const result = psi([50, 50], [25, 75], ['short', 'long']);
    expect(result.psi).toBeCloseTo(0.274653, 5);
    expect(result.bins[0]!.bin).toBe('short');
  });

  it('bands a PSI by the usual 0.1 / 0.25 convention', () => {
    expect(band(0.05, DEFAULT_THRESHOLDS.psi)).toBe('none');
    expect(band(0.1, DEFAULT_THRESHOLDS.psi)).toBe('moderate');
    expect(band(0.25, DEFAULT_THRESHOLDS.psi)).toBe('moderate');
    expect(band(0.26, DEFAULT_THRESHOLDS.psi)).toBe('major');
  });
});

describe('ewmaChart', () => {
  it('smooths with λ and widens its limits to the asymptote', () => {
    // λ = 0.5, L = 3, μ = 0, σ = 1: z₁ = 0.5, limit₁ = 3·√(0.5/1.5·(1 − 0.25)) = 1.5
    const [first, second] = ewmaChart([1, 1], 0, 1, { lambda: 0.5, width: 3 });
    expect(first!.z).toBeCloseTo(0.5, 12);
    expect(first!.upper).toBeCloseTo(1.5, 12);
    expect(second!.z).toBeCloseTo(0.75, 12);
    expect(second!.upper).toBeCloseTo(3 * Math.sqrt(0.3125), 12);
    expect(first!.outside || second!.outside).toBe(false);
  });

  it('leaves its limits on a jump', () => {
    const [first] = ewmaChart([4], 0, 1, { lambda: 0.5, width: 3 });
    expect(first).toMatchObject({ z: 2, outside: true });
  });
});

describe('twoProportionZ', () => {
  it('computes the pooled statistic by hand', () => {
    // pooled 0.2; se = √(0.2·0.8·(1/100 + 1/100)) = 0.0565685; (0.3 − 0.1)/se = 3.5355
    expect(twoProportionZ(10, 100, 30, 100)).toBeCloseTo(3.535534, 5);
    expect(twoProportionZ(0, 100, 0, 100)).toBe(0);
  });
});

/** The report of two windows' cells with the default thresholds. */
function reportOf(reference: RollupCell[], current: RollupCell[]) {
  return driftReport({
    prompt: 'p',
    environment: 'production',
    version: 1,
    reference: { from: 'a', to: 'b', cells: reference },
    current: { from: 'c', to: 'd', cells: current },
    computedAt: 'e',
  });
}

describe('driftReport', () => {
  const minutes = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => new Date(Date.UTC(2026, 11, 7, 0, from + i)).toISOString());

  it('finds a shift in an input field and a worse refusal rate, and nothing where nothing moved', () => {
    const latency = new Array(LATENCY_SLOTS).fill(0);
    latency[10] = 10;
    const reference = minutes(0, 20).map((m) =>
      cell(m, { requests: 10, refusals: 1, latency, inputs: { topic: { billing: 5, shipping: 5 } } }),
    );
    const current = minutes(60, 20).map((m) =>
      cell(m, { requests: 10, refusals: 4, latency, inputs: { topic: { billing: 1, shipping: 9 } } }),
    );
    const report = reportOf(reference, current);
    const topic = report.inputs.find((f) => f.name === 'input.topic')!;
    // (0.1 − 0.5)·ln(0.2) + (0.9 − 0.5)·ln(1.8)
    expect(topic.psi).toBeCloseTo(0.4 * Math.log(5) + 0.4 * Math.log(1.8), 9);
    expect(topic.severity).toBe('major');
    const refusal = report.levels.find((l) => l.metric === 'refusal_rate')!;
    expect(refusal).toMatchObject({ severity: 'major', reference: { value: 0.1, samples: 200 } });
    expect(refusal.change).toBeCloseTo(0.3, 12);
    expect(report.levels.find((l) => l.metric === 'p95_latency_ms')!.severity).toBe('none');
    expect(report.levels.find((l) => l.metric === 'schema_valid_rate')!.insufficient).toBe(true);
    const sudden = report.sudden.find((s) => s.metric === 'refusal_rate')!;
    expect(sudden.severity).toBe('major');
    expect(sudden.firstOutside?.minute).toBe(current[0]!.minute);
    expect(report.severity).toBe('major');
  });

  it('does not read a quiet minute with one odd request as a sudden change', () => {
    const reference = minutes(0, 20).map((m) => cell(m, { requests: 100, errors: 0 }));
    // Healthy busy minutes, then a minute with one request, which failed.
    const current = [
      ...minutes(60, 5).map((m) => cell(m, { requests: 100, errors: 0 })),
      cell(minutes(65, 1)[0]!, { requests: 1, errors: 1 }),
    ];
    const sudden = reportOf(reference, current).sudden.find((s) => s.metric === 'error_rate')!;
    expect(sudden).toMatchObject({ severity: 'none', firstOutside: null });
    // The same failure rate in a minute with enough requests is a sudden change.
    const busy = [...current.slice(0, 5), cell(minutes(65, 1)[0]!, { requests: 100, errors: 100 })];
    expect(reportOf(reference, busy).sudden.find((s) => s.metric === 'error_rate')!.severity).toBe('major');
  });

  it('calls too little traffic insufficient rather than drift', () => {
    const reference = [cell(minutes(0, 1)[0]!, { requests: 5, inputs: { topic: { a: 5 } } })];
    const current = [cell(minutes(60, 1)[0]!, { requests: 5, inputs: { topic: { b: 5 } } })];
    const report = reportOf(reference, current);
    expect(report.inputs[0]).toMatchObject({ insufficient: true, severity: 'none' });
    expect(report.severity).toBe('none');
  });
});
