/**
 * Identity's operations (store/identity-store.ts): projects, API tokens and role bindings, and
 * `whoami`, which the server answers itself from the caller's token.
 */
import Type from 'typebox';
import { PromptOpsError } from '../../errors.js';
import { parseRole } from '../../governance/rbac.js';
import type { IdentityStore } from '../../store/identity-store.js';
import type { OperationTable, ServedBy } from '../operation.js';
import {
  closed,
  NewTokenSchema,
  ProjectNameSchema,
  ProjectRecordSchema,
  RoleBindingSchema,
  RoleSchema,
  Str,
  TokenRecordSchema,
  WhoamiSchema,
} from '../schemas.js';
import { actor, body, field, list, P, path } from './shorthand.js';

/** Identity's entries in the operation table. */
export const IDENTITY_OPERATIONS: OperationTable<ServedBy<typeof IdentityStore> | 'whoami'> = {
  listRoleBindings: {
    method: 'GET',
    path: `${P}/roles`,
    permission: 'read',
    tag: 'identity',
    summary: 'Who holds which role in the project',
    output: list(RoleBindingSchema),
    args: [],
  },
  rolesOf: {
    method: 'GET',
    path: `${P}/roles/:subject`,
    permission: 'read',
    tag: 'identity',
    summary:
      'The roles a subject holds in the project: its own there and those granted on every project ("*")',
    output: list(RoleSchema),
    args: [path('subject')],
  },
  grantRole: {
    method: 'POST',
    path: `${P}/roles`,
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'Grant a role',
    status: 201,
    body: closed({ subject: Str, role: RoleSchema }),
    output: RoleBindingSchema,
    audit: ['role.grant'],
    args: [field('subject'), field('role'), actor],
    invalidates: ([subject]) => ({ subject: subject as string }),
  },
  revokeRole: {
    method: 'DELETE',
    path: `${P}/roles/:subject/:role`,
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'Revoke a role',
    status: 204,
    audit: ['role.revoke'],
    args: [path('subject'), path('role', parseRole), actor],
    invalidates: ([subject]) => ({ subject: subject as string }),
  },
  listTokens: {
    method: 'GET',
    path: '/tokens',
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'List API tokens (never their secrets)',
    output: list(TokenRecordSchema),
    args: [],
  },
  createToken: {
    method: 'POST',
    path: '/tokens',
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'Create an API token; the token is in this response only',
    status: 201,
    body: closed({
      subject: Str,
      name: Type.Optional(Type.String({ maxLength: 200 })),
      expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
    }),
    output: NewTokenSchema,
    audit: ['token.create'],
    args: [body, actor],
    decode: ({ body }, subject) => {
      const expiresAt = body.expiresAt ? new Date(body.expiresAt as string) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) {
        throw new PromptOpsError(
          'PO_ERR_REQUEST_INVALID',
          `expiresAt ${body.expiresAt as string} is in the past: such a token could never be used; give a future date-time, or none for a token that does not expire`,
          { expiresAt: body.expiresAt },
        );
      }
      const input = {
        subject: body.subject as string,
        name: (body.name as string | undefined) ?? 'api',
        ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
      };
      return [input, subject];
    },
  },
  revokeToken: {
    method: 'DELETE',
    path: '/tokens/:id',
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'Revoke a token',
    output: TokenRecordSchema,
    audit: ['token.revoke'],
    args: [path('id'), actor],
    invalidates: (_args, record) => ({ tokenId: (record as { id: string }).id }),
  },
  whoami: {
    method: 'GET',
    path: '/whoami',
    permission: null,
    tag: 'identity',
    summary: 'The subject the token acts for, and its roles on this server',
    output: WhoamiSchema,
    args: [],
    answer: async (store, { subject, tokenId }) => ({
      subject,
      tokenId,
      roles: await store.rolesOf(subject),
    }),
  },
  listProjects: {
    method: 'GET',
    path: '/projects',
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'List projects',
    output: list(ProjectRecordSchema),
    args: [],
  },
  createProject: {
    method: 'POST',
    path: '/projects',
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'Create a project (a workspace with its own catalog, roles and audit chain)',
    status: 201,
    body: closed({ name: ProjectNameSchema }),
    output: ProjectRecordSchema,
    audit: ['project.create'],
    args: [field('name'), actor],
    // Whoever creates a project administers it; their cached roles must learn it at once.
    invalidates: ([, creator]) => ({ subject: creator as string }),
  },
};
