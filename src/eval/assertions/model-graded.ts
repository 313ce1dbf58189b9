import { cannotGrade } from './shared.js';
import type { AssertionFamily, AssertionHandler } from './types.js';

/** The key under which the runner stores a model-graded verdict for a case. */
export function gradedKey(type: 'llm-rubric' | 'g-eval', rubric: string): string {
  return `${type}\u0000${rubric}`;
}

// Grading needs a model call, which assertions (pure) do not make: the runner asks the grader
// prompt first and leaves its verdict in the context; these handlers only read it.

/** Passes when the grader judged the answer to meet the rubric (and its score reaches `threshold`, if set). */
const llmRubric: AssertionHandler = ({ value, threshold, ctx }) => {
  const graded = ctx.graded?.[gradedKey('llm-rubric', String(value))];
  if (!graded) return cannotGrade('no grader verdict (is eval.grader set in promptops.yaml?)');
  const pass = graded.pass && (threshold === undefined || graded.score >= threshold);
  return { pass, score: graded.score, reason: graded.reason };
};

/** G-Eval style: the grader scores the answer against the criteria in [0, 1]; passes at `threshold` (0.7). */
const gEval: AssertionHandler = ({ value, threshold, ctx }) => {
  const graded = ctx.graded?.[gradedKey('g-eval', String(value))];
  if (!graded) return cannotGrade('no grader verdict (is eval.grader set in promptops.yaml?)');
  const mark = threshold ?? 0.7;
  return {
    pass: graded.score >= mark,
    score: graded.score,
    reason: `${graded.reason} (score ${graded.score.toFixed(2)}, needs ${mark})`,
  };
};

/** Model-graded assertions, answered by the project's grader prompt. */
export const MODEL_GRADED_ASSERTIONS: AssertionFamily = {
  'llm-rubric': { handler: llmRubric, threshold: {} },
  'g-eval': { handler: gEval, threshold: { default: 0.7 } },
};
