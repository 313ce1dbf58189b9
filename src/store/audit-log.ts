import { randomUUID } from 'node:crypto';
import type { AuditDraft } from '../governance/change-request.js';
import { auditHash, GENESIS, verifyChain } from './audit-chain.js';
import { compareState } from './audit-state.js';
import type { Database } from './schema.js';
import { parseJson, type StoreContext, type Tx } from './store-context.js';
import type { AuditEntry, AuditVerification } from './types.js';

/** The project's audit chain: every audited write appends its entry in the write's own transaction. */
export class AuditLog {
  /** The store methods this part serves: the facade delegates them and `Store` is typed from them. */
  static readonly operations = ['listAudit', 'verifyAudit'] as const satisfies readonly (keyof AuditLog)[];

  constructor(private readonly ctx: StoreContext) {}

  /**
   * Runs `write` and appends its audit entry inside the caller's transaction, so the action and its
   * entry commit together or not at all. `entry` may be computed from what `write` returned.
   */
  async audited<T>(
    trx: Tx,
    entry: AuditDraft | ((result: T) => AuditDraft),
    write: () => Promise<T>,
  ): Promise<T> {
    const result = await write();
    await this.append(trx, typeof entry === 'function' ? entry(result) : entry);
    return result;
  }

  private async append(trx: Tx, draft: AuditDraft): Promise<void> {
    const last = await trx
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('project', '=', this.ctx.project)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const fields = {
      seq: (last?.seq ?? 0) + 1,
      at: draft.at,
      actor: draft.actor,
      action: draft.action,
      target: draft.target,
      before: draft.before ?? null,
      after: draft.after ?? null,
      prevHash: last?.hash ?? GENESIS,
    };
    await trx
      .insertInto('audit_log')
      .values({
        id: randomUUID(),
        project: this.ctx.project,
        seq: fields.seq,
        at: fields.at,
        actor: fields.actor,
        action: fields.action,
        target: fields.target,
        before: fields.before === null ? null : JSON.stringify(fields.before),
        after: fields.after === null ? null : JSON.stringify(fields.after),
        prev_hash: fields.prevHash,
        hash: auditHash(fields),
      })
      .execute();
  }

  /** The audit log, newest first. */
  async listAudit(filter: { limit?: number } = {}): Promise<AuditEntry[]> {
    const rows = await this.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .orderBy('seq', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return rows.map(toAuditEntry);
  }

  /**
   * Recomputes the audit hash chain (`broken`: the first entry that does not hold) and compares the
   * labels and active releases with what the chain says (`mismatches`). `at` asks for that entry's
   * hash too, to hold against a signed checkpoint.
   */
  async verifyAudit(options: { at?: number } = {}): Promise<AuditVerification> {
    const { project } = this.ctx;
    // One transaction, so the chain and the tables are read at the same moment.
    const { rows, labels, releases } = await this.ctx.transact(async (trx) => ({
      rows: await trx
        .selectFrom('audit_log')
        .selectAll()
        .where('project', '=', project)
        .orderBy('seq')
        .execute(),
      labels: await trx
        .selectFrom('labels as l')
        .innerJoin('prompts as p', 'p.id', 'l.prompt_id')
        .innerJoin('prompt_versions as v', 'v.id', 'l.version_id')
        .select(['p.name as prompt', 'l.name as label', 'v.number as version', 'v.hash'])
        .where('p.project', '=', project)
        .execute(),
      releases: await trx
        .selectFrom('releases')
        .select([
          'prompt',
          'environment',
          'seq',
          'version_number',
          'version_hash',
          'canary_number',
          'canary_weight',
        ])
        .where('project', '=', project)
        .where('active', '=', 1)
        .execute(),
    }));
    const entries = rows.map(toAuditEntry);
    const last = entries.at(-1);
    const asked = options.at === undefined ? undefined : entries.find((e) => e.seq === options.at);
    return {
      project,
      checked: entries.length,
      broken: verifyChain(entries),
      head: last ? { seq: last.seq, hash: last.hash } : null,
      ...(options.at === undefined ? {} : { entry: asked ? { seq: asked.seq, hash: asked.hash } : null }),
      mismatches: compareState(entries, {
        labels,
        releases: releases.map((r) => ({
          prompt: r.prompt,
          environment: r.environment,
          release: r.seq,
          version: r.version_number,
          hash: r.version_hash,
          canary:
            r.canary_number !== null && r.canary_weight !== null
              ? { version: r.canary_number, weight: r.canary_weight }
              : null,
        })),
      }),
    };
  }
}

function toAuditEntry(row: Database['audit_log']): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    before: parseJson(row.before),
    after: parseJson(row.after),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
