import type { Static } from 'typebox';
import type {
  AuditEntrySchema,
  AuditVerificationSchema,
  ChangeRequestSchema,
  CheckInputSchema,
  EvalRunRecordSchema,
  LabelEventSchema,
  LabelRecordSchema,
  PolicyExceptionSchema,
  ProjectRecordSchema,
  PromoteInputSchema,
  PromptSummarySchema,
  PushItemSchema,
  PushOutcomeSchema,
  ReleaseInputSchema,
  ReleaseRecordSchema,
  ReviewRecordSchema,
  RoleBindingSchema,
  RollbackInputSchema,
  TokenRecordSchema,
  TraceFilterSchema,
  VersionRecordSchema,
} from '../api/schemas.js';
import type { VersionRef } from '../catalog/ref.js';
import type { ApprovalPolicy, CheckName, CrReview } from '../governance/policy.js';
import type { Role } from '../governance/rbac.js';
import type { Trace } from '../observe/trace.js';

/*
 * The store's records and operations, as every implementation (the SQL engines and the HTTP
 * client) shares them.
 */
/** One immutable version as read back from the registry. */
export type VersionRecord = Static<typeof VersionRecordSchema>;

export type PromptSummary = Static<typeof PromptSummarySchema>;

export type LabelRecord = Static<typeof LabelRecordSchema>;

export type LabelEvent = Static<typeof LabelEventSchema>;

export type PushItem = Static<typeof PushItemSchema>;

/**
 * What a push did to one prompt: `created` a new version, found it `unchanged` (the latest version
 * has this content) or found it `matches` an older version (content identical to it, so nothing is
 * written: a version's identity is its content).
 */
export type PushOutcome = Static<typeof PushOutcomeSchema>;

/** The registry's catalog operations. One implementation serves every SQL engine Kysely speaks. */
export interface RegistryStore {
  push(items: readonly PushItem[], meta: { author: string; message?: string }): Promise<PushOutcome[]>;
  listPrompts(): Promise<PromptSummary[]>;
  listVersions(prompt: string): Promise<VersionRecord[]>;
  /** Resolves a reference to a version; throws a not-found error naming what is missing. */
  resolve(ref: VersionRef): Promise<VersionRecord>;
  /** Points `label` at a version (creating or moving it); every move is recorded. */
  setLabel(prompt: string, number: number, label: string, actor: string): Promise<LabelEvent | null>;
  removeLabel(prompt: string, label: string, actor: string): Promise<LabelEvent>;
  listLabels(prompt?: string): Promise<LabelRecord[]>;
  labelHistory(prompt: string, label?: string): Promise<LabelEvent[]>;
  /** Marks a version archived (it stays readable, but can no longer be labelled). */
  archive(prompt: string, number: number, actor: string, reason?: string): Promise<VersionRecord>;
  /** Appends traces in one transaction (the trace queue calls this with batches). */
  writeTraces(traces: readonly Trace[]): Promise<void>;
  listTraces(filter?: TraceFilter): Promise<Trace[]>;
  /** One trace by id; PO_ERR_TRACE_NOT_FOUND when this project has none with that id. */
  getTrace(id: string): Promise<Trace>;
  createReview(
    review: Omit<ReviewRecord, 'status' | 'decidedAt' | 'decidedBy' | 'note'>,
  ): Promise<ReviewRecord>;
  getReview(id: string): Promise<ReviewRecord>;
  listReviews(filter?: { status?: ReviewRecord['status']; limit?: number }): Promise<ReviewRecord[]>;
  /** Approves or rejects a pending review; deciding twice is a conflict, never a silent overwrite. */
  decideReview(
    id: string,
    decision: 'approved' | 'rejected',
    actor: string,
    note?: string,
  ): Promise<ReviewRecord>;
  /** Cached model answers of the given versions (evaluations only). */
  readResponseCache(versionHashes: readonly string[]): Promise<Map<string, unknown>>;
  writeResponseCache(
    entries: readonly { key: string; versionHash: string; response: unknown }[],
  ): Promise<void>;
  /** The audit log, newest first. */
  listAudit(filter?: { limit?: number }): Promise<AuditEntry[]>;
  /**
   * Recomputes the audit hash chain (`broken`: the first entry that does not hold) and compares the
   * labels and active releases with what the chain says (`mismatches`). `at` asks for that entry's
   * hash too, to hold against a signed checkpoint.
   */
  verifyAudit(options?: { at?: number }): Promise<AuditVerification>;
  /** Keeps an evaluation run, linked to the version hash it tested. */
  recordEvalRun(run: EvalRunRecord): Promise<void>;
  listEvalRuns(filter?: { prompt?: string; versionHash?: string; limit?: number }): Promise<EvalRunRecord[]>;
  close(): Promise<void>;
  /**
   * True when `err` (thrown by this store) means the database is unreachable, shut down or damaged
   * (its tables or schema gone), rather than a fault of the request: callers answer "unavailable,
   * retry" (503), as readiness does. Each engine knows its own error codes.
   */
  isUnavailable(err: unknown): boolean;
  /** close() has been called (on this store, or on the store a forProject view came from). */
  readonly closed: boolean;
  /** This store seen as another project, on the same connection. */
  forProject(project: string): this;
}

/** One audit entry: who did what to what, before and after, chained by hashes. */
export type AuditEntry = Static<typeof AuditEntrySchema>;

/** What `verifyAudit` found: the chain's state, its head, and any table that disagrees with it. */
export type AuditVerification = Static<typeof AuditVerificationSchema>;

export type EvalRunRecord = Static<typeof EvalRunRecordSchema>;

/** A request a guardrail escalated to people, and its decision. */
export type ReviewRecord = Static<typeof ReviewRecordSchema>;

export type TraceFilter = Static<typeof TraceFilterSchema>;

export interface StoreOptions {
  project: string;
  now?: () => Date;
  /** Called with an error to decide whether a failed transaction may be retried (engine-specific). */
  isRetryable?: (err: unknown) => boolean;
  /** Called with an error to decide whether it means the database is unavailable (engine-specific). */
  isUnavailable?: (err: unknown) => boolean;
  onClose?: () => Promise<void>;
}

export type ProjectRecord = Static<typeof ProjectRecordSchema>;

/** A token as listed: never its secret or hash. */
export type TokenRecord = Static<typeof TokenRecordSchema>;

export type RoleBinding = Static<typeof RoleBindingSchema>;

export type ChangeRequest = Static<typeof ChangeRequestSchema>;

export type ReleaseRecord = Static<typeof ReleaseRecordSchema>;

export type PolicyException = Static<typeof PolicyExceptionSchema>;

export type CheckInput = Static<typeof CheckInputSchema>;

export type ReleaseInput = Static<typeof ReleaseInputSchema>;

export type RollbackInput = Static<typeof RollbackInputSchema>;

export type PromoteInput = Static<typeof PromoteInputSchema>;

/** Governance operations: identity, change requests, reviews, checks, releases. */
export interface GovernanceStore {
  ensureProject(name: string, actor: string): Promise<ProjectRecord>;
  /** Creates a project and makes `actor` its admin, in one transaction; an existing name is a conflict. */
  createProject(name: string, actor: string): Promise<ProjectRecord>;
  listProjects(): Promise<ProjectRecord[]>;
  /** Creates a token; the plain token is in the result and nowhere else, ever. */
  createToken(
    input: { subject: string; name: string; expiresAt?: string },
    actor: string,
  ): Promise<{ token: string; record: TokenRecord }>;
  listTokens(): Promise<TokenRecord[]>;
  revokeToken(id: string, actor: string): Promise<TokenRecord>;
  /** The subject a presented token acts for; null when unknown, malformed, revoked or expired. */
  authenticate(token: string): Promise<{ subject: string; tokenId: string; expiresAt: string | null } | null>;
  grantRole(subject: string, role: Role, actor: string): Promise<RoleBinding>;
  revokeRole(subject: string, role: Role, actor: string): Promise<void>;
  listRoleBindings(): Promise<RoleBinding[]>;
  rolesOf(subject: string): Promise<Role[]>;
  openChangeRequest(
    input: { prompt: string; version?: number; title?: string; description?: string },
    author: string,
  ): Promise<ChangeRequest>;
  listChangeRequests(filter?: {
    status?: ChangeRequest['status'];
    prompt?: string;
  }): Promise<ChangeRequest[]>;
  getChangeRequest(number: number): Promise<ChangeRequest>;
  recordCheck(number: number, check: CheckInput, actor: string): Promise<ChangeRequest>;
  reviewChangeRequest(
    number: number,
    review: { decision: CrReview['decision']; comment?: string },
    actor: string,
  ): Promise<ChangeRequest>;
  /** Accepts a red check with a written justification (a policy exception); admins only. */
  overrideCheck(
    number: number,
    input: { check: CheckName; justification: string },
    actor: string,
  ): Promise<ChangeRequest>;
  closeChangeRequest(number: number, actor: string): Promise<ChangeRequest>;
  release(input: ReleaseInput, actor: string): Promise<ReleaseRecord>;
  promote(input: PromoteInput, actor: string): Promise<ReleaseRecord>;
  rollback(input: RollbackInput, actor: string): Promise<ReleaseRecord>;
  listReleases(filter?: {
    prompt?: string;
    environment?: string;
    activeOnly?: boolean;
    limit?: number;
  }): Promise<ReleaseRecord[]>;
  listPolicyExceptions(): Promise<PolicyException[]>;
}

/** The whole store: the catalog and governance, on one database and in shared transactions. */
export type Store = RegistryStore & GovernanceStore;

export interface GovernanceOptions {
  policy?: ApprovalPolicy;
  environments?: readonly string[];
}
