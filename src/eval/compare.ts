import type { CaseResult, SuiteResult } from './runner.js';

/** How a candidate's results differ from a baseline's on the same suite. */
export interface SuiteComparison {
  prompt: string;
  candidate: { version: number; hash: string; passRate: number; score: number };
  baseline: { version: number; hash: string; passRate: number; score: number };
  passRateDelta: number;
  scoreDelta: number;
  /** Cases that passed on the baseline and do not on the candidate. */
  regressions: {
    index: number;
    description: string;
    from: CaseResult['status'];
    to: CaseResult['status'];
    reason: string;
  }[];
  improvements: {
    index: number;
    description: string;
    from: CaseResult['status'];
    to: CaseResult['status'];
  }[];
  /** Mean score per named metric (assertions with `metric:`), both sides. */
  metrics: Record<string, { candidate: number; baseline: number; delta: number }>;
  /** True when the candidate's pass rate fell by more than the tolerance. */
  isRegression: boolean;
}

const meanScore = (r: SuiteResult) =>
  r.cases.length === 0 ? 1 : r.cases.reduce((s, c) => s + c.score, 0) / r.cases.length;

function metricMeans(result: SuiteResult): Map<string, number> {
  const sums = new Map<string, { total: number; n: number }>();
  for (const c of result.cases) {
    for (const a of c.assertions) {
      if (!a.metric) continue;
      const entry = sums.get(a.metric) ?? { total: 0, n: 0 };
      entry.total += a.score;
      entry.n++;
      sums.set(a.metric, entry);
    }
  }
  return new Map([...sums].map(([k, v]) => [k, v.total / v.n]));
}

/**
 * Compares a candidate's suite result with the baseline's (same suite, same cases, in order).
 * The candidate regresses when its pass rate is lower than the baseline's by more than `tolerance`.
 */
export function compareSuites(candidate: SuiteResult, baseline: SuiteResult, tolerance = 0): SuiteComparison {
  const regressions: SuiteComparison['regressions'] = [];
  const improvements: SuiteComparison['improvements'] = [];
  for (const c of candidate.cases) {
    const b = baseline.cases[c.index];
    if (!b || b.status === c.status) continue;
    if (b.status === 'pass')
      regressions.push({
        index: c.index,
        description: c.description,
        from: b.status,
        to: c.status,
        reason: c.reason,
      });
    else if (c.status === 'pass')
      improvements.push({ index: c.index, description: c.description, from: b.status, to: c.status });
  }
  const candidateMetrics = metricMeans(candidate);
  const baselineMetrics = metricMeans(baseline);
  const metrics: SuiteComparison['metrics'] = {};
  for (const name of new Set([...candidateMetrics.keys(), ...baselineMetrics.keys()])) {
    const cand = candidateMetrics.get(name) ?? 0;
    const base = baselineMetrics.get(name) ?? 0;
    metrics[name] = { candidate: cand, baseline: base, delta: cand - base };
  }
  const passRateDelta = candidate.passRate - baseline.passRate;
  return {
    prompt: candidate.prompt,
    candidate: {
      version: candidate.versionNumber,
      hash: candidate.versionHash,
      passRate: candidate.passRate,
      score: meanScore(candidate),
    },
    baseline: {
      version: baseline.versionNumber,
      hash: baseline.versionHash,
      passRate: baseline.passRate,
      score: meanScore(baseline),
    },
    passRateDelta,
    scoreDelta: meanScore(candidate) - meanScore(baseline),
    regressions,
    improvements,
    metrics,
    isRegression: passRateDelta < -tolerance - 1e-9,
  };
}
