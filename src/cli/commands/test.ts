import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { hasErrors } from '../../catalog/diagnostics.js';
import { PromptOpsError } from '../../errors.js';
import { toJunit } from '../../eval/junit.js';
import { runSuites, type SuiteResult } from '../../eval/runner.js';
import { loadSuites } from '../../project/suites.js';
import { loadCatalog, openWorkspace } from '../../project/workspace.js';
import { type GlobalOptions, projectDir, withStore } from '../context.js';
import { color, formatDiagnostic, print, printJson } from '../output.js';

export interface TestOptions extends GlobalOptions {
  jobs?: string;
  repeat?: string;
  provider?: string;
  junit?: string;
  store?: boolean;
}

/**
 * `promptops test [NAME...]`: runs each prompt's suite against its working copy. Exit 1 when a
 * suite's pass rate is below its threshold, 5 when cases errored (provider or pipeline failures,
 * reported apart from failures), 0 otherwise.
 */
export async function test(names: string[], options: TestOptions): Promise<number> {
  const jobs = positiveInt(options.jobs, 8, '--jobs');
  const repeat = positiveInt(options.repeat, 1, '--repeat');
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
  let lastDraw = 0;
  const results = await runSuites(ws, suites, {
    concurrency: jobs,
    repeat,
    ...(options.provider ? { provider: options.provider } : {}),
    onProgress: isTty
      ? (done, total) => {
          const now = Date.now();
          if (now - lastDraw < 50 && done < total) return;
          lastDraw = now;
          const width = 30;
          const filled = Math.round((done / total) * width);
          process.stderr.write(`\r${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${done}/${total}`);
          if (done === total) process.stderr.write('\r\u001b[K');
        }
      : undefined,
  });
  if (options.store !== false) {
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
  if (options.junit) await writeFile(options.junit, toJunit(results));
  if (options.json) printJson({ suites: results });
  else report(results, repeat > 1);
  if (results.some((r) => r.passRate < r.threshold)) return 1;
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
        showFlakiness && c.flips > 0 ? color.yellow(` (verdict changed ${c.flips}× in ${c.runs} runs)`) : '';
      print(`    ${mark} ${c.description}${flaky}: ${color.dim(c.reason)}`);
    }
  }
  const cases = results.reduce((n, r) => n + r.cases.length, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  const errors = results.reduce((n, r) => n + r.errors, 0);
  print(
    color.bold(
      `${results.length} suite${results.length === 1 ? '' : 's'}, ${cases} cases: ${cases - failed - errors} passed, ${failed} failed, ${errors} errors`,
    ),
  );
}

function positiveInt(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new PromptOpsError('PO_ERR_USAGE', `${flag} must be a whole number of at least 1`);
  return n;
}
