import { randomUUID } from 'node:crypto';
import { PromptOpsError } from '../errors.js';
import { type EnvironmentSnapshot, servedNumbers, snapshotOf } from '../governance/environment-snapshot.js';
import {
  type ActiveRelease,
  checkPromoteRequest,
  checkReleaseRequest,
  checkRollbackRequest,
  type EnvironmentState,
  planPromote,
  planRelease,
  planRollback,
  type ReleasePlan,
  type ReleasePolicy,
  requireEnvironment,
  rollbackTarget,
  type SpecsByNumber,
  specsToCompare,
  stableOf,
} from '../governance/release-plan.js';
import { type CanaryPlan, parseCanaryPlan } from '../monitor/canary-plan.js';
import type { AuditLog } from './audit-log.js';
import type { CatalogStore } from './catalog-store.js';
import type { ChangeRequestStore } from './change-request-store.js';
import type { PolicyExceptions } from './policy-exceptions.js';
import type { Database } from './schema.js';
import type { StoreContext, Tx } from './store-context.js';
import type { PromoteInput, ReleaseInput, ReleaseRecord, RollbackInput } from './types.js';

type ReleaseRow = Database['releases'];

/**
 * Releases: each operation reads what the environments serve, lets governance/release-plan.ts
 * decide, and commits the plan in one transaction: the previous release retired, the new one
 * inserted, the environment label moved, the change request marked and every step audited, so no
 * crash or race leaves half a release or two active ones.
 */
export class ReleaseStore {
  /** The store methods this part serves: the facade delegates them and `Store` is typed from them. */
  static readonly operations = [
    'release',
    'promote',
    'rollback',
    'listReleases',
    'snapshot',
  ] as const satisfies readonly (keyof ReleaseStore)[];

  constructor(
    private readonly ctx: StoreContext,
    private readonly parts: {
      audit: AuditLog;
      catalog: CatalogStore;
      changes: ChangeRequestStore;
      exceptions: PolicyExceptions;
      policy: ReleasePolicy;
    },
  ) {}

  async release(input: ReleaseInput, actor: string): Promise<ReleaseRecord> {
    const { policy, changes, catalog } = this.parts;
    checkReleaseRequest(input, policy);
    return this.ctx.transact(async (trx) => {
      const change = await changes.releasable(trx, input.changeRequest);
      await this.expectActive(trx, change.prompt, input);
      const env = await this.environment(trx, change.prompt, input.environment);
      const specs = await catalog.specsOf(
        trx,
        change.prompt,
        specsToCompare(stableOf(env)?.number, change.version),
      );
      const at = this.ctx.now().toISOString();
      const plan = planRelease({ change, env, specs }, input, policy, actor, at);
      return this.commit(trx, plan, await this.analysisOf(trx, plan, input));
    });
  }

  async promote(input: PromoteInput, actor: string): Promise<ReleaseRecord> {
    const { policy, changes, catalog } = this.parts;
    checkPromoteRequest(input, policy);
    return this.ctx.transact(async (trx) => {
      await this.expectActive(trx, input.prompt, input);
      const source = toActive(await this.activeRow(trx, input.prompt, input.environment));
      // Onward (to another environment) is judged by the change request and the target's state;
      // promoting a canary in place needs neither.
      const to = source?.canary === null ? input.to : undefined;
      const change =
        to !== undefined && source?.changeRequest
          ? await changes.releasable(trx, await changes.numberOf(trx, source.changeRequest))
          : null;
      const target: EnvironmentState =
        to !== undefined ? await this.environment(trx, input.prompt, to) : { active: null, labelled: null };
      const specs = await catalog.specsOf(
        trx,
        input.prompt,
        source ? specsToCompare(target.active?.version, source.version) : [],
      );
      const at = this.ctx.now().toISOString();
      return this.commit(trx, planPromote({ source, change, target, specs }, input, policy, actor, at));
    });
  }

  async rollback(input: RollbackInput, actor: string): Promise<ReleaseRecord> {
    const { policy, catalog } = this.parts;
    checkRollbackRequest(input, policy);
    return this.ctx.transact(async (trx) => {
      const { prompt, environment } = input;
      await this.expectActive(trx, prompt, input);
      const env = await this.environment(trx, prompt, environment);
      const serving = stableOf(env);
      const moves = serving ? await catalog.labelMoves(trx, prompt, environment) : [];
      const to = rollbackTarget({ env, moves }, input);
      const found =
        to === null || to === serving?.number
          ? null
          : await catalog.resolveIn(trx, { prompt, selector: { kind: 'number', number: to } });
      const target = found ? { number: found.number, hash: found.hash } : null;
      const specs = await catalog.specsOf(
        trx,
        prompt,
        serving && target ? [serving.number, target.number] : [],
      );
      const at = this.ctx.now().toISOString();
      return this.commit(trx, planRollback({ env, moves, target, specs }, input, policy, actor, at));
    });
  }

  async listReleases(
    filter: { prompt?: string; environment?: string; activeOnly?: boolean; limit?: number } = {},
  ): Promise<ReleaseRecord[]> {
    let query = this.ctx.db.selectFrom('releases').selectAll().where('project', '=', this.ctx.project);
    if (filter.prompt) query = query.where('prompt', '=', filter.prompt);
    if (filter.environment) query = query.where('environment', '=', filter.environment);
    if (filter.activeOnly) query = query.where('active', '=', 1);
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('seq', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return this.toReleases(this.ctx.db, rows);
  }

  /**
   * What `environment` serves right now, read in one transaction: each prompt's stable version and
   * canary, with their specs, and the audit head as the snapshot's revision.
   */
  async snapshot(environment: string): Promise<EnvironmentSnapshot> {
    const { policy, catalog } = this.parts;
    requireEnvironment(policy, environment);
    const { project } = this.ctx;
    return this.ctx.transact(async (trx) => {
      const head = await trx
        .selectFrom('audit_log')
        .select('seq')
        .where('project', '=', project)
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      const labelled = await trx
        .selectFrom('labels as l')
        .innerJoin('prompts as p', 'p.id', 'l.prompt_id')
        .innerJoin('prompt_versions as v', 'v.id', 'l.version_id')
        .select(['p.name as prompt', 'v.number', 'v.hash'])
        .where('p.project', '=', project)
        .where('l.name', '=', environment)
        .execute();
      const active = await trx
        .selectFrom('releases')
        .selectAll()
        .where('project', '=', project)
        .where('environment', '=', environment)
        .where('active', '=', 1)
        .execute();
      const states = new Map<string, EnvironmentState>();
      for (const { prompt, number, hash } of labelled)
        states.set(prompt, { active: null, labelled: { number, hash } });
      for (const row of active) {
        states.set(row.prompt, { active: toActive(row), labelled: states.get(row.prompt)?.labelled ?? null });
      }
      const wanted = new Map([...states].map(([prompt, env]) => [prompt, servedNumbers(env)] as const));
      const specs: Map<string, SpecsByNumber> = await catalog.specsOfMany(trx, wanted);
      return snapshotOf(environment, head?.seq ?? 0, states, specs);
    });
  }

  /**
   * The analysis a canary release carries: the plan given (null: none), else, for a ramp of the
   * running canary to a new weight, the running canary's plan and analysis; a new canary without a
   * plan has none. The analysis id is the release that started it (null here: the new row's).
   */
  private async analysisOf(
    trx: Tx,
    plan: ReleasePlan,
    input: ReleaseInput,
  ): Promise<{ plan: CanaryPlan; id: string | null } | null> {
    if (plan.kind !== 'commit' || plan.release.kind !== 'canary') return null;
    const current = plan.retire
      ? await this.activeRow(trx, plan.retire.prompt, plan.retire.environment)
      : undefined;
    const isRamp = current?.canary_hash != null && current.canary_hash === plan.release.canary?.hash;
    const inherited = isRamp && current?.analysis_id ? current.analysis_id : null;
    if (input.analysis === null) return null;
    if (input.analysis !== undefined)
      return { plan: parseCanaryPlan(input.analysis, "the release's analysis plan"), id: inherited };
    if (!isRamp || !current?.analysis_plan) return null;
    return { plan: JSON.parse(current.analysis_plan) as CanaryPlan, id: inherited };
  }

  /**
   * The request's condition, checked inside its transaction: when it names the release it expects
   * to act on (`expectRelease`) and another one is active by now, someone else already decided, and
   * acting anyway would act on that decision (a second rollback would move stable back a version).
   */
  private async expectActive(
    trx: Tx,
    prompt: string,
    input: { environment: string; expectRelease?: string },
  ): Promise<void> {
    if (input.expectRelease === undefined) return;
    const active = await this.activeRow(trx, prompt, input.environment);
    if (active?.id === input.expectRelease) return;
    throw new PromptOpsError(
      'PO_ERR_RELEASE_SUPERSEDED',
      `${prompt} in ${input.environment} no longer runs release ${input.expectRelease} (${active ? `release ${active.seq}, ${active.kind}, is active` : 'nothing is active'}); nothing was done — read "promptops releases ${prompt} --active" and decide again`,
      { prompt, environment: input.environment, expected: input.expectRelease, active: active?.id ?? null },
    );
  }

  /** What an environment serves: its active release and the version its label points at. */
  private async environment(trx: Tx, prompt: string, environment: string): Promise<EnvironmentState> {
    const active = toActive(await this.activeRow(trx, prompt, environment));
    const labelled = await this.parts.catalog.labelledVersion(trx, prompt, environment);
    return { active, labelled: labelled && { number: labelled.number, hash: labelled.hash } };
  }

  private async activeRow(trx: Tx, prompt: string, environment: string): Promise<ReleaseRow | undefined> {
    return trx
      .selectFrom('releases')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .where('prompt', '=', prompt)
      .where('environment', '=', environment)
      .where('active', '=', 1)
      .executeTakeFirst();
  }

  /**
   * Commits a plan inside the caller's transaction: records its exception, retires the release it
   * replaces, numbers and inserts the new row, points the environment label at its stable version,
   * marks the change request released and audits the release.
   */
  private async commit(
    trx: Tx,
    plan: ReleasePlan,
    analysis: { plan: CanaryPlan; id: string | null } | null = null,
  ): Promise<ReleaseRecord> {
    const { project } = this.ctx;
    if (plan.kind === 'unchanged') {
      const row = await this.activeRow(trx, plan.active.prompt, plan.active.environment);
      return (await this.toReleases(trx, [row!]))[0]!;
    }
    const { release: draft, retire } = plan;
    const exceptionId = plan.exception ? await this.parts.exceptions.record(trx, plan.exception) : null;
    const last = await trx
      .selectFrom('releases')
      .select('seq')
      .where('project', '=', project)
      .where('prompt', '=', draft.prompt)
      .where('environment', '=', draft.environment)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const id = randomUUID();
    const row: ReleaseRow = {
      ...{ id, project, prompt: draft.prompt, environment: draft.environment },
      ...{ seq: (last?.seq ?? 0) + 1, kind: draft.kind },
      ...{ version_number: draft.version.number, version_hash: draft.version.hash },
      canary_number: draft.canary?.version ?? null,
      canary_hash: draft.canary?.hash ?? null,
      canary_weight: draft.canary?.weight ?? null,
      ...{ cr_id: draft.changeRequest, exception_id: exceptionId, notes: draft.notes },
      ...{ actor: draft.actor, at: draft.at, active: 1 },
      ...(analysis ? { analysis_plan: JSON.stringify(analysis.plan), analysis_id: analysis.id ?? id } : {}),
    };
    const record = await this.parts.audit.audited(
      trx,
      (written: ReleaseRecord) => ({
        actor: draft.actor,
        action: `release.${draft.kind}`,
        target: `${draft.prompt}:${draft.environment}`,
        before: retire ? { version: retire.version, canary: retire.canary } : null,
        after: {
          ...{ release: row.seq, version: draft.version.number, canary: draft.canary },
          ...{ changeRequest: written.changeRequest, exception: exceptionId },
          // Why, when the releaser said: canary analysis puts its evidence here.
          ...(draft.notes ? { notes: draft.notes } : {}),
        },
        at: draft.at,
      }),
      async () => {
        if (retire) await this.retire(trx, retire);
        await trx.insertInto('releases').values(row).execute();
        await this.parts.catalog.setLabelIn(
          trx,
          draft.prompt,
          draft.version.number,
          draft.environment,
          draft.actor,
        );
        return (await this.toReleases(trx, [row]))[0]!;
      },
    );
    if (plan.released) await this.parts.changes.markReleased(trx, plan.released, draft.at);
    return record;
  }

  private async retire(trx: Tx, release: ActiveRelease): Promise<void> {
    await trx
      .updateTable('releases')
      .set({ active: 0 })
      .where('project', '=', this.ctx.project)
      .where('prompt', '=', release.prompt)
      .where('environment', '=', release.environment)
      .where('active', '=', 1)
      .execute();
  }

  private async toReleases(trx: Tx, rows: readonly ReleaseRow[]): Promise<ReleaseRecord[]> {
    const crIds = [...new Set(rows.map((r) => r.cr_id).filter((id): id is string => id !== null))];
    const numbers = new Map<string, number>();
    if (crIds.length > 0) {
      const crs = await trx
        .selectFrom('change_requests')
        .select(['id', 'number'])
        .where('id', 'in', crIds)
        .execute();
      for (const cr of crs) numbers.set(cr.id, cr.number);
    }
    return rows.map((r) => ({
      id: r.id,
      prompt: r.prompt,
      environment: r.environment,
      seq: r.seq,
      kind: r.kind,
      version: r.version_number,
      versionHash: r.version_hash,
      canary: canaryOf(r),
      changeRequest: r.cr_id ? (numbers.get(r.cr_id) ?? null) : null,
      exception: r.exception_id,
      notes: r.notes,
      actor: r.actor,
      at: r.at,
      active: r.active === 1,
    }));
  }
}

function canaryOf(row: ReleaseRow): ReleaseRecord['canary'] {
  return row.canary_number !== null && row.canary_hash !== null && row.canary_weight !== null
    ? { version: row.canary_number, hash: row.canary_hash, weight: row.canary_weight }
    : null;
}

/** An active release row as the release rules see it. */
function toActive(row: ReleaseRow | undefined): ActiveRelease | null {
  if (!row) return null;
  return {
    prompt: row.prompt,
    environment: row.environment,
    version: row.version_number,
    versionHash: row.version_hash,
    canary: canaryOf(row),
    changeRequest: row.cr_id,
  };
}
