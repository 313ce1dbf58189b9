import { randomUUID } from 'node:crypto';
import type { ExceptionDraft } from '../governance/change-request.js';
import type { AuditLog } from './audit-log.js';
import { parseJson, type StoreContext, type Tx } from './store-context.js';
import type { PolicyException } from './types.js';

/** Policy exceptions: an admin's recorded, justified acceptance of what a rule refuses. */
export class PolicyExceptions {
  /** The store methods this part serves: the facade delegates them and `Store` is typed from them. */
  static readonly operations = [
    'listPolicyExceptions',
  ] as const satisfies readonly (keyof PolicyExceptions)[];

  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  /** Records the exception and its audit entry inside the caller's transaction; returns its id. */
  async record(trx: Tx, draft: ExceptionDraft): Promise<string> {
    const id = randomUUID();
    const { kind, target, actor, justification, details, at } = draft;
    const audit = {
      actor,
      action: 'policy.exception',
      target,
      before: null,
      after: { kind, justification, details },
      at,
    };
    await this.audit.audited(trx, audit, () =>
      trx
        .insertInto('policy_exceptions')
        .values({
          id,
          project: this.ctx.project,
          kind,
          target,
          actor,
          justification,
          details: JSON.stringify(details),
          at,
        })
        .execute(),
    );
    return id;
  }

  /** This project's check overrides, oldest first; callers narrow the target ("cr#N:check"). */
  checkOverrides(trx: Tx) {
    return trx
      .selectFrom('policy_exceptions')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .where('kind', '=', 'check-override')
      .orderBy('at');
  }

  /** Every exception of the project, newest first. */
  async listPolicyExceptions(): Promise<PolicyException[]> {
    const rows = await this.ctx.db
      .selectFrom('policy_exceptions')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .orderBy('at', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      target: r.target,
      actor: r.actor,
      justification: r.justification,
      details: parseJson(r.details),
      at: r.at,
    }));
  }
}
