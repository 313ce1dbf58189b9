import { PromptOpsError } from '../errors.js';

/**
 * Roles a subject holds per project. A subject may hold several; permissions are their union.
 * `ci` is the service account that runs a change's checks: recording check results is its job
 * alone (and an admin's), so no author can post green checks for a change they never ran. Asking
 * the control plane to run them (`cr.run_checks`) is open to authors and CI alike: the server, not
 * the caller, produces those results. `runtime` is what a gateway or an application holds: it may
 * read, run prompts and write their traces, and change nothing.
 */
export const ROLES = ['viewer', 'runtime', 'author', 'reviewer', 'releaser', 'ci', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Everything a route can require. Reading is one permission; each kind of change is its own. */
export const PERMISSIONS = [
  'read',
  'version.push',
  'version.archive',
  'label.set',
  'cr.open',
  'cr.check',
  'cr.run_checks',
  'cr.review',
  'cr.close',
  'release.create',
  'release.rollback',
  'review.decide',
  'trace.write',
  'prompt.run',
  'policy.override',
  'admin.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ['read'],
  runtime: ['read', 'trace.write', 'prompt.run'],
  author: [
    'read',
    'version.push',
    'version.archive',
    'label.set',
    'cr.open',
    'cr.close',
    'cr.run_checks',
    'trace.write',
    'prompt.run',
  ],
  reviewer: ['read', 'cr.review', 'review.decide'],
  releaser: ['read', 'release.create', 'release.rollback', 'trace.write', 'prompt.run'],
  ci: ['read', 'cr.check', 'cr.run_checks'],
  admin: PERMISSIONS,
};

/** True when any of `roles` grants `permission`. */
export function allows(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => GRANTS[role].includes(permission));
}

/** True when `value` names one of the roles. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Parses a role name from user input, with the valid names in the error. */
export function parseRole(value: string): Role {
  if (isRole(value)) return value;
  throw new PromptOpsError('PO_ERR_USAGE', `unknown role "${value}"; roles are ${ROLES.join(', ')}`, {
    role: value,
  });
}

/** The permissions each role grants (for `promptops roles` and the docs). */
export function grantsOf(role: Role): readonly Permission[] {
  return GRANTS[role];
}
