/**
 * The API's records and inputs as TypeBox schemas: each is the JSON Schema the server validates a
 * request with (and the OpenAPI document shows) and, through `Static`, the TypeScript type the
 * store and its clients use (src/store/types.ts). Types defined elsewhere (a prompt spec, a trace,
 * a risk assessment) are `Unsafe`: typed here, described loosely, validated where they are defined.
 */
import Type, { type TSchema } from 'typebox';
import { NAME_PATTERN } from '../catalog/frontmatter-schema.js';
import type { PromptSpec } from '../catalog/spec.js';
import {
  type Approval,
  CHECK_NAMES,
  type CheckOverride,
  type CheckRecord,
  type CheckStatus,
  type GateResult,
} from '../governance/policy.js';
import { ROLES } from '../governance/rbac.js';
import type { RiskAssessment } from '../governance/risk.js';
import type { CanaryPlan } from '../monitor/canary-plan.js';
import type { Trace } from '../observe/trace.js';
import type { ChainBreak } from '../store/audit-chain.js';
import type { StateMismatch } from '../store/audit-state.js';

/** The longest name, id or subject the API takes, in a body or a path parameter. */
export const MAX_TEXT_LENGTH = 500;
/**
 * The largest whole number the API takes: what an `integer` column holds on every engine
 * (PostgreSQL's is 32-bit). Every `integer` in an operation's schema says so (a test walks them all).
 */
export const MAX_INTEGER = 2 ** 31 - 1;
/** The largest duration (ms) a trace may report; PostgreSQL's `real` overflows past ~3.4e38. */
const MAX_DURATION_MS = 1e12;

// ---- building blocks ----
export const Str = Type.String({ minLength: 1, maxLength: MAX_TEXT_LENGTH });
export const Text = Type.String({ maxLength: 20_000 });
export const Int = Type.Integer({ minimum: 1, maximum: MAX_INTEGER });
const Count = Type.Integer({ minimum: 0, maximum: MAX_INTEGER });
const IsoTime = Type.String({ minLength: 10, maxLength: 40 });
export const Hash = Type.String({ pattern: '^[0-9a-f]{64}$' });
/** Text the store keeps as written (a time, a name), not checked by the API. */
const Plain = Type.String();
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Marks query-string fields that carry a whole number: the server hands them on as numbers. */
const WHOLE_NUMBER = Symbol('whole number in a query string');

/** A query-string field holding a whole number, checked by `pattern` (query strings are never coerced). */
export function wholeNumberText(pattern: string) {
  return Object.assign(Type.String({ pattern }), { [WHOLE_NUMBER]: true });
}

/** True when a query-string field carries a whole number (see `wholeNumberText`). */
export function isWholeNumberText(schema: unknown): boolean {
  return typeof schema === 'object' && schema !== null && WHOLE_NUMBER in schema;
}

/** The page size of a listing: 1 to 10000. */
export const Limit = wholeNumberText('^(?:[1-9][0-9]{0,3}|10000)$');

/** A closed object: the named fields, `required` of them mandatory, nothing else. */
export function closed<P extends Record<string, TSchema>>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

// ---- catalog ----
/** A pushed spec: its shape and content are checked by `specProblems` (as lint does), its identity by its hash. */
export const PushItemSchema = closed({
  spec: Type.Unsafe<PromptSpec>({ type: 'object' }),
  hash: Hash,
});

export const VersionRecordSchema = Type.Object({
  prompt: Plain,
  number: Type.Integer(),
  hash: Plain,
  spec: Type.Unsafe<PromptSpec>({ type: 'object' }),
  author: Plain,
  message: Nullable(Plain),
  createdAt: Plain,
  parentNumber: Nullable(Type.Integer()),
  labels: Type.Array(Plain),
  archived: Nullable(Type.Object({ at: Plain, by: Plain, reason: Nullable(Plain) })),
});

export const PromptSummarySchema = Type.Object({
  name: Plain,
  versions: Type.Integer(),
  latest: Nullable(Type.Object({ number: Type.Integer(), hash: Plain })),
  labels: Type.Record(Type.String(), Type.Integer()),
});

export const LabelRecordSchema = Type.Object({
  prompt: Plain,
  label: Plain,
  number: Type.Integer(),
  hash: Plain,
  updatedAt: Plain,
  updatedBy: Plain,
});

export const LabelEventSchema = Type.Object({
  prompt: Plain,
  label: Plain,
  seq: Type.Integer(),
  action: Type.Enum(['set', 'remove']),
  from: Nullable(Type.Integer()),
  to: Nullable(Type.Integer()),
  actor: Plain,
  at: Plain,
});

export const PushOutcomeSchema = Type.Object({
  prompt: Plain,
  status: Type.Enum(['created', 'unchanged', 'matches']),
  number: Type.Integer(),
  hash: Plain,
  previous: Nullable(Type.Integer()),
});

// ---- traces, reviews, evaluations, audit ----
/** A trace as the pipeline records it: the columns the store indexes are required and typed. */
export const TraceSchema = Type.Unsafe<Trace>({
  type: 'object',
  required: ['id', 'prompt', 'version', 'status', 'startedAt', 'timings'],
  properties: {
    id: Str,
    prompt: Str,
    version: {
      type: 'object',
      required: ['number', 'hash'],
      // 0 is the working copy an evaluation runs (pushed or not).
      properties: { number: Count, hash: Str },
    },
    environment: { type: ['string', 'null'] },
    // Optional: traces written before the arm was recorded read as null.
    arm: { enum: ['stable', 'canary', null] },
    status: { enum: ['ok', 'error', 'held'] },
    error: {
      anyOf: [
        { type: 'null' },
        { type: 'object', required: ['code'], properties: { code: { type: 'string' } } },
      ],
    },
    model: { type: ['string', 'null'] },
    startedAt: IsoTime,
    timings: {
      type: 'object',
      required: ['total'],
      properties: { total: { type: 'number', minimum: 0, maximum: MAX_DURATION_MS } },
    },
  },
});

export const TraceFilterSchema = Type.Object({
  prompt: Type.Optional(Plain),
  status: Type.Optional(Type.Enum(['ok', 'error', 'held'])),
  /** Only this version number of the prompt. */
  version: Type.Optional(Type.Integer()),
  environment: Type.Optional(Plain),
  /** Only traces a gateway routed to this canary arm. */
  arm: Type.Optional(Type.Enum(['stable', 'canary'])),
  /** Started at or after / before this time (ISO 8601, as traces record it). */
  since: Type.Optional(Plain),
  until: Type.Optional(Plain),
  limit: Type.Optional(Type.Integer()),
});

/** A held request as the pipeline's escalate action creates it. */
export const NewReviewSchema = closed({
  id: Str,
  prompt: Str,
  versionNumber: Int,
  stage: Type.Enum(['input', 'output']),
  guardrail: Str,
  traceId: Str,
  createdAt: IsoTime,
  payload: Type.Unsafe<Record<string, unknown>>({ type: 'object' }),
});

export const ReviewRecordSchema = Type.Object({
  ...NewReviewSchema.properties,
  status: Type.Enum(['pending', 'approved', 'rejected']),
  decidedAt: Nullable(Plain),
  decidedBy: Nullable(Plain),
  note: Nullable(Plain),
});

/** Feedback on a trace: a score in [0, 1] and/or thumbs (at least one), a comment, a corrected answer. */
export const NewFeedbackSchema = closed({
  traceId: Str,
  score: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  thumbs: Type.Optional(Type.Enum(['up', 'down'])),
  comment: Type.Optional(Type.String({ maxLength: 4_000 })),
  /** The answer the model should have given (any JSON: text or an object). */
  correctedOutput: Type.Optional(Type.Unknown()),
});

export const FeedbackRecordSchema = Type.Object({
  id: Plain,
  traceId: Plain,
  prompt: Plain,
  version: Type.Integer(),
  environment: Nullable(Plain),
  score: Nullable(Type.Number()),
  thumbs: Nullable(Type.Enum(['up', 'down'])),
  /** Thumbs down, or a score under 0.5. */
  negative: Type.Boolean(),
  comment: Nullable(Plain),
  /** Null when the reviewer gave none. */
  correctedOutput: Type.Unknown(),
  by: Plain,
  at: Plain,
});

export const FeedbackFilterSchema = Type.Object({
  /** Only the feedback on this trace. */
  traceId: Type.Optional(Plain),
  prompt: Type.Optional(Plain),
  version: Type.Optional(Type.Integer()),
  environment: Type.Optional(Plain),
  sentiment: Type.Optional(Type.Enum(['negative', 'positive'])),
  /** Given at or after this time (ISO 8601). */
  since: Type.Optional(Plain),
  limit: Type.Optional(Type.Integer()),
});

export const EvalRunRecordSchema = closed({
  id: Str,
  prompt: Str,
  versionHash: Hash,
  startedAt: IsoTime,
  passed: Count,
  failed: Count,
  errors: Count,
  passRate: Type.Number({ minimum: 0, maximum: 1 }),
  result: Type.Unknown(),
});

export const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Plain,
  actor: Plain,
  action: Plain,
  target: Plain,
  before: Type.Unknown(),
  after: Type.Unknown(),
  prevHash: Plain,
  hash: Plain,
});

const SeqHash = Type.Object({ seq: Type.Integer(), hash: Plain });
export const AuditVerificationSchema = Type.Object({
  project: Plain,
  checked: Type.Integer(),
  broken: Type.Unsafe<ChainBreak | null>({}),
  /** The newest entry; null when the log is empty. */
  head: Nullable(SeqHash),
  /** The entry `at` asked for; null when the log has no such entry (absent when not asked). */
  entry: Type.Optional(Nullable(SeqHash)),
  mismatches: Type.Unsafe<StateMismatch[]>({ type: 'array' }),
});

// ---- identity ----
export const RoleSchema = Type.Enum(ROLES);

export const ProjectRecordSchema = Type.Object({ name: Plain, createdAt: Plain, createdBy: Plain });

export const TokenRecordSchema = Type.Object({
  id: Plain,
  subject: Plain,
  name: Plain,
  createdAt: Plain,
  createdBy: Plain,
  expiresAt: Nullable(Plain),
  revokedAt: Nullable(Plain),
  revokedBy: Nullable(Plain),
});

export const NewTokenSchema = Type.Object({
  token: Plain,
  record: TokenRecordSchema,
});

export const RoleBindingSchema = Type.Object({
  project: Plain,
  subject: Plain,
  role: RoleSchema,
  createdAt: Plain,
  createdBy: Plain,
});

export const WhoamiSchema = Type.Object({ subject: Plain, tokenId: Plain, roles: Type.Array(RoleSchema) });

/** A project's name, as `promptops serve` creates it. */
export const ProjectNameSchema = Type.String({ pattern: NAME_PATTERN });

// ---- change requests and releases ----
const CheckNameSchema = Type.Enum(CHECK_NAMES);

export const OpenChangeRequestSchema = closed({
  prompt: Str,
  version: Type.Optional(Int),
  title: Type.Optional(Type.String({ maxLength: 300 })),
  description: Type.Optional(Text),
});

export const CheckInputSchema = closed({
  name: CheckNameSchema,
  status: Type.Unsafe<CheckStatus>({ enum: ['pass', 'fail', 'error', 'skipped'] }),
  summary: Type.String({ maxLength: 2000 }),
  details: Type.Optional(Type.Unknown()),
  /** The hash of the version the check ran on; it must be the change request's version. */
  versionHash: Hash,
});

export const ApprovalInputSchema = closed({
  decision: Type.Unsafe<Approval['decision']>({ enum: ['approve', 'request_changes', 'comment'] }),
  comment: Type.Optional(Text),
});

export const OverrideSchema = closed({ check: CheckNameSchema, justification: Text });

export const ChangeRequestSchema = Type.Object({
  number: Type.Integer(),
  prompt: Plain,
  version: Type.Integer(),
  versionHash: Plain,
  /** The version the change replaces: what production (`baseLabel`) served when it was opened. */
  base: Nullable(Type.Integer()),
  baseLabel: Nullable(Plain),
  title: Plain,
  description: Nullable(Plain),
  /** Who opened the request. */
  author: Plain,
  /**
   * Everyone who authored the change: the opener and whoever pushed the proposed version or any
   * version between the base and it. None of them may approve it or record its checks.
   */
  authors: Type.Array(Plain),
  status: Type.Enum(['open', 'closed', 'released']),
  risk: Type.Unsafe<RiskAssessment>({ type: 'object' }),
  createdAt: Plain,
  updatedAt: Plain,
  checks: Type.Unsafe<CheckRecord[]>({ type: 'array' }),
  reviews: Type.Unsafe<Approval[]>({ type: 'array' }),
  overrides: Type.Unsafe<CheckOverride[]>({ type: 'array' }),
  gate: Type.Unsafe<GateResult>({ type: 'object' }),
});

/** Going past the contract re-validation anyway (admins only), with the reason recorded. */
const Force = closed({ justification: Text });

export const ReleaseInputSchema = closed({
  changeRequest: Int,
  environment: Str,
  /** Percent of traffic (1–99) for a canary; absent for a full release. */
  canaryWeight: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
  notes: Type.Optional(Text),
  /**
   * Release an older version across a breaking input contract anyway (admins only), with the
   * reason recorded: the same rule as a forced rollback.
   */
  force: Type.Optional(Force),
  /**
   * A canary's analysis plan (monitor/canary-plan.ts; checked by the store), or null for none.
   * Absent: a ramp of the running canary keeps its plan; a new canary has none.
   */
  analysis: Type.Optional(
    Nullable(Type.Unsafe<CanaryPlan>({ type: 'object', description: 'a canary analysis plan' })),
  ),
  /**
   * Act only if the environment's active release is still this one (a release id): an automated
   * actor (canary analysis) names the release it judged, so a decision someone else already took
   * is not taken twice (PO_ERR_RELEASE_SUPERSEDED, nothing written).
   */
  expectRelease: Type.Optional(Str),
});

export const PromoteInputSchema = closed({
  prompt: Str,
  /** The environment whose release is promoted: its canary to full traffic, or (with `to`) onward. */
  environment: Str,
  to: Type.Optional(Str),
  notes: Type.Optional(Text),
  /**
   * Act only if the environment's active release is still this one (a release id): an automated
   * actor (canary analysis) names the release it judged, so a decision someone else already took
   * is not taken twice (PO_ERR_RELEASE_SUPERSEDED, nothing written).
   */
  expectRelease: Type.Optional(Str),
});

export const RollbackInputSchema = closed({
  prompt: Str,
  environment: Str,
  /** The version to return to; default: the version released before the current one. */
  to: Type.Optional(Int),
  notes: Type.Optional(Text),
  /** Roll back across a breaking input contract anyway (admins only), with the reason recorded. */
  force: Type.Optional(Force),
  /**
   * Act only if the environment's active release is still this one (a release id): an automated
   * actor (canary analysis) names the release it judged, so a decision someone else already took
   * is not taken twice (PO_ERR_RELEASE_SUPERSEDED, nothing written).
   */
  expectRelease: Type.Optional(Str),
});

export const ReleaseRecordSchema = Type.Object({
  id: Plain,
  prompt: Plain,
  environment: Plain,
  seq: Type.Integer(),
  kind: Type.Enum(['release', 'canary', 'promote', 'rollback']),
  /** The stable version the environment serves. */
  version: Type.Integer(),
  versionHash: Plain,
  /** A canary served to `weight` percent of traffic, if one is running. */
  canary: Nullable(Type.Object({ version: Type.Integer(), hash: Plain, weight: Type.Integer() })),
  changeRequest: Nullable(Type.Integer()),
  exception: Nullable(Plain),
  notes: Nullable(Plain),
  actor: Plain,
  at: Plain,
  active: Type.Boolean(),
});

export const PolicyExceptionSchema = Type.Object({
  id: Plain,
  kind: Plain,
  target: Plain,
  actor: Plain,
  justification: Plain,
  details: Type.Unknown(),
  at: Plain,
});

// ---- alerts ----

export const ALERT_SOURCES = ['canary', 'drift', 'rule'] as const;
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export const ALERT_STATUSES = ['firing', 'acknowledged', 'resolved'] as const;

/** An alert as a rule, a canary or a drift check raises it, with the webhooks it goes to. */
export const NewAlertSchema = closed({
  source: Type.Enum([...ALERT_SOURCES]),
  name: Str,
  /** What makes two raisings the same alert: while one is open, raising it again updates it. */
  dedupeKey: Str,
  severity: Type.Enum([...ALERT_SEVERITIES]),
  prompt: Type.Optional(Str),
  environment: Type.Optional(Str),
  summary: Text,
  evidence: Type.Unknown(),
  at: IsoTime,
  /** The webhooks (by name) a new alert is delivered to. */
  webhooks: Type.Array(Str, { maxItems: 100 }),
});

/** One alert's notification to one webhook. */
export const AlertDeliverySchema = Type.Object({
  alertId: Plain,
  webhook: Plain,
  status: Type.Enum(['pending', 'delivered', 'dead']),
  attempts: Type.Integer(),
  nextAttemptAt: Plain,
  lastError: Nullable(Plain),
  deliveredAt: Nullable(Plain),
});

export const AlertRecordSchema = Type.Object({
  id: Plain,
  source: Type.Enum([...ALERT_SOURCES]),
  name: Plain,
  dedupeKey: Plain,
  severity: Type.Enum([...ALERT_SEVERITIES]),
  status: Type.Enum([...ALERT_STATUSES]),
  summary: Plain,
  evidence: Type.Unknown(),
  prompt: Nullable(Plain),
  environment: Nullable(Plain),
  firedAt: Plain,
  updatedAt: Plain,
  resolvedAt: Nullable(Plain),
  ackedBy: Nullable(Plain),
  ackedAt: Nullable(Plain),
  note: Nullable(Plain),
  deliveries: Type.Array(AlertDeliverySchema),
});

/** What raising answers: the open alert, and whether it is new (and so was queued for delivery). */
export const RaisedAlertSchema = Type.Object({ alert: AlertRecordSchema, isNew: Type.Boolean() });

export const AlertFilterSchema = Type.Object({
  /** `all` (default: open ones, firing or acknowledged). */
  status: Type.Optional(Type.Enum([...ALERT_STATUSES, 'open', 'all'])),
  /** Only alerts with a dead delivery (the dead-letter list). */
  deadLetters: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer()),
});

/** A delivery that is due, with what it carries. */
export const DueDeliverySchema = Type.Object({
  delivery: AlertDeliverySchema,
  alert: AlertRecordSchema,
});

/** What one attempt to deliver came to. */
export const DeliveryOutcomeSchema = closed({
  alertId: Str,
  webhook: Str,
  status: Type.Enum(['pending', 'delivered', 'dead']),
  attempts: Count,
  nextAttemptAt: IsoTime,
  lastError: Type.Optional(Text),
  deliveredAt: Type.Optional(IsoTime),
});
