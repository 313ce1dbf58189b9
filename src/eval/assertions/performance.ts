import { PromptOpsError } from '../../errors.js';
import { cannotGrade, verdict } from './shared.js';
import type { AssertionFamily, AssertionHandler } from './types.js';

function limit(type: string, threshold: number | undefined): number {
  if (threshold === undefined)
    throw new PromptOpsError('PO_ERR_USAGE', `assertion "${type}" needs a threshold (the most allowed)`, {
      type,
    });
  return threshold;
}

/** Passes when the run took at most `threshold` milliseconds. */
const latency: AssertionHandler = ({ threshold, ctx }) => {
  const max = limit('latency', threshold);
  if (ctx.latencyMs === undefined) return cannotGrade('the run has no latency measurement');
  return verdict(
    ctx.latencyMs <= max,
    `the run took ${ctx.latencyMs} ms; ${ctx.latencyMs <= max ? 'within' : 'over'} ${max} ms`,
  );
};

/** Passes when the run cost at most `threshold` US dollars. */
const cost: AssertionHandler = ({ threshold, ctx }) => {
  const max = limit('cost', threshold);
  if (ctx.costUsd === undefined || ctx.costUsd === null)
    return cannotGrade('the run has no cost measurement (is there pricing for this model?)');
  return verdict(
    ctx.costUsd <= max,
    `the run cost $${ctx.costUsd}; ${ctx.costUsd <= max ? 'within' : 'over'} $${max}`,
  );
};

/** Performance assertions on the run's measurements. */
export const PERFORMANCE_ASSERTIONS: AssertionFamily = {
  latency: { handler: latency, threshold: {} },
  cost: { handler: cost, threshold: {} },
};
