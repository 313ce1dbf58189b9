import type { Kysely } from 'kysely';
import type { VersionRef } from '../catalog/ref.js';
import {
  type ApprovalPolicy,
  type CheckName,
  type CrReview,
  DEFAULT_APPROVAL_POLICY,
} from '../governance/policy.js';
import type { Role } from '../governance/rbac.js';
import type { Trace } from '../observe/trace.js';
import { AuditLog } from './audit-log.js';
import { CatalogStore } from './catalog-store.js';
import { ChangeRequestStore } from './change-request-store.js';
import { IdentityStore } from './identity-store.js';
import { PolicyExceptions } from './policy-exceptions.js';
import { ReleaseStore } from './release-store.js';
import { RuntimeStore } from './runtime-store.js';
import type { Database } from './schema.js';
import { type EngineOptions, storeContext } from './store-context.js';
import type {
  AuditEntry,
  AuditVerification,
  ChangeRequest,
  CheckInput,
  EvalRunRecord,
  GovernanceOptions,
  LabelEvent,
  LabelRecord,
  PolicyException,
  ProjectRecord,
  PromoteInput,
  PromptSummary,
  PushItem,
  PushOutcome,
  ReleaseInput,
  ReleaseRecord,
  ReviewRecord,
  RoleBinding,
  RollbackInput,
  Store,
  TokenRecord,
  TraceFilter,
  VersionRecord,
} from './types.js';

/** Whether the store (and every project view of it) has been closed; shared by the views. */
interface Lifecycle {
  closed: boolean;
}

/**
 * The `Store` over a Kysely database, for every engine: a facade that delegates each operation to
 * the part that owns its aggregate (catalog, change requests, releases, identity, runtime records,
 * audit), all sharing one handle, one clock and one transaction helper. It holds no SQL itself and
 * no engine-specific code: engines pass their error codes and capabilities in `EngineOptions`.
 */
export class KyselyStore implements Store {
  private readonly catalog: CatalogStore;
  private readonly changes: ChangeRequestStore;
  private readonly releases: ReleaseStore;
  private readonly identity: IdentityStore;
  private readonly runtime: RuntimeStore;
  private readonly audit: AuditLog;
  private readonly exceptions: PolicyExceptions;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: EngineOptions & GovernanceOptions,
    private readonly lifecycle: Lifecycle = { closed: false },
  ) {
    const ctx = storeContext(db, options);
    const policy: ApprovalPolicy = options.policy ?? DEFAULT_APPROVAL_POLICY;
    const environments = options.environments ?? null;
    this.audit = new AuditLog(ctx);
    this.exceptions = new PolicyExceptions(ctx, this.audit);
    this.catalog = new CatalogStore(ctx, this.audit);
    this.runtime = new RuntimeStore(ctx, this.audit);
    this.identity = new IdentityStore(ctx, this.audit);
    const parts = { audit: this.audit, catalog: this.catalog, exceptions: this.exceptions };
    // A change is judged against production: the last environment listed.
    const baseLabel = environments?.at(-1) ?? 'production';
    this.changes = new ChangeRequestStore(ctx, { ...parts, policy, baseLabel });
    this.releases = new ReleaseStore(ctx, { ...parts, changes: this.changes, policy: { environments } });
  }

  // ---- catalog --------------------------------------------------------------------------------

  push(items: readonly PushItem[], meta: { author: string; message?: string }): Promise<PushOutcome[]> {
    return this.catalog.push(items, meta);
  }
  listPrompts(): Promise<PromptSummary[]> {
    return this.catalog.listPrompts();
  }
  listVersions(prompt: string): Promise<VersionRecord[]> {
    return this.catalog.listVersions(prompt);
  }
  resolve(ref: VersionRef): Promise<VersionRecord> {
    return this.catalog.resolve(ref);
  }
  setLabel(prompt: string, number: number, label: string, actor: string): Promise<LabelEvent | null> {
    return this.catalog.setLabel(prompt, number, label, actor);
  }
  removeLabel(prompt: string, label: string, actor: string): Promise<LabelEvent> {
    return this.catalog.removeLabel(prompt, label, actor);
  }
  listLabels(prompt?: string): Promise<LabelRecord[]> {
    return this.catalog.listLabels(prompt);
  }
  labelHistory(prompt: string, label?: string): Promise<LabelEvent[]> {
    return this.catalog.labelHistory(prompt, label);
  }
  archive(prompt: string, number: number, actor: string, reason?: string): Promise<VersionRecord> {
    return this.catalog.archive(prompt, number, actor, reason);
  }

  // ---- runtime records ------------------------------------------------------------------------

  writeTraces(traces: readonly Trace[]): Promise<void> {
    return this.runtime.writeTraces(traces);
  }
  listTraces(filter?: TraceFilter): Promise<Trace[]> {
    return this.runtime.listTraces(filter);
  }
  getTrace(id: string): Promise<Trace> {
    return this.runtime.getTrace(id);
  }
  createReview(
    review: Omit<ReviewRecord, 'status' | 'decidedAt' | 'decidedBy' | 'note'>,
  ): Promise<ReviewRecord> {
    return this.runtime.createReview(review);
  }
  getReview(id: string): Promise<ReviewRecord> {
    return this.runtime.getReview(id);
  }
  listReviews(filter?: { status?: ReviewRecord['status']; limit?: number }): Promise<ReviewRecord[]> {
    return this.runtime.listReviews(filter);
  }
  decideReview(
    id: string,
    decision: 'approved' | 'rejected',
    actor: string,
    note?: string,
  ): Promise<ReviewRecord> {
    return this.runtime.decideReview(id, decision, actor, note);
  }
  readResponseCache(versionHashes: readonly string[]): Promise<Map<string, unknown>> {
    return this.runtime.readResponseCache(versionHashes);
  }
  writeResponseCache(
    entries: readonly { key: string; versionHash: string; response: unknown }[],
  ): Promise<void> {
    return this.runtime.writeResponseCache(entries);
  }
  recordEvalRun(run: EvalRunRecord): Promise<void> {
    return this.runtime.recordEvalRun(run);
  }
  listEvalRuns(filter?: { prompt?: string; versionHash?: string; limit?: number }): Promise<EvalRunRecord[]> {
    return this.runtime.listEvalRuns(filter);
  }

  // ---- audit ----------------------------------------------------------------------------------

  listAudit(filter?: { limit?: number }): Promise<AuditEntry[]> {
    return this.audit.list(filter);
  }
  verifyAudit(options?: { at?: number }): Promise<AuditVerification> {
    return this.audit.verify(options);
  }

  // ---- identity -------------------------------------------------------------------------------

  ensureProject(name: string, actor: string): Promise<ProjectRecord> {
    return this.identity.ensureProject(name, actor);
  }
  createProject(name: string, actor: string): Promise<ProjectRecord> {
    return this.identity.createProject(name, actor);
  }
  listProjects(): Promise<ProjectRecord[]> {
    return this.identity.listProjects();
  }
  createToken(
    input: { subject: string; name: string; expiresAt?: string },
    actor: string,
  ): Promise<{ token: string; record: TokenRecord }> {
    return this.identity.createToken(input, actor);
  }
  listTokens(): Promise<TokenRecord[]> {
    return this.identity.listTokens();
  }
  revokeToken(id: string, actor: string): Promise<TokenRecord> {
    return this.identity.revokeToken(id, actor);
  }
  authenticate(
    token: string,
  ): Promise<{ subject: string; tokenId: string; expiresAt: string | null } | null> {
    return this.identity.authenticate(token);
  }
  grantRole(subject: string, role: Role, actor: string): Promise<RoleBinding> {
    return this.identity.grantRole(subject, role, actor);
  }
  revokeRole(subject: string, role: Role, actor: string): Promise<void> {
    return this.identity.revokeRole(subject, role, actor);
  }
  listRoleBindings(): Promise<RoleBinding[]> {
    return this.identity.listRoleBindings();
  }
  rolesOf(subject: string): Promise<Role[]> {
    return this.identity.rolesOf(subject);
  }

  // ---- change requests ------------------------------------------------------------------------

  openChangeRequest(
    input: { prompt: string; version?: number; title?: string; description?: string },
    author: string,
  ): Promise<ChangeRequest> {
    return this.changes.open(input, author);
  }
  listChangeRequests(filter?: {
    status?: ChangeRequest['status'];
    prompt?: string;
  }): Promise<ChangeRequest[]> {
    return this.changes.list(filter);
  }
  getChangeRequest(number: number): Promise<ChangeRequest> {
    return this.changes.get(number);
  }
  recordCheck(number: number, check: CheckInput, actor: string): Promise<ChangeRequest> {
    return this.changes.recordCheck(number, check, actor);
  }
  reviewChangeRequest(
    number: number,
    review: { decision: CrReview['decision']; comment?: string },
    actor: string,
  ): Promise<ChangeRequest> {
    return this.changes.review(number, review, actor);
  }
  overrideCheck(
    number: number,
    input: { check: CheckName; justification: string },
    actor: string,
  ): Promise<ChangeRequest> {
    return this.changes.overrideCheck(number, input, actor);
  }
  closeChangeRequest(number: number, actor: string): Promise<ChangeRequest> {
    return this.changes.close(number, actor);
  }

  // ---- releases -------------------------------------------------------------------------------

  release(input: ReleaseInput, actor: string): Promise<ReleaseRecord> {
    return this.releases.release(input, actor);
  }
  promote(input: PromoteInput, actor: string): Promise<ReleaseRecord> {
    return this.releases.promote(input, actor);
  }
  rollback(input: RollbackInput, actor: string): Promise<ReleaseRecord> {
    return this.releases.rollback(input, actor);
  }
  listReleases(filter?: {
    prompt?: string;
    environment?: string;
    activeOnly?: boolean;
    limit?: number;
  }): Promise<ReleaseRecord[]> {
    return this.releases.list(filter);
  }
  listPolicyExceptions(): Promise<PolicyException[]> {
    return this.exceptions.list();
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  get closed(): boolean {
    return this.lifecycle.closed;
  }

  isUnavailable(err: unknown): boolean {
    // Once closed (a shutdown under a request), any failure is that: the request belongs elsewhere.
    return this.closed || (this.options.isUnavailable?.(err) ?? false);
  }

  async close(): Promise<void> {
    this.lifecycle.closed = true;
    await this.db.destroy();
    await this.options.onClose?.();
  }

  /**
   * The same store seen as another project: it shares this store's connection (a server holds one
   * pool for every project) and its closed state, and closing it does nothing; close the store it
   * came from.
   */
  forProject(project: string): this {
    const view = new KyselyStore(this.db, { ...this.options, project, onClose: undefined }, this.lifecycle);
    Object.defineProperty(view, 'close', { value: async () => {} });
    return view as this;
  }
}
