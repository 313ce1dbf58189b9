import path from 'node:path';
import type { ProjectDependencies } from '../compose.js';
import { isPromptOpsError, PromptOpsError } from '../errors.js';
import { CompiledCache } from '../runtime/compile.js';
import { type PipelineDeps, runPipeline } from '../runtime/pipeline.js';
import type { VersionRecord } from '../store/index.js';
import {
  type AssertionContext,
  type AssertionSpec,
  type CaseAssertionResult,
  type GradingResult,
  gradeCase,
} from './assertions/index.js';
import { gradedKey } from './assertions/model-graded.js';
import { expandTemplates } from './assertions/template.js';
import { type CachedResponses, cachingLookup, type FreshResponses } from './response-cache.js';
import type { Suite, TestCase } from './suite.js';

/** How one case came out. ERROR (the provider or the pipeline failed) is kept apart from FAIL. */
export interface CaseResult {
  index: number;
  description: string;
  status: 'pass' | 'fail' | 'error';
  score: number;
  reason: string;
  assertions: CaseAssertionResult[];
  latencyMs: number;
  /** The answer (cut to 2,000 characters), for reports. */
  output: string;
  /** With --repeat: how many runs, and how often the verdict changed between them. */
  runs: number;
  flips: number;
  /** With --repeat: the verdict of each run, in order. */
  verdicts?: CaseResult['status'][];
  /** With --retry-errors: how many extra attempts an errored case took. */
  retries?: number;
}

export interface SuiteResult {
  prompt: string;
  file: string;
  versionHash: string;
  /** 0 for the working copy. */
  versionNumber: number;
  description: string;
  threshold: number;
  passed: number;
  failed: number;
  /** Cases whose verdict changed between repeated runs (counted in passed/failed by majority too). */
  flaky: number;
  errors: number;
  /** passed / (passed + failed): errors are not counted as failures. */
  passRate: number;
  isPassing: boolean;
  durationMs: number;
  cases: CaseResult[];
}

export interface RunSuitesOptions {
  concurrency?: number;
  repeat?: number;
  /** Run every case on this provider instead (`offline`). */
  provider?: string;
  /** Run a case that ended in ERROR up to this many more times. */
  retryErrors?: number;
  /** The grader prompt's version, for llm-rubric and g-eval assertions. */
  grader?: VersionRecord;
  /** `provider/model` of an embeddings model for `similar` (OpenAI-compatible providers). */
  embeddings?: string;
  /** Answers cached from earlier runs (filled with this run's new answers). Off with --no-cache. */
  cache?: { cached: CachedResponses; fresh: FreshResponses };
  onProgress?: (done: number, total: number) => void;
}

/**
 * Runs each suite against the version given with it (the working copy, or a registered version
 * for comparisons), with bounded concurrency, on the project's dependencies (see src/compose.ts).
 * Pure of the store: results are returned. Versions resolve to the records given here only.
 */
export async function runSuites(
  project: ProjectDependencies,
  targets: readonly { suite: Suite; record: VersionRecord }[],
  options: RunSuitesOptions = {},
): Promise<SuiteResult[]> {
  const records = new Map<string, VersionRecord>();
  const deps = evalDependencies(project, records, options);
  const repeat = Math.max(1, options.repeat ?? 1);
  const total = targets.reduce((n, s) => n + s.suite.cases.length, 0) * repeat;
  let done = 0;
  const onRun = () => {
    done++;
    options.onProgress?.(done, total);
  };
  const results: SuiteResult[] = [];
  if (options.grader) records.set(options.grader.prompt, options.grader);
  for (const { suite, record } of targets) {
    records.set(record.prompt, record);
    const started = performance.now();
    const run = (testCase: TestCase, index: number) =>
      runCase(
        deps,
        suite.prompt,
        testCase,
        index,
        options.provider,
        options.grader?.prompt,
        options.embeddings,
      );
    const cases = await mapPool(suite.cases, options.concurrency ?? 8, (testCase, index) =>
      runCaseRepeated(run, testCase, index, repeat, options.retryErrors ?? 0, onRun),
    );
    results.push(suiteResult(suite, record, cases, performance.now() - started));
  }
  return results;
}

/**
 * The project's dependencies, with versions resolved from `records` only (filled as suites run),
 * model answers cached when asked, and nothing traced or reviewed.
 */
function evalDependencies(
  project: ProjectDependencies,
  records: ReadonlyMap<string, VersionRecord>,
  options: RunSuitesOptions,
): PipelineDeps {
  return {
    ...project,
    resolver: {
      resolve: async (ref) => {
        const record = records.get(ref.prompt);
        if (!record)
          throw new PromptOpsError('PO_ERR_PROMPT_NOT_FOUND', `no version of ${ref.prompt} to test`);
        return record;
      },
    },
    compiled: new CompiledCache(),
    lookup: options.cache
      ? cachingLookup(
          project.lookup,
          options.cache.cached,
          options.cache.fresh,
          (prompt) => records.get(prompt)?.hash,
        )
      : project.lookup,
    traces: null,
    reviews: null,
  };
}

/** Runs one case `repeat` times (folded into one result), then retries while it ends in ERROR. */
async function runCaseRepeated(
  run: (testCase: TestCase, index: number) => Promise<CaseResult>,
  testCase: TestCase,
  index: number,
  repeat: number,
  retryErrors: number,
  onRun: () => void,
): Promise<CaseResult> {
  const runs: CaseResult[] = [];
  for (let r = 0; r < repeat; r++) {
    runs.push(await run(testCase, index));
    onRun();
  }
  let outcome = summarise(runs);
  // An ERROR is the provider's or the pipeline's, not the prompt's: it may be tried again.
  for (let retry = 0; outcome.status === 'error' && retry < retryErrors; retry++) {
    outcome = { ...(await run(testCase, index)), retries: retry + 1 };
  }
  return outcome;
}

/** One suite's counts and verdict from its cases: errors count neither as passed nor as failed. */
function suiteResult(
  suite: Suite,
  record: VersionRecord,
  cases: CaseResult[],
  durationMs: number,
): SuiteResult {
  const passed = cases.filter((c) => c.status === 'pass').length;
  const failed = cases.filter((c) => c.status === 'fail').length;
  const errors = cases.length - passed - failed;
  const flaky = cases.filter((c) => c.flips > 0).length;
  const passRate = passed + failed === 0 ? 1 : passed / (passed + failed);
  return {
    prompt: suite.prompt,
    file: path.relative(process.cwd(), suite.file) || suite.file,
    versionHash: record.hash,
    versionNumber: record.number,
    description: suite.description,
    threshold: suite.threshold,
    passed,
    failed,
    flaky,
    errors,
    passRate,
    isPassing: passRate >= suite.threshold && errors === 0,
    durationMs,
    cases,
  };
}

/** The fields every result of one case shares. */
type CaseBase = Pick<CaseResult, 'index' | 'description' | 'runs' | 'flips'>;

/** A case that ended before it could pass or fail on its assertions. */
function caseStopped(
  base: CaseBase,
  status: 'fail' | 'error',
  reason: string,
  latencyMs: number,
  output: string,
): CaseResult {
  return { ...base, status, score: 0, reason, assertions: [], latencyMs, output };
}

/** Runs one case once and grades its answer. */
async function runCase(
  deps: PipelineDeps,
  prompt: string,
  testCase: TestCase,
  index: number,
  provider: string | undefined,
  grader: string | undefined,
  embeddings?: string,
): Promise<CaseResult> {
  const base = { index, description: testCase.description, runs: 1, flips: 0 };
  const ctx = await answerCase(deps, prompt, testCase, provider, base);
  if ('status' in ctx) return ctx;
  try {
    ctx.graded = await gradeWithModel(deps, grader, testCase.assert, ctx, provider);
    ctx.embeddingSimilarity = await embedSimilarities(deps, embeddings, testCase, ctx);
  } catch (err) {
    // The grader is a model call like any other: its failure is an ERROR, never a FAIL.
    const message = err instanceof Error ? err.message : String(err);
    return caseStopped(base, 'error', `grading: ${message}`, ctx.latencyMs ?? 0, ctx.output);
  }
  let grade: ReturnType<typeof gradeCase>;
  try {
    grade = gradeCase(testCase.assert, ctx);
  } catch (err) {
    // A broken assertion (unknown type, bad regex) is the suite's mistake: an error, not a failure.
    return caseStopped(base, 'error', (err as Error).message, ctx.latencyMs ?? 0, ctx.output);
  }
  const failing = grade.results.filter((r) => !r.pass);
  return {
    ...base,
    status: grade.pass ? 'pass' : 'fail',
    score: grade.score,
    reason: failing.map((r) => `${r.type}: ${r.reason}`).join('; '),
    assertions: grade.results,
    latencyMs: ctx.latencyMs ?? 0,
    output: ctx.output.length > 2000 ? `${ctx.output.slice(0, 2000)}…` : ctx.output,
  };
}

/**
 * Runs the prompt on the case's input: the context its assertions grade (a guardrail block is an
 * answer too), or the case's result when it cannot be graded (its input breaks the contract: FAIL;
 * the provider or pipeline failed: ERROR).
 */
async function answerCase(
  deps: PipelineDeps,
  prompt: string,
  testCase: TestCase,
  provider: string | undefined,
  base: CaseBase,
): Promise<AssertionContext | CaseResult> {
  const started = performance.now();
  try {
    const result = await runPipeline(deps, {
      prompt,
      input: testCase.vars,
      ...(provider ? { provider } : {}),
    });
    return {
      output: result.text,
      parsed: result.output,
      vars: testCase.vars,
      latencyMs: performance.now() - started,
      costUsd: result.costUsd,
      guardrails: result.guardrails,
      blocked: false,
    };
  } catch (err) {
    const latencyMs = performance.now() - started;
    if (isPromptOpsError(err) && err.code === 'PO_ERR_GUARDRAIL_BLOCKED') {
      return {
        output: '',
        vars: testCase.vars,
        latencyMs,
        costUsd: 0,
        guardrails: (err.details.verdicts as AssertionContext['guardrails']) ?? [],
        blocked: true,
      };
    }
    if (isPromptOpsError(err) && err.code === 'PO_ERR_CONTRACT_VIOLATION') {
      return caseStopped(base, 'fail', `the case's input breaks the contract: ${err.message}`, latencyMs, '');
    }
    const message = err instanceof Error ? err.message : String(err);
    return caseStopped(base, 'error', message, latencyMs, '');
  }
}

/** Folds repeated runs of one case: the majority verdict, the mean score, and how often it flipped. */
function summarise(runs: CaseResult[]): CaseResult {
  const first = runs[0]!;
  if (runs.length === 1) return first;
  let flips = 0;
  for (let i = 1; i < runs.length; i++) if (runs[i]!.status !== runs[i - 1]!.status) flips++;
  const counts = new Map<CaseResult['status'], number>();
  for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const status = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  const representative = runs.find((r) => r.status === status) ?? first;
  // A flaky case that passed by majority still says why its other runs failed.
  const reasons = [...new Set(runs.filter((r) => r.status !== 'pass' && r.reason).map((r) => r.reason))];
  return {
    ...representative,
    reason: representative.reason || reasons.join('; '),
    verdicts: runs.map((r) => r.status),
    score: runs.reduce((s, r) => s + r.score, 0) / runs.length,
    latencyMs: runs.reduce((s, r) => s + r.latencyMs, 0) / runs.length,
    runs: runs.length,
    flips,
  };
}

/** Maps with at most `limit` calls in flight, keeping order. */
async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

const MODEL_GRADED = /^(?:not-)?(llm-rubric|g-eval)$/;

/**
 * What scheduled re-grading (eval/regrade.ts) asks about llm-rubric and g-eval assertions: the
 * registered `grader` version (e.g. eval.grader's production version), run as a suite runs it.
 */
export function modelGraderOf(
  project: ProjectDependencies,
  grader: VersionRecord,
): (
  asserts: readonly AssertionSpec[],
  ctx: AssertionContext,
) => Promise<Record<string, GradingResult> | undefined> {
  const deps = evalDependencies(project, new Map([[grader.prompt, grader]]), {});
  return (asserts, ctx) => gradeWithModel(deps, grader.prompt, asserts, ctx);
}

/**
 * Asks the grader prompt about each model-graded assertion of `asserts` (a case's, or a prompt's
 * re-grading list); verdicts keyed for the handlers, undefined when none is model-graded.
 */
export async function gradeWithModel(
  deps: PipelineDeps,
  grader: string | undefined,
  asserts: readonly AssertionSpec[],
  ctx: AssertionContext,
  provider?: string,
): Promise<Record<string, GradingResult> | undefined> {
  const specs = asserts.filter((a) => MODEL_GRADED.test(a.type));
  if (specs.length === 0) return undefined;
  if (!grader) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      'llm-rubric and g-eval need a grader prompt: set eval.grader in promptops.yaml to a prompt of the catalog',
    );
  }
  const graded: Record<string, GradingResult> = {};
  for (const spec of specs) {
    const mode = MODEL_GRADED.exec(spec.type)![1] as 'llm-rubric' | 'g-eval';
    const rubric = String(expandTemplates(spec.value, ctx.vars));
    const key = gradedKey(mode, rubric);
    if (graded[key]) continue;
    const result = await runPipeline(deps, {
      prompt: grader,
      input: { output: ctx.output, rubric, mode },
      ...(provider ? { provider } : {}),
    });
    const verdict = result.output as { pass?: unknown; score?: unknown; reason?: unknown };
    if (typeof verdict !== 'object' || verdict === null || typeof verdict.score !== 'number') {
      throw new PromptOpsError(
        'PO_ERR_OUTPUT_INVALID',
        `the grader ${grader} must answer {"pass": boolean, "score": number, "reason": string}`,
      );
    }
    const score = Math.min(1, Math.max(0, verdict.score));
    graded[key] = {
      pass: typeof verdict.pass === 'boolean' ? verdict.pass : score >= 0.5,
      score,
      reason: String(verdict.reason ?? ''),
    };
  }
  return graded;
}

/** Cosine similarity of the answer to each `similar` value, by embeddings, when a model is configured. */
async function embedSimilarities(
  deps: PipelineDeps,
  embeddings: string | undefined,
  testCase: TestCase,
  ctx: AssertionContext,
): Promise<Record<string, number> | undefined> {
  if (!embeddings) return undefined;
  const values = [
    ...new Set(
      testCase.assert
        .filter((a) => /^(?:not-)?similar$/.test(a.type))
        .map((a) => String(expandTemplates(a.value, ctx.vars))),
    ),
  ];
  if (values.length === 0) return undefined;
  const { provider, model } = deps.lookup(embeddings);
  if (!provider.embed) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `eval.embeddings names ${embeddings}, whose provider has no embeddings API; use an OpenAI-compatible provider`,
    );
  }
  const [answer, ...expected] = await provider.embed(
    model,
    [ctx.output, ...values],
    AbortSignal.timeout(30_000),
  );
  const cosine = (a: number[], b: number[]) => {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i]! * (b[i] ?? 0);
      na += a[i]! * a[i]!;
      nb += (b[i] ?? 0) * (b[i] ?? 0);
    }
    return na === 0 || nb === 0 ? 0 : Math.max(0, dot / Math.sqrt(na * nb));
  };
  return Object.fromEntries(values.map((v, i) => [v, cosine(answer!, expected[i]!)]));
}
