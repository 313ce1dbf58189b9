import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findBreakingChanges } from '../catalog/diff.js';
import type { PromptSpec } from '../catalog/spec.js';
import { PromptOpsError } from '../errors.js';
import {
  type ApprovalPolicy,
  CHECK_NAMES,
  type CheckName,
  type CheckRecord,
  type CrReview,
  DEFAULT_APPROVAL_POLICY,
  evaluateGate,
} from '../governance/policy.js';
import { ROLES, type Role } from '../governance/rbac.js';
import { assessRisk, type EvalDelta, type RiskAssessment } from '../governance/risk.js';
import { mintToken, parseToken, verifySecret } from '../governance/tokens.js';
import { KyselyRegistryStore, type Tx } from './registry-store.js';
import type { Database } from './schema.js';
import type {
  ChangeRequest,
  CheckInput,
  GovernanceOptions,
  PolicyException,
  ProjectRecord,
  PromoteInput,
  ReleaseInput,
  ReleaseRecord,
  RoleBinding,
  RollbackInput,
  Store,
  StoreOptions,
  TokenRecord,
} from './types.js';

type ReleaseRow = Database['releases'];

/**
 * Governance over the same Kysely database as the catalog: a release moves the environment label,
 * deactivates the previous release, inserts its own row and appends to the audit chain in one
 * transaction, so no crash or race leaves half a release or two active ones.
 */
export class KyselyStore extends KyselyRegistryStore implements Store {
  private readonly policy: ApprovalPolicy;
  private readonly environments: readonly string[] | null;

  constructor(db: Kysely<Database>, options: StoreOptions & GovernanceOptions) {
    super(db, options);
    this.policy = options.policy ?? DEFAULT_APPROVAL_POLICY;
    this.environments = options.environments ?? null;
  }

  // ---- identity -------------------------------------------------------------------------------

  async ensureProject(name: string, actor: string): Promise<ProjectRecord> {
    return this.transact(async (trx) => {
      const found = await trx.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();
      if (found) return toProject(found);
      const row = { name, created_at: this.now().toISOString(), created_by: actor };
      await trx.insertInto('projects').values(row).execute();
      await this.appendAudit(trx, actor, 'project.create', name, null, { name }, row.created_at);
      return toProject(row);
    });
  }

  async createProject(name: string, actor: string): Promise<ProjectRecord> {
    return this.transact(async (trx) => {
      const found = await trx
        .selectFrom('projects')
        .select('name')
        .where('name', '=', name)
        .executeTakeFirst();
      if (found) {
        throw new PromptOpsError('PO_ERR_PROJECT_EXISTS', `project "${name}" already exists`, {
          project: name,
        });
      }
      const at = this.now().toISOString();
      const row = { name, created_at: at, created_by: actor };
      await trx.insertInto('projects').values(row).execute();
      await trx
        .insertInto('role_bindings')
        .values({ project: name, subject: actor, role: 'admin', created_at: at, created_by: actor })
        .execute();
      await this.appendAudit(trx, actor, 'project.create', name, null, { name, admin: actor }, at);
      return toProject(row);
    });
  }

  async listProjects(): Promise<ProjectRecord[]> {
    const rows = await this.db.selectFrom('projects').selectAll().orderBy('name').execute();
    return rows.map(toProject);
  }

  async createToken(
    input: { subject: string; name: string; expiresAt?: string },
    actor: string,
  ): Promise<{ token: string; record: TokenRecord }> {
    checkSubject(input.subject);
    const expiresAt = input.expiresAt === undefined ? null : toInstant(input.expiresAt);
    const minted = await mintToken();
    const at = this.now().toISOString();
    const row: Database['api_tokens'] = {
      id: minted.id,
      subject: input.subject,
      name: input.name,
      secret_hash: minted.secretHash,
      created_at: at,
      created_by: actor,
      expires_at: expiresAt,
      revoked_at: null,
      revoked_by: null,
    };
    await this.transact(async (trx) => {
      await trx.insertInto('api_tokens').values(row).execute();
      await this.appendAudit(
        trx,
        actor,
        'token.create',
        `token:${row.id}`,
        null,
        {
          subject: row.subject,
          name: row.name,
          expiresAt: row.expires_at,
        },
        at,
      );
    });
    return { token: minted.token, record: toToken(row) };
  }

  async listTokens(): Promise<TokenRecord[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
    return rows.map(toToken);
  }

  async revokeToken(id: string, actor: string): Promise<TokenRecord> {
    return this.transact(async (trx) => {
      const row = await trx.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) {
        throw new PromptOpsError(
          'PO_ERR_TOKEN_NOT_FOUND',
          `no token with id "${id}"; list them with "promptops token ls"`,
          {
            id,
          },
        );
      }
      if (row.revoked_at) return toToken(row);
      const at = this.now().toISOString();
      await trx
        .updateTable('api_tokens')
        .set({ revoked_at: at, revoked_by: actor })
        .where('id', '=', id)
        .execute();
      await this.appendAudit(
        trx,
        actor,
        'token.revoke',
        `token:${id}`,
        { subject: row.subject },
        { revoked: true },
        at,
      );
      return toToken({ ...row, revoked_at: at, revoked_by: actor });
    });
  }

  async authenticate(
    token: string,
  ): Promise<{ subject: string; tokenId: string; expiresAt: string | null } | null> {
    const parsed = parseToken(token);
    if (!parsed) return null;
    const row = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', parsed.id)
      .executeTakeFirst();
    if (!row || row.revoked_at) return null;
    if (row.expires_at && row.expires_at <= this.now().toISOString()) return null;
    if (!(await verifySecret(parsed.secret, row.secret_hash))) return null;
    return { subject: row.subject, tokenId: row.id, expiresAt: row.expires_at };
  }

  async grantRole(subject: string, role: Role, actor: string): Promise<RoleBinding> {
    checkSubject(subject);
    return this.transact(async (trx) => {
      const found = await trx
        .selectFrom('role_bindings')
        .selectAll()
        .where('project', '=', this.project)
        .where('subject', '=', subject)
        .where('role', '=', role)
        .executeTakeFirst();
      if (found) return toBinding(found);
      const row = {
        project: this.project,
        subject,
        role,
        created_at: this.now().toISOString(),
        created_by: actor,
      };
      await trx.insertInto('role_bindings').values(row).execute();
      await this.appendAudit(
        trx,
        actor,
        'role.grant',
        `${this.project}:${subject}`,
        null,
        { role },
        row.created_at,
      );
      return toBinding(row);
    });
  }

  async revokeRole(subject: string, role: Role, actor: string): Promise<void> {
    await this.transact(async (trx) => {
      const removed = await trx
        .deleteFrom('role_bindings')
        .where('project', '=', this.project)
        .where('subject', '=', subject)
        .where('role', '=', role)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) {
        throw new PromptOpsError(
          'PO_ERR_ROLE_NOT_FOUND',
          `${subject} does not hold role ${role} in project "${this.project}"`,
          { subject, role },
        );
      }
      await this.appendAudit(
        trx,
        actor,
        'role.revoke',
        `${this.project}:${subject}`,
        { role },
        null,
        this.now().toISOString(),
      );
    });
  }

  async listRoleBindings(): Promise<RoleBinding[]> {
    const rows = await this.db
      .selectFrom('role_bindings')
      .selectAll()
      .where('project', '=', this.project)
      .orderBy('subject')
      .orderBy('role')
      .execute();
    return rows.map(toBinding);
  }

  async rolesOf(subject: string): Promise<Role[]> {
    const rows = await this.db
      .selectFrom('role_bindings')
      .select('role')
      .where('project', 'in', [this.project, '*'])
      .where('subject', '=', subject)
      .execute();
    return [...new Set(rows.map((r) => r.role as Role))].sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b));
  }

  // ---- change requests ------------------------------------------------------------------------

  async openChangeRequest(
    input: { prompt: string; version?: number; title?: string; description?: string },
    author: string,
  ): Promise<ChangeRequest> {
    return this.transact(async (trx) => {
      const candidate = await this.resolveIn(trx, {
        prompt: input.prompt,
        selector:
          input.version === undefined ? { kind: 'latest' } : { kind: 'number', number: input.version },
      });
      if (candidate.archived) {
        throw new PromptOpsError(
          'PO_ERR_VERSION_ARCHIVED',
          `${input.prompt}@${candidate.number} is archived; propose a live version`,
          { prompt: input.prompt, number: candidate.number },
        );
      }
      const open = await trx
        .selectFrom('change_requests')
        .select('number')
        .where('project', '=', this.project)
        .where('prompt', '=', input.prompt)
        .where('version_hash', '=', candidate.hash)
        .where('status', '=', 'open')
        .executeTakeFirst();
      if (open) {
        throw new PromptOpsError(
          'PO_ERR_CR_EXISTS',
          `change request #${open.number} already proposes ${input.prompt}@${candidate.number}; see it with "promptops change show ${open.number}"`,
          { number: open.number },
        );
      }
      // Always what production serves: a base the author could pick would let them pick a label
      // that serves nothing, and with it a lower risk and no regression run.
      const baseLabel = this.productionLabel();
      const base = await this.labelledVersion(trx, input.prompt, baseLabel);
      if (base && base.hash === candidate.hash) {
        throw new PromptOpsError(
          'PO_ERR_CR_NOTHING_TO_CHANGE',
          `${input.prompt}@${candidate.number} is already what "${baseLabel}" serves; push a new version first`,
          { prompt: input.prompt, number: candidate.number, label: baseLabel },
        );
      }
      const risk = assessRisk({ base: base?.spec ?? null, candidate: candidate.spec });
      const last = await trx
        .selectFrom('change_requests')
        .select('number')
        .where('project', '=', this.project)
        .orderBy('number', 'desc')
        .limit(1)
        .executeTakeFirst();
      const at = this.now().toISOString();
      const row: Database['change_requests'] = {
        id: randomUUID(),
        project: this.project,
        number: (last?.number ?? 0) + 1,
        prompt: input.prompt,
        version_number: candidate.number,
        version_hash: candidate.hash,
        base_number: base?.number ?? null,
        base_label: baseLabel,
        title:
          input.title?.trim() ||
          `${input.prompt}@${candidate.number}${candidate.message ? `: ${candidate.message}` : ''}`,
        description: input.description ?? null,
        author,
        status: 'open',
        risk: JSON.stringify(risk),
        created_at: at,
        updated_at: at,
      };
      await trx.insertInto('change_requests').values(row).execute();
      await this.appendAudit(
        trx,
        author,
        'cr.open',
        `cr#${row.number}`,
        base ? { version: base.number } : null,
        {
          prompt: row.prompt,
          version: row.version_number,
          hash: row.version_hash,
          risk: risk.score,
          level: risk.level,
        },
        at,
      );
      return this.loadChangeRequest(trx, row.number);
    });
  }

  async listChangeRequests(
    filter: { status?: ChangeRequest['status']; prompt?: string } = {},
  ): Promise<ChangeRequest[]> {
    // Four queries for the whole page (requests, checks, reviews, overrides), not four per request.
    let query = this.db.selectFrom('change_requests').selectAll().where('project', '=', this.project);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.prompt) query = query.where('prompt', '=', filter.prompt);
    const rows = await query.orderBy('number', 'desc').limit(200).execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const authors = await this.changeAuthors(this.db, rows);
    const checks = groupBy(await this.rowsOf(this.db, 'cr_checks', ids), (r) => r.cr_id);
    const reviews = groupBy(await this.rowsOf(this.db, 'cr_reviews', ids), (r) => r.cr_id);
    // Only this page's overrides (targets are "cr#N:check").
    const overrides = groupBy(
      await this.overrideRows(this.db)
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
    return this.loadChangeRequest(this.db, number);
  }

  async recordCheck(number: number, check: CheckInput, actor: string): Promise<ChangeRequest> {
    if (!(CHECK_NAMES as readonly string[]).includes(check.name)) {
      throw new PromptOpsError(
        'PO_ERR_USAGE',
        `unknown check "${check.name}"; checks are ${CHECK_NAMES.join(', ')}`,
        {
          check: check.name,
        },
      );
    }
    return this.transact(async (trx) => {
      const cr = await this.crRow(trx, number);
      this.requireOpen(cr);
      if (await this.isChangeAuthor(trx, cr, actor)) {
        throw new PromptOpsError(
          'PO_ERR_SELF_CHECK',
          `${actor} ${actor === cr.author ? 'opened' : 'pushed a version in'} change request #${number} and cannot record its checks; they come from CI: a token with the ci role against a server, or locally "promptops change check ${number} --author ci@…"`,
          { number, actor, check: check.name },
        );
      }
      if (check.versionHash !== cr.version_hash) {
        throw new PromptOpsError(
          'PO_ERR_CHECK_STALE',
          `the ${check.name} check ran on version ${check.versionHash.slice(0, 12)}, but change request #${number} proposes ${cr.prompt}@${cr.version_number} (${cr.version_hash.slice(0, 12)}); run the checks on that version`,
          { number, expected: cr.version_hash, got: check.versionHash },
        );
      }
      const at = await this.nextAt(trx, 'cr_checks', cr.id);
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
      if (check.name === 'regression' || check.name === 'tests') await this.rescore(trx, cr, at);
      else await trx.updateTable('change_requests').set({ updated_at: at }).where('id', '=', cr.id).execute();
      await this.appendAudit(
        trx,
        actor,
        'cr.check',
        `cr#${number}`,
        null,
        { check: check.name, status: check.status },
        at,
      );
      return this.loadChangeRequest(trx, number);
    });
  }

  async reviewChangeRequest(
    number: number,
    review: { decision: CrReview['decision']; comment?: string },
    actor: string,
  ): Promise<ChangeRequest> {
    return this.transact(async (trx) => {
      const cr = await this.crRow(trx, number);
      this.requireOpen(cr);
      if (review.decision !== 'comment' && (await this.isChangeAuthor(trx, cr, actor))) {
        throw new PromptOpsError(
          'PO_ERR_SELF_APPROVAL',
          `${actor} ${actor === cr.author ? 'opened' : 'pushed a version in'} change request #${number} and cannot ${review.decision === 'approve' ? 'approve' : 'review'} it; ask another reviewer`,
          { number, actor },
        );
      }
      if (review.decision === 'request_changes' && !review.comment?.trim()) {
        throw new PromptOpsError('PO_ERR_USAGE', 'requesting changes needs a comment saying what to change', {
          number,
        });
      }
      const at = await this.nextAt(trx, 'cr_reviews', cr.id);
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
      await trx.updateTable('change_requests').set({ updated_at: at }).where('id', '=', cr.id).execute();
      await this.appendAudit(
        trx,
        actor,
        `cr.${review.decision}`,
        `cr#${number}`,
        null,
        { comment: review.comment ?? null },
        at,
      );
      return this.loadChangeRequest(trx, number);
    });
  }

  async overrideCheck(
    number: number,
    input: { check: CheckName; justification: string },
    actor: string,
  ): Promise<ChangeRequest> {
    const justification = requireJustification(input.justification, 'overriding a check');
    return this.transact(async (trx) => {
      const cr = await this.crRow(trx, number);
      this.requireOpen(cr);
      const risk = JSON.parse(cr.risk) as RiskAssessment;
      if (this.policy.approvals[risk.level].greenChecks) {
        throw new PromptOpsError(
          'PO_ERR_POLICY_BLOCKED',
          `change request #${number} is ${risk.level} risk: the policy requires every check green and allows no override`,
          { number, level: risk.level },
        );
      }
      const red = (await this.checksOf(trx, cr.id))
        .filter((c) => c.name === input.check && c.versionHash === cr.version_hash)
        .at(-1);
      if (!red || (red.status !== 'fail' && red.status !== 'error')) {
        throw new PromptOpsError(
          'PO_ERR_USAGE',
          `check "${input.check}" of change request #${number} is ${red ? red.status : 'not run'}; only a failed or errored check can be overridden`,
          { number, check: input.check, status: red?.status ?? null },
        );
      }
      const at = this.now().toISOString();
      await this.recordException(
        trx,
        'check-override',
        `cr#${number}:${input.check}`,
        actor,
        justification,
        { check: input.check },
        at,
      );
      await trx.updateTable('change_requests').set({ updated_at: at }).where('id', '=', cr.id).execute();
      return this.loadChangeRequest(trx, number);
    });
  }

  async closeChangeRequest(number: number, actor: string): Promise<ChangeRequest> {
    return this.transact(async (trx) => {
      const cr = await this.crRow(trx, number);
      this.requireOpen(cr);
      const at = this.now().toISOString();
      await trx
        .updateTable('change_requests')
        .set({ status: 'closed', updated_at: at })
        .where('id', '=', cr.id)
        .execute();
      await this.appendAudit(
        trx,
        actor,
        'cr.close',
        `cr#${number}`,
        { status: cr.status },
        { status: 'closed' },
        at,
      );
      return this.loadChangeRequest(trx, number);
    });
  }

  // ---- releases -------------------------------------------------------------------------------

  async release(input: ReleaseInput, actor: string): Promise<ReleaseRecord> {
    this.checkEnvironment(input.environment);
    const weight = input.canaryWeight;
    if (weight !== undefined && (!Number.isInteger(weight) || weight < 1 || weight > 99)) {
      throw new PromptOpsError(
        'PO_ERR_USAGE',
        `a canary weight is a whole percent from 1 to 99, not ${weight}`,
        { weight },
      );
    }
    const justification = input.force
      ? requireJustification(input.force.justification, 'forcing a release')
      : null;
    return this.transact(async (trx) => {
      const cr = await this.crRow(trx, input.changeRequest);
      if (cr.status === 'closed') {
        throw new PromptOpsError(
          'PO_ERR_CR_CLOSED',
          `change request #${cr.number} is closed and cannot be released`,
          {
            number: cr.number,
          },
        );
      }
      const loaded = await this.loadChangeRequest(trx, cr.number);
      this.requireGate(loaded);
      const at = this.now().toISOString();
      const current = await this.activeRow(trx, cr.prompt, input.environment);
      // Releasing what the environment's active release already is changes nothing: no new row,
      // no audit entry, however many times (or how concurrently) it is asked for.
      if (current && current.cr_id === cr.id && isSameRelease(current, cr.version_hash, weight)) {
        const [record] = await this.toReleases(trx, [current]);
        return record!;
      }
      await this.requireBaseCurrent(trx, cr, input.environment);
      // A new release, full or canary, must not silently end a canary still being judged; the
      // canary's own version released as a canary again only changes its weight (a ramp).
      if (weight === undefined || current?.canary_hash !== cr.version_hash) refuseOverCanary(current);
      const stable = current
        ? { number: current.version_number, hash: current.version_hash }
        : await this.labelledVersion(trx, cr.prompt, input.environment);
      // A release of an older version than the environment serves (re-releasing an old change
      // request, say) moves it back: it passes the rollback's contract re-validation.
      const exceptionId =
        stable && stable.number > cr.version_number
          ? await this.revalidateMoveBack(trx, {
              kind: 'release',
              prompt: cr.prompt,
              environment: input.environment,
              from: stable.number,
              to: cr.version_number,
              unreviewed: false,
              justification,
              actor,
              at,
            })
          : null;
      let row: ReleaseRow;
      if (weight !== undefined) {
        if (!stable) {
          throw new PromptOpsError(
            'PO_ERR_RELEASE_INVALID',
            `${input.environment} serves no version of ${cr.prompt} yet, so a canary has nothing to run beside; release it fully first`,
            { prompt: cr.prompt, environment: input.environment },
          );
        }
        if (stable.hash === cr.version_hash) {
          throw new PromptOpsError(
            'PO_ERR_RELEASE_INVALID',
            `${input.environment} already serves ${cr.prompt}@${cr.version_number} as its stable version, so a canary of it would compare it with itself; release another version as the canary`,
            { prompt: cr.prompt, environment: input.environment, version: cr.version_number },
          );
        }
        row = this.releaseRow(cr.prompt, input.environment, 'canary', stable, actor, at, {
          canary: { number: cr.version_number, hash: cr.version_hash, weight },
          crId: cr.id,
          notes: input.notes,
          exceptionId,
        });
      } else {
        row = this.releaseRow(
          cr.prompt,
          input.environment,
          'release',
          { number: cr.version_number, hash: cr.version_hash },
          actor,
          at,
          { crId: cr.id, notes: input.notes, exceptionId },
        );
      }
      const record = await this.commitRelease(trx, row, current);
      await trx
        .updateTable('change_requests')
        .set({ status: 'released', updated_at: at })
        .where('id', '=', cr.id)
        .execute();
      return record;
    });
  }

  async promote(input: PromoteInput, actor: string): Promise<ReleaseRecord> {
    this.checkEnvironment(input.environment);
    if (input.to !== undefined) this.checkEnvironment(input.to);
    return this.transact(async (trx) => {
      const source = await this.activeRow(trx, input.prompt, input.environment);
      if (!source) {
        throw new PromptOpsError(
          'PO_ERR_RELEASE_NOT_FOUND',
          `${input.prompt} has no active release in ${input.environment}; release a change request there first`,
          { prompt: input.prompt, environment: input.environment },
        );
      }
      const at = this.now().toISOString();
      if (input.to === undefined) {
        if (source.canary_number === null || source.canary_hash === null) {
          throw new PromptOpsError(
            'PO_ERR_RELEASE_INVALID',
            `${input.prompt} runs no canary in ${input.environment}; name the next environment with --to to promote onward`,
            { prompt: input.prompt, environment: input.environment },
          );
        }
        const row = this.releaseRow(
          input.prompt,
          input.environment,
          'promote',
          { number: source.canary_number, hash: source.canary_hash },
          actor,
          at,
          { crId: source.cr_id, notes: input.notes },
        );
        return this.commitRelease(trx, row, source);
      }
      if (source.canary_number !== null) {
        throw new PromptOpsError(
          'PO_ERR_RELEASE_INVALID',
          `${input.prompt} is still running a canary in ${input.environment}; promote it to full traffic there first`,
          { prompt: input.prompt, environment: input.environment },
        );
      }
      if (!source.cr_id) {
        throw new PromptOpsError(
          'PO_ERR_POLICY_BLOCKED',
          `${input.prompt}@${source.version_number} in ${input.environment} came from a rollback, not a change request, so it has no approvals to carry to ${input.to}; open a change request for it`,
          { prompt: input.prompt, environment: input.environment },
        );
      }
      const { number } = await trx
        .selectFrom('change_requests')
        .select('number')
        .where('id', '=', source.cr_id)
        .executeTakeFirstOrThrow();
      this.requireGate(await this.loadChangeRequest(trx, number));
      await this.requireBaseCurrent(trx, await this.crRow(trx, number), input.to);
      const current = await this.activeRow(trx, input.prompt, input.to);
      refuseOverCanary(current);
      // Promoting onto an environment that serves a newer version moves it back: the same
      // re-validation as a rollback (forcing it is a release with --force).
      if (current && current.version_number > source.version_number) {
        await this.revalidateMoveBack(trx, {
          kind: 'release',
          prompt: input.prompt,
          environment: input.to,
          from: current.version_number,
          to: source.version_number,
          unreviewed: false,
          justification: null,
          actor,
          at,
        });
      }
      const row = this.releaseRow(
        input.prompt,
        input.to,
        'promote',
        { number: source.version_number, hash: source.version_hash },
        actor,
        at,
        { crId: source.cr_id, notes: input.notes },
      );
      return this.commitRelease(trx, row, current);
    });
  }

  async rollback(input: RollbackInput, actor: string): Promise<ReleaseRecord> {
    this.checkEnvironment(input.environment);
    const justification = input.force
      ? requireJustification(input.force.justification, 'forcing a rollback')
      : null;
    return this.transact(async (trx) => {
      const { prompt, environment } = input;
      const current = await this.activeRow(trx, prompt, environment);
      const serving = current
        ? { number: current.version_number, hash: current.version_hash }
        : await this.labelledVersion(trx, prompt, environment);
      if (!serving) {
        throw new PromptOpsError(
          'PO_ERR_RELEASE_NOT_FOUND',
          `${prompt} has nothing released in ${environment} to roll back`,
          {
            prompt,
            environment,
          },
        );
      }
      const at = this.now().toISOString();
      if (current && current.canary_number !== null && input.to === undefined) {
        // Abort the canary: all traffic back on the stable version, which is unchanged.
        const row = this.releaseRow(prompt, environment, 'rollback', serving, actor, at, {
          crId: null,
          notes: input.notes ?? `canary ${prompt}@${current.canary_number} aborted`,
        });
        return this.commitRelease(trx, row, current);
      }
      const targetNumber = input.to ?? (await this.previousServed(trx, prompt, environment, serving.number));
      if (targetNumber === null) {
        throw new PromptOpsError(
          'PO_ERR_RELEASE_NOT_FOUND',
          `${environment} served no other version of ${prompt} before @${serving.number}; name a version to roll back to`,
          { prompt, environment },
        );
      }
      if (targetNumber === serving.number) {
        throw new PromptOpsError(
          'PO_ERR_RELEASE_INVALID',
          `${environment} already serves ${prompt}@${targetNumber}`,
          {
            prompt,
            environment,
            version: targetNumber,
          },
        );
      }
      const target = await this.resolveIn(trx, {
        prompt,
        selector: { kind: 'number', number: targetNumber },
      });
      // A rollback returns to something this environment already ran; anything else is a release
      // that skipped its change request.
      const neverServed = !(await this.labelMoves(trx, prompt, environment)).some(
        (m) => m.number === targetNumber,
      );
      const exceptionId = await this.revalidateMoveBack(trx, {
        kind: 'rollback',
        prompt,
        environment,
        from: serving.number,
        to: targetNumber,
        unreviewed: neverServed,
        justification,
        actor,
        at,
      });
      const row = this.releaseRow(
        prompt,
        environment,
        'rollback',
        { number: target.number, hash: target.hash },
        actor,
        at,
        {
          crId: null,
          notes: input.notes,
          exceptionId,
        },
      );
      return this.commitRelease(trx, row, current);
    });
  }

  async listReleases(
    filter: { prompt?: string; environment?: string; activeOnly?: boolean; limit?: number } = {},
  ): Promise<ReleaseRecord[]> {
    let query = this.db.selectFrom('releases').selectAll().where('project', '=', this.project);
    if (filter.prompt) query = query.where('prompt', '=', filter.prompt);
    if (filter.environment) query = query.where('environment', '=', filter.environment);
    if (filter.activeOnly) query = query.where('active', '=', 1);
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('seq', 'desc')
      .limit(filter.limit ?? 100)
      .execute();
    return this.toReleases(this.db, rows);
  }

  async listPolicyExceptions(): Promise<PolicyException[]> {
    const rows = await this.db
      .selectFrom('policy_exceptions')
      .selectAll()
      .where('project', '=', this.project)
      .orderBy('at', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      target: r.target,
      actor: r.actor,
      justification: r.justification,
      details: r.details === null ? null : (JSON.parse(r.details) as unknown),
      at: r.at,
    }));
  }

  // ---- internals ------------------------------------------------------------------------------

  /** The environment a change request is compared against by default: the last one listed. */
  private productionLabel(): string {
    return this.environments?.at(-1) ?? 'production';
  }

  private checkEnvironment(environment: string): void {
    if (this.environments && !this.environments.includes(environment)) {
      throw new PromptOpsError(
        'PO_ERR_USAGE',
        `"${environment}" is not an environment of this project; environments are ${this.environments.join(', ')}`,
        { environment },
      );
    }
  }

  private async labelledVersion(
    trx: Tx,
    prompt: string,
    label: string,
  ): Promise<{ number: number; hash: string; spec: PromptSpec } | null> {
    try {
      const found = await this.resolveIn(trx, { prompt, selector: { kind: 'label', label } });
      return { number: found.number, hash: found.hash, spec: found.spec };
    } catch (err) {
      if (err instanceof PromptOpsError && err.code === 'PO_ERR_LABEL_NOT_FOUND') return null;
      throw err;
    }
  }

  private async crRow(trx: Tx, number: number): Promise<Database['change_requests']> {
    const row = await trx
      .selectFrom('change_requests')
      .selectAll()
      .where('project', '=', this.project)
      .where('number', '=', number)
      .executeTakeFirst();
    if (!row) {
      throw new PromptOpsError(
        'PO_ERR_CR_NOT_FOUND',
        `change request #${number} does not exist in project "${this.project}"; list them with "promptops change ls"`,
        { number },
      );
    }
    return row;
  }

  /**
   * The checks, the risk and the approvals judged a change against what production served when it
   * was opened; if production has moved on since, shipping it there would silently undo whatever
   * replaced that version.
   */
  private async requireBaseCurrent(
    trx: Tx,
    cr: Database['change_requests'],
    environment: string,
  ): Promise<void> {
    if (environment !== cr.base_label) return;
    const now = await this.labelledVersion(trx, cr.prompt, environment);
    if (now && now.number !== cr.base_number && now.number !== cr.version_number) {
      throw new PromptOpsError(
        'PO_ERR_POLICY_BLOCKED',
        `${environment} now serves ${cr.prompt}@${now.number}, not @${cr.base_number ?? 'nothing'} that change request #${cr.number} was reviewed against; open a new change request (or roll back)`,
        { number: cr.number, base: cr.base_number, serving: now.number },
      );
    }
  }

  /**
   * The one contract re-validation for moving an environment from version `from` back to an older
   * `to`, by a rollback or by releasing an older change request: when `to`'s input contract would
   * reject inputs callers of `from` send, it is refused with PO_ERR_ROLLBACK_BREAKING; a rollback to
   * a version the environment never served (`unreviewed`) is refused with PO_ERR_POLICY_BLOCKED.
   * An admin's justification accepts either as a policy exception, whose id is returned.
   */
  private async revalidateMoveBack(
    trx: Tx,
    move: {
      kind: 'rollback' | 'release';
      prompt: string;
      environment: string;
      from: number;
      to: number;
      unreviewed: boolean;
      justification: string | null;
      actor: string;
      at: string;
    },
  ): Promise<string | null> {
    const { prompt, environment, from, to, justification } = move;
    const specOf = async (number: number) =>
      (await this.resolveIn(trx, { prompt, selector: { kind: 'number', number } })).spec;
    const breaking = inputBreaks(await specOf(from), await specOf(to));
    if (breaking.length === 0 && !move.unreviewed) return null;
    const how =
      move.kind === 'rollback'
        ? `rolling ${environment} back to ${prompt}@${to}`
        : `releasing ${prompt}@${to} to ${environment}, which serves @${from},`;
    if (!justification && breaking.length > 0) {
      throw new PromptOpsError(
        'PO_ERR_ROLLBACK_BREAKING',
        `${how} would reject inputs that callers of @${from} send: ${breaking.map((b) => `${b.path}: ${b.reason}`).join('; ')}. Ship a version that accepts them, or have an admin force it: promptops ${move.kind === 'rollback' ? `rollback ${prompt} --env ${environment} --version ${to}` : `release N --env ${environment}`} --force --justification "why"`,
        { prompt, environment, from, to, breaking },
      );
    }
    if (!justification) {
      throw new PromptOpsError(
        'PO_ERR_POLICY_BLOCKED',
        `${environment} never served ${prompt}@${to}, so rolling back to it would ship a version no change request approved for it; release it through a change request (or an admin may force it with a justification)`,
        { prompt, environment, to },
      );
    }
    return this.recordException(
      trx,
      `${move.kind}-${breaking.length > 0 ? 'breaking' : 'unreviewed'}`,
      `${prompt}:${environment}`,
      move.actor,
      justification,
      { from, to, breaking, neverServed: move.unreviewed },
      move.at,
    );
  }

  private async isChangeAuthor(trx: Tx, cr: Database['change_requests'], who: string): Promise<boolean> {
    return ((await this.changeAuthors(trx, [cr])).get(cr.id) ?? [cr.author]).includes(who);
  }

  private requireOpen(cr: Database['change_requests']): void {
    if (cr.status !== 'open') {
      throw new PromptOpsError(
        'PO_ERR_CR_CLOSED',
        `change request #${cr.number} is ${cr.status}; open a new one to change it`,
        {
          number: cr.number,
          status: cr.status,
        },
      );
    }
  }

  private requireGate(cr: ChangeRequest): void {
    if (!cr.gate.ready) {
      throw new PromptOpsError(
        'PO_ERR_POLICY_BLOCKED',
        `change request #${cr.number} cannot be released yet: ${cr.gate.blockers.join('; ')}`,
        { number: cr.number, blockers: cr.gate.blockers, level: cr.gate.level },
      );
    }
  }

  /** Recomputes the risk once the checks add what they measured (evaluation deltas, missing tests). */
  private async rescore(trx: Tx, cr: Database['change_requests'], at: string): Promise<void> {
    const checks = await this.checksOf(trx, cr.id);
    const latest = (name: string) =>
      checks
        .filter((c) => c.name === name && c.versionHash === cr.version_hash)
        .sort((a, b) => a.at.localeCompare(b.at))
        .at(-1);
    const regression = latest('regression');
    const details =
      regression?.status === 'skipped'
        ? null
        : (regression?.details as Partial<EvalDelta> | null | undefined);
    const evalDelta =
      details && typeof details.passRateDelta === 'number'
        ? { passRateDelta: details.passRateDelta, regressed: Number(details.regressed ?? 0) }
        : null;
    const candidate = await this.resolveIn(trx, {
      prompt: cr.prompt,
      selector: { kind: 'number', number: cr.version_number },
    });
    const base =
      cr.base_number === null
        ? null
        : await this.resolveIn(trx, {
            prompt: cr.prompt,
            selector: { kind: 'number', number: cr.base_number },
          });
    const risk = assessRisk({
      base: base?.spec ?? null,
      candidate: candidate.spec,
      evalDelta,
      untested: latest('tests')?.status === 'skipped',
    });
    await trx
      .updateTable('change_requests')
      .set({ risk: JSON.stringify(risk), updated_at: at })
      .where('id', '=', cr.id)
      .execute();
  }

  /**
   * The time of a new review or check run: now, or one millisecond after the change request's latest
   * one if that is not earlier. "Each reviewer's latest decision" and "each check's latest run" read
   * the order by time, so two records in the same millisecond must not tie (the transaction is
   * serializable, so concurrent writers cannot both take the same slot).
   */
  private async nextAt(trx: Tx, table: 'cr_reviews' | 'cr_checks', crId: string): Promise<string> {
    const now = this.now().getTime();
    const last = await trx
      .selectFrom(table)
      .select((eb) => eb.fn.max('at').as('at'))
      .where('cr_id', '=', crId)
      .executeTakeFirst();
    const lastMs = last?.at ? Date.parse(last.at) : Number.NEGATIVE_INFINITY;
    return new Date(Math.max(now, lastMs + 1)).toISOString();
  }

  private async checksOf(trx: Tx, crId: string): Promise<CheckRecord[]> {
    return (await this.rowsOf(trx, 'cr_checks', [crId])).map(toCheckRecord);
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

  /** This project's check overrides (policy exceptions), oldest first; callers narrow the target. */
  private overrideRows(trx: Tx) {
    return trx
      .selectFrom('policy_exceptions')
      .selectAll()
      .where('project', '=', this.project)
      .where('kind', '=', 'check-override')
      .orderBy('at');
  }

  private async loadChangeRequest(trx: Tx, number: number): Promise<ChangeRequest> {
    const row = await this.crRow(trx, number);
    const authors = (await this.changeAuthors(trx, [row])).get(row.id) ?? [row.author];
    const checks = await this.rowsOf(trx, 'cr_checks', [row.id]);
    const reviews = await this.rowsOf(trx, 'cr_reviews', [row.id]);
    const overrides = await this.overrideRows(trx).where('target', 'like', `cr#${number}:%`).execute();
    return this.assemble(row, authors, checks, reviews, overrides);
  }

  /**
   * Everyone who authored each change request's change: its opener, and whoever pushed the
   * proposed version or a version between the base and it (history is linear: each version's
   * parent is the one numbered before it, so the change's content is the versions in that range).
   * A first release (no base) carries the whole history; a return to an older version carries
   * that version. Versions are immutable, so this is computed, not stored.
   */
  private async changeAuthors(
    trx: Tx,
    rows: readonly Database['change_requests'][],
  ): Promise<Map<string, string[]>> {
    const prompts = [...new Set(rows.map((r) => r.prompt))];
    const versions = await trx
      .selectFrom('prompt_versions as v')
      .innerJoin('prompts as p', 'p.id', 'v.prompt_id')
      .select(['p.name', 'v.number', 'v.author'])
      .where('p.project', '=', this.project)
      .where('p.name', 'in', prompts)
      .execute();
    const byPrompt = groupBy(versions, (v) => v.name);
    const out = new Map<string, string[]>();
    for (const row of rows) {
      const candidate = row.version_number;
      const base = row.base_number;
      const inChange = (n: number) =>
        base === null ? n <= candidate : base < candidate ? n > base && n <= candidate : n === candidate;
      const pushed = (byPrompt.get(row.prompt) ?? []).filter((v) => inChange(v.number)).map((v) => v.author);
      out.set(row.id, [...new Set([row.author, ...pushed])].sort());
    }
    return out;
  }

  /** A change request from its row and its checks, reviews and overrides (each oldest first). */
  private assemble(
    row: Database['change_requests'],
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
      authors,
      versionHash: row.version_hash,
      risk,
      checks,
      reviews,
      overrides,
      policy: this.policy,
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

  private async recordException(
    trx: Tx,
    kind: string,
    target: string,
    actor: string,
    justification: string,
    details: unknown,
    at: string,
  ): Promise<string> {
    const id = randomUUID();
    await trx
      .insertInto('policy_exceptions')
      .values({
        id,
        project: this.project,
        kind,
        target,
        actor,
        justification,
        details: JSON.stringify(details),
        at,
      })
      .execute();
    await this.appendAudit(
      trx,
      actor,
      'policy.exception',
      target,
      null,
      { kind, justification, details },
      at,
    );
    return id;
  }

  private async activeRow(trx: Tx, prompt: string, environment: string): Promise<ReleaseRow | undefined> {
    return trx
      .selectFrom('releases')
      .selectAll()
      .where('project', '=', this.project)
      .where('prompt', '=', prompt)
      .where('environment', '=', environment)
      .where('active', '=', 1)
      .executeTakeFirst();
  }

  /** The stable version of the latest earlier release that served something other than `current`. */
  /**
   * What the environment served before its current version, read from the environment label's
   * moves as a stack: a move forward pushes, a move back to the version below pops (so rolling back
   * twice walks back twice instead of toggling), and removing the label empties it. Covers label
   * moves made before releases existed too.
   */
  /** Every move of an environment's label, oldest first: the version it was set to, or null when removed. */
  private async labelMoves(
    trx: Tx,
    prompt: string,
    environment: string,
  ): Promise<{ number: number | null }[]> {
    const promptId = await this.promptId(trx, prompt);
    const events = await trx
      .selectFrom('label_events as e')
      .leftJoin('prompt_versions as v', 'v.id', 'e.to_version_id')
      .select(['e.action', 'v.number'])
      .where('e.prompt_id', '=', promptId)
      .where('e.label', '=', environment)
      .orderBy('e.seq')
      .execute();
    return events.map((e) => ({ number: e.action === 'remove' ? null : e.number }));
  }

  /**
   * What the environment served before its current version, read from the environment label's
   * moves as a stack: a move forward pushes, a move back to the version below pops (so rolling back
   * twice walks back twice instead of toggling), and removing the label empties it. Covers label
   * moves made before releases existed too.
   */
  private async previousServed(
    trx: Tx,
    prompt: string,
    environment: string,
    current: number,
  ): Promise<number | null> {
    const stack: number[] = [];
    for (const move of await this.labelMoves(trx, prompt, environment)) {
      if (move.number === null) {
        stack.length = 0;
        continue;
      }
      if (stack.length >= 2 && stack[stack.length - 2] === move.number) stack.pop();
      else if (stack.at(-1) !== move.number) stack.push(move.number);
    }
    if (stack.at(-1) !== current) return null;
    return stack.length >= 2 ? stack[stack.length - 2]! : null;
  }

  private releaseRow(
    prompt: string,
    environment: string,
    kind: ReleaseRow['kind'],
    version: { number: number; hash: string },
    actor: string,
    at: string,
    extra: {
      canary?: { number: number; hash: string; weight: number };
      crId: string | null;
      notes?: string | undefined;
      exceptionId?: string | null;
    },
  ): ReleaseRow {
    return {
      id: randomUUID(),
      project: this.project,
      prompt,
      environment,
      seq: 0,
      kind,
      version_number: version.number,
      version_hash: version.hash,
      canary_number: extra.canary?.number ?? null,
      canary_hash: extra.canary?.hash ?? null,
      canary_weight: extra.canary?.weight ?? null,
      cr_id: extra.crId,
      exception_id: extra.exceptionId ?? null,
      notes: extra.notes ?? null,
      actor,
      at,
      active: 1,
    };
  }

  /**
   * Makes `row` the environment's active release: retires the current one, numbers and inserts
   * the new row, points the environment label at its stable version and audits it, all inside
   * the caller's transaction.
   */
  private async commitRelease(
    trx: Tx,
    row: ReleaseRow,
    current: ReleaseRow | undefined,
  ): Promise<ReleaseRecord> {
    if (current) await trx.updateTable('releases').set({ active: 0 }).where('id', '=', current.id).execute();
    const last = await trx
      .selectFrom('releases')
      .select('seq')
      .where('project', '=', this.project)
      .where('prompt', '=', row.prompt)
      .where('environment', '=', row.environment)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const numbered = { ...row, seq: (last?.seq ?? 0) + 1 };
    await trx.insertInto('releases').values(numbered).execute();
    await this.setLabelIn(trx, row.prompt, row.version_number, row.environment, row.actor);
    const [record] = await this.toReleases(trx, [numbered]);
    await this.appendAudit(
      trx,
      row.actor,
      `release.${row.kind}`,
      `${row.prompt}:${row.environment}`,
      current ? { version: current.version_number, canary: canaryOf(current) } : null,
      {
        release: numbered.seq,
        version: row.version_number,
        canary: canaryOf(row),
        changeRequest: record?.changeRequest ?? null,
        exception: row.exception_id,
      },
      row.at,
    );
    return record!;
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

/** A release (full or canary) or promotion must not silently end a canary still being judged. */
function refuseOverCanary(active: ReleaseRow | undefined): void {
  if (active?.canary_number == null) return;
  throw new PromptOpsError(
    'PO_ERR_RELEASE_INVALID',
    `${active.environment} is running a canary of ${active.prompt}@${active.canary_number}; promote it or roll it back there first`,
    { prompt: active.prompt, environment: active.environment },
  );
}

/** Whether `active` already serves `hash` as asked: as its stable version, or as a canary at `weight`. */
function isSameRelease(active: ReleaseRow, hash: string, weight: number | undefined): boolean {
  return weight === undefined
    ? active.version_hash === hash && active.canary_number === null
    : active.canary_hash === hash && active.canary_weight === weight;
}

function canaryOf(row: ReleaseRow): ReleaseRecord['canary'] {
  return row.canary_number !== null && row.canary_hash !== null && row.canary_weight !== null
    ? { version: row.canary_number, hash: row.canary_hash, weight: row.canary_weight }
    : null;
}

/** Breaking changes that make the target reject inputs the current version accepts. */
function inputBreaks(current: PromptSpec, target: PromptSpec) {
  return findBreakingChanges(current, target).filter((b) => b.area === 'input' || b.area === 'contract');
}

function requireJustification(text: string | undefined, what: string): string {
  const trimmed = text?.trim() ?? '';
  if (trimmed.length < 10) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `${what} needs a written justification (at least 10 characters)`,
      {},
    );
  }
  return trimmed;
}

/**
 * An expiry as canonical UTC ISO text: `authenticate` compares it with the clock as text, which is
 * only right when both are in the same form (`+02:00` offsets or date-only values are not).
 */
function toInstant(text: string): string {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `"${text}" is not a date and time; use ISO 8601, e.g. 2025-12-31T23:59:59Z`,
      {
        expiresAt: text,
      },
    );
  }
  return at.toISOString();
}

function checkSubject(subject: string): void {
  if (!/^[^\s:]{1,200}$/.test(subject)) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `"${subject}" is not a valid subject: use a user or service name (an e-mail address works), no spaces or ':'`,
      { subject },
    );
  }
}

function toProject(row: Database['projects']): ProjectRecord {
  return { name: row.name, createdAt: row.created_at, createdBy: row.created_by };
}

function toToken(row: Database['api_tokens']): TokenRecord {
  return {
    id: row.id,
    subject: row.subject,
    name: row.name,
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
  };
}

function toBinding(row: Database['role_bindings']): RoleBinding {
  return {
    project: row.project,
    subject: row.subject,
    role: row.role as Role,
    createdAt: row.created_at,
    createdBy: row.created_by,
  };
}

function toCheckRecord(r: Database['cr_checks']): CheckRecord {
  return {
    name: r.name,
    status: r.status,
    summary: r.summary,
    details: r.details === null ? null : (JSON.parse(r.details) as unknown),
    versionHash: r.version_hash,
    actor: r.actor,
    at: r.at,
  };
}

/** Items grouped by key, each group in input order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
