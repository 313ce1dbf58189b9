import { type Diagnostic, hasErrors } from '../catalog/diagnostics.js';
import type { ProjectDependencies } from '../compose.js';
import { PromptOpsError } from '../errors.js';
import type { CheckName, CheckStatus } from '../governance/policy.js';
import type { ChangeRequest, CheckInput, VersionRecord } from '../store/index.js';
import type { SuiteComparison } from './compare.js';
import { evaluate } from './evaluate.js';
import type { RunSuitesOptions, SuiteResult } from './runner.js';
import type { Suite } from './suite.js';

/** Everything the automated checks of a change request look at, gathered by the caller. */
export interface ChangeCheckRequest {
  /** The change request: the version it proposes and the one it replaces. */
  change: Pick<ChangeRequest, 'prompt' | 'version' | 'versionHash' | 'base' | 'baseLabel'>;
  /** The proposed version as it runs: its registered record, or a working copy with the same hash. */
  candidate: VersionRecord;
  /** The version at `change.base`, for the regression comparison; null when there is none to run. */
  baseline: VersionRecord | null;
  /** What lint says about the proposed version's source (warnings included). */
  diagnostics: readonly Diagnostic[];
  /** The prompt's test suite; undefined when it has none (or when it does not load). */
  suite: Suite | undefined;
  /** Why the suite does not load, when it does not. */
  suiteProblems: readonly Diagnostic[];
  /** Pass-rate drop allowed before the regression check fails (0 to 1). */
  tolerance: number;
  /** How the suites run: concurrency, provider, grader, embeddings, response cache. */
  run?: Omit<RunSuitesOptions, 'onProgress'>;
  /** Told before each suite run starts (suites can take minutes on a network model). */
  onRun?: (run: 'baseline' | 'candidate') => void;
}

/**
 * Runs the automated checks of a change request and returns them, to be recorded with
 * `recordCheck`: lint, the test suite, its guardrail cases (every case with a `guardrail`
 * assertion must pass) and the regression comparison with the version the change replaces.
 * Writes nothing and prints nothing; each suite run gets its own `dependencies()`.
 */
export async function runChangeChecks(
  dependencies: () => Promise<ProjectDependencies>,
  request: ChangeCheckRequest,
): Promise<CheckInput[]> {
  const { change, candidate, suite } = request;
  if (candidate.hash !== change.versionHash) {
    throw new PromptOpsError(
      'PO_ERR_CHECK_STALE',
      `checks must run on the version the change request proposes (${change.prompt}@${change.version}), not on another`,
      { expected: change.versionHash, got: candidate.hash },
    );
  }
  const check = (name: CheckName, status: CheckStatus, summary: string, details?: unknown): CheckInput => ({
    name,
    status,
    summary,
    versionHash: change.versionHash,
    ...(details === undefined ? {} : { details }),
  });
  const lint = lintCheck(request.diagnostics, check);
  const notRun = hasErrors(request.suiteProblems)
    ? [
        check('tests', 'error', `the suite does not load: ${request.suiteProblems[0]?.message ?? ''}`),
        check('guardrails', 'error', 'the suite does not load'),
      ]
    : !suite
      ? [
          check('tests', 'skipped', `no ${change.prompt}.tests.yaml beside the prompt`),
          check('guardrails', 'skipped', 'no test suite, so no guardrail cases'),
        ]
      : null;
  const nothingToCompare = check('regression', 'skipped', `nothing in ${change.baseLabel} to compare with`);
  if (!suite || notRun) {
    const regression =
      change.base === null
        ? nothingToCompare
        : check('regression', 'skipped', 'no test suite to compare with');
    return [lint, ...(notRun ?? []), regression];
  }
  if (change.base !== null && !request.baseline) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `the regression check of ${change.prompt}@${change.version} needs @${change.base}, the version it replaces`,
    );
  }
  const baseline = change.base === null ? undefined : request.baseline;
  const { results, comparisons } = await evaluate(
    dependencies,
    [{ suite, record: candidate, ...(baseline ? { baseline } : {}) }],
    { ...request.run, tolerance: request.tolerance, ...(request.onRun ? { onRun: request.onRun } : {}) },
  );
  const comparison = comparisons[0];
  return [
    lint,
    testsCheck(results[0]!, check),
    guardrailsCheck(results[0]!, suite, check),
    comparison && change.base !== null ? regressionCheck(comparison, change.base, check) : nothingToCompare,
  ];
}

type MakeCheck = (name: CheckName, status: CheckStatus, summary: string, details?: unknown) => CheckInput;

function lintCheck(diagnostics: readonly Diagnostic[], check: MakeCheck): CheckInput {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return check(
    'lint',
    errors.length > 0 ? 'fail' : 'pass',
    errors.length > 0
      ? `${errors.length} error(s): ${errors.map((d) => `${d.rule} at ${d.line}:${d.col}`).join(', ')}`
      : `no errors${diagnostics.length > 0 ? `, ${diagnostics.length} warning(s)` : ''}`,
    { diagnostics },
  );
}

function testsCheck(r: SuiteResult, check: MakeCheck): CheckInput {
  return check(
    'tests',
    r.errors > 0 ? 'error' : r.passRate >= r.threshold ? 'pass' : 'fail',
    `${r.passed}/${r.cases.length} passed (${pct(r.passRate)}, needs ${pct(r.threshold)})${r.errors ? `, ${r.errors} error(s)` : ''}`,
    { passed: r.passed, failed: r.failed, errors: r.errors, passRate: r.passRate, threshold: r.threshold },
  );
}

/** The suite's guardrail cases (those with a guardrail assertion) must all pass. */
function guardrailsCheck(r: SuiteResult, suite: Suite, check: MakeCheck): CheckInput {
  const cases = r.cases.filter((c) =>
    suite.cases[c.index]?.assert.some((a) => a.type === 'guardrail' || a.type === 'not-guardrail'),
  );
  const failing = cases.filter((c) => c.status !== 'pass');
  return check(
    'guardrails',
    cases.length === 0
      ? 'skipped'
      : failing.some((c) => c.status === 'error')
        ? 'error'
        : failing.length > 0
          ? 'fail'
          : 'pass',
    cases.length === 0
      ? 'the suite has no guardrail cases'
      : `${cases.length - failing.length}/${cases.length} guardrail cases passed${failing.length ? `: failing ${failing.map((c) => c.description).join('; ')}` : ''}`,
    { cases: cases.map((c) => ({ description: c.description, status: c.status, reason: c.reason })) },
  );
}

function regressionCheck(cmp: SuiteComparison, base: number, check: MakeCheck): CheckInput {
  return check(
    'regression',
    cmp.isRegression ? 'fail' : 'pass',
    `pass rate ${pct(cmp.candidate.passRate)} vs ${pct(cmp.baseline.passRate)} on @${base}; ${cmp.regressions.length} regressed, ${cmp.improvements.length} improved`,
    {
      passRateDelta: cmp.passRateDelta,
      scoreDelta: cmp.scoreDelta,
      regressed: cmp.regressions.length,
      improved: cmp.improvements.length,
      regressions: cmp.regressions,
    },
  );
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}
