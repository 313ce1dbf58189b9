import { PromptOpsError } from '../../errors.js';
import type { ReviewRecord } from '../../store/index.js';
import { isOneOf, projectDir, resolveActor, withStore } from '../context.js';
import { color, formatWhen, print, printJson, table } from '../output.js';
import type {
  DecideOptions,
  ListReviewsOptions,
  ReviewResultOptions,
  ShowReviewOptions,
} from './review-commands.js';

/** `promptops review ls`: requests held by an `escalate` guardrail, newest first. */
export async function listReviews(options: ListReviewsOptions): Promise<number> {
  const status = options.status ?? 'pending';
  if (!isOneOf(status, ['pending', 'approved', 'rejected', 'all'])) {
    throw new PromptOpsError('PO_ERR_USAGE', '--status must be pending, approved, rejected or all');
  }
  return withStore(options, async (store) => {
    const reviews = await store.listReviews(status === 'all' ? {} : { status });
    if (options.json) {
      printJson({ reviews });
      return 0;
    }
    if (reviews.length === 0) {
      print(`no ${status === 'all' ? '' : `${status} `}reviews`);
      return 0;
    }
    print(
      table(
        ['ID', 'PROMPT', 'STAGE', 'GUARDRAIL', 'STATUS', 'CREATED', 'DECIDED BY'],
        reviews.map((r) => [
          r.id,
          `${r.prompt}@${r.versionNumber}`,
          r.stage,
          r.guardrail,
          paint(r.status),
          formatWhen(r.createdAt),
          r.decidedBy ?? '-',
        ]),
      ),
    );
    return 0;
  });
}

function paint(status: ReviewRecord['status']): string {
  return status === 'approved'
    ? color.green(status)
    : status === 'rejected'
      ? color.red(status)
      : color.yellow(status);
}

/** `promptops review approve|reject ID`: records the decision and who made it. */
export async function decide(
  id: string,
  decision: 'approved' | 'rejected',
  options: DecideOptions,
): Promise<number> {
  return withStore(options, async (store) => {
    const review = await store.decideReview(id, decision, resolveActor(options.author), options.note);
    if (options.json) printJson(review);
    else
      print(
        `${paint(review.status)} ${review.id} (${review.prompt}@${review.versionNumber}, ${review.guardrail}) by ${review.decidedBy}`,
      );
    return 0;
  });
}

/** `promptops review show ID`: the held request, its verdicts and its decision. */
export async function showReview(id: string, options: ShowReviewOptions): Promise<number> {
  return withStore(options, async (store) => {
    const review = await store.getReview(id);
    if (options.json) printJson(review);
    else {
      print(
        `${color.bold(review.id)} ${paint(review.status)} ${review.prompt}@${review.versionNumber} ${review.stage} · ${review.guardrail}`,
      );
      print(JSON.stringify(review.payload, null, 2));
    }
    return 0;
  });
}

/** `promptops review result ID`: delivers a decided request: the approved answer, or the refusal. */
export async function result(id: string, options: ReviewResultOptions): Promise<number> {
  const { createClient } = await import('../../runtime/client.js');
  const client = createClient({ cwd: projectDir(options) });
  try {
    const outcome = await client.awaitReview(id, {
      timeoutMs: options.wait ? Number(options.wait) * 1000 : 0,
    });
    if (options.json) printJson(outcome);
    else print(typeof outcome.output === 'string' ? outcome.output : JSON.stringify(outcome.output, null, 2));
    return 0;
  } finally {
    await client.close();
  }
}
