import { hashSpec } from '../catalog/canonical.js';
import { refuseInvalidSpecs } from '../catalog/check-spec.js';
import { NAME_PATTERN } from '../catalog/frontmatter-schema.js';
import type { PromptSpec } from '../catalog/spec.js';
import { PromptOpsError } from '../errors.js';
import { CHECK_NAMES } from '../governance/policy.js';
import { type Permission, parseRole, ROLES } from '../governance/rbac.js';
import type { Trace } from '../observe/trace.js';
import type { EvalRunRecord, ReviewRecord, Store } from '../store/index.js';

/** What a handler gets: the store seen as the request's project, and who is acting. */
export interface RouteContext {
  store: Store;
  actor: string;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  body: Record<string, unknown>;
  tokenId: string;
  /** Drops cached roles of a subject (after a grant or revoke) or a token (after a revoke). */
  invalidate: (what: { subject?: string; tokenId?: string }) => void;
}

/**
 * One API route. `permission` is what the caller's roles in the route's project must grant;
 * routes outside `/projects/:project` (tokens, projects) are checked against the server's own
 * project, so only its admins manage identities. The table drives registration,
 * the OpenAPI document and the route × role test alike.
 */
export interface RouteDef {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below `/v1`; project routes start with `/projects/:project`. */
  url: string;
  /** null: any authenticated caller. */
  permission: Permission | null;
  summary: string;
  tag: string;
  status?: number;
  schema?: { body?: object; querystring?: object; params?: object };
  handler: (ctx: RouteContext) => Promise<unknown>;
}

const P = '/projects/:project';
/** The longest name, id or subject the API takes, in a body or a path parameter. */
export const MAX_TEXT_LENGTH = 500;
/**
 * The largest whole number the API takes: what an `integer` column holds on every engine
 * (PostgreSQL's is 32-bit). Every `integer` in a route's schema says so (a test walks them all).
 */
export const MAX_INTEGER = 2 ** 31 - 1;
/** The largest duration (ms) a trace may report; PostgreSQL's `real` overflows past ~3.4e38. */
const MAX_DURATION_MS = 1e12;
const str = { type: 'string', minLength: 1, maxLength: MAX_TEXT_LENGTH } as const;
const text = { type: 'string', maxLength: 20_000 } as const;
const int = { type: 'integer', minimum: 1, maximum: MAX_INTEGER } as const;
const count = { type: 'integer', minimum: 0, maximum: MAX_INTEGER } as const;
/** Query strings carry text: numbers are checked by pattern (request bodies are never coerced). */
const limit = { type: 'string', pattern: '^(?:[1-9][0-9]{0,3}|10000)$' } as const;
const obj = (properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

const isoTime = { type: 'string', minLength: 10, maxLength: 40 } as const;
const hash = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

/** A trace as the pipeline records it: the columns the store indexes are required and typed. */
const traceSchema = {
  type: 'object',
  required: ['id', 'prompt', 'version', 'status', 'startedAt', 'timings'],
  properties: {
    id: str,
    prompt: str,
    version: {
      type: 'object',
      required: ['number', 'hash'],
      // 0 is the working copy an evaluation runs (pushed or not).
      properties: { number: count, hash: str },
    },
    environment: { type: ['string', 'null'] },
    status: { enum: ['ok', 'error', 'held'] },
    error: {
      anyOf: [
        { type: 'null' },
        { type: 'object', required: ['code'], properties: { code: { type: 'string' } } },
      ],
    },
    model: { type: ['string', 'null'] },
    startedAt: isoTime,
    timings: {
      type: 'object',
      required: ['total'],
      properties: { total: { type: 'number', minimum: 0, maximum: MAX_DURATION_MS } },
    },
  },
};

/** A held request (the pipeline's escalate action creates these). */
const reviewSchema = obj(
  {
    id: str,
    prompt: str,
    versionNumber: int,
    stage: { enum: ['input', 'output'] },
    guardrail: str,
    traceId: str,
    createdAt: isoTime,
    payload: { type: 'object' },
  },
  ['id', 'prompt', 'versionNumber', 'stage', 'guardrail', 'traceId', 'createdAt', 'payload'],
);

const evalRunSchema = obj(
  {
    id: str,
    prompt: str,
    versionHash: hash,
    startedAt: isoTime,
    passed: count,
    failed: count,
    errors: count,
    passRate: { type: 'number', minimum: 0, maximum: 1 },
    result: {},
  },
  ['id', 'prompt', 'versionHash', 'startedAt', 'passed', 'failed', 'errors', 'passRate', 'result'],
);

/** A pushed spec: its shape and content are checked by `specProblems` (as lint does), its identity by its hash. */
const specSchema = { type: 'object' };

function num(value: string | undefined, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_INTEGER) {
    throw new PromptOpsError(
      'PO_ERR_REQUEST_INVALID',
      `${what} must be a whole number from 1 to ${MAX_INTEGER}, not "${value}"`,
      {},
    );
  }
  return n;
}

/** Every `/v1` route. Adding one here registers it, documents it and puts it in the route × role test. */
export const ROUTES: RouteDef[] = [
  // ---- catalog ----
  {
    method: 'GET',
    url: `${P}/prompts`,
    permission: 'read',
    tag: 'catalog',
    summary: 'List prompts with their latest version and labels',
    handler: ({ store }) => store.listPrompts(),
  },
  {
    method: 'POST',
    url: `${P}/prompts/push`,
    permission: 'version.push',
    tag: 'catalog',
    summary:
      'Register new immutable versions (idempotent); each spec must be valid (as lint checks it) and match its hash',
    schema: {
      body: obj(
        {
          items: {
            type: 'array',
            maxItems: 1000,
            items: obj({ spec: specSchema, hash: { type: 'string', pattern: '^[0-9a-f]{64}$' } }, [
              'spec',
              'hash',
            ]),
          },
          message: text,
        },
        ['items'],
      ),
    },
    handler: ({ store, actor, body }) => {
      const items = body.items as { spec: PromptSpec; hash: string }[];
      // The same rules as a local push (lint): one malformed spec would break the prompt for every reader.
      const invalid = refuseInvalidSpecs(
        items.map((item) => item.spec),
        'PO_ERR_REQUEST_INVALID',
      );
      if (invalid) throw invalid;
      for (const item of items) {
        if (hashSpec(item.spec) !== item.hash) {
          throw new PromptOpsError(
            'PO_ERR_REQUEST_INVALID',
            `the spec of ${item.spec.name} does not hash to ${item.hash.slice(0, 12)}; push the files again`,
            { prompt: item.spec.name },
          );
        }
      }
      return store.push(items, {
        author: actor,
        ...(body.message ? { message: body.message as string } : {}),
      });
    },
  },
  {
    method: 'GET',
    url: `${P}/prompts/:prompt/versions`,
    permission: 'read',
    tag: 'catalog',
    summary: 'List the versions of a prompt, newest first',
    handler: ({ store, params }) => store.listVersions(params.prompt!),
  },
  {
    method: 'GET',
    url: `${P}/prompts/:prompt/resolve`,
    permission: 'read',
    tag: 'catalog',
    summary: 'Resolve a version by number (?version=), by label (?label=) or the latest',
    schema: { querystring: obj({ version: { type: 'string', pattern: '^[0-9]+$' }, label: str }) },
    handler: ({ store, params, query }) =>
      store.resolve({
        prompt: params.prompt!,
        selector: query.version
          ? { kind: 'number', number: num(query.version, 'version') }
          : query.label
            ? { kind: 'label', label: query.label }
            : { kind: 'latest' },
      }),
  },
  {
    method: 'POST',
    url: `${P}/prompts/:prompt/versions/:number/archive`,
    permission: 'version.archive',
    tag: 'catalog',
    summary: 'Archive an unlabelled version',
    schema: { body: obj({ reason: text }) },
    handler: ({ store, actor, params, body }) =>
      store.archive(params.prompt!, num(params.number, 'version'), actor, body.reason as string | undefined),
  },
  {
    method: 'GET',
    url: `${P}/labels`,
    permission: 'read',
    tag: 'labels',
    summary: 'List labels (optionally of one prompt)',
    schema: { querystring: obj({ prompt: str }) },
    handler: ({ store, query }) => store.listLabels(query.prompt),
  },
  {
    method: 'POST',
    url: `${P}/prompts/:prompt/labels/:label`,
    permission: 'label.set',
    tag: 'labels',
    summary: 'Point a label at a version (environment labels move only through releases, or by an admin)',
    schema: { body: obj({ version: int }, ['version']) },
    handler: ({ store, actor, params, body }) =>
      store.setLabel(params.prompt!, body.version as number, params.label!, actor),
  },
  {
    method: 'DELETE',
    url: `${P}/prompts/:prompt/labels/:label`,
    permission: 'label.set',
    tag: 'labels',
    summary: 'Remove a label',
    handler: ({ store, actor, params }) => store.removeLabel(params.prompt!, params.label!, actor),
  },
  {
    method: 'GET',
    url: `${P}/prompts/:prompt/label-history`,
    permission: 'read',
    tag: 'labels',
    summary: 'Every move of the prompt’s labels',
    schema: { querystring: obj({ label: str }) },
    handler: ({ store, params, query }) => store.labelHistory(params.prompt!, query.label),
  },
  // ---- traces, reviews, evaluations ----
  {
    method: 'POST',
    url: `${P}/traces`,
    permission: 'trace.write',
    tag: 'traces',
    summary: 'Append execution traces',
    status: 204,
    schema: {
      body: obj({ traces: { type: 'array', maxItems: 5000, items: traceSchema } }, ['traces']),
    },
    handler: async ({ store, params, body }) => {
      // A trace names its project; it is the route's, whatever the body says (writes stay in the
      // project the caller's roles were checked in).
      await store.writeTraces((body.traces as Trace[]).map((t) => ({ ...t, project: params.project! })));
      return null;
    },
  },
  {
    method: 'GET',
    url: `${P}/traces`,
    permission: 'read',
    tag: 'traces',
    summary: 'Recent traces',
    schema: {
      querystring: obj({
        prompt: str,
        status: { enum: ['ok', 'error', 'held'] },
        version: { type: 'string', pattern: '^[1-9][0-9]{0,8}$' },
        environment: str,
        since: { type: 'string', format: 'date-time' },
        until: { type: 'string', format: 'date-time' },
        limit,
      }),
    },
    handler: ({ store, query }) =>
      store.listTraces({
        ...(query.prompt ? { prompt: query.prompt } : {}),
        ...(query.status ? { status: query.status as 'ok' | 'error' | 'held' } : {}),
        ...(query.version ? { version: Number(query.version) } : {}),
        ...(query.environment ? { environment: query.environment } : {}),
        ...(query.since ? { since: query.since } : {}),
        ...(query.until ? { until: query.until } : {}),
        ...(query.limit ? { limit: Number(query.limit) } : {}),
      }),
  },
  {
    method: 'GET',
    url: `${P}/traces/:id`,
    permission: 'read',
    tag: 'traces',
    summary: 'One trace: stages with timings, attempts, guardrail verdicts, contract mutations',
    handler: ({ store, params }) => store.getTrace(params.id!),
  },
  {
    method: 'POST',
    url: `${P}/reviews`,
    permission: 'trace.write',
    tag: 'reviews',
    summary: 'Hold a request for human review (an escalate guardrail)',
    status: 201,
    schema: { body: reviewSchema },
    handler: ({ store, body }) =>
      store.createReview(
        body as unknown as Omit<ReviewRecord, 'status' | 'decidedAt' | 'decidedBy' | 'note'>,
      ),
  },
  {
    method: 'GET',
    url: `${P}/reviews`,
    permission: 'read',
    tag: 'reviews',
    summary: 'The human review queue',
    schema: { querystring: obj({ status: { enum: ['pending', 'approved', 'rejected'] }, limit }) },
    handler: ({ store, query }) =>
      store.listReviews({
        ...(query.status ? { status: query.status as ReviewRecord['status'] } : {}),
        ...(query.limit ? { limit: Number(query.limit) } : {}),
      }),
  },
  {
    method: 'GET',
    url: `${P}/reviews/:id`,
    permission: 'read',
    tag: 'reviews',
    summary: 'One held request',
    handler: ({ store, params }) => store.getReview(params.id!),
  },
  {
    method: 'POST',
    url: `${P}/reviews/:id/decision`,
    permission: 'review.decide',
    tag: 'reviews',
    summary: 'Approve or reject a held request',
    schema: { body: obj({ decision: { enum: ['approved', 'rejected'] }, note: text }, ['decision']) },
    handler: ({ store, actor, params, body }) =>
      store.decideReview(
        params.id!,
        body.decision as 'approved' | 'rejected',
        actor,
        body.note as string | undefined,
      ),
  },
  {
    method: 'POST',
    url: `${P}/response-cache/lookup`,
    permission: 'read',
    tag: 'evaluations',
    summary: 'Cached model answers of versions (evaluations only)',
    schema: {
      body: obj({ versionHashes: { type: 'array', maxItems: 1000, items: str } }, ['versionHashes']),
    },
    handler: async ({ store, body }) =>
      Object.fromEntries(await store.readResponseCache(body.versionHashes as string[])),
  },
  {
    method: 'POST',
    url: `${P}/response-cache`,
    permission: 'trace.write',
    tag: 'evaluations',
    summary: 'Store model answers for evaluations',
    status: 204,
    schema: {
      body: obj({ entries: { type: 'array', maxItems: 10_000, items: { type: 'object' } } }, ['entries']),
    },
    handler: async ({ store, body }) => {
      await store.writeResponseCache(
        body.entries as { key: string; versionHash: string; response: unknown }[],
      );
      return null;
    },
  },
  {
    method: 'POST',
    url: `${P}/eval-runs`,
    permission: 'trace.write',
    tag: 'evaluations',
    summary: 'Keep an evaluation run',
    status: 204,
    schema: { body: evalRunSchema },
    handler: async ({ store, body }) => {
      await store.recordEvalRun(body as unknown as EvalRunRecord);
      return null;
    },
  },
  {
    method: 'GET',
    url: `${P}/eval-runs`,
    permission: 'read',
    tag: 'evaluations',
    summary: 'Evaluation runs',
    schema: { querystring: obj({ prompt: str, versionHash: str, limit }) },
    handler: ({ store, query }) =>
      store.listEvalRuns({
        ...(query.prompt ? { prompt: query.prompt } : {}),
        ...(query.versionHash ? { versionHash: query.versionHash } : {}),
        ...(query.limit ? { limit: Number(query.limit) } : {}),
      }),
  },
  // ---- audit ----
  {
    method: 'GET',
    url: `${P}/audit`,
    permission: 'read',
    tag: 'audit',
    summary: 'The audit log, newest first',
    schema: { querystring: obj({ limit }) },
    handler: ({ store, query }) => store.listAudit(query.limit ? { limit: Number(query.limit) } : {}),
  },
  {
    method: 'GET',
    url: `${P}/audit/verify`,
    permission: 'read',
    tag: 'audit',
    summary:
      "Recompute the audit hash chain (naming the first broken entry) and compare labels and active releases with it; `at` returns that entry's hash for a checkpoint",
    schema: { querystring: obj({ at: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } }) },
    handler: ({ store, query }) => store.verifyAudit(query.at ? { at: Number(query.at) } : {}),
  },
  // ---- change requests ----
  {
    method: 'POST',
    url: `${P}/change-requests`,
    permission: 'cr.open',
    tag: 'change requests',
    summary: 'Propose a version: opens a change request with its risk score',
    status: 201,
    schema: {
      body: obj(
        {
          prompt: str,
          version: int,
          title: { type: 'string', maxLength: 300 },
          description: text,
        },
        ['prompt'],
      ),
    },
    handler: ({ store, actor, body }) =>
      store.openChangeRequest(body as { prompt: string; version?: number; title?: string }, actor),
  },
  {
    method: 'GET',
    url: `${P}/change-requests`,
    permission: 'read',
    tag: 'change requests',
    summary: 'List change requests',
    schema: { querystring: obj({ status: { enum: ['open', 'closed', 'released'] }, prompt: str }) },
    handler: ({ store, query }) =>
      store.listChangeRequests({
        ...(query.status ? { status: query.status as 'open' | 'closed' | 'released' } : {}),
        ...(query.prompt ? { prompt: query.prompt } : {}),
      }),
  },
  {
    method: 'GET',
    url: `${P}/change-requests/:number`,
    permission: 'read',
    tag: 'change requests',
    summary: 'One change request: checks, reviews, risk breakdown and gate',
    handler: ({ store, params }) => store.getChangeRequest(num(params.number, 'change request number')),
  },
  {
    method: 'POST',
    url: `${P}/change-requests/:number/checks`,
    permission: 'cr.check',
    tag: 'change requests',
    summary: 'Record an automated check run on the proposed version',
    schema: {
      body: obj(
        {
          name: { enum: [...CHECK_NAMES] },
          status: { enum: ['pass', 'fail', 'error', 'skipped'] },
          summary: { type: 'string', maxLength: 2000 },
          details: {},
          versionHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        },
        ['name', 'status', 'summary', 'versionHash'],
      ),
    },
    handler: ({ store, actor, params, body }) =>
      store.recordCheck(num(params.number, 'change request number'), body as never, actor),
  },
  {
    method: 'POST',
    url: `${P}/change-requests/:number/reviews`,
    permission: 'cr.review',
    tag: 'change requests',
    summary: 'Approve, request changes or comment',
    schema: {
      body: obj({ decision: { enum: ['approve', 'request_changes', 'comment'] }, comment: text }, [
        'decision',
      ]),
    },
    handler: ({ store, actor, params, body }) =>
      store.reviewChangeRequest(num(params.number, 'change request number'), body as never, actor),
  },
  {
    method: 'POST',
    url: `${P}/change-requests/:number/overrides`,
    permission: 'policy.override',
    tag: 'change requests',
    summary: 'Accept a red check with a written justification (a policy exception)',
    schema: {
      body: obj({ check: { enum: [...CHECK_NAMES] }, justification: text }, ['check', 'justification']),
    },
    handler: ({ store, actor, params, body }) =>
      store.overrideCheck(num(params.number, 'change request number'), body as never, actor),
  },
  {
    method: 'POST',
    url: `${P}/change-requests/:number/close`,
    permission: 'cr.close',
    tag: 'change requests',
    summary: 'Close a change request without releasing it',
    handler: ({ store, actor, params }) =>
      store.closeChangeRequest(num(params.number, 'change request number'), actor),
  },
  // ---- releases ----
  {
    method: 'POST',
    url: `${P}/releases`,
    permission: 'release.create',
    tag: 'releases',
    summary:
      'Release an approved change request to an environment, optionally as a canary (an older version than it serves is re-validated as a rollback; force needs an admin)',
    status: 201,
    schema: {
      body: obj(
        {
          changeRequest: int,
          environment: str,
          canaryWeight: { type: 'integer', minimum: 1, maximum: 99 },
          notes: text,
          force: obj({ justification: text }, ['justification']),
        },
        ['changeRequest', 'environment'],
      ),
    },
    handler: ({ store, actor, body }) => store.release(body as never, actor),
  },
  {
    method: 'POST',
    url: `${P}/releases/promote`,
    permission: 'release.create',
    tag: 'releases',
    summary: 'Promote a canary to full traffic, or an environment’s release to the next environment',
    status: 201,
    schema: { body: obj({ prompt: str, environment: str, to: str, notes: text }, ['prompt', 'environment']) },
    handler: ({ store, actor, body }) => store.promote(body as never, actor),
  },
  {
    method: 'POST',
    url: `${P}/releases/rollback`,
    permission: 'release.rollback',
    tag: 'releases',
    summary: 'Roll an environment back (re-validates the input contract; force needs an admin)',
    status: 201,
    schema: {
      body: obj(
        {
          prompt: str,
          environment: str,
          to: int,
          notes: text,
          force: obj({ justification: text }, ['justification']),
        },
        ['prompt', 'environment'],
      ),
    },
    handler: ({ store, actor, body }) => store.rollback(body as never, actor),
  },
  {
    method: 'GET',
    url: `${P}/releases`,
    permission: 'read',
    tag: 'releases',
    summary: 'Release history, newest first',
    schema: {
      querystring: obj({ prompt: str, environment: str, active: { enum: ['true', 'false'] }, limit }),
    },
    handler: ({ store, query }) =>
      store.listReleases({
        ...(query.prompt ? { prompt: query.prompt } : {}),
        ...(query.environment ? { environment: query.environment } : {}),
        ...(query.active === 'true' ? { activeOnly: true } : {}),
        ...(query.limit ? { limit: Number(query.limit) } : {}),
      }),
  },
  {
    method: 'GET',
    url: `${P}/policy-exceptions`,
    permission: 'read',
    tag: 'releases',
    summary: 'Policy exceptions: overridden checks and forced rollbacks, with their justifications',
    handler: ({ store }) => store.listPolicyExceptions(),
  },
  // ---- identity ----
  {
    method: 'GET',
    url: `${P}/roles`,
    permission: 'read',
    tag: 'identity',
    summary: 'Who holds which role in the project',
    handler: ({ store }) => store.listRoleBindings(),
  },
  {
    method: 'POST',
    url: `${P}/roles`,
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'Grant a role',
    status: 201,
    schema: { body: obj({ subject: str, role: { enum: [...ROLES] } }, ['subject', 'role']) },
    handler: async ({ store, actor, body, invalidate }) => {
      const binding = await store.grantRole(body.subject as string, parseRole(body.role as string), actor);
      invalidate({ subject: binding.subject });
      return binding;
    },
  },
  {
    method: 'DELETE',
    url: `${P}/roles/:subject/:role`,
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'Revoke a role',
    status: 204,
    handler: async ({ store, actor, params, invalidate }) => {
      await store.revokeRole(params.subject!, parseRole(params.role!), actor);
      invalidate({ subject: params.subject! });
      return null;
    },
  },
  {
    method: 'GET',
    url: '/tokens',
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'List API tokens (never their secrets)',
    handler: ({ store }) => store.listTokens(),
  },
  {
    method: 'POST',
    url: '/tokens',
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'Create an API token; the token is in this response only',
    status: 201,
    schema: {
      body: obj(
        {
          subject: str,
          name: { type: 'string', maxLength: 200 },
          expiresAt: { type: 'string', format: 'date-time' },
        },
        ['subject'],
      ),
    },
    handler: ({ store, actor, body }) => {
      const expiresAt = body.expiresAt ? new Date(body.expiresAt as string) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) {
        throw new PromptOpsError(
          'PO_ERR_REQUEST_INVALID',
          `expiresAt ${body.expiresAt as string} is in the past: such a token could never be used; give a future date-time, or none for a token that does not expire`,
          { expiresAt: body.expiresAt },
        );
      }
      return store.createToken(
        {
          subject: body.subject as string,
          name: (body.name as string | undefined) ?? 'api',
          ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
        },
        actor,
      );
    },
  },
  {
    method: 'DELETE',
    url: '/tokens/:id',
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'Revoke a token',
    handler: async ({ store, actor, params, invalidate }) => {
      const record = await store.revokeToken(params.id!, actor);
      invalidate({ tokenId: record.id });
      return record;
    },
  },
  {
    method: 'GET',
    url: '/whoami',
    permission: null,
    tag: 'identity',
    summary: 'The subject the token acts for, and its roles on this server',
    handler: async ({ store, actor, tokenId }) => ({
      subject: actor,
      tokenId,
      roles: await store.rolesOf(actor),
    }),
  },
  {
    method: 'GET',
    url: '/projects',
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'List projects',
    handler: ({ store }) => store.listProjects(),
  },
  {
    method: 'POST',
    url: '/projects',
    permission: 'admin.manage',
    tag: 'identity',
    summary: 'Create a project (a workspace with its own catalog, roles and audit chain)',
    status: 201,
    schema: {
      body: obj({ name: { type: 'string', pattern: NAME_PATTERN } }, ['name']),
    },
    handler: async ({ store, actor, body, invalidate }) => {
      // Whoever creates a project administers it; otherwise nobody could grant its first roles.
      const project = await store.createProject(body.name as string, actor);
      invalidate({ subject: actor });
      return project;
    },
  },
];
