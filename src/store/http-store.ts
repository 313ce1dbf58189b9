import type { VersionRef } from '../catalog/ref.js';
import { ERROR_CATALOG, type ErrorCode, PromptOpsError } from '../errors.js';
import type { CheckName, CrReview } from '../governance/policy.js';
import type { Role } from '../governance/rbac.js';
import type { Trace } from '../observe/trace.js';
import type {
  AuditEntry,
  AuditVerification,
  ChangeRequest,
  CheckInput,
  EvalRunRecord,
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

export interface HttpStoreOptions {
  /** The server's base URL, e.g. `https://promptops.internal:4100`. */
  url: string;
  token: string;
  project: string;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
}

/**
 * The store as a client of a `promptops serve` server: the same interface as the embedded engines,
 * so every CLI command runs unchanged (and prints the same) against a remote control plane. The
 * server acts as the token's subject; actor arguments passed here are ignored by it.
 */
export class HttpStore implements Store {
  private readonly base: string;
  private readonly project: string;

  constructor(private readonly options: HttpStoreOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.project = options.project;
  }

  forProject(project: string): this {
    return new HttpStore({ ...this.options, project }) as this;
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, unknown>,
  ): Promise<T> {
    const url = new URL(`${this.base}/v1${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new PromptOpsError(
        'PO_ERR_REMOTE_UNAVAILABLE',
        `cannot reach the PromptOps server at ${this.base}: ${(err as Error).cause ? String(((err as Error).cause as Error).message ?? (err as Error).cause) : (err as Error).message}`,
        { url: this.base },
      );
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      throw new PromptOpsError(
        'PO_ERR_REMOTE_UNAVAILABLE',
        `the server at ${this.base} answered ${response.status} with something that is not JSON; is PROMPTOPS_URL a PromptOps server?`,
        { url: this.base, status: response.status },
      );
    }
    if (!response.ok) {
      const error = (
        parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } }
      )?.error;
      const code =
        error?.code && error.code in ERROR_CATALOG ? (error.code as ErrorCode) : 'PO_ERR_REMOTE_UNAVAILABLE';
      throw new PromptOpsError(
        code,
        error?.message ?? `the server answered ${response.status}`,
        error?.details ?? {},
      );
    }
    return parsed as T;
  }

  private p(path: string): string {
    return `/projects/${encodeURIComponent(this.project)}${path}`;
  }

  private static seg(value: string | number): string {
    return encodeURIComponent(String(value));
  }

  // ---- catalog ----
  push(items: readonly PushItem[], meta: { author: string; message?: string }): Promise<PushOutcome[]> {
    return this.call('POST', this.p('/prompts/push'), {
      items,
      ...(meta.message ? { message: meta.message } : {}),
    });
  }
  listPrompts(): Promise<PromptSummary[]> {
    return this.call('GET', this.p('/prompts'));
  }
  listVersions(prompt: string): Promise<VersionRecord[]> {
    return this.call('GET', this.p(`/prompts/${HttpStore.seg(prompt)}/versions`));
  }
  resolve(ref: VersionRef): Promise<VersionRecord> {
    const s = ref.selector;
    return this.call('GET', this.p(`/prompts/${HttpStore.seg(ref.prompt)}/resolve`), undefined, {
      version: s.kind === 'number' ? s.number : undefined,
      label: s.kind === 'label' ? s.label : undefined,
    });
  }
  setLabel(prompt: string, number: number, label: string, _actor: string): Promise<LabelEvent | null> {
    return this.call('POST', this.p(`/prompts/${HttpStore.seg(prompt)}/labels/${HttpStore.seg(label)}`), {
      version: number,
    });
  }
  removeLabel(prompt: string, label: string, _actor: string): Promise<LabelEvent> {
    return this.call('DELETE', this.p(`/prompts/${HttpStore.seg(prompt)}/labels/${HttpStore.seg(label)}`));
  }
  listLabels(prompt?: string): Promise<LabelRecord[]> {
    return this.call('GET', this.p('/labels'), undefined, { prompt });
  }
  labelHistory(prompt: string, label?: string): Promise<LabelEvent[]> {
    return this.call('GET', this.p(`/prompts/${HttpStore.seg(prompt)}/label-history`), undefined, { label });
  }
  archive(prompt: string, number: number, _actor: string, reason?: string): Promise<VersionRecord> {
    return this.call(
      'POST',
      this.p(`/prompts/${HttpStore.seg(prompt)}/versions/${number}/archive`),
      reason ? { reason } : {},
    );
  }
  // ---- traces, reviews, evaluations ----
  async writeTraces(traces: readonly Trace[]): Promise<void> {
    if (traces.length > 0) await this.call('POST', this.p('/traces'), { traces });
  }
  listTraces(filter: TraceFilter = {}): Promise<Trace[]> {
    return this.call('GET', this.p('/traces'), undefined, { ...filter });
  }
  getTrace(id: string): Promise<Trace> {
    return this.call('GET', this.p(`/traces/${HttpStore.seg(id)}`));
  }
  createReview(
    review: Omit<ReviewRecord, 'status' | 'decidedAt' | 'decidedBy' | 'note'>,
  ): Promise<ReviewRecord> {
    return this.call('POST', this.p('/reviews'), review);
  }
  getReview(id: string): Promise<ReviewRecord> {
    return this.call('GET', this.p(`/reviews/${HttpStore.seg(id)}`));
  }
  listReviews(filter: { status?: ReviewRecord['status']; limit?: number } = {}): Promise<ReviewRecord[]> {
    return this.call('GET', this.p('/reviews'), undefined, { ...filter });
  }
  decideReview(
    id: string,
    decision: 'approved' | 'rejected',
    _actor: string,
    note?: string,
  ): Promise<ReviewRecord> {
    return this.call('POST', this.p(`/reviews/${HttpStore.seg(id)}/decision`), {
      decision,
      ...(note ? { note } : {}),
    });
  }
  async readResponseCache(versionHashes: readonly string[]): Promise<Map<string, unknown>> {
    if (versionHashes.length === 0) return new Map();
    const found = await this.call<Record<string, unknown>>('POST', this.p('/response-cache/lookup'), {
      versionHashes,
    });
    return new Map(Object.entries(found));
  }
  async writeResponseCache(
    entries: readonly { key: string; versionHash: string; response: unknown }[],
  ): Promise<void> {
    if (entries.length > 0) await this.call('POST', this.p('/response-cache'), { entries });
  }
  listAudit(filter: { limit?: number } = {}): Promise<AuditEntry[]> {
    return this.call('GET', this.p('/audit'), undefined, { ...filter });
  }
  verifyAudit(options: { at?: number } = {}): Promise<AuditVerification> {
    return this.call('GET', this.p('/audit/verify'), undefined, { ...options });
  }
  async recordEvalRun(run: EvalRunRecord): Promise<void> {
    await this.call('POST', this.p('/eval-runs'), run);
  }
  listEvalRuns(
    filter: { prompt?: string; versionHash?: string; limit?: number } = {},
  ): Promise<EvalRunRecord[]> {
    return this.call('GET', this.p('/eval-runs'), undefined, { ...filter });
  }
  async close(): Promise<void> {}
  /** Nothing to close: every call is its own HTTP request. */
  readonly closed = false;
  /** A server that cannot be reached already fails as PO_ERR_REMOTE_UNAVAILABLE. */
  isUnavailable(_err: unknown): boolean {
    return false;
  }

  // ---- identity ----
  async ensureProject(name: string, actor: string): Promise<ProjectRecord> {
    const found = (await this.listProjects()).find((p) => p.name === name);
    return found ?? this.createProject(name, actor);
  }
  createProject(name: string, _actor: string): Promise<ProjectRecord> {
    return this.call('POST', '/projects', { name });
  }
  listProjects(): Promise<ProjectRecord[]> {
    return this.call('GET', '/projects');
  }
  createToken(
    input: { subject: string; name: string; expiresAt?: string },
    _actor: string,
  ): Promise<{ token: string; record: TokenRecord }> {
    return this.call('POST', '/tokens', input);
  }
  listTokens(): Promise<TokenRecord[]> {
    return this.call('GET', '/tokens');
  }
  revokeToken(id: string, _actor: string): Promise<TokenRecord> {
    return this.call('DELETE', `/tokens/${HttpStore.seg(id)}`);
  }
  /** Asks the server who this client's token acts for; other tokens cannot be checked remotely. */
  async authenticate(
    token: string,
  ): Promise<{ subject: string; tokenId: string; expiresAt: string | null } | null> {
    if (token !== this.options.token) return null;
    try {
      const me = await this.call<{ subject: string; tokenId: string }>('GET', '/whoami');
      return { subject: me.subject, tokenId: me.tokenId, expiresAt: null };
    } catch (err) {
      if (err instanceof PromptOpsError && err.code === 'PO_ERR_UNAUTHENTICATED') return null;
      throw err;
    }
  }
  whoami(): Promise<{ subject: string; tokenId: string; roles: Role[] }> {
    return this.call('GET', '/whoami');
  }
  grantRole(subject: string, role: Role, _actor: string): Promise<RoleBinding> {
    return this.call('POST', this.p('/roles'), { subject, role });
  }
  async revokeRole(subject: string, role: Role, _actor: string): Promise<void> {
    await this.call('DELETE', this.p(`/roles/${HttpStore.seg(subject)}/${HttpStore.seg(role)}`));
  }
  listRoleBindings(): Promise<RoleBinding[]> {
    return this.call('GET', this.p('/roles'));
  }
  async rolesOf(subject: string): Promise<Role[]> {
    const bindings = await this.listRoleBindings();
    return bindings.filter((b) => b.subject === subject).map((b) => b.role);
  }
  // ---- change requests ----
  openChangeRequest(
    input: { prompt: string; version?: number; title?: string; description?: string },
    _author: string,
  ): Promise<ChangeRequest> {
    return this.call('POST', this.p('/change-requests'), input);
  }
  listChangeRequests(
    filter: { status?: ChangeRequest['status']; prompt?: string } = {},
  ): Promise<ChangeRequest[]> {
    return this.call('GET', this.p('/change-requests'), undefined, { ...filter });
  }
  getChangeRequest(number: number): Promise<ChangeRequest> {
    return this.call('GET', this.p(`/change-requests/${number}`));
  }
  recordCheck(number: number, check: CheckInput, _actor: string): Promise<ChangeRequest> {
    return this.call('POST', this.p(`/change-requests/${number}/checks`), check);
  }
  reviewChangeRequest(
    number: number,
    review: { decision: CrReview['decision']; comment?: string },
    _actor: string,
  ): Promise<ChangeRequest> {
    return this.call('POST', this.p(`/change-requests/${number}/reviews`), review);
  }
  overrideCheck(
    number: number,
    input: { check: CheckName; justification: string },
    _actor: string,
  ): Promise<ChangeRequest> {
    return this.call('POST', this.p(`/change-requests/${number}/overrides`), input);
  }
  closeChangeRequest(number: number, _actor: string): Promise<ChangeRequest> {
    return this.call('POST', this.p(`/change-requests/${number}/close`));
  }
  // ---- releases ----
  release(input: ReleaseInput, _actor: string): Promise<ReleaseRecord> {
    return this.call('POST', this.p('/releases'), input);
  }
  promote(input: PromoteInput, _actor: string): Promise<ReleaseRecord> {
    return this.call('POST', this.p('/releases/promote'), input);
  }
  rollback(input: RollbackInput, _actor: string): Promise<ReleaseRecord> {
    return this.call('POST', this.p('/releases/rollback'), input);
  }
  listReleases(
    filter: { prompt?: string; environment?: string; activeOnly?: boolean; limit?: number } = {},
  ): Promise<ReleaseRecord[]> {
    return this.call('GET', this.p('/releases'), undefined, {
      prompt: filter.prompt,
      environment: filter.environment,
      active: filter.activeOnly ? 'true' : undefined,
      limit: filter.limit,
    });
  }
  listPolicyExceptions(): Promise<PolicyException[]> {
    return this.call('GET', this.p('/policy-exceptions'));
  }
}
