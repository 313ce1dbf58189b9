import { randomUUID } from 'node:crypto';
import { PromptOpsError } from '../errors.js';
import { emptyValues, minuteOf } from '../monitor/rollup.js';
import { FEEDBACK_SOURCE, type RollupStore } from './rollup-store.js';
import type { Database } from './schema.js';
import { parseJson, type StoreContext } from './store-context.js';
import type { FeedbackFilter, FeedbackRecord, NewFeedback } from './types.js';

/** Below this score, feedback counts as negative (as a thumbs down does). */
const NEGATIVE_BELOW = 0.5;

/**
 * Feedback on traces: what people (or an application on their behalf) thought of an answer. It is
 * data about runs, like the traces it points at, not a governance action, so it is not audited.
 * Each feedback is also added to its trace's rollup cell (source `feedback`), in the same
 * transaction, so monitoring reads feedback rates with the other metrics.
 */
export class FeedbackStore {
  /** The store methods this part serves. */
  static readonly operations = [
    'recordFeedback',
    'listFeedback',
  ] as const satisfies readonly (keyof FeedbackStore)[];

  constructor(
    private readonly ctx: StoreContext,
    private readonly rollups: RollupStore,
  ) {}

  /**
   * Records feedback on a trace of this project (several per trace are kept). PO_ERR_TRACE_NOT_FOUND
   * when the project has no such trace, PO_ERR_REQUEST_INVALID without a score or thumbs; nothing is
   * written then.
   */
  async recordFeedback(input: NewFeedback, actor: string): Promise<FeedbackRecord> {
    if (input.score === undefined && input.thumbs === undefined) {
      throw new PromptOpsError(
        'PO_ERR_REQUEST_INVALID',
        `feedback on trace ${input.traceId} needs a score (0 to 1) or thumbs (up or down)`,
        { traceId: input.traceId },
      );
    }
    const at = this.ctx.now().toISOString();
    // Feedback on one busy minute adds to one rollup row: writers queue on its lock, none fails.
    return this.ctx.transactLocking(async (trx) => {
      const trace = await trx
        .selectFrom('traces')
        .select(['prompt', 'version_number', 'environment', 'arm', 'started_at'])
        .where('project', '=', this.ctx.project)
        .where('id', '=', input.traceId)
        .executeTakeFirst();
      if (!trace) {
        throw new PromptOpsError(
          'PO_ERR_TRACE_NOT_FOUND',
          `no trace ${input.traceId} in project "${this.ctx.project}" to give feedback on; "promptops traces" lists the recent ones`,
          { id: input.traceId },
        );
      }
      const row: Database['feedback'] = {
        id: randomUUID(),
        project: this.ctx.project,
        trace_id: input.traceId,
        prompt: trace.prompt,
        version_number: trace.version_number,
        environment: trace.environment,
        score: input.score ?? null,
        thumbs: input.thumbs ?? null,
        negative: isNegative(input) ? 1 : 0,
        comment: input.comment ?? null,
        corrected_output: input.correctedOutput === undefined ? null : JSON.stringify(input.correctedOutput),
        subject: actor,
        at,
      };
      await trx.insertInto('feedback').values(row).execute();
      const values = emptyValues();
      if (row.negative) values.feedbackNegative = 1;
      else values.feedbackPositive = 1;
      if (row.score !== null) {
        values.feedbackScoreSum = row.score;
        values.feedbackScored = 1;
      }
      await this.rollups.addInTransaction(trx, FEEDBACK_SOURCE, [
        {
          prompt: trace.prompt,
          version: trace.version_number,
          environment: trace.environment,
          arm: trace.arm,
          minute: minuteOf(new Date(trace.started_at)),
          values,
        },
      ]);
      return toFeedback(row);
    });
  }

  /**
   * Feedback in this project, newest first, filtered by its trace, or by the trace's prompt, version
   * and environment (the feedback_trace and feedback_prompt_time indexes serve them).
   */
  async listFeedback(filter: FeedbackFilter = {}): Promise<FeedbackRecord[]> {
    let query = this.ctx.db.selectFrom('feedback').selectAll().where('project', '=', this.ctx.project);
    if (filter.traceId !== undefined) query = query.where('trace_id', '=', filter.traceId);
    if (filter.prompt !== undefined) query = query.where('prompt', '=', filter.prompt);
    if (filter.version !== undefined) query = query.where('version_number', '=', filter.version);
    if (filter.environment !== undefined) query = query.where('environment', '=', filter.environment);
    if (filter.sentiment !== undefined)
      query = query.where('negative', '=', filter.sentiment === 'negative' ? 1 : 0);
    if (filter.since !== undefined) query = query.where('at', '>=', new Date(filter.since).toISOString());
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 50)
      .execute();
    return rows.map(toFeedback);
  }
}

/** Thumbs down, or a score under 0.5; a thumbs up with a low score is still negative. */
function isNegative(input: NewFeedback): boolean {
  return input.thumbs === 'down' || (input.score !== undefined && input.score < NEGATIVE_BELOW);
}

function toFeedback(row: Database['feedback']): FeedbackRecord {
  return {
    id: row.id,
    traceId: row.trace_id,
    prompt: row.prompt,
    version: row.version_number,
    environment: row.environment,
    score: row.score,
    thumbs: row.thumbs,
    negative: Number(row.negative) === 1,
    comment: row.comment,
    correctedOutput: parseJson(row.corrected_output),
    by: row.subject,
    at: row.at,
  };
}
