import { describe, expect, it } from 'vitest';
import { parseCanaryPlan } from '../../src/monitor/canary-plan.js';
import { endedIntervals, judgeInterval, nextAction } from '../../src/monitor/canary-verdict.js';
import { emptyValues, latencySlot, type RollupValues } from '../../src/monitor/rollup.js';

const plan = parseCanaryPlan(
  {
    steps: [5, 25, 50, 100],
    interval: '10m',
    minSamples: 100,
    failureLimit: 2,
    metrics: [
      { metric: 'error_rate', maxIncrease: 0.02 },
      { metric: 'p95_latency_ms', maxRatio: 1.5 },
    ],
  },
  'test plan',
);

function traffic(requests: number, errorRate: number, latencyMs: number): RollupValues {
  const v = emptyValues();
  v.requests = requests;
  v.errors = Math.round(requests * errorRate);
  v.latency[latencySlot(latencyMs)] = requests;
  v.latencySumMs = requests * latencyMs;
  return v;
}

describe('an analysis plan', () => {
  it('fills its defaults', () => {
    expect(plan).toMatchObject({ intervalsPerStep: 1, significance: 0.01, failureLimit: 2 });
  });

  it('says what is wrong with a plan that cannot work', () => {
    expect(() =>
      parseCanaryPlan(
        { steps: [25, 5], interval: '10m', metrics: [{ metric: 'error_rate', maxIncrease: 0.02 }] },
        'promptops.yaml canary',
      ),
    ).toThrow(/promptops.yaml canary: steps must increase, not 25 → 5/);
    expect(() => parseCanaryPlan({ steps: [5], interval: '10 minutes', metrics: [] }, 'x')).toThrow(
      /like "10m"/,
    );
    expect(() =>
      parseCanaryPlan(
        { steps: [5], interval: '1m', metrics: [{ metric: 'p95_latency_ms', maxIncrease: 0.1 }] },
        'x',
      ),
    ).toThrow(/p95_latency_ms takes maxRatio, not maxIncrease/);
    expect(() =>
      parseCanaryPlan(
        { steps: [5], interval: '1m', metrics: [{ metric: 'grader_score', minRatio: 0.9, minSamples: 0 }] },
        'x',
      ),
    ).toThrow(/grader_score's minSamples is a whole number ≥ 1, not 0/);
  });
});

describe('an interval verdict', () => {
  it('fails on the failing metric and carries its evidence', () => {
    const j = judgeInterval(plan, traffic(500, 0.3, 100), traffic(5000, 0.01, 100));
    expect(j.verdict).toBe('fail');
    const error = j.metrics.find((m) => m.metric === 'error_rate')!;
    expect(error).toMatchObject({
      verdict: 'fail',
      canary: { value: 0.3, samples: 500 },
      stable: { value: 0.01, samples: 5000 },
    });
    expect(error.pValue).toBeLessThan(1e-6);
    expect(j.metrics.find((m) => m.metric === 'p95_latency_ms')!.verdict).toBe('pass');
  });

  it('is inconclusive with too few samples in an arm, whatever the rates', () => {
    expect(judgeInterval(plan, traffic(50, 0.5, 100), traffic(5000, 0.01, 100)).verdict).toBe('inconclusive');
  });

  it('does not take a p95 from too few stable requests as known', () => {
    // 300 stable requests pass minSamples (100) but hold 15 beyond their p95; 400 are needed.
    const j = judgeInterval(plan, traffic(500, 0.01, 1000), traffic(300, 0.01, 100));
    const p95 = j.metrics.find((m) => m.metric === 'p95_latency_ms')!;
    expect(p95).toMatchObject({ verdict: 'inconclusive', pValue: null });
    expect(p95.reason).toMatch(/too few stable samples .* 300, 400 needed/);
    expect(judgeInterval(plan, traffic(500, 0.01, 1000), traffic(400, 0.01, 100)).verdict).toBe('fail');
  });

  it('leaves a mean inconclusive when either arm has no sum of squares', () => {
    const costPlan = { ...plan, metrics: [{ metric: 'cost_per_request' as const, maxRatio: 1.3 }] };
    const costs = (n: number, each: number, squares = true) => {
      const v = traffic(n, 0, 100);
      v.costUsd = n * each;
      v.costSquaresSum = squares ? n * each * each : 0;
      return v;
    };
    for (const [canary, stable] of [
      [costs(500, 0.002, false), costs(5000, 0.001)],
      [costs(500, 0.002), costs(5000, 0.001, false)],
    ] as const) {
      const [cost] = judgeInterval(costPlan, canary, stable).metrics;
      expect(cost).toMatchObject({ verdict: 'inconclusive', pValue: null });
      expect(cost!.reason).toMatch(/no sum of squares/);
    }
    expect(judgeInterval(costPlan, costs(500, 0.002), costs(5000, 0.001)).verdict).toBe('fail');
  });

  it('does not let a sparse metric short of samples hold back what the request-counted metrics decided', () => {
    const sparsePlan = parseCanaryPlan(
      {
        steps: [5, 100],
        interval: '10m',
        minSamples: 100,
        metrics: [
          { metric: 'error_rate', maxIncrease: 0.02 },
          { metric: 'grader_score', minRatio: 0.9 },
          { metric: 'negative_feedback_rate', maxIncrease: 0.05, minSamples: 10 },
        ],
      },
      'test plan',
    );
    /** `requests` canary requests beside 5000 stable ones, each arm with `graded` graded traces and `feedback`. */
    const judge = (p: typeof sparsePlan, requests: number, graded: number, feedback: number) => {
      const arm = (n: number) =>
        Object.assign(traffic(n, 0.01, 100), {
          ...{ graded, graderScoreSum: graded * 0.8, graderScoreSquaresSum: graded * 0.65 },
          ...{ feedbackPositive: feedback, feedbackNegative: 0 },
        });
      return judgeInterval(p, arm(requests), arm(5000));
    };
    // 12 graded traces and 12 feedback per arm: grader_score needs 30 (its default), feedback 10.
    const j = judge(sparsePlan, 500, 12, 12);
    expect(j.verdict).toBe('pass');
    expect(j.notJudged).toEqual(['grader_score']);
    const grader = j.metrics.find((m) => m.metric === 'grader_score')!;
    expect(grader).toMatchObject({ verdict: 'inconclusive', pValue: null });
    expect(grader.reason).toMatch(/^not judged .*too few samples: canary 12, stable 12, 30 needed/);
    expect(j.metrics.find((m) => m.metric === 'negative_feedback_rate')!.verdict).toBe('pass');
    // A request-counted metric short of samples still holds the interval back.
    expect(judge(sparsePlan, 50, 40, 40).verdict).toBe('inconclusive');
    // With only sparse metrics, nothing judged is inconclusive.
    expect(judge({ ...sparsePlan, metrics: sparsePlan.metrics.slice(1, 2) }, 500, 12, 0).verdict).toBe(
      'inconclusive',
    );
  });

  it('passes a healthy canary', () => {
    expect(judgeInterval(plan, traffic(500, 0.012, 100), traffic(5000, 0.01, 110)).verdict).toBe('pass');
  });
});

describe('intervals and steps', () => {
  it('starts a step at the next whole minute and lists only ended intervals', () => {
    const windows = endedIntervals(plan, new Date('2026-12-07T10:00:30Z'), new Date('2026-12-07T10:31:00Z'));
    expect(windows).toEqual([
      { index: 0, start: '2026-12-07T10:01:00.000Z', end: '2026-12-07T10:11:00.000Z' },
      { index: 1, start: '2026-12-07T10:11:00.000Z', end: '2026-12-07T10:21:00.000Z' },
      { index: 2, start: '2026-12-07T10:21:00.000Z', end: '2026-12-07T10:31:00.000Z' },
    ]);
  });

  it('ramps, promotes after the last weight below 100, and rolls back at the failure limit', () => {
    expect(nextAction(plan, 5, 0, 0)).toEqual({ kind: 'wait' });
    expect(nextAction(plan, 5, 1, 1)).toEqual({ kind: 'ramp', weight: 25 });
    expect(nextAction(plan, 50, 0, 1)).toEqual({ kind: 'promote' });
    expect(nextAction(plan, 25, 2, 1)).toEqual({ kind: 'rollback', failures: 2 });
  });
});
