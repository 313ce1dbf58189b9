import { PromptOpsError } from '../../errors.js';
import { didYouMean } from '../../suggest.js';
import { GUARDRAIL_ASSERTIONS } from './guardrail.js';
import { JAVASCRIPT_ASSERTIONS } from './javascript.js';
import { JSON_ASSERTIONS } from './json.js';
import { MODEL_GRADED_ASSERTIONS } from './model-graded.js';
import { PERFORMANCE_ASSERTIONS } from './performance.js';
import { SIMILARITY_ASSERTIONS } from './similarity.js';
import { expandTemplates } from './template.js';
import { TEXT_ASSERTIONS } from './text.js';
import type {
  AssertionContext,
  AssertionDefinition,
  AssertionFamily,
  AssertionSpec,
  GradingResult,
} from './types.js';

export type * from './types.js';

const NOT = 'not-';

/** Merges the families, refusing a name defined twice or one that would read as a negation. */
function mergeDefinitions(families: AssertionFamily[]): ReadonlyMap<string, AssertionDefinition> {
  const definitions = new Map<string, AssertionDefinition>();
  for (const family of families) {
    for (const [name, definition] of Object.entries(family)) {
      if (definitions.has(name)) throw new Error(`assertion "${name}" is defined twice`);
      if (name.startsWith(NOT)) throw new Error(`assertion "${name}" must not start with "${NOT}"`);
      definitions.set(name, definition);
    }
  }
  return definitions;
}

/** The assertion definitions, all in one map: every type, its handler and whether it grades against a threshold. */
export const ASSERTIONS: ReadonlyMap<string, AssertionDefinition> = mergeDefinitions([
  TEXT_ASSERTIONS,
  JSON_ASSERTIONS,
  JAVASCRIPT_ASSERTIONS,
  SIMILARITY_ASSERTIONS,
  PERFORMANCE_ASSERTIONS,
  GUARDRAIL_ASSERTIONS,
  MODEL_GRADED_ASSERTIONS,
]);

/** Every accepted `type`, plain and negated, for lint and completion. */
export const ASSERTION_TYPES: readonly string[] = Object.freeze([
  ...ASSERTIONS.keys(),
  ...[...ASSERTIONS.keys()].map((name) => `${NOT}${name}`),
]);

/** Looks up a type (with or without `not-`), or throws a usage error with a suggestion. */
function resolve(type: string): { name: string; negated: boolean; definition: AssertionDefinition } {
  const negated = type.startsWith(NOT);
  const name = negated ? type.slice(NOT.length) : type;
  const definition = ASSERTIONS.get(name);
  if (!definition) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `unknown assertion type "${type}"${didYouMean(type, ASSERTION_TYPES)}; known types: ${[...ASSERTIONS.keys()].join(', ')} (each also as "${NOT}<type>")`,
      { type },
    );
  }
  return { name, negated, definition };
}

function resolveThreshold(spec: AssertionSpec, definition: AssertionDefinition): number | undefined {
  if (spec.threshold === undefined) return definition.threshold?.default;
  if (!definition.threshold)
    throw new PromptOpsError('PO_ERR_USAGE', `assertion "${spec.type}" takes no threshold; remove it`, {
      type: spec.type,
    });
  if (typeof spec.threshold !== 'number' || !Number.isFinite(spec.threshold))
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `assertion "${spec.type}" needs a finite number as its threshold`,
      {
        type: spec.type,
        threshold: spec.threshold,
      },
    );
  return spec.threshold;
}

/**
 * Grades one answer with one assertion. A `not-` type inverts the verdict (score becomes 1 − score),
 * except when the answer could not be graded at all (a missing measurement, a failing script):
 * that fails either way. Throws `PO_ERR_USAGE` for an unknown type or a malformed value.
 */
export function runAssertion(spec: AssertionSpec, ctx: AssertionContext): GradingResult {
  const { negated, definition } = resolve(spec.type);
  const threshold = resolveThreshold(spec, definition);
  const value = definition.expandsTemplates === false ? spec.value : expandTemplates(spec.value, ctx.vars);
  const { inconclusive, ...result } = definition.handler({ value, threshold, ctx });
  if (!negated || inconclusive) return result;
  return { pass: !result.pass, score: 1 - result.score, reason: `not: ${result.reason}` };
}

/** One assertion's outcome within a case. */
export type CaseAssertionResult = GradingResult & { type: string; weight: number; metric?: string };

/** A case's verdict: every counted assertion passed, and their weighted mean score. */
export interface CaseGrade {
  pass: boolean;
  score: number;
  results: CaseAssertionResult[];
}

/**
 * Grades a case's answer with all of its assertions. Score = Σ(weight·score)/Σweight (weights
 * default to 1); an assertion of weight 0 is reported but neither scores nor decides the pass.
 * A case with no counted assertions passes with score 1.
 */
export function gradeCase(asserts: readonly AssertionSpec[], ctx: AssertionContext): CaseGrade {
  const results: CaseAssertionResult[] = [];
  let weighted = 0;
  let totalWeight = 0;
  let pass = true;
  for (const spec of asserts) {
    const weight = spec.weight ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0)
      throw new PromptOpsError('PO_ERR_USAGE', `assertion "${spec.type}" needs a weight of 0 or more`, {
        type: spec.type,
        weight,
      });
    const result = runAssertion(spec, ctx);
    results.push({
      ...result,
      type: spec.type,
      weight,
      ...(spec.metric !== undefined ? { metric: spec.metric } : {}),
    });
    if (weight === 0) continue;
    weighted += weight * result.score;
    totalWeight += weight;
    if (!result.pass) pass = false;
  }
  return { pass, score: totalWeight === 0 ? 1 : weighted / totalWeight, results };
}
