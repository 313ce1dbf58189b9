import type { ProjectDependencies } from '../compose.js';
import type { VersionRecord } from '../store/index.js';
import { compareSuites, type SuiteComparison } from './compare.js';
import { type RunSuitesOptions, runSuites, type SuiteResult } from './runner.js';
import type { Suite } from './suite.js';

/** A suite, the version it runs on, and the registered version it is compared with, if any. */
export interface EvaluationTarget {
  suite: Suite;
  record: VersionRecord;
  baseline?: VersionRecord;
}

export interface Evaluation {
  /** One per target, in order. */
  results: SuiteResult[];
  /** One per target with a baseline, in order. */
  comparisons: SuiteComparison[];
}

export interface EvaluateOptions extends RunSuitesOptions {
  /** Pass-rate drop allowed before a comparison is a regression (default 0). */
  tolerance?: number;
  /** Told before each run starts: the baselines' first (when there are any), then the candidates'. */
  onRun?: (run: 'baseline' | 'candidate') => void;
}

/**
 * Runs the suites on their baselines, then on their candidates, and compares the two: the flow of
 * `promptops test --compare` and of a change request's tests and regression checks. Each run gets
 * dependencies of its own from `dependencies`, so provider state (a scripted sequence, say) never
 * leaks from one run into the other. `onProgress` reports each run in turn (a baseline suite on a
 * network model takes as long as the candidate's).
 */
export async function evaluate(
  dependencies: () => Promise<ProjectDependencies>,
  targets: readonly EvaluationTarget[],
  options: EvaluateOptions = {},
): Promise<Evaluation> {
  const { tolerance = 0, onRun, onProgress, ...runOptions } = options;
  const withProgress = { ...runOptions, ...(onProgress ? { onProgress } : {}) };
  // Each baseline keeps the index of its target, so results pair by position, not by a name search.
  const compared = targets.flatMap((t, index) =>
    t.baseline ? [{ index, suite: t.suite, record: t.baseline }] : [],
  );
  let baselines: SuiteResult[] = [];
  if (compared.length > 0) {
    onRun?.('baseline');
    baselines = await runSuites(await dependencies(), compared, withProgress);
  }
  onRun?.('candidate');
  const results = await runSuites(
    await dependencies(),
    targets.map(({ suite, record }) => ({ suite, record })),
    withProgress,
  );
  const comparisons = compared.map(({ index }, i) =>
    compareSuites(results[index]!, baselines[i]!, tolerance),
  );
  return { results, comparisons };
}
