import { PromptOpsError } from '../errors.js';
import { CONTROL_PLANE } from '../governance/policy.js';
import { ROLES, type Role } from '../governance/rbac.js';
import { mintToken, parseToken, verifySecret } from '../governance/tokens.js';
import type { AuditLog } from './audit-log.js';
import type { Database } from './schema.js';
import type { StoreContext } from './store-context.js';
import type { ProjectRecord, RoleBinding, TokenRecord } from './types.js';

/** Who may act: projects, API tokens and role bindings. */
export class IdentityStore {
  /** The store methods this part serves: the facade delegates them and `Store` is typed from them. */
  static readonly operations = [
    'ensureProject',
    'createProject',
    'listProjects',
    'createToken',
    'listTokens',
    'revokeToken',
    'authenticate',
    'grantRole',
    'revokeRole',
    'listRoleBindings',
    'rolesOf',
  ] as const satisfies readonly (keyof IdentityStore)[];

  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  async ensureProject(name: string, actor: string): Promise<ProjectRecord> {
    return this.ctx.transact(async (trx) => {
      const found = await trx.selectFrom('projects').selectAll().where('name', '=', name).executeTakeFirst();
      if (found) return toProject(found);
      const row = { name, created_at: this.ctx.now().toISOString(), created_by: actor };
      const audit = {
        actor,
        action: 'project.create',
        target: name,
        before: null,
        after: { name },
        at: row.created_at,
      };
      await this.audit.audited(trx, audit, () => trx.insertInto('projects').values(row).execute());
      return toProject(row);
    });
  }

  /** Creates a project and makes `actor` its admin, in one transaction; an existing name is a conflict. */
  async createProject(name: string, actor: string): Promise<ProjectRecord> {
    return this.ctx.transact(async (trx) => {
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
      const at = this.ctx.now().toISOString();
      const row = { name, created_at: at, created_by: actor };
      const audit = {
        actor,
        action: 'project.create',
        target: name,
        before: null,
        after: { name, admin: actor },
        at,
      };
      await this.audit.audited(trx, audit, async () => {
        await trx.insertInto('projects').values(row).execute();
        await trx
          .insertInto('role_bindings')
          .values({ project: name, subject: actor, role: 'admin', created_at: at, created_by: actor })
          .execute();
      });
      return toProject(row);
    });
  }

  async listProjects(): Promise<ProjectRecord[]> {
    const rows = await this.ctx.db.selectFrom('projects').selectAll().orderBy('name').execute();
    return rows.map(toProject);
  }

  /** Creates a token; the plain token is in the result and nowhere else, ever. */
  async createToken(
    input: { subject: string; name: string; expiresAt?: string },
    actor: string,
  ): Promise<{ token: string; record: TokenRecord }> {
    checkSubject(input.subject);
    const expiresAt = input.expiresAt === undefined ? null : toInstant(input.expiresAt);
    const minted = await mintToken();
    const at = this.ctx.now().toISOString();
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
    const after = { subject: row.subject, name: row.name, expiresAt: row.expires_at };
    const audit = { actor, action: 'token.create', target: `token:${row.id}`, before: null, after, at };
    await this.ctx.transact((trx) =>
      this.audit.audited(trx, audit, () => trx.insertInto('api_tokens').values(row).execute()),
    );
    return { token: minted.token, record: toToken(row) };
  }

  async listTokens(): Promise<TokenRecord[]> {
    const rows = await this.ctx.db.selectFrom('api_tokens').selectAll().orderBy('created_at').execute();
    return rows.map(toToken);
  }

  async revokeToken(id: string, actor: string): Promise<TokenRecord> {
    return this.ctx.transact(async (trx) => {
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
      const at = this.ctx.now().toISOString();
      const audit = {
        ...{ actor, action: 'token.revoke', target: `token:${id}` },
        ...{ before: { subject: row.subject }, after: { revoked: true }, at },
      };
      await this.audit.audited(trx, audit, () =>
        trx
          .updateTable('api_tokens')
          .set({ revoked_at: at, revoked_by: actor })
          .where('id', '=', id)
          .execute(),
      );
      return toToken({ ...row, revoked_at: at, revoked_by: actor });
    });
  }

  /** The subject a presented token acts for; null when unknown, malformed, revoked or expired. */
  async authenticate(
    token: string,
  ): Promise<{ subject: string; tokenId: string; expiresAt: string | null } | null> {
    const parsed = parseToken(token);
    if (!parsed) return null;
    const row = await this.ctx.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', parsed.id)
      .executeTakeFirst();
    if (!row || row.revoked_at) return null;
    if (row.expires_at && row.expires_at <= this.ctx.now().toISOString()) return null;
    if (!(await verifySecret(parsed.secret, row.secret_hash))) return null;
    return { subject: row.subject, tokenId: row.id, expiresAt: row.expires_at };
  }

  async grantRole(subject: string, role: Role, actor: string): Promise<RoleBinding> {
    checkSubject(subject);
    const { project } = this.ctx;
    return this.ctx.transact(async (trx) => {
      const found = await trx
        .selectFrom('role_bindings')
        .selectAll()
        .where('project', '=', project)
        .where('subject', '=', subject)
        .where('role', '=', role)
        .executeTakeFirst();
      if (found) return toBinding(found);
      const row = { project, subject, role, created_at: this.ctx.now().toISOString(), created_by: actor };
      const target = `${project}:${subject}`;
      const audit = {
        actor,
        action: 'role.grant',
        target,
        before: null,
        after: { role },
        at: row.created_at,
      };
      await this.audit.audited(trx, audit, () => trx.insertInto('role_bindings').values(row).execute());
      return toBinding(row);
    });
  }

  async revokeRole(subject: string, role: Role, actor: string): Promise<void> {
    const { project } = this.ctx;
    const target = `${project}:${subject}`;
    await this.ctx.transact(async (trx) => {
      const at = this.ctx.now().toISOString();
      const audit = { actor, action: 'role.revoke', target, before: { role }, after: null, at };
      await this.audit.audited(trx, audit, async () => {
        const removed = await trx
          .deleteFrom('role_bindings')
          .where('project', '=', project)
          .where('subject', '=', subject)
          .where('role', '=', role)
          .executeTakeFirst();
        if (Number(removed.numDeletedRows) === 0) {
          throw new PromptOpsError(
            'PO_ERR_ROLE_NOT_FOUND',
            `${subject} does not hold role ${role} in project "${project}"`,
            { subject, role },
          );
        }
      });
    });
  }

  async listRoleBindings(): Promise<RoleBinding[]> {
    const rows = await this.ctx.db
      .selectFrom('role_bindings')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .orderBy('subject')
      .orderBy('role')
      .execute();
    return rows.map(toBinding);
  }

  async rolesOf(subject: string): Promise<Role[]> {
    const rows = await this.ctx.db
      .selectFrom('role_bindings')
      .select('role')
      .where('project', 'in', [this.ctx.project, '*'])
      .where('subject', '=', subject)
      .execute();
    return [...new Set(rows.map((r) => r.role as Role))].sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b));
  }
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
      { expiresAt: text },
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
  // The control plane records the checks it runs as this subject: a token or a role for it would
  // let someone else pass for the server.
  if (subject === CONTROL_PLANE) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `"${CONTROL_PLANE}" is reserved for the control plane's own check runs: no token or role can be given to it; use another subject`,
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
