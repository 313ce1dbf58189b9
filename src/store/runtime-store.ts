import { PromptOpsError } from '../errors.js';
import type { Trace } from '../observe/trace.js';
import type { AuditLog } from './audit-log.js';
import type { Database } from './schema.js';
import type { StoreContext, Tx } from './store-context.js';
import type { EvalRunRecord, ReviewRecord, TraceFilter } from './types.js';

/**
 * What running prompts records: traces, guardrail reviews held for a human, evaluation runs and
 * the evaluations' response cache.
 */
export class RuntimeStore {
  /** The store methods this part serves: the facade delegates them and `Store` is typed from them. */
  static readonly operations = [
    'writeTraces',
    'listTraces',
    'getTrace',
    'createReview',
    'getReview',
    'listReviews',
    'decideReview',
    'readResponseCache',
    'writeResponseCache',
    'recordEvalRun',
    'listEvalRuns',
  ] as const satisfies readonly (keyof RuntimeStore)[];

  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Appends traces in one transaction (the trace queue calls this with batches). Idempotent: a trace
   * whose id is already stored is skipped, so a replayed batch writes only what is new.
   */
  async writeTraces(traces: readonly Trace[]): Promise<void> {
    if (traces.length === 0) return;
    const { runBatch } = this.ctx.engine;
    if (runBatch) {
      runBatch(this.traceInserts(this.ctx.db, traces).map((q) => q.compile()));
      return;
    }
    await this.ctx.transact(async (trx) => {
      for (const query of this.traceInserts(trx, traces)) await query.execute();
    });
  }

  /** The inserts for a batch of traces, chunked to stay under the engines' bound-parameter limits. */
  private traceInserts(db: Tx, traces: readonly Trace[]) {
    const queries = [];
    for (let i = 0; i < traces.length; i += 50) {
      queries.push(
        db
          .insertInto('traces')
          .values(
            traces.slice(i, i + 50).map((t) => ({
              id: t.id,
              project: t.project,
              prompt: t.prompt,
              version_number: t.version.number,
              version_hash: t.version.hash,
              environment: t.environment,
              arm: t.arm ?? null,
              status: t.status,
              error_code: t.error?.code ?? null,
              model: t.model,
              started_at: t.startedAt,
              duration_ms: storableReal(t.timings.total),
              record: JSON.stringify(t),
            })),
          )
          // A spool replays a batch after a crash: a trace already stored stays as it is, once.
          .onConflict((conflict) => conflict.column('id').doNothing()),
      );
    }
    return queries;
  }

  async listTraces(filter: TraceFilter = {}): Promise<Trace[]> {
    let query = this.ctx.db.selectFrom('traces').select('record').where('project', '=', this.ctx.project);
    if (filter.prompt !== undefined) query = query.where('prompt', '=', filter.prompt);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.version !== undefined) query = query.where('version_number', '=', filter.version);
    if (filter.environment !== undefined) query = query.where('environment', '=', filter.environment);
    if (filter.arm !== undefined) query = query.where('arm', '=', filter.arm);
    // Traces record toISOString() times; the bounds are written the same way so text order is time order.
    if (filter.since !== undefined)
      query = query.where('started_at', '>=', new Date(filter.since).toISOString());
    if (filter.until !== undefined)
      query = query.where('started_at', '<', new Date(filter.until).toISOString());
    const rows = await query
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 50)
      .execute();
    return rows.map((r) => toTrace(r.record));
  }

  /** One trace by id; PO_ERR_TRACE_NOT_FOUND when this project has none with that id. */
  async getTrace(id: string): Promise<Trace> {
    const row = await this.ctx.db
      .selectFrom('traces')
      .select('record')
      .where('project', '=', this.ctx.project)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) {
      throw new PromptOpsError(
        'PO_ERR_TRACE_NOT_FOUND',
        `no trace ${id} in project "${this.ctx.project}"; "promptops traces" lists the recent ones`,
        { id },
      );
    }
    return toTrace(row.record);
  }

  async createReview(
    review: Omit<ReviewRecord, 'status' | 'decidedAt' | 'decidedBy' | 'note'>,
  ): Promise<ReviewRecord> {
    await this.ctx.db
      .insertInto('reviews')
      .values({
        id: review.id,
        project: this.ctx.project,
        prompt: review.prompt,
        version_number: review.versionNumber,
        stage: review.stage,
        guardrail: review.guardrail,
        status: 'pending',
        trace_id: review.traceId,
        created_at: review.createdAt,
        decided_at: null,
        decided_by: null,
        note: null,
        payload: JSON.stringify(review.payload),
      })
      .execute();
    return { ...review, status: 'pending', decidedAt: null, decidedBy: null, note: null };
  }

  async getReview(id: string): Promise<ReviewRecord> {
    const row = await this.ctx.db
      .selectFrom('reviews')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) {
      throw new PromptOpsError(
        'PO_ERR_REVIEW_NOT_FOUND',
        `review ${id} does not exist; list reviews with "promptops review ls"`,
        { review: id },
      );
    }
    return toReview(row);
  }

  async listReviews(
    filter: { status?: ReviewRecord['status']; limit?: number } = {},
  ): Promise<ReviewRecord[]> {
    let query = this.ctx.db.selectFrom('reviews').selectAll().where('project', '=', this.ctx.project);
    if (filter.status) query = query.where('status', '=', filter.status);
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 50)
      .execute();
    return rows.map(toReview);
  }

  /** Approves or rejects a pending review; deciding twice is a conflict, never a silent overwrite. */
  async decideReview(
    id: string,
    decision: 'approved' | 'rejected',
    actor: string,
    note?: string,
  ): Promise<ReviewRecord> {
    const at = this.ctx.now().toISOString();
    const audit = {
      actor,
      action: decision === 'approved' ? 'review.approve' : 'review.reject',
      target: `review:${id}`,
      before: { status: 'pending' },
      after: { status: decision, note: note ?? null },
      at,
    };
    return this.ctx.transact((trx) =>
      this.audit.audited(trx, audit, async () => {
        const result = await trx
          .updateTable('reviews')
          .set({ status: decision, decided_at: at, decided_by: actor, note: note ?? null })
          .where('project', '=', this.ctx.project)
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) await this.refuseDecided(trx, id);
        return toReview(
          await trx.selectFrom('reviews').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
        );
      }),
    );
  }

  /** Why a review could not be decided: it does not exist, or someone decided it already. */
  private async refuseDecided(trx: Tx, id: string): Promise<never> {
    const current = await trx
      .selectFrom('reviews')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current)
      throw new PromptOpsError('PO_ERR_REVIEW_NOT_FOUND', `review ${id} does not exist`, { review: id });
    throw new PromptOpsError(
      'PO_ERR_REVIEW_DECIDED',
      `review ${id} was already ${current.status} by ${current.decided_by} at ${current.decided_at}`,
      { review: id, status: current.status },
    );
  }

  /** Cached model answers of the given versions (evaluations only). */
  async readResponseCache(versionHashes: readonly string[]): Promise<Map<string, unknown>> {
    if (versionHashes.length === 0) return new Map();
    const rows = await this.ctx.db
      .selectFrom('response_cache')
      .select(['key', 'response'])
      .where('project', '=', this.ctx.project)
      .where('version_hash', 'in', [...versionHashes])
      .execute();
    return new Map(rows.map((r) => [r.key, JSON.parse(r.response) as unknown]));
  }

  async writeResponseCache(
    entries: readonly { key: string; versionHash: string; response: unknown }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const at = this.ctx.now().toISOString();
    await this.ctx.transact(async (trx) => {
      for (let i = 0; i < entries.length; i += 100) {
        await trx
          .insertInto('response_cache')
          .values(
            entries.slice(i, i + 100).map((e) => ({
              key: e.key,
              project: this.ctx.project,
              version_hash: e.versionHash,
              created_at: at,
              response: JSON.stringify(e.response),
            })),
          )
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
      }
    });
  }

  /** Keeps an evaluation run, linked to the version hash it tested. */
  async recordEvalRun(run: EvalRunRecord): Promise<void> {
    await this.ctx.db
      .insertInto('eval_runs')
      .values({
        id: run.id,
        project: this.ctx.project,
        prompt: run.prompt,
        version_hash: run.versionHash,
        started_at: run.startedAt,
        passed: run.passed,
        failed: run.failed,
        errors: run.errors,
        pass_rate: storableReal(run.passRate),
        result: JSON.stringify(run.result),
      })
      .execute();
  }

  async listEvalRuns(
    filter: { prompt?: string; versionHash?: string; limit?: number } = {},
  ): Promise<EvalRunRecord[]> {
    let query = this.ctx.db.selectFrom('eval_runs').selectAll().where('project', '=', this.ctx.project);
    if (filter.prompt !== undefined) query = query.where('prompt', '=', filter.prompt);
    if (filter.versionHash !== undefined) query = query.where('version_hash', '=', filter.versionHash);
    const rows = await query
      .orderBy('started_at', 'desc')
      .orderBy('id')
      .limit(filter.limit ?? 20)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      prompt: r.prompt,
      versionHash: r.version_hash,
      startedAt: r.started_at,
      passed: r.passed,
      failed: r.failed,
      errors: r.errors,
      passRate: r.pass_rate,
      result: JSON.parse(r.result) as unknown,
    }));
  }
}

function toReview(row: Database['reviews']): ReviewRecord {
  return {
    id: row.id,
    prompt: row.prompt,
    versionNumber: row.version_number,
    stage: row.stage,
    guardrail: row.guardrail,
    status: row.status,
    traceId: row.trace_id,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    note: row.note,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
  };
}

/**
 * A number as a `real` column keeps it on every engine: PostgreSQL's (float4) refuses values too
 * small for it rather than rounding them, and at that size a duration or a rate is zero.
 */
function storableReal(value: number): number {
  return Math.abs(value) < 1e-30 ? 0 : value;
}

/** A stored trace record; one written before traces recorded the arm reads as no gateway's (null). */
function toTrace(record: string): Trace {
  const trace = JSON.parse(record) as Omit<Trace, 'arm'> & { arm?: Trace['arm'] };
  return { ...trace, arm: trace.arm ?? null };
}
