import { randomUUID } from 'node:crypto';
import { PromptOpsError } from '../../errors.js';
import type { GuardrailResult } from '../../guardrails/engine.js';
import type { VersionRecord } from '../../store/index.js';
import { type RunContext, versionName } from './run-state.js';

/**
 * Ends the request at a blocking or escalating guardrail: an escalation is held as a review for
 * people to decide (`PO_ERR_REVIEW_PENDING`), a block is refused (`PO_ERR_GUARDRAIL_BLOCKED`).
 */
export async function stopAt(
  { deps, request, run }: RunContext,
  record: VersionRecord,
  result: GuardrailResult,
  stage: 'input' | 'output',
  held: Record<string, unknown>,
): Promise<never> {
  const label = versionName(record);
  const why = result.reasons.join('; ');
  if (result.action === 'escalate') {
    if (!deps.reviews) {
      throw new PromptOpsError(
        'PO_ERR_CONFIG_INVALID',
        `${label}: guardrail "${result.name}" escalates, but this client has no review queue`,
      );
    }
    const review = await deps.reviews.createReview({
      id: randomUUID(),
      prompt: record.prompt,
      versionNumber: record.number,
      stage,
      guardrail: result.name,
      traceId: run.traceId,
      createdAt: (deps.clock?.() ?? new Date()).toISOString(),
      payload: {
        request: {
          prompt: record.prompt,
          version: record.number,
          environment: request.environment ?? null,
          arm: request.arm ?? null,
          input: request.input,
          metadata: request.metadata ?? {},
        },
        ...held,
        verdicts: run.guardrails.filter((g) => g.isViolation),
      },
    });
    deps.onEscalate?.(review);
    throw new PromptOpsError(
      'PO_ERR_REVIEW_PENDING',
      `${label}: the ${stage} is held for human review by guardrail "${result.name}" (${why}); decide with "promptops review approve ${review.id}" or "promptops review reject ${review.id}"`,
      { reviewId: review.id, guardrail: result.name, stage },
    );
  }
  throw new PromptOpsError(
    'PO_ERR_GUARDRAIL_BLOCKED',
    `${label}: the ${stage} was blocked by guardrail "${result.name}": ${why}`,
    {
      guardrail: result.name,
      stage,
      reasons: result.reasons,
      verdicts: run.guardrails.map(({ durationMs: _ms, ...verdict }) => verdict),
    },
  );
}
