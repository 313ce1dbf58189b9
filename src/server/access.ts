import type { Operation } from '../api/operation.js';
import { PromptOpsError } from '../errors.js';
import { allows, type Permission, ROLES, type Role } from '../governance/rbac.js';
import type { Store } from '../store/index.js';
import type { Caller } from './auth.js';
import { TtlCache } from './ttl-cache.js';

/** What decides whether a caller may run an operation. */
export interface AccessOptions {
  store: Store;
  /** The server's project: operations outside `/projects/:project` are checked in it. */
  home: string;
  /** Environment names: their labels move only through releases (or by an admin). */
  environments: readonly string[];
  /** How long a subject's roles are cached (ms). */
  cacheMs: number;
  now?: () => number;
  /** Drops a token from the verified-token cache (after it is revoked). */
  forgetToken: (tokenId: string) => void;
}

/** The roles that grant `permission`, for telling a refused caller what to ask for. */
function rolesGranting(permission: Permission): Role[] {
  return ROLES.filter((role) => allows([role], permission));
}

/**
 * Authorization of the operations: the caller's roles in the operation's project (cached), the
 * project's existence, and the operation's own rules (force needs an admin, environment labels).
 */
export class Access {
  private readonly roles: TtlCache<Role[]>;
  private readonly projects = new Set<string>();
  private readonly environments: Set<string>;

  constructor(private readonly options: AccessOptions) {
    this.roles = new TtlCache<Role[]>(options.cacheMs, options.now);
    this.environments = new Set(options.environments);
    this.projects.add(options.home);
  }

  /** The project a request acts in: its path's, or the server's own. */
  projectOf(params: Record<string, string>): string {
    return params.project ?? this.options.home;
  }

  /** Throws PO_ERR_FORBIDDEN (or PO_ERR_PROJECT_NOT_FOUND, to those allowed to learn it) unless `caller` may run `op`. */
  async authorize(
    op: Operation,
    caller: Caller,
    params: Record<string, string>,
    body: unknown,
  ): Promise<void> {
    if (op.permission === null) return;
    const project = this.projectOf(params);
    // Permission first: a caller without roles learns nothing, not even whether the project exists.
    const held = await this.rolesIn(project, caller.subject);
    if (!allows(held, op.permission)) {
      throw new PromptOpsError(
        'PO_ERR_FORBIDDEN',
        `${caller.subject} may not ${op.permission} in project "${project}" (roles: ${held.join(', ') || 'none'}); an admin can grant ${rolesGranting(op.permission).join(' or ')} with "promptops role grant ${caller.subject} ROLE"`,
        { permission: op.permission, project, roles: held },
      );
    }
    await this.requireProject(project);
    // Forcing a release or rollback past the contract re-validation is a policy exception.
    if (op.forceNeedsAdmin && (body as { force?: unknown } | undefined)?.force) {
      if (!allows(held, 'policy.override')) {
        throw new PromptOpsError('PO_ERR_FORBIDDEN', 'only an admin may force a release or a rollback', {
          permission: 'policy.override',
          project,
        });
      }
    }
    const label = params.label;
    if (op.guardsEnvironmentLabel && label !== undefined && this.environments.has(label)) {
      if (!allows(held, 'admin.manage')) {
        throw new PromptOpsError(
          'PO_ERR_FORBIDDEN',
          `"${label}" is an environment: it moves through releases ("promptops release"), or by an admin`,
          { label, project },
        );
      }
    }
  }

  /** Drops cached roles of a subject (after a grant or revoke) or a token (after a revoke). */
  readonly invalidate = (what: { subject?: string; tokenId?: string }): void => {
    if (what.subject) this.roles.deleteWhere((key) => key.endsWith(`\u0000${what.subject}`));
    if (what.tokenId) this.options.forgetToken(what.tokenId);
  };

  /** The roles `subject` holds in `project` (cached for the access cache's time). */
  async rolesIn(project: string, subject: string): Promise<Role[]> {
    const key = `${project}\u0000${subject}`;
    let found = this.roles.get(key);
    if (!found) {
      found = await this.options.store.forProject(project).rolesOf(subject);
      this.roles.set(key, found);
    }
    return found;
  }

  private async requireProject(project: string): Promise<void> {
    if (this.projects.has(project)) return;
    if ((await this.options.store.listProjects()).some((p) => p.name === project)) {
      this.projects.add(project);
      return;
    }
    throw new PromptOpsError(
      'PO_ERR_PROJECT_NOT_FOUND',
      `project "${project}" does not exist on this server; an admin creates it with POST /v1/projects`,
      { project },
    );
  }
}
