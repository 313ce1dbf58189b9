import { randomUUID } from 'node:crypto';
import { PromptOpsError } from '../errors.js';
import {
  type ChangeRequestState,
  changeAuthors,
  changeRange,
  nextRecordAt,
  planApproval,
  planCheck,
  planClose,
  planOpen,
  planOverride,
  requireJustification,
  requireKnownCheck,
  rescoreRisk,
} from '../governance/change-request.js';
import {
  type Approval,
  type ApprovalPolicy,
  type CheckName,
  type CheckRecord,
  evaluateGate,
} from '../governance/policy.js';
import type { RiskAssessment } from '../governance/risk.js';
import type { AuditLog } from './audit-log.js';
import type { CatalogStore } from './catalog-store.js';
import type { PolicyExceptions } from './policy-exceptions.js';
import type { Database } from './schema.js';
import { groupBy, parseJson, type StoreContext, type Tx } from './store-context.js';
import type { ChangeRequest, CheckInput } from './types.js';

type CrRow = Database['change_requests'];

/**
 * Change requests: each operation loads the request's state, lets the state machine in
 * governance/change-request.ts judge it, and commits the outcome with its audit entry in one
 * transaction.
 */
export class ChangeRequestStore {
  /** The store methods this part serves: the facade delegates them and `Store` is typed from them. */
  static readonly operations = [
    'openChangeRequest',
    'listChangeRequests',
    'getChangeRequest',
    'recordCheck',
    'recordApproval',
    'overrideCheck',
    'closeChangeRequest',
  ] as const satisfies readonly (keyof ChangeRequestStore)[];

  constructor(
    private readonly ctx: StoreContext,
    private readonly parts: {
      audit: AuditLog;
      catalog: CatalogStore;
      exceptions: PolicyExceptions;
      policy: ApprovalPolicy;
      /** The environment a change is judged against: what production serves. */
      baseLabel: string;
    },
  ) {}

  async openChangeRequest(
    input: { prompt: string; version?: number; title?: string; description?: string },
    author: string,
  ): Promise<ChangeRequest> {
    const { catalog, audit, baseLabel } = this.parts;
    return this.ctx.transact(async (trx) => {
      const candidate = await catalog.resolveIn(trx, {
        prompt: input.prompt,
        selector:
          input.version === undefined ? { kind: 'latest' } : { kind: 'number', number: input.version },
      });
      const duplicate = await this.requests(trx)
        .select('number')
        .where('prompt', '=', input.prompt)
        .where('version_hash', '=', candidate.hash)
        .where('status', '=', 'open')
        .executeTakeFirst();
      // Always what production serves: a base the author could pick would let them pick a label
      // that serves nothing, and with it a lower risk and no regression run.
      const base = await catalog.labelledVersion(trx, input.prompt, baseLabel);
      const last = await this.requests(trx)
        .select('number')
        .orderBy('number', 'desc')
        .limit(1)
        .executeTakeFirst();
      const state = {
        candidate: { ...candidate, archived: candidate.archived !== null },
        duplicate: duplicate?.number ?? null,
        baseLabel,
        base,
        lastNumber: last?.number ?? 0,
      };
      const opened = planOpen(input, state, author, this.ctx.now().toISOString());
      const row: CrRow = {
        id: randomUUID(),
        project: this.ctx.project,
        number: opened.number,
        prompt: opened.prompt,
        version_number: opened.version,
        version_hash: opened.versionHash,
        base_number: opened.base,
        base_label: opened.baseLabel,
        title: opened.title,
        description: opened.description,
        author: opened.author,
        status: 'open',
        risk: JSON.stringify(opened.risk),
        created_at: opened.at,
        updated_at: opened.at,
      };
      await audit.audited(trx, opened.audit, () => trx.insertInto('change_requests').values(row).execute());
      return this.load(trx, row);
    });
  }

  async listChangeRequests(
    filter: { status?: ChangeRequest['status']; prompt?: string } = {},
  ): Promise<ChangeRequest[]> {
    // Four queries for the whole page (requests, checks, reviews, overrides), not four per request.
    const { db } = this.ctx;
    let query = this.requests(db).selectAll();
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.prompt) query = query.where('prompt', '=', filter.prompt);
    const rows = await query.orderBy('number', 'desc').limit(200).execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const authors = await this.authorsOf(db, rows);
    const checks = groupBy(await this.rowsOf(db, 'cr_checks', ids), (r) => r.cr_id);
    const reviews = groupBy(await this.rowsOf(db, 'cr_reviews', ids), (r) => r.cr_id);
    // Only this page's overrides (targets are "cr#N:check").
    const overrides = groupBy(
      await this.parts.exceptions
        .checkOverrides(db)
        .where((eb) => eb.or(rows.map((r) => eb('target', 'like', `cr#${r.number}:%`))))
        .execute(),
      (r) => r.target.slice(0, r.target.indexOf(':')),
    );
    return rows.map((row) =>
      this.assemble(
        row,
        authors.get(row.id) ?? [row.author],
        checks.get(row.id) ?? [],
        reviews.get(row.id) ?? [],
        overrides.get(`cr#${row.number}`) ?? [],
      ),
    );
  }

  async getChangeRequest(number: number): Promise<ChangeRequest> {
    return this.load(this.ctx.db, await this.row(this.ctx.db, number));
  }

  async recordCheck(number: number, check: CheckInput, actor: string): Promise<ChangeRequest> {
    requireKnownCheck(check.name);
    return this.ctx.transact(async (trx) => {
      const cr = await this.row(trx, number);
      const authors = await this.authorsOfOne(trx, cr);
      const at = nextRecordAt(this.ctx.now(), await this.lastAt(trx, 'cr_checks', cr.id));
      const plan = planCheck(toState(cr), authors, check, actor, at);
      await this.parts.audit.audited(trx, plan.audit, async () => {
        await trx
          .insertInto('cr_checks')
          .values({
            id: randomUUID(),
            cr_id: cr.id,
            name: check.name,
            status: check.status,
            summary: check.summary,
            details: check.details === undefined ? null : JSON.stringify(check.details),
            version_hash: check.versionHash,
            actor,
            at,
          })
          .execute();
        const risk = plan.rescore ? await this.rescore(trx, cr) : null;
        await this.touch(trx, cr.id, at, risk ? { risk: JSON.stringify(risk) } : {});
      });
      return this.load(trx, await this.row(trx, number), authors);
    });
  }

  async recordApproval(
    number: number,
    review: { decision: Approval['decision']; comment?: string },
    actor: string,
  ): Promise<ChangeRequest> {
    return this.ctx.transact(async (trx) => {
      const cr = await this.row(trx, number);
      const authors = await this.authorsOfOne(trx, cr);
      const at = nextRecordAt(this.ctx.now(), await this.lastAt(trx, 'cr_reviews', cr.id));
      const audit = planApproval(toState(cr), authors, review, actor, at);
      await this.parts.audit.audited(trx, audit, async () => {
        await trx
          .insertInto('cr_reviews')
          .values({
            id: randomUUID(),
            cr_id: cr.id,
            reviewer: actor,
            decision: review.decision,
            comment: review.comment ?? null,
            at,
          })
          .execute();
        await this.touch(trx, cr.id, at);
      });
      return this.load(trx, { ...cr, updated_at: at }, authors);
    });
  }

  /** Accepts a red check with a written justification (a policy exception); admins only. */
  async overrideCheck(
    number: number,
    input: { check: CheckName; justification: string },
    actor: string,
  ): Promise<ChangeRequest> {
    requireJustification(input.justification, 'overriding a check');
    return this.ctx.transact(async (trx) => {
      const cr = await this.row(trx, number);
      const checks = (await this.rowsOf(trx, 'cr_checks', [cr.id])).map(toCheckRecord);
      const at = this.ctx.now().toISOString();
      const exception = planOverride(toState(cr), checks, this.parts.policy, input, actor, at);
      await this.parts.exceptions.record(trx, exception);
      await this.touch(trx, cr.id, at);
      return this.load(trx, { ...cr, updated_at: at });
    });
  }

  async closeChangeRequest(number: number, actor: string): Promise<ChangeRequest> {
    return this.ctx.transact(async (trx) => {
      const cr = await this.row(trx, number);
      const at = this.ctx.now().toISOString();
      const audit = planClose(toState(cr), actor, at);
      await this.parts.audit.audited(trx, audit, () => this.touch(trx, cr.id, at, { status: 'closed' }));
      return this.load(trx, { ...cr, status: 'closed', updated_at: at });
    });
  }

  /** A change request with its gate and store id, as a release reads it inside its transaction. */
  async releasable(trx: Tx, number: number): Promise<ChangeRequest & { id: string }> {
    const row = await this.row(trx, number);
    return { ...(await this.load(trx, row)), id: row.id };
  }

  /** The number of the change request with this store id. */
  async numberOf(trx: Tx, id: string): Promise<number> {
    const { number } = await trx
      .selectFrom('change_requests')
      .select('number')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return number;
  }

  /** Marks a change request released, inside the release's transaction. */
  markReleased(trx: Tx, id: string, at: string): Promise<void> {
    return this.touch(trx, id, at, { status: 'released' });
  }

  private requests(trx: Tx) {
    return trx.selectFrom('change_requests').where('project', '=', this.ctx.project);
  }

  private async row(trx: Tx, number: number): Promise<CrRow> {
    const row = await this.requests(trx).selectAll().where('number', '=', number).executeTakeFirst();
    if (!row) {
      throw new PromptOpsError(
        'PO_ERR_CR_NOT_FOUND',
        `change request #${number} does not exist in project "${this.ctx.project}"; list them with "promptops change ls"`,
        { number },
      );
    }
    return row;
  }

  /** Sets `updated_at` (and any other columns given) of a change request. */
  private async touch(
    trx: Tx,
    id: string,
    at: string,
    set: Partial<Pick<CrRow, 'status' | 'risk'>> = {},
  ): Promise<void> {
    await trx
      .updateTable('change_requests')
      .set({ ...set, updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  /** The time of the change request's latest review or check run, if any. */
  private async lastAt(trx: Tx, table: 'cr_reviews' | 'cr_checks', crId: string): Promise<string | null> {
    const last = await trx
      .selectFrom(table)
      .select((eb) => eb.fn.max('at').as('at'))
      .where('cr_id', '=', crId)
      .executeTakeFirst();
    return last?.at ?? null;
  }

  /** The check runs or reviews of these change requests, oldest first. */
  private rowsOf<T extends 'cr_checks' | 'cr_reviews'>(trx: Tx, table: T, crIds: readonly string[]) {
    return trx
      .selectFrom(table as 'cr_checks' | 'cr_reviews')
      .selectAll()
      .where('cr_id', 'in', crIds)
      .orderBy('at')
      .execute() as Promise<Database[T][]>;
  }

  /** A change request read in full; `authors` when the caller already read them in this transaction. */
  private async load(trx: Tx, row: CrRow, authors?: string[]): Promise<ChangeRequest> {
    const checks = await this.rowsOf(trx, 'cr_checks', [row.id]);
    const reviews = await this.rowsOf(trx, 'cr_reviews', [row.id]);
    const overrides = await this.parts.exceptions
      .checkOverrides(trx)
      .where('target', 'like', `cr#${row.number}:%`)
      .execute();
    return this.assemble(row, authors ?? (await this.authorsOfOne(trx, row)), checks, reviews, overrides);
  }

  private async authorsOfOne(trx: Tx, row: CrRow): Promise<string[]> {
    return (await this.authorsOf(trx, [row])).get(row.id) ?? [row.author];
  }

  /**
   * Everyone who authored each change request's change (see `changeRange`), in one query that
   * reads only the versions in each change's range. Versions are immutable, so this is computed,
   * not stored.
   */
  private async authorsOf(trx: Tx, rows: readonly CrRow[]): Promise<Map<string, string[]>> {
    const ranges = rows.map((row) => ({ row, ...changeRange(row.base_number, row.version_number) }));
    const versions = await trx
      .selectFrom('prompt_versions as v')
      .innerJoin('prompts as p', 'p.id', 'v.prompt_id')
      .select(['p.name', 'v.number', 'v.author'])
      .where('p.project', '=', this.ctx.project)
      .where((eb) =>
        eb.or(
          ranges.map(({ row, from, to }) =>
            eb.and([eb('p.name', '=', row.prompt), eb('v.number', '>=', from), eb('v.number', '<=', to)]),
          ),
        ),
      )
      .execute();
    const byPrompt = groupBy(versions, (v) => v.name);
    const out = new Map<string, string[]>();
    for (const { row, from, to } of ranges) {
      const pushers = (byPrompt.get(row.prompt) ?? [])
        .filter((v) => v.number >= from && v.number <= to)
        .map((v) => v.author);
      out.set(row.id, changeAuthors(row.author, pushers));
    }
    return out;
  }

  /** The risk recomputed once the checks add what they measured. */
  private async rescore(trx: Tx, cr: CrRow): Promise<RiskAssessment> {
    const checks = (await this.rowsOf(trx, 'cr_checks', [cr.id])).map(toCheckRecord);
    const numbers = cr.base_number === null ? [cr.version_number] : [cr.version_number, cr.base_number];
    const specs = await this.parts.catalog.specsOf(trx, cr.prompt, numbers);
    const candidate = specs.get(cr.version_number);
    if (!candidate) throw new Error(`${cr.prompt}@${cr.version_number} is missing`);
    const base = cr.base_number === null ? null : (specs.get(cr.base_number) ?? null);
    return rescoreRisk({ base, candidate, versionHash: cr.version_hash, checks });
  }

  /** A change request from its row and its checks, reviews and overrides (each oldest first). */
  private assemble(
    row: CrRow,
    authors: string[],
    checkRows: readonly Database['cr_checks'][],
    reviewRows: readonly Database['cr_reviews'][],
    overrideRows: readonly Database['policy_exceptions'][],
  ): ChangeRequest {
    const checks = checkRows.map(toCheckRecord);
    const reviews = reviewRows.map((r) => ({
      reviewer: r.reviewer,
      decision: r.decision,
      comment: r.comment,
      at: r.at,
    }));
    const overrides = overrideRows.map((r) => ({
      check: r.target.slice(r.target.indexOf(':') + 1),
      actor: r.actor,
      justification: r.justification,
      at: r.at,
    }));
    const risk = JSON.parse(row.risk) as RiskAssessment;
    const gate = evaluateGate({
      ...{ number: row.number, authors, versionHash: row.version_hash, risk },
      ...{ checks, approvals: reviews, overrides, policy: this.parts.policy },
    });
    return {
      number: row.number,
      prompt: row.prompt,
      version: row.version_number,
      versionHash: row.version_hash,
      base: row.base_number,
      baseLabel: row.base_label,
      title: row.title,
      description: row.description,
      author: row.author,
      authors,
      status: row.status,
      risk,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      checks,
      reviews,
      overrides,
      gate,
    };
  }
}

/** What the state machine reads of a stored change request. */
function toState(row: CrRow): ChangeRequestState & { risk: RiskAssessment } {
  return {
    number: row.number,
    prompt: row.prompt,
    version: row.version_number,
    versionHash: row.version_hash,
    author: row.author,
    status: row.status,
    risk: JSON.parse(row.risk) as RiskAssessment,
  };
}

function toCheckRecord(r: Database['cr_checks']): CheckRecord {
  return {
    name: r.name,
    status: r.status,
    summary: r.summary,
    details: parseJson(r.details),
    versionHash: r.version_hash,
    actor: r.actor,
    at: r.at,
  };
}
