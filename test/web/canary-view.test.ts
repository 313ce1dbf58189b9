import { describe, expect, it } from 'vitest';
import type { CanaryStatus } from '../../src/store/canary-store.js';
import type { ReleaseRecord } from '../../src/store/types.js';
import {
  canarySpan,
  endingRelease,
  failedMetrics,
  splitEvidence,
  thresholdText,
  tracesLink,
} from '../../web/src/canary-view.js';

function release(seq: number, over: Partial<ReleaseRecord> = {}): ReleaseRecord {
  return {
    id: `r${seq}`,
    prompt: 'support-reply',
    environment: 'production',
    seq,
    kind: 'release',
    version: 1,
    versionHash: 'h',
    canary: null,
    changeRequest: null,
    exception: null,
    notes: null,
    actor: 'rel@acme.example',
    at: `2026-12-07T09:0${seq}:00.000Z`,
    active: false,
    ...over,
  };
}

/** One metric's evidence in an interval, 500 samples an arm. */
function evidence(
  metric: 'error_rate' | 'p95_latency_ms',
  verdict: 'pass' | 'fail',
  threshold: Record<string, number>,
  canary: number,
  stable: number,
) {
  return {
    metric,
    verdict,
    canary: { value: canary, samples: 500 },
    stable: { value: stable, samples: 500 },
    threshold,
    test: null,
    statistic: null,
    pValue: verdict === 'fail' ? 0.00001 : 1,
    reason: verdict === 'fail' ? 'worse than allowed' : 'within',
  };
}

const interval = (index: number, verdict: 'pass' | 'fail', start: string, end: string) => ({
  release: 'r2',
  step: 0,
  weight: 5,
  index,
  windowStart: start,
  windowEnd: end,
  verdict,
  evidence: {
    verdict,
    metrics: [
      evidence('error_rate', verdict, { maxIncrease: 0.02 }, 0.3, 0.01),
      evidence('p95_latency_ms', 'pass', { maxRatio: 1.5 }, 265, 265),
    ],
  },
  at: end,
});

function analysis(over: Partial<CanaryStatus> = {}): CanaryStatus {
  return {
    analysis: 'a1',
    prompt: 'support-reply',
    environment: 'production',
    state: 'rolled back',
    stable: 1,
    canary: { version: 2, weight: 5 },
    changeRequest: 2,
    release: 'r2',
    stepStartedAt: '2026-12-07T09:00:16.000Z',
    step: 0,
    plan: {
      steps: [5, 100],
      interval: '10m',
      intervalsPerStep: 1,
      minSamples: 200,
      failureLimit: 2,
      significance: 0.01,
      metrics: [{ metric: 'error_rate', maxIncrease: 0.02 }],
    },
    failures: 2,
    passesThisStep: 0,
    intervals: [
      interval(0, 'fail', '2026-12-07T09:01:00.000Z', '2026-12-07T09:11:00.000Z'),
      interval(1, 'fail', '2026-12-07T09:11:00.000Z', '2026-12-07T09:21:00.000Z'),
    ],
    ...over,
  };
}

describe('the canary view', () => {
  it('finds the release that ended the canary: the first of its prompt and environment after its own', () => {
    const history = [
      release(4, { kind: 'release', version: 3 }),
      release(3, {
        kind: 'rollback',
        actor: 'promptops-analysis',
        notes: 'rolled back by analysis: error_rate',
      }),
      release(3, { id: 'other-env', environment: 'staging', kind: 'promote' }),
      release(2, { kind: 'canary', canary: { version: 2, hash: 'h2', weight: 5 } }),
      release(1),
    ];
    expect(endingRelease(analysis(), history)?.id).toBe('r3');
    expect(endingRelease(analysis(), history.slice(3))).toBeNull();
    expect(endingRelease(analysis({ release: 'unknown' }), history)).toBeNull();
  });

  it('charts a canary from its first interval to its end, or to now while it runs', () => {
    const ended = canarySpan(analysis(), Date.parse('2026-12-08T00:00:00Z'), '2026-12-07T09:21:16.000Z');
    expect(new Date(ended.from).toISOString()).toBe('2026-12-07T09:00:16.000Z');
    expect(new Date(ended.to).toISOString()).toBe('2026-12-07T09:21:16.000Z');
    const now = Date.parse('2026-12-07T09:30:00Z');
    expect(canarySpan(analysis({ state: 'running' }), now, null).to).toBe(now);
    // Ended, with no ending release found: the last interval's end.
    expect(new Date(canarySpan(analysis(), now, null).to).toISOString()).toBe('2026-12-07T09:21:00.000Z');
  });

  it('names the metrics an interval failed on and says each threshold in words', () => {
    expect(failedMetrics(analysis().intervals[0]!)).toEqual(['error_rate']);
    expect(thresholdText({ maxIncrease: 0.02 })).toBe('at most +2 pts over stable');
    expect(thresholdText({ maxDecrease: 0.015 })).toBe('at most −1.5 pts under stable');
    expect(thresholdText({ maxRatio: 1.5 })).toBe('at most × 1.5 stable');
    expect(thresholdText({ minRatio: 0.95 })).toBe('at least × 0.95 stable');
  });

  it('links to the failed canary traces of the version with the traces page query names', () => {
    expect(tracesLink('support reply', 2)).toBe(
      '/traces?prompt=support+reply&version=2&arm=canary&status=error',
    );
  });
});

describe('splitEvidence', () => {
  it('splits the summary from the JSON evidence the analysis appends, and pretty-prints it', () => {
    const notes = 'canary rolled back by analysis: 1 failed interval(s)\nevidence: [{"metric":"error_rate"}]';
    expect(splitEvidence(notes)).toEqual({
      summary: 'canary rolled back by analysis: 1 failed interval(s)',
      evidence: '[\n  {\n    "metric": "error_rate"\n  }\n]',
    });
  });

  it('keeps notes without evidence, or with evidence that is not JSON, whole', () => {
    expect(splitEvidence('rolled back by hand')).toEqual({ summary: 'rolled back by hand', evidence: null });
    const odd = 'why\nevidence: {not json';
    expect(splitEvidence(odd)).toEqual({ summary: odd, evidence: null });
  });
});
