/**
 * Scheduled re-grading: production answers graded after the fact, so "accuracy" is a tracked
 * metric (`grader_score`) and not only a pre-release suite result.
 *
 * Which graders: production has no expected output, so a prompt's suite (whose cases pair inputs
 * with expected answers) cannot grade it. Each prompt names, in `regrade.graders` of
 * promptops.yaml, the reference-free assertions its answers must meet (is-json, contains-any,
 * javascript, llm-rubric and g-eval through `eval.grader`, …), written as in a suite, and the
 * suite's own assertion engine (`gradeCase`) grades them: one engine, one meaning of each type.
 */

import { type Clock, emptyValues, minuteOf, type RollupCell } from '../monitor/rollup.js';
import type { Trace } from '../observe/trace.js';
import type { Store } from '../store/index.js';
import type { AssertionContext, AssertionSpec, GradingResult } from './assertions/index.js';
import { gradeCase } from './assertions/index.js';

/** Asks the grader prompt about the model-graded assertions among `asserts` (see eval/runner.ts). */
export type ModelGrader = (
  asserts: readonly AssertionSpec[],
  ctx: AssertionContext,
) => Promise<Record<string, GradingResult> | undefined>;

export interface RegradeOptions {
  store: Pick<Store, 'listTraces' | 'addRollups'>;
  clock: Clock;
  /** Per prompt, its reference-free assertions. */
  graders: Readonly<Record<string, readonly AssertionSpec[]>>;
  /** Traces graded per prompt per run, at most. */
  sample: number;
  /** How far back the first run looks (later runs start where the last one ended), in ms. */
  lookbackMs: number;
  /** Answers llm-rubric and g-eval; without it, those assertions cannot grade (and count 0). */
  modelGrader?: ModelGrader;
}

/** What one run did for one prompt. */
export interface RegradeOutcome {
  prompt: string;
  graded: number;
  /** Mean score of the graded traces (null when none). */
  meanScore: number | null;
  /** Traces that could not be graded (the grader model failed, an assertion is malformed). */
  failed: number;
  errors: string[];
}

/** The rollup source re-grading adds its scores under. */
export const REGRADE_SOURCE = 'regrade';

/** Candidates read per prompt for a sample of `sample` (the sample is spread evenly over them). */
const CANDIDATES_PER_SAMPLE = 10;

export class RegradeJob {
  /** Per prompt, where the last run stopped: traces started before it were already sampled. */
  private readonly gradedUntil = new Map<string, string>();

  constructor(private readonly options: RegradeOptions) {}

  /** Grades a sample of each configured prompt's fresh traces and records the scores in rollups. */
  async run(): Promise<RegradeOutcome[]> {
    const { store, clock, graders } = this.options;
    const now = clock().toISOString();
    const outcomes: RegradeOutcome[] = [];
    for (const [prompt, asserts] of Object.entries(graders)) {
      const since =
        this.gradedUntil.get(prompt) ?? new Date(Date.parse(now) - this.options.lookbackMs).toISOString();
      const candidates = await store.listTraces({
        prompt,
        status: 'ok',
        since,
        until: now,
        limit: Math.min(1000, this.options.sample * CANDIDATES_PER_SAMPLE),
      });
      const outcome: RegradeOutcome = { prompt, graded: 0, meanScore: null, failed: 0, errors: [] };
      const cells = new Map<string, RollupCell>();
      let total = 0;
      for (const trace of spread(candidates, this.options.sample)) {
        let score: number;
        try {
          score = await this.grade(asserts, trace);
        } catch (err) {
          outcome.failed++;
          if (outcome.errors.length < 5) outcome.errors.push(`${trace.id}: ${(err as Error).message}`);
          continue;
        }
        addScore(cells, trace, score);
        outcome.graded++;
        total += score;
      }
      if (cells.size > 0) await store.addRollups(REGRADE_SOURCE, [...cells.values()]);
      this.gradedUntil.set(prompt, now);
      outcome.meanScore = outcome.graded > 0 ? total / outcome.graded : null;
      outcomes.push(outcome);
    }
    return outcomes;
  }

  /** One trace's score: the weighted mean of its assertions, as a suite case's. */
  private async grade(asserts: readonly AssertionSpec[], trace: Trace): Promise<number> {
    const ctx = contextOf(trace);
    const graded = await this.options.modelGrader?.(asserts, ctx);
    if (graded) ctx.graded = graded;
    return gradeCase(asserts, ctx).score;
  }
}

/** What an assertion sees of a production trace: the answer, its input as vars, and its measurements. */
export function contextOf(trace: Trace): AssertionContext {
  const structured = typeof trace.output === 'object' && trace.output !== null;
  return {
    output: typeof trace.output === 'string' ? trace.output : JSON.stringify(trace.output ?? ''),
    ...(structured ? { parsed: trace.output } : {}),
    vars:
      typeof trace.input === 'object' && trace.input !== null && !Array.isArray(trace.input)
        ? (trace.input as Record<string, unknown>)
        : { input: trace.input },
    latencyMs: trace.timings.total,
    costUsd: trace.costUsd,
    guardrails: trace.guardrails.map((g) => ({ name: g.name, isViolation: g.isViolation, action: g.action })),
    blocked: trace.error?.code === 'PO_ERR_GUARDRAIL_BLOCKED',
  };
}

/** At most `n` items spread evenly over `items` (newest first as listed), so a burst is not all. */
function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]!);
}

/** Adds a score to the cell of the trace's minute, version, environment and arm. */
function addScore(cells: Map<string, RollupCell>, trace: Trace, score: number): void {
  const key = {
    prompt: trace.prompt,
    version: trace.version.number,
    environment: trace.environment,
    arm: trace.arm,
    minute: minuteOf(new Date(trace.startedAt)),
  };
  const id = JSON.stringify(key);
  let cell = cells.get(id);
  if (!cell) {
    cell = { ...key, values: emptyValues() };
    cells.set(id, cell);
  }
  cell.values.graderScoreSum += score;
  cell.values.graderScoreSquaresSum += score * score;
  cell.values.graded += 1;
}
