import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { hasErrors } from '../../catalog/diagnostics.js';
import { parseVersionRef } from '../../catalog/ref.js';
import { projectDependencies } from '../../compose.js';
import { PromptOpsError } from '../../errors.js';
import type { SuiteComparison } from '../../eval/compare.js';
import { evaluate } from '../../eval/evaluate.js';
import { toHtml } from '../../eval/html.js';
import { toJunit } from '../../eval/junit.js';
import type { CachedResponses, FreshResponses } from '../../eval/response-cache.js';
import type { SuiteResult } from '../../eval/runner.js';
import type { Suite } from '../../eval/suite.js';
import { evalSettings, loadSuites } from '../../eval/suite-files.js';
import { workingCopy } from '../../project/working-copy.js';
import { loadCatalog, openWorkspace } from '../../project/workspace.js';
import type { VersionRecord } from '../../store/index.js';
import { type GlobalOptions, parseTolerance, projectDir, withStore } from '../context.js';
import { color, formatDiagnostic, print, printJson } from '../output.js';
import type { TestOptions } from './test-commands.js';

/**
 * `promptops test [NAME...]`: runs each prompt's suite against its working copy. Exit 1 when a
 * suite's pass rate is below its threshold, 5 when cases errored (provider or pipeline failures,
 * reported apart from failures), 0 otherwise.
 */
export async function test(names: string[], options: TestOptions): Promise<number> {
  const jobs = positiveInt(options.jobs, 8, '--jobs');
  const repeat = positiveInt(options.repeat, 1, '--repeat');
  if (options.failOnFlaky && repeat < 2) {
    // With one run nothing can be flaky: the flag would gate nothing.
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      '--fail-on-flaky needs --repeat N (N of at least 2): flakiness shows only across runs',
    );
  }
  const ws = await openWorkspace(projectDir(options));
  const catalog = await loadCatalog(ws);
  const { suites, diagnostics } = await loadSuites(catalog.entries, names);
  const problems = [...catalog.diagnostics, ...diagnostics].filter((d) => d.severity === 'error');
  if (hasErrors(problems)) {
    for (const d of problems) process.stderr.write(`${formatDiagnostic(d)}\n`);
    throw new PromptOpsError('PO_ERR_CATALOG_INVALID', 'fix the lint errors above before testing', {
      diagnostics: problems,
    });
  }
  if (suites.length === 0) {
    print('no test suites found; add NAME.tests.yaml beside NAME.prompt');
    return 0;
  }
  const isTty = Boolean(process.stderr.isTTY) && !options.json;
  const tolerance = parseTolerance(options.tolerance);
  const retryErrors =
    options.retryErrors === undefined ? 0 : positiveInt(options.retryErrors, 1, '--retry-errors');
  // With --compare, the same suites also run against the registered version REF names, for each prompt.
  const baselines = options.compare
    ? await resolveBaselines(
        options,
        suites.map((s) => s.suite),
        options.compare,
      )
    : [];
  // Answers of network models are cached per version + request; --repeat must call the model every time.
  const useCache = options.cache !== false && repeat === 1;
  const cache = useCache ? await readResponseCache(options, suites, baselines) : undefined;
  const runOptions = {
    concurrency: jobs,
    repeat,
    retryErrors,
    ...evalSettings(ws, catalog.entries),
    ...(cache ? { cache } : {}),
    ...(options.provider ? { provider: options.provider } : {}),
  };
  const { results, comparisons } = await evaluate(
    () => projectDependencies(ws),
    suites.map(({ suite, entry }) => {
      const baseline = baselines.find((b) => b.suite === suite)?.record;
      return { suite, record: workingCopy(entry), ...(baseline ? { baseline } : {}) };
    }),
    { ...runOptions, tolerance, onProgress: isTty ? progressBar() : undefined },
  );
  if (cache && cache.fresh.size > 0) await writeResponseCache(options, cache.fresh);
  if (options.store !== false) await recordRuns(options, results);
  await writeOutputs(options, results, comparisons, repeat > 1);
  return exitCode(results, comparisons, Boolean(options.failOnFlaky));
}

/** A baseline: the registered version a suite's working copy is compared with. */
interface Baseline {
  suite: Suite;
  record: VersionRecord;
}

/** The cached answers for every working copy and baseline under test, plus an empty map for new ones. */
async function readResponseCache(
  options: GlobalOptions,
  suites: readonly { entry: { hash: string } }[],
  baselines: readonly Baseline[],
): Promise<{ cached: CachedResponses; fresh: FreshResponses }> {
  return {
    cached: (await withStore(options, (store) =>
      store.readResponseCache([...suites.map((s) => s.entry.hash), ...baselines.map((b) => b.record.hash)]),
    )) as CachedResponses,
    fresh: new Map() as FreshResponses,
  };
}

/** Stores the answers this run fetched, so the next run of the same versions reuses them. */
async function writeResponseCache(options: GlobalOptions, fresh: FreshResponses): Promise<void> {
  await withStore(options, (store) =>
    store.writeResponseCache(
      [...fresh].map(([key, entry]) => ({
        key,
        versionHash: entry.versionHash,
        response: entry.response,
      })),
    ),
  );
}

/** A progress bar on stderr, redrawn at most every 50 ms (and always at the end, then erased). */
function progressBar(): (done: number, total: number) => void {
  let lastDraw = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - lastDraw < 50 && done < total) return;
    lastDraw = now;
    const width = 30;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${done}/${total}`);
    if (done === total) process.stderr.write('\r\u001b[K');
  };
}

/** Records one eval run per suite, all stamped with the same start time. */
async function recordRuns(options: GlobalOptions, results: readonly SuiteResult[]): Promise<void> {
  await withStore(options, async (store) => {
    const startedAt = new Date().toISOString();
    for (const r of results) {
      await store.recordEvalRun({
        id: randomUUID(),
        prompt: r.prompt,
        versionHash: r.versionHash,
        startedAt,
        passed: r.passed,
        failed: r.failed,
        errors: r.errors,
        passRate: r.passRate,
        result: r,
      });
    }
  });
}

/** The JUnit and HTML files asked for, then the report on stdout (JSON or text). */
async function writeOutputs(
  options: TestOptions,
  results: SuiteResult[],
  comparisons: SuiteComparison[],
  showFlakiness: boolean,
): Promise<void> {
  if (options.junit) await writeFile(options.junit, toJunit(results));
  if (options.html) await writeFile(options.html, toHtml(results));
  if (options.json)
    printJson({ suites: results, ...(options.compare ? { compare: options.compare, comparisons } : {}) });
  else {
    report(results, showFlakiness);
    if (options.compare) reportComparisons(comparisons, options.compare, results.length);
  }
}

/** 1 for a suite below its threshold, a regression or (when gated) a flaky case; 5 for errors; else 0. */
function exitCode(
  results: readonly SuiteResult[],
  comparisons: readonly SuiteComparison[],
  failOnFlaky: boolean,
): number {
  if (results.some((r) => r.passRate < r.threshold) || comparisons.some((c) => c.isRegression)) return 1;
  if (failOnFlaky && results.some((r) => r.flaky > 0)) return 1;
  return results.some((r) => r.errors > 0) ? 5 : 0;
}

function report(results: readonly SuiteResult[], showFlakiness: boolean): void {
  for (const r of results) {
    const rate = `${Math.round(r.passRate * 1000) / 10}%`;
    const head = `${r.prompt.padEnd(24)} ${r.passed}/${r.cases.length} passed  ${rate} (needs ${Math.round(r.threshold * 100)}%)${r.errors ? color.yellow(`  ${r.errors} error${r.errors === 1 ? '' : 's'}`) : ''}  ${color.dim(`${r.durationMs.toFixed(0)} ms`)}`;
    print(
      r.passRate >= r.threshold && r.errors === 0
        ? `${color.green('✓')} ${head}`
        : `${color.red('✗')} ${head}`,
    );
    for (const c of r.cases) {
      if (c.status === 'pass' && !(showFlakiness && c.flips > 0)) continue;
      const mark =
        c.status === 'fail'
          ? color.red('FAIL ')
          : c.status === 'error'
            ? color.yellow('ERROR')
            : color.yellow('FLAKY');
      const flaky =
        showFlakiness && c.flips > 0
          ? color.yellow(
              ` (verdict changed ${c.flips}× in ${c.runs} runs: ${(c.verdicts ?? []).join(' → ')})`,
            )
          : '';
      print(`    ${mark} ${c.description}${flaky}${c.reason ? `: ${color.dim(c.reason)}` : ''}`);
    }
  }
  const cases = results.reduce((n, r) => n + r.cases.length, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const errors = results.reduce((n, r) => n + r.errors, 0);
  const flaky = results.reduce((n, r) => n + r.flaky, 0);
  print(
    color.bold(
      `${results.length} suite${results.length === 1 ? '' : 's'}, ${cases} cases: ${cases - failed - errors} passed, ${failed} failed, ${errors} errors`,
    ),
  );
  if (showFlakiness) {
    const line = `${flaky} flaky case${flaky === 1 ? '' : 's'} (verdict changed between runs; counted above by majority; --fail-on-flaky fails on them)`;
    print(flaky > 0 ? color.yellow(line) : color.dim(line));
  }
}

async function resolveBaselines(
  options: GlobalOptions,
  suites: Suite[],
  refText: string,
): Promise<Baseline[]> {
  return withStore(options, async (store) => {
    const found: Baseline[] = [];
    for (const suite of suites) {
      const ref =
        refText.startsWith('@') || refText.startsWith(':')
          ? `${suite.prompt}${refText}`
          : `${suite.prompt}:${refText}`;
      try {
        found.push({ suite, record: await store.resolve(parseVersionRef(ref)) });
      } catch (err) {
        // A prompt without that version yet (a new prompt) has nothing to regress from.
        if (!(err instanceof PromptOpsError) || !err.code.endsWith('_NOT_FOUND')) throw err;
      }
    }
    return found;
  });
}

function reportComparisons(comparisons: readonly SuiteComparison[], ref: string, suites: number): void {
  print();
  print(color.bold(`compared with ${ref}`));
  for (const c of comparisons) {
    const pct = (n: number) => `${n >= 0 ? '+' : ''}${Math.round(n * 1000) / 10} pts`;
    const line = `${c.prompt} @${c.baseline.version} → working copy: pass rate ${pct(c.passRateDelta)}, score ${pct(c.scoreDelta)}`;
    print(c.isRegression ? color.red(`✗ ${line}`) : `${color.green('✓')} ${line}`);
    for (const r of c.regressions)
      print(`    ${color.red('REGRESSED')} ${r.description}: ${r.from} → ${r.to} ${color.dim(r.reason)}`);
    for (const i of c.improvements)
      print(`    ${color.green('IMPROVED ')} ${i.description}: ${i.from} → ${i.to}`);
    for (const [name, m] of Object.entries(c.metrics))
      print(`    metric ${name}: ${m.baseline.toFixed(3)} → ${m.candidate.toFixed(3)} (${pct(m.delta)})`);
  }
  if (comparisons.length < suites)
    print(color.dim(`${suites - comparisons.length} suite(s) have no ${ref} version to compare with`));
}

function positiveInt(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new PromptOpsError('PO_ERR_USAGE', `${flag} must be a whole number of at least 1`);
  return n;
}
