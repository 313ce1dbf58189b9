import type { Kysely } from 'kysely';
import { type ApprovalPolicy, DEFAULT_APPROVAL_POLICY } from '../governance/policy.js';
import { AlertStore } from './alert-store.js';
import { AuditLog } from './audit-log.js';
import { CanaryStore } from './canary-store.js';
import { CatalogStore } from './catalog-store.js';
import { ChangeRequestStore } from './change-request-store.js';
import { DriftStore } from './drift-store.js';
import { FeedbackStore } from './feedback-store.js';
import { GraphStore } from './graph-store.js';
import { IdentityStore } from './identity-store.js';
import { PolicyExceptions } from './policy-exceptions.js';
import { ReleaseStore } from './release-store.js';
import { RollupStore } from './rollup-store.js';
import { RuntimeStore } from './runtime-store.js';
import type { Database } from './schema.js';
import { SessionStore } from './session-store.js';
import { type EngineOptions, storeContext } from './store-context.js';
import type { GovernanceOptions, Store, StoreOperations } from './types.js';

/** Whether the store (and every project view of it) has been closed; shared by the views. */
/** Project views kept for reuse at most. */
const MAX_VIEWS = 256;

interface Lifecycle {
  closed: boolean;
  /** Project views made so far: a server asks for one per request, so each is built once. */
  views: Map<string, KyselyStore>;
}

/**
 * The `Store` over a Kysely database, for every engine: a facade that serves each operation by the
 * part that owns its aggregate (catalog, change requests, releases, identity, runtime records,
 * audit), all sharing one handle, one clock and one transaction helper. Which part serves which
 * method is each part's static `operations`; nothing is listed here. It holds no SQL itself and no
 * engine-specific code: engines pass their error codes and capabilities in `EngineOptions`.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the operations (the interface below) are the parts' methods, assigned in the constructor
export class KyselyStore implements Store {
  /** The project's web console sessions (server-only: no API operation). */
  readonly sessions: SessionStore;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: EngineOptions & GovernanceOptions,
    private readonly lifecycle: Lifecycle = { closed: false, views: new Map() },
  ) {
    const ctx = storeContext(db, options);
    const policy: ApprovalPolicy = options.policy ?? DEFAULT_APPROVAL_POLICY;
    const environments = options.environments ?? null;
    const audit = new AuditLog(ctx);
    const exceptions = new PolicyExceptions(ctx, audit);
    const catalog = new CatalogStore(ctx, audit);
    const runtime = new RuntimeStore(ctx, audit);
    const rollups = new RollupStore(ctx);
    const identity = new IdentityStore(ctx, audit);
    const shared = { audit, catalog, exceptions };
    // A change is judged against production: the last environment listed.
    const baseLabel = environments?.at(-1) ?? 'production';
    const changes = new ChangeRequestStore(ctx, { ...shared, policy, baseLabel });
    const releases = new ReleaseStore(ctx, { ...shared, changes, policy: { environments } });
    // Typed as every operation: a part left out here is a compile error.
    const operations: StoreOperations = {
      ...methodsOf(catalog, CatalogStore.operations),
      ...methodsOf(runtime, RuntimeStore.operations),
      ...methodsOf(new DriftStore(ctx), DriftStore.operations),
      ...methodsOf(new FeedbackStore(ctx, rollups), FeedbackStore.operations),
      ...methodsOf(rollups, RollupStore.operations),
      ...methodsOf(new AlertStore(ctx, audit), AlertStore.operations),
      ...methodsOf(audit, AuditLog.operations),
      ...methodsOf(identity, IdentityStore.operations),
      ...methodsOf(changes, ChangeRequestStore.operations),
      ...methodsOf(releases, ReleaseStore.operations),
      ...methodsOf(exceptions, PolicyExceptions.operations),
      ...methodsOf(new CanaryStore(ctx), CanaryStore.operations),
      ...methodsOf(new GraphStore(ctx, audit, options.graph ?? null), GraphStore.operations),
    };
    Object.assign(this, operations);
    this.sessions = new SessionStore(ctx, audit);
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
    let view = this.lifecycle.views.get(project);
    if (!view) {
      view = new KyselyStore(this.db, { ...this.options, project, onClose: undefined }, this.lifecycle);
      Object.defineProperty(view, 'close', { value: async () => {} });
      // Bounded: names come from request paths, and a server holds a handful of projects.
      if (this.lifecycle.views.size < MAX_VIEWS) this.lifecycle.views.set(project, view);
    }
    return view as this;
  }
}

/** The store's operations, which the constructor assigns from the parts that own them. */
export interface KyselyStore extends StoreOperations {}

/** The methods of `part` named in `names`, bound to it. */
function methodsOf<Part extends object, Name extends keyof Part>(
  part: Part,
  names: readonly Name[],
): Pick<Part, Name> {
  const methods = {} as Pick<Part, Name>;
  for (const name of names) {
    const method: unknown = part[name];
    if (typeof method !== 'function') throw new TypeError(`${String(name)} is not a method of its part`);
    // Binding keeps the method's own signature, Part[Name]; TypeScript types `bind` loosely.
    methods[name] = method.bind(part) as Part[Name];
  }
  return methods;
}
