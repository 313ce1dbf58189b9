import type { VersionRef } from '../catalog/ref.js';
import type { PromptSpec } from '../catalog/spec.js';
import type {
  ApprovalPolicy,
  CheckName,
  CheckOverride,
  CheckRecord,
  CheckStatus,
  CrReview,
  GateResult,
} from '../governance/policy.js';
import type { Role } from '../governance/rbac.js';
import type { RiskAssessment } from '../governance/risk.js';
import type { Trace } from '../observe/trace.js';
import type { ChainBreak } from './audit-chain.js';
import type { StateMismatch } from './audit-state.js';

/*
 * The store's records and operations, as every implementation (the SQL engines and the HTTP
 * client) shares them.
 */
/** One immutable version as read back from the registry. */
export interface VersionRecord {
  prompt: string;
  number: number;
  hash: string;
  spec: PromptSpec;
  author: string;
  message: string | null;
  createdAt: string;
  parentNumber: number | null;
  labels: string[];
  archived: { at: string; by: string; reason: string | null } | null;
}

export interface PromptSummary {
  name: string;
  versions: number;
  latest: { number: number; hash: string } | null;
  labels: Record<string, number>;
}

export interface LabelRecord {
  prompt: string;
  label: string;
  number: number;
  hash: string;
  updatedAt: string;
  updatedBy: string;
}

export interface LabelEvent {
  prompt: string;
  label: string;
  seq: number;
  action: 'set' | 'remove';
  from: number | null;
  to: number | null;
  actor: string;
  at: string;
}

export interface PushItem {
  spec: PromptSpec;
  hash: string;
}

/**
 * What a push did to one prompt: `created` a new version, found it `unchanged` (the latest version
 * has this content) or found it `matches` an older version (content identical to it, so nothing is
 * written: a version's identity is its content).
 */
export interface PushOutcome {
  prompt: string;
  status: 'created' | 'unchanged' | 'matches';
  number: number;
  hash: string;
  previous: number | null;
}

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
export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
}

/** What `verifyAudit` found: the chain's state, its head, and any table that disagrees with it. */
export interface AuditVerification {
  project: string;
  checked: number;
  broken: ChainBreak | null;
  /** The newest entry; null when the log is empty. */
  head: { seq: number; hash: string } | null;
  /** The entry `at` asked for; null when the log has no such entry (absent when not asked). */
  entry?: { seq: number; hash: string } | null;
  mismatches: StateMismatch[];
}

export interface EvalRunRecord {
  id: string;
  prompt: string;
  versionHash: string;
  startedAt: string;
  passed: number;
  failed: number;
  errors: number;
  passRate: number;
  result: unknown;
}

/** A request a guardrail escalated to people, and its decision. */
export interface ReviewRecord {
  id: string;
  prompt: string;
  versionNumber: number;
  stage: 'input' | 'output';
  guardrail: string;
  status: 'pending' | 'approved' | 'rejected';
  traceId: string;
  createdAt: string;
  decidedAt: string | null;
  decidedBy: string | null;
  note: string | null;
  payload: Record<string, unknown>;
}

export interface TraceFilter {
  prompt?: string;
  status?: 'ok' | 'error' | 'held';
  /** Only this version number of the prompt. */
  version?: number;
  environment?: string;
  /** Started at or after / before this time (ISO 8601, as traces record it). */
  since?: string;
  until?: string;
  limit?: number;
}

export interface StoreOptions {
  project: string;
  now?: () => Date;
  /** Called with an error to decide whether a failed transaction may be retried (engine-specific). */
  isRetryable?: (err: unknown) => boolean;
  /** Called with an error to decide whether it means the database is unavailable (engine-specific). */
  isUnavailable?: (err: unknown) => boolean;
  onClose?: () => Promise<void>;
}

export interface ProjectRecord {
  name: string;
  createdAt: string;
  createdBy: string;
}

/** A token as listed: never its secret or hash. */
export interface TokenRecord {
  id: string;
  subject: string;
  name: string;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface RoleBinding {
  project: string;
  subject: string;
  role: Role;
  createdAt: string;
  createdBy: string;
}

export interface ChangeRequest {
  number: number;
  prompt: string;
  version: number;
  versionHash: string;
  /** The version the change replaces: what production (`baseLabel`) served when it was opened. */
  base: number | null;
  baseLabel: string | null;
  title: string;
  description: string | null;
  /** Who opened the request. */
  author: string;
  /**
   * Everyone who authored the change: the opener and whoever pushed the proposed version or any
   * version between the base and it. None of them may approve it or record its checks.
   */
  authors: string[];
  status: 'open' | 'closed' | 'released';
  risk: RiskAssessment;
  createdAt: string;
  updatedAt: string;
  checks: CheckRecord[];
  reviews: CrReview[];
  overrides: CheckOverride[];
  gate: GateResult;
}

export interface ReleaseRecord {
  id: string;
  prompt: string;
  environment: string;
  seq: number;
  kind: 'release' | 'canary' | 'promote' | 'rollback';
  /** The stable version the environment serves. */
  version: number;
  versionHash: string;
  /** A canary served to `weight` percent of traffic, if one is running. */
  canary: { version: number; hash: string; weight: number } | null;
  changeRequest: number | null;
  exception: string | null;
  notes: string | null;
  actor: string;
  at: string;
  active: boolean;
}

export interface PolicyException {
  id: string;
  kind: string;
  target: string;
  actor: string;
  justification: string;
  details: unknown;
  at: string;
}

export interface CheckInput {
  name: CheckName;
  status: CheckStatus;
  summary: string;
  details?: unknown;
  /** The hash of the version the check ran on; it must be the change request's version. */
  versionHash: string;
}

export interface ReleaseInput {
  changeRequest: number;
  environment: string;
  /** Percent of traffic (1–99) for a canary; absent for a full release. */
  canaryWeight?: number;
  notes?: string;
  /**
   * Release an older version across a breaking input contract anyway (admins only), with the
   * reason recorded: the same rule as a forced rollback.
   */
  force?: { justification: string };
}

export interface RollbackInput {
  prompt: string;
  environment: string;
  /** The version to return to; default: the version released before the current one. */
  to?: number;
  notes?: string;
  /** Roll back across a breaking input contract anyway (admins only), with the reason recorded. */
  force?: { justification: string };
}

export interface PromoteInput {
  prompt: string;
  /** The environment whose release is promoted: its canary to full traffic, or (with `to`) onward. */
  environment: string;
  to?: string;
  notes?: string;
}

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
