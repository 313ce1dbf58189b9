import type { Static } from 'typebox';
import type {
  AlertDeliverySchema,
  AlertFilterSchema,
  AlertRecordSchema,
  AuditEntrySchema,
  AuditVerificationSchema,
  ChangeRequestSchema,
  CheckInputSchema,
  DeliveryOutcomeSchema,
  DueDeliverySchema,
  EvalRunRecordSchema,
  FeedbackFilterSchema,
  FeedbackRecordSchema,
  LabelEventSchema,
  LabelRecordSchema,
  NewAlertSchema,
  NewFeedbackSchema,
  PolicyExceptionSchema,
  ProjectRecordSchema,
  PromoteInputSchema,
  PromptSummarySchema,
  PushItemSchema,
  PushOutcomeSchema,
  RaisedAlertSchema,
  ReleaseInputSchema,
  ReleaseRecordSchema,
  ReviewRecordSchema,
  RoleBindingSchema,
  RollbackInputSchema,
  TokenRecordSchema,
  TraceFilterSchema,
  VersionRecordSchema,
} from '../api/schemas.js';
import type { ApprovalPolicy } from '../governance/policy.js';
import type { GraphSchema } from '../graph/types.js';
import type { AlertStore } from './alert-store.js';
import type { AuditLog } from './audit-log.js';
import type { CanaryStore } from './canary-store.js';
import type { CatalogStore } from './catalog-store.js';
import type { ChangeRequestStore } from './change-request-store.js';
import type { DriftStore } from './drift-store.js';
import type { FeedbackStore } from './feedback-store.js';
import type { GraphStore } from './graph-store.js';
import type { IdentityStore } from './identity-store.js';
import type { PolicyExceptions } from './policy-exceptions.js';
import type { ReleaseStore } from './release-store.js';
import type { RollupStore } from './rollup-store.js';
import type { RuntimeStore } from './runtime-store.js';
import type { SessionStore } from './session-store.js';

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

/** One audit entry: who did what to what, before and after, chained by hashes. */
export type AuditEntry = Static<typeof AuditEntrySchema>;

/** What `verifyAudit` found: the chain's state, its head, and any table that disagrees with it. */
export type AuditVerification = Static<typeof AuditVerificationSchema>;

export type EvalRunRecord = Static<typeof EvalRunRecordSchema>;

/** A request a guardrail escalated to people, and its decision. */
export type ReviewRecord = Static<typeof ReviewRecordSchema>;

export type TraceFilter = Static<typeof TraceFilterSchema>;

export type NewFeedback = Static<typeof NewFeedbackSchema>;

/** Feedback on a trace, with the trace's prompt, version and environment. */
export type FeedbackRecord = Static<typeof FeedbackRecordSchema>;

export type FeedbackFilter = Static<typeof FeedbackFilterSchema>;

/** An alert to raise (or to update, while one with its dedupe key is open). */
export type NewAlert = Static<typeof NewAlertSchema>;
/** An alert, with its deliveries to webhooks. */
export type AlertRecord = Static<typeof AlertRecordSchema>;
export type AlertDelivery = Static<typeof AlertDeliverySchema>;
export type RaisedAlert = Static<typeof RaisedAlertSchema>;
export type AlertFilter = Static<typeof AlertFilterSchema>;
export type DueDelivery = Static<typeof DueDeliverySchema>;
export type DeliveryOutcome = Static<typeof DeliveryOutcomeSchema>;

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

/** What every store has besides its operations: a lifecycle, and views of other projects. */
export interface StoreLifecycle {
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
  /**
   * The project's web console sessions, which only a server keeps (no API operation reaches them):
   * null on a remote client, whose server keeps its own.
   */
  readonly sessions: SessionStore | null;
}

/*
 * The store's operations are not listed here: each part of the store (a class per aggregate) names
 * the methods it serves in its static `operations`, and the types below are made of those methods,
 * with the parts' own signatures and docs. KyselyStore delegates the same lists, so a new operation
 * is written once, in its part (and its entry in the aggregate's table file, src/api/operations/).
 */

/** A part of the store: a class naming, in its static `operations`, the methods it serves. */
interface StorePart {
  readonly prototype: object;
  readonly operations: readonly PropertyKey[];
}

/** The store methods a part owns. */
type OwnedBy<Part extends StorePart> = Pick<
  Part['prototype'],
  Part['operations'][number] & keyof Part['prototype']
>;

/** The parts, by the name KyselyStore gives them. */
interface StoreParts {
  catalog: typeof CatalogStore;
  runtime: typeof RuntimeStore;
  feedback: typeof FeedbackStore;
  drift: typeof DriftStore;
  rollups: typeof RollupStore;
  alerts: typeof AlertStore;
  audit: typeof AuditLog;
  identity: typeof IdentityStore;
  changes: typeof ChangeRequestStore;
  releases: typeof ReleaseStore;
  exceptions: typeof PolicyExceptions;
  canary: typeof CanaryStore;
  graph: typeof GraphStore;
}

type Claims<K extends keyof StoreParts> = StoreParts[K]['operations'][number];

/** A method two parts claim: the facade would serve one of them, the type would overload both. */
type ClaimedTwice = {
  [K in keyof StoreParts]: Claims<K> & Claims<Exclude<keyof StoreParts, K>>;
}[keyof StoreParts];

/** `T`, once `_Twice` is never: a method claimed by two parts fails to compile here, naming it. */
type ClaimedOnce<T, _Twice extends never> = T;

/** The catalog, runtime records, feedback and audit: what running and evaluating prompts needs. */
type RegistryOperations = OwnedBy<StoreParts['catalog']> &
  OwnedBy<StoreParts['runtime']> &
  OwnedBy<StoreParts['feedback']> &
  OwnedBy<StoreParts['drift']> &
  OwnedBy<StoreParts['rollups']> &
  OwnedBy<StoreParts['alerts']> &
  OwnedBy<StoreParts['audit']> &
  OwnedBy<StoreParts['graph']>;

/** The registry's operations and lifecycle: what the SDK, the runtime and sync use. */
export type RegistryStore = RegistryOperations & StoreLifecycle;

/** Governance operations: identity, change requests, reviews, checks, releases. */
export type GovernanceStore = OwnedBy<StoreParts['identity']> &
  OwnedBy<StoreParts['changes']> &
  OwnedBy<StoreParts['releases']> &
  OwnedBy<StoreParts['exceptions']> &
  OwnedBy<StoreParts['canary']>;

/** Every operation of the store, each the method of the part that owns it. */
export type StoreOperations = ClaimedOnce<RegistryOperations & GovernanceStore, ClaimedTwice>;

/** The whole store: the catalog and governance, on one database and in shared transactions. */
export type Store = StoreOperations & StoreLifecycle;

export interface GovernanceOptions {
  policy?: ApprovalPolicy;
  environments?: readonly string[];
  /** The project's declared graph types (promptops.yaml `graph:`); absent: any type. */
  graph?: GraphSchema | null;
}
