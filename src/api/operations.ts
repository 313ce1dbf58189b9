/**
 * The API, declared once. Each operation is one store method (or `whoami`) with everything the
 * server, the OpenAPI document, the remote client (HttpStore) and the route × role tests derive
 * from it: HTTP method and path, the permission a caller needs, the request's schemas, the result's
 * schema, the audit actions it writes and where each of the method's arguments travels.
 *
 * Adding an operation touches three files at most:
 * 1. Its store query: a method of the part of src/store/ that owns its aggregate (catalog-store.ts,
 *    release-store.ts, ...), named in the part's static `operations`. The `Store` type, KyselyStore's
 *    delegation and HttpStore's method all follow from that list.
 * 2. Its pure logic, if it decides anything (a planner in src/governance/, say), with the types of
 *    what it returns.
 * 3. Its entry here, keyed by the method's name (a part's operation without an entry, or an entry
 *    no part serves, does not compile). A record only this operation answers has its schema beside
 *    the entry; shared records and inputs are in src/api/schemas.ts, their types
 *    `Static<typeof ...Schema>` in src/store/types.ts.
 * That is all: the server registers the route, /openapi.json documents it, HttpStore has the
 * method, test/server/authz.test.ts puts it through every role (give a POST a minimal valid body
 * there), test/server/operations.test.ts compiles its schemas with strict Ajv and the store suites
 * run it over HTTP, checking the audit actions it declares. (Example: `snapshot`, added with its entry here,
 * governance/environment-snapshot.ts and the method in release-store.ts.)
 */
import Type, { type TSchema } from 'typebox';
import { hashSpec } from '../catalog/canonical.js';
import type { PromptSpec } from '../catalog/spec.js';
import { PromptOpsError } from '../errors.js';
import { parseRole } from '../governance/rbac.js';
import type { Trace } from '../observe/trace.js';
import type { PushItem, Store } from '../store/types.js';
import type { Arg, Operation, OperationName } from './operation.js';
import {
  AuditEntrySchema,
  AuditVerificationSchema,
  ChangeRequestReviewSchema,
  ChangeRequestSchema,
  CheckInputSchema,
  closed,
  EvalRunRecordSchema,
  Hash,
  Int,
  LabelEventSchema,
  LabelRecordSchema,
  Limit,
  NewReviewSchema,
  NewTokenSchema,
  OpenChangeRequestSchema,
  OverrideSchema,
  PolicyExceptionSchema,
  ProjectNameSchema,
  ProjectRecordSchema,
  PromoteInputSchema,
  PromptSummarySchema,
  PushItemSchema,
  PushOutcomeSchema,
  ReleaseInputSchema,
  ReleaseRecordSchema,
  ReviewRecordSchema,
  RoleBindingSchema,
  RoleSchema,
  RollbackInputSchema,
  Str,
  Text,
  TokenRecordSchema,
  TraceSchema,
  VersionRecordSchema,
  WhoamiSchema,
  wholeNumberText,
} from './schemas.js';
import { filterOf, wholeNumber } from './wire.js';

const P = '/projects/:project';
const actor = { in: 'actor' } as const;
const body = { in: 'body' } as const;
const filter = { in: 'query' } as const;
const path = (name: string, parse?: (text: string) => unknown): Arg => ({
  in: 'path',
  name,
  ...(parse ? { parse } : {}),
});
const field = (name: string): Arg => ({ in: 'body', name });
const queryField = (name: string): Arg => ({ in: 'query', name });
const crNumber = path('number', (text) => wholeNumber(text, 'change request number'));
const list = (schema: TSchema) => Type.Array(schema);
const empty = (args: readonly unknown[]) =>
  (args[0] as readonly unknown[]).length === 0 ? { result: undefined } : undefined;

/** What an environment serves (`EnvironmentSnapshot`, governance/environment-snapshot.ts). */
const ServedSpec = { number: Int, hash: Hash, spec: Type.Unsafe<PromptSpec>({ type: 'object' }) };
const EnvironmentSnapshotSchema = closed({
  environment: Str,
  revision: Type.Integer({ minimum: 0 }),
  prompts: list(
    closed({
      prompt: Str,
      stable: closed(ServedSpec),
      canary: Type.Union([
        closed({ ...ServedSpec, weight: Type.Integer({ minimum: 1, maximum: 99 }) }),
        Type.Null(),
      ]),
    }),
  ),
});

const releaseQuery = closed({
  prompt: Type.Optional(Str),
  environment: Type.Optional(Str),
  active: Type.Optional(Type.Enum(['true', 'false'])),
  limit: Type.Optional(Limit),
});

/**
 * Every `/v1` operation, by name. Keyed by `OperationName`, so a store method that is neither here
 * nor excluded from `OperationName` does not compile.
 */
const TABLE: { readonly [name in OperationName]: Omit<Operation, 'name'> } = {
  // ---- catalog ----
  listPrompts: {
    method: 'GET',
    path: `${P}/prompts`,
    permission: 'read',
    tag: 'catalog',
    summary: 'List prompts with their latest version and labels',
    output: list(PromptSummarySchema),
    args: [],
  },
  push: {
    method: 'POST',
    path: `${P}/prompts/push`,
    permission: 'version.push',
    tag: 'catalog',
    summary:
      'Register new immutable versions (idempotent); each spec must be valid (as lint checks it) and match its hash',
    body: closed({ items: Type.Array(PushItemSchema, { maxItems: 1000 }), message: Type.Optional(Text) }),
    output: list(PushOutcomeSchema),
    audit: ['version.create'],
    args: [field('items'), { in: 'actor', field: 'author' }],
    encode: ([items, meta]) => {
      const { message } = meta as { message?: string };
      return { body: { items, ...(message ? { message } : {}) } };
    },
    decode: ({ body }, author) => {
      const items = body.items as PushItem[];
      for (const item of items) {
        // A hash is the client's claim; the spec's own rules are the store's to check (it refuses first).
        if (hashSpec(item.spec) !== item.hash) {
          throw new PromptOpsError(
            'PO_ERR_REQUEST_INVALID',
            `the spec of ${item.spec.name} does not hash to ${item.hash.slice(0, 12)}; push the files again`,
            { prompt: item.spec.name },
          );
        }
      }
      return [items, { author, ...(body.message ? { message: body.message } : {}) }];
    },
    // The same rules as a local push (lint), refused before anything is written; over HTTP a bad request.
    refusals: { PO_ERR_CATALOG_INVALID: 'PO_ERR_REQUEST_INVALID' },
  },
  listVersions: {
    method: 'GET',
    path: `${P}/prompts/:prompt/versions`,
    permission: 'read',
    tag: 'catalog',
    summary: 'List the versions of a prompt, newest first',
    output: list(VersionRecordSchema),
    args: [path('prompt')],
  },
  resolve: {
    method: 'GET',
    path: `${P}/prompts/:prompt/resolve`,
    permission: 'read',
    tag: 'catalog',
    summary: 'Resolve a version by number (?version=), by label (?label=) or the latest',
    query: closed({
      version: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
      label: Type.Optional(Str),
    }),
    output: VersionRecordSchema,
    args: [path('prompt')],
    encode: ([ref]) => {
      const { prompt, selector: s } = ref as Parameters<Store['resolve']>[0];
      return {
        params: { prompt },
        query: {
          version: s.kind === 'number' ? String(s.number) : undefined,
          label: s.kind === 'label' ? s.label : undefined,
        },
      };
    },
    decode: ({ params, query }) => [
      {
        prompt: params.prompt,
        selector: query.version
          ? { kind: 'number', number: wholeNumber(query.version, 'version') }
          : query.label
            ? { kind: 'label', label: query.label }
            : { kind: 'latest' },
      },
    ],
  },
  archive: {
    method: 'POST',
    path: `${P}/prompts/:prompt/versions/:number/archive`,
    permission: 'version.archive',
    tag: 'catalog',
    summary: 'Archive an unlabelled version',
    body: closed({ reason: Type.Optional(Text) }),
    output: VersionRecordSchema,
    audit: ['version.archive'],
    args: [path('prompt'), path('number', (text) => wholeNumber(text, 'version')), actor, field('reason')],
  },
  listLabels: {
    method: 'GET',
    path: `${P}/labels`,
    permission: 'read',
    tag: 'labels',
    summary: 'List labels (optionally of one prompt)',
    query: closed({ prompt: Type.Optional(Str) }),
    output: list(LabelRecordSchema),
    args: [queryField('prompt')],
  },
  setLabel: {
    method: 'POST',
    path: `${P}/prompts/:prompt/labels/:label`,
    permission: 'label.set',
    tag: 'labels',
    summary: 'Point a label at a version (environment labels move only through releases, or by an admin)',
    body: closed({ version: Int }),
    output: Type.Union([LabelEventSchema, Type.Null()]),
    audit: ['label.set'],
    args: [path('prompt'), field('version'), path('label'), actor],
    guardsEnvironmentLabel: true,
  },
  removeLabel: {
    method: 'DELETE',
    path: `${P}/prompts/:prompt/labels/:label`,
    permission: 'label.set',
    tag: 'labels',
    summary: 'Remove a label',
    output: LabelEventSchema,
    audit: ['label.remove'],
    args: [path('prompt'), path('label'), actor],
    guardsEnvironmentLabel: true,
  },
  labelHistory: {
    method: 'GET',
    path: `${P}/prompts/:prompt/label-history`,
    permission: 'read',
    tag: 'labels',
    summary: 'Every move of the prompt’s labels',
    query: closed({ label: Type.Optional(Str) }),
    output: list(LabelEventSchema),
    args: [path('prompt'), queryField('label')],
  },
  // ---- traces, reviews, evaluations ----
  writeTraces: {
    method: 'POST',
    path: `${P}/traces`,
    permission: 'trace.write',
    tag: 'traces',
    summary: 'Append execution traces',
    status: 204,
    body: closed({ traces: Type.Array(TraceSchema, { maxItems: 5000 }) }),
    args: [field('traces')],
    shortcut: empty,
    // A trace names its project; it is the path's, whatever the body says (writes stay in the
    // project the caller's roles were checked in).
    decode: ({ params, body }) => [(body.traces as Trace[]).map((t) => ({ ...t, project: params.project }))],
  },
  listTraces: {
    method: 'GET',
    path: `${P}/traces`,
    permission: 'read',
    tag: 'traces',
    summary: 'Recent traces',
    query: closed({
      prompt: Type.Optional(Str),
      status: Type.Optional(Type.Enum(['ok', 'error', 'held'])),
      version: Type.Optional(wholeNumberText('^[1-9][0-9]{0,8}$')),
      environment: Type.Optional(Str),
      since: Type.Optional(Type.String({ format: 'date-time' })),
      until: Type.Optional(Type.String({ format: 'date-time' })),
      limit: Type.Optional(Limit),
    }),
    output: list(TraceSchema),
    args: [filter],
  },
  getTrace: {
    method: 'GET',
    path: `${P}/traces/:id`,
    permission: 'read',
    tag: 'traces',
    summary: 'One trace: stages with timings, attempts, guardrail verdicts, contract mutations',
    output: TraceSchema,
    args: [path('id')],
  },
  createReview: {
    method: 'POST',
    path: `${P}/reviews`,
    permission: 'trace.write',
    tag: 'reviews',
    summary: 'Hold a request for human review (an escalate guardrail)',
    status: 201,
    body: NewReviewSchema,
    output: ReviewRecordSchema,
    args: [body],
  },
  listReviews: {
    method: 'GET',
    path: `${P}/reviews`,
    permission: 'read',
    tag: 'reviews',
    summary: 'The human review queue',
    query: closed({
      status: Type.Optional(Type.Enum(['pending', 'approved', 'rejected'])),
      limit: Type.Optional(Limit),
    }),
    output: list(ReviewRecordSchema),
    args: [filter],
  },
  getReview: {
    method: 'GET',
    path: `${P}/reviews/:id`,
    permission: 'read',
    tag: 'reviews',
    summary: 'One held request',
    output: ReviewRecordSchema,
    args: [path('id')],
  },
  decideReview: {
    method: 'POST',
    path: `${P}/reviews/:id/decision`,
    permission: 'review.decide',
    tag: 'reviews',
    summary: 'Approve or reject a held request',
    body: closed({ decision: Type.Enum(['approved', 'rejected']), note: Type.Optional(Text) }),
    output: ReviewRecordSchema,
    audit: ['review.approve', 'review.reject'],
    args: [path('id'), field('decision'), actor, field('note')],
  },
  readResponseCache: {
    method: 'POST',
    path: `${P}/response-cache/lookup`,
    permission: 'read',
    tag: 'evaluations',
    summary: 'Cached model answers of versions (evaluations only)',
    body: closed({ versionHashes: Type.Array(Str, { maxItems: 1000 }) }),
    output: Type.Record(Type.String(), Type.Unknown()),
    args: [field('versionHashes')],
    shortcut: (args) => ((args[0] as readonly string[]).length === 0 ? { result: new Map() } : undefined),
    toWire: (result) => Object.fromEntries(result as Map<string, unknown>),
    fromWire: (wire) => new Map(Object.entries(wire as Record<string, unknown>)),
  },
  writeResponseCache: {
    method: 'POST',
    path: `${P}/response-cache`,
    permission: 'trace.write',
    tag: 'evaluations',
    summary: 'Store model answers for evaluations',
    status: 204,
    body: closed({
      entries: Type.Array(
        Type.Unsafe<{ key: string; versionHash: string; response: unknown }>({ type: 'object' }),
        { maxItems: 10_000 },
      ),
    }),
    args: [field('entries')],
    shortcut: empty,
  },
  recordEvalRun: {
    method: 'POST',
    path: `${P}/eval-runs`,
    permission: 'trace.write',
    tag: 'evaluations',
    summary: 'Keep an evaluation run',
    status: 204,
    body: EvalRunRecordSchema,
    args: [body],
  },
  listEvalRuns: {
    method: 'GET',
    path: `${P}/eval-runs`,
    permission: 'read',
    tag: 'evaluations',
    summary: 'Evaluation runs',
    query: closed({
      prompt: Type.Optional(Str),
      versionHash: Type.Optional(Str),
      limit: Type.Optional(Limit),
    }),
    output: list(EvalRunRecordSchema),
    args: [filter],
  },
  // ---- audit ----
  listAudit: {
    method: 'GET',
    path: `${P}/audit`,
    permission: 'read',
    tag: 'audit',
    summary: 'The audit log, newest first',
    query: closed({ limit: Type.Optional(Limit) }),
    output: list(AuditEntrySchema),
    args: [filter],
  },
  verifyAudit: {
    method: 'GET',
    path: `${P}/audit/verify`,
    permission: 'read',
    tag: 'audit',
    summary:
      "Recompute the audit hash chain (naming the first broken entry) and compare labels and active releases with it; `at` returns that entry's hash for a checkpoint",
    query: closed({ at: Type.Optional(wholeNumberText('^[1-9][0-9]{0,14}$')) }),
    output: AuditVerificationSchema,
    args: [filter],
  },
  // ---- change requests ----
  openChangeRequest: {
    method: 'POST',
    path: `${P}/change-requests`,
    permission: 'cr.open',
    tag: 'change requests',
    summary: 'Propose a version: opens a change request with its risk score',
    status: 201,
    body: OpenChangeRequestSchema,
    output: ChangeRequestSchema,
    audit: ['cr.open'],
    args: [body, actor],
  },
  listChangeRequests: {
    method: 'GET',
    path: `${P}/change-requests`,
    permission: 'read',
    tag: 'change requests',
    summary: 'List change requests',
    query: closed({
      status: Type.Optional(Type.Enum(['open', 'closed', 'released'])),
      prompt: Type.Optional(Str),
    }),
    output: list(ChangeRequestSchema),
    args: [filter],
  },
  getChangeRequest: {
    method: 'GET',
    path: `${P}/change-requests/:number`,
    permission: 'read',
    tag: 'change requests',
    summary: 'One change request: checks, reviews, risk breakdown and gate',
    output: ChangeRequestSchema,
    args: [crNumber],
  },
  recordCheck: {
    method: 'POST',
    path: `${P}/change-requests/:number/checks`,
    permission: 'cr.check',
    tag: 'change requests',
    summary: 'Record an automated check run on the proposed version',
    body: CheckInputSchema,
    output: ChangeRequestSchema,
    audit: ['cr.check'],
    args: [crNumber, body, actor],
  },
  runChecks: {
    method: 'POST',
    path: `${P}/change-requests/:number/checks/run`,
    // The server, not the caller, produces the results (on the registered version, with its own
    // suite and providers), so asking for them needs no more than proposing a change: `cr.open`.
    permission: 'cr.open',
    tag: 'change requests',
    summary:
      'Run the checks on the control plane: lint of the registered spec, the suite from the server’s project folder and the regression comparison, recorded as `control-plane` (the only checks that count under `policy.checksBy: control-plane`). Anyone who may open change requests may ask, since the server produces the results. Synchronous: a suite on a network model can take minutes',
    output: closed({ checks: list(CheckInputSchema), changeRequest: ChangeRequestSchema }),
    audit: ['cr.check'],
    args: [crNumber],
    // The suites run inside the request: the client waits for them (the server sets no limit).
    timeoutMs: 30 * 60_000,
    answer: (store, _caller, [number], server) => {
      if (!server.runChecks) {
        throw new PromptOpsError(
          'PO_ERR_CHECKS_UNAVAILABLE',
          'this server has no project folder to run checks from; start it with "promptops serve" in the catalog checkout',
        );
      }
      return server.runChecks(store, server.project, number as number);
    },
  },
  reviewChangeRequest: {
    method: 'POST',
    path: `${P}/change-requests/:number/reviews`,
    permission: 'cr.review',
    tag: 'change requests',
    summary: 'Approve, request changes or comment',
    body: ChangeRequestReviewSchema,
    output: ChangeRequestSchema,
    audit: ['cr.approve', 'cr.request_changes', 'cr.comment'],
    args: [crNumber, body, actor],
  },
  overrideCheck: {
    method: 'POST',
    path: `${P}/change-requests/:number/overrides`,
    permission: 'policy.override',
    tag: 'change requests',
    summary: 'Accept a red check with a written justification (a policy exception)',
    body: OverrideSchema,
    output: ChangeRequestSchema,
    audit: ['policy.exception'],
    args: [crNumber, body, actor],
  },
  closeChangeRequest: {
    method: 'POST',
    path: `${P}/change-requests/:number/close`,
    permission: 'cr.close',
    tag: 'change requests',
    summary: 'Close a change request without releasing it',
    output: ChangeRequestSchema,
    audit: ['cr.close'],
    args: [crNumber, actor],
  },
  // ---- releases ----
  release: {
    method: 'POST',
    path: `${P}/releases`,
    permission: 'release.create',
    tag: 'releases',
    summary:
      'Release an approved change request to an environment, optionally as a canary (an older version than it serves is re-validated as a rollback; force needs an admin)',
    status: 201,
    body: ReleaseInputSchema,
    output: ReleaseRecordSchema,
    audit: ['release.release', 'release.canary', 'label.set', 'policy.exception'],
    args: [body, actor],
    forceNeedsAdmin: true,
  },
  promote: {
    method: 'POST',
    path: `${P}/releases/promote`,
    permission: 'release.create',
    tag: 'releases',
    summary: 'Promote a canary to full traffic, or an environment’s release to the next environment',
    status: 201,
    body: PromoteInputSchema,
    output: ReleaseRecordSchema,
    audit: ['release.promote', 'label.set'],
    args: [body, actor],
  },
  rollback: {
    method: 'POST',
    path: `${P}/releases/rollback`,
    permission: 'release.rollback',
    tag: 'releases',
    summary: 'Roll an environment back (re-validates the input contract; force needs an admin)',
    status: 201,
    body: RollbackInputSchema,
    output: ReleaseRecordSchema,
    audit: ['release.rollback', 'label.set', 'policy.exception'],
    args: [body, actor],
    forceNeedsAdmin: true,
  },
  listReleases: {
    method: 'GET',
    path: `${P}/releases`,
    permission: 'read',
    tag: 'releases',
    summary: 'Release history, newest first',
    query: releaseQuery,
    output: list(ReleaseRecordSchema),
    args: [filter],
    encode: ([given]) => {
      const { activeOnly, ...rest } = (given ?? {}) as { activeOnly?: boolean; limit?: number };
      return {
        query: {
          ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v === undefined ? v : String(v)])),
          active: activeOnly ? 'true' : undefined,
        },
      };
    },
    decode: ({ query }, _actor) => {
      const { active, ...rest } = query;
      const found = filterOf(releaseQuery, rest);
      return [{ ...found, ...(active === 'true' ? { activeOnly: true } : {}) }];
    },
  },
  snapshot: {
    method: 'GET',
    path: `${P}/environments/:environment/snapshot`,
    permission: 'read',
    tag: 'releases',
    summary:
      'What an environment serves now: per prompt the stable version and any canary, with their specs, and a revision that changes whenever they may have',
    output: EnvironmentSnapshotSchema,
    args: [path('environment')],
  },
  listPolicyExceptions: {
    method: 'GET',
    path: `${P}/policy-exceptions`,
    permission: 'read',
    tag: 'releases',
    summary: 'Policy exceptions: overridden checks and forced rollbacks, with their justifications',
    output: list(PolicyExceptionSchema),
    args: [],
  },
  // ---- identity ----
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

/** Every `/v1` operation, in the table's order. */
export const OPERATIONS: readonly Operation[] = Object.entries(TABLE).map(([name, op]) => ({
  name: name as OperationName,
  ...op,
}));
