import { describe, expect, it } from 'vitest';
import { PromptOpsError } from '../../src/errors.js';
import {
  allows,
  grantsOf,
  isRole,
  PERMISSIONS,
  type Permission,
  parseRole,
  ROLES,
  type Role,
} from '../../src/governance/rbac.js';

describe('roles and permissions', () => {
  it('has seven roles, least to most powerful', () => {
    expect(ROLES).toEqual(['viewer', 'runtime', 'author', 'reviewer', 'releaser', 'ci', 'admin']);
  });

  it('grants each role exactly its permissions', () => {
    const table = Object.fromEntries(ROLES.map((role) => [role, [...grantsOf(role)].sort()]));
    expect(table).toEqual({
      viewer: ['read'],
      runtime: ['prompt.run', 'read', 'trace.write'],
      author: [
        'cr.close',
        'cr.open',
        'cr.run_checks',
        'label.set',
        'prompt.run',
        'read',
        'trace.write',
        'version.archive',
        'version.push',
      ],
      reviewer: ['cr.review', 'read', 'review.decide'],
      releaser: ['prompt.run', 'read', 'release.create', 'release.rollback', 'trace.write'],
      ci: ['cr.check', 'cr.run_checks', 'read'],
      admin: [...PERMISSIONS].sort(),
    });
  });

  it('every role can read; every permission is granted by some role', () => {
    for (const role of ROLES) expect(allows([role], 'read')).toBe(true);
    for (const permission of PERMISSIONS)
      expect(
        ROLES.some((r) => allows([r], permission)),
        permission,
      ).toBe(true);
  });

  it('keeps duties apart: authors do not review or release, reviewers do not release, releasers do not review', () => {
    expect(allows(['author'], 'cr.review')).toBe(false);
    expect(allows(['author'], 'release.create')).toBe(false);
    expect(allows(['reviewer'], 'release.create')).toBe(false);
    expect(allows(['reviewer'], 'version.push')).toBe(false);
    expect(allows(['releaser'], 'cr.review')).toBe(false);
    expect(allows(['releaser'], 'version.push')).toBe(false);
  });

  it('only CI (and admins) record check results: authors and releasers cannot post green checks', () => {
    expect(ROLES.filter((r) => allows([r], 'cr.check'))).toEqual(['ci', 'admin']);
    expect(allows(['ci'], 'version.push')).toBe(false);
    expect(allows(['ci'], 'release.create')).toBe(false);
    expect(allows(['ci'], 'cr.review')).toBe(false);
  });

  it('the runtime role runs prompts and writes traces but changes nothing', () => {
    const changes = PERMISSIONS.filter((p) => !['read', 'trace.write', 'prompt.run'].includes(p));
    for (const permission of changes) expect(allows(['runtime'], permission), permission).toBe(false);
    expect(allows(['runtime'], 'prompt.run')).toBe(true);
    expect(allows(['runtime'], 'trace.write')).toBe(true);
    expect(ROLES.filter((r) => allows([r], 'prompt.run'))).toEqual([
      'runtime',
      'author',
      'releaser',
      'admin',
    ]);
  });

  it('only admins override policy and manage tokens and roles', () => {
    for (const permission of ['policy.override', 'admin.manage'] as Permission[]) {
      expect(ROLES.filter((r) => allows([r], permission))).toEqual(['admin']);
    }
  });

  it('several roles grant the union of their permissions; no roles grant nothing', () => {
    const both: Role[] = ['author', 'reviewer'];
    expect(allows(both, 'version.push')).toBe(true);
    expect(allows(both, 'cr.review')).toBe(true);
    expect(allows(both, 'release.create')).toBe(false);
    for (const permission of PERMISSIONS) expect(allows([], permission)).toBe(false);
  });

  it('parseRole accepts role names and refuses anything else with PO_ERR_USAGE naming the roles', () => {
    for (const role of ROLES) expect(parseRole(role)).toBe(role);
    for (const bad of ['Admin', 'owner', '', ' viewer']) {
      expect(isRole(bad)).toBe(false);
      let caught: unknown;
      try {
        parseRole(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(PromptOpsError);
      expect((caught as PromptOpsError).code).toBe('PO_ERR_USAGE');
      expect((caught as PromptOpsError).message).toContain(ROLES.join(', '));
    }
  });
});
