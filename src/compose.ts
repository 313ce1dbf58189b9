import { PromptOpsError } from './errors.js';
import type { Workspace } from './project/workspace.js';
import type { Environment, RetryPolicy } from './providers/index.js';
import type { PipelineDeps } from './runtime/pipeline.js';
import type { StoreTarget } from './store/connect.js';
import type { ReviewRecord, Store } from './store/types.js';

// The composition root: the one place that reads the environment and the project's settings and
// builds what the CLI, the SDK, the evaluation runner and the server run on (the store, the model
// providers, the pipeline's dependencies). Everything below it takes these values as arguments.
// Heavy modules are imported inside the functions, so a CLI command that only needs the store never
// evaluates the providers, contracts or guardrails.

/** What every pipeline run of a project needs, whoever runs it and whatever resolves its versions. */
export type ProjectDependencies = Pick<
  PipelineDeps,
  'project' | 'lookup' | 'knowledge' | 'pricing' | 'retry' | 'guardrails'
>;

/**
 * The registry a workspace talks to: a remote `promptops serve` when PROMPTOPS_URL is set (with
 * PROMPTOPS_TOKEN or the token `promptops login` saved; PROMPTOPS_PROJECT overrides the project),
 * else the database PROMPTOPS_DATABASE_URL or promptops.yaml names.
 */
export async function storeTarget(ws: Workspace, env: Environment = process.env): Promise<StoreTarget> {
  const remote = env.PROMPTOPS_URL;
  if (!remote) return databaseTarget(ws, env);
  const { savedToken } = await import('./project/credentials.js');
  const token = env.PROMPTOPS_TOKEN || (await savedToken(remote));
  if (!token) {
    throw new PromptOpsError(
      'PO_ERR_UNAUTHENTICATED',
      `PROMPTOPS_URL is ${remote} but there is no token: set PROMPTOPS_TOKEN or run "promptops login ${remote}"`,
      { url: remote },
    );
  }
  return { kind: 'remote', url: remote, token, project: env.PROMPTOPS_PROJECT || ws.config.project };
}

/** The project's own database (PROMPTOPS_DATABASE_URL wins over promptops.yaml), never a remote one. */
export function databaseTarget(
  ws: Workspace,
  env: Environment = process.env,
): Extract<StoreTarget, { kind: 'database' }> {
  return {
    kind: 'database',
    url: env.PROMPTOPS_DATABASE_URL || ws.config.store.url,
    root: ws.root,
    project: ws.config.project,
    policy: ws.config.policy,
    environments: ws.config.environments,
    graph: ws.config.graph,
  };
}

/** Opens the registry `storeTarget` names. The CLI and the SDK open their store here. */
export async function openProjectStore(ws: Workspace, env: Environment = process.env): Promise<Store> {
  const { connectStore } = await import('./store/connect.js');
  return connectStore(await storeTarget(ws, env));
}

/**
 * The project's model providers (API keys read from `env`), knowledge file, prices, retry policy
 * and custom guardrails: what the SDK, the evaluation runner and the server's runs share.
 */
export async function projectDependencies(
  ws: Workspace,
  options: { env?: Environment; retry?: Partial<RetryPolicy> } = {},
): Promise<ProjectDependencies> {
  const [{ createProviderLookup, DEFAULT_RETRY_POLICY }, { guardrailLoader }, { knowledgeFile }] =
    await Promise.all([
      import('./providers/index.js'),
      import('./runtime/compile.js'),
      import('./runtime/knowledge.js'),
    ]);
  return {
    project: ws.config.project,
    lookup: createProviderLookup(ws.config.providers, ws.root, options.env ?? process.env),
    knowledge: knowledgeFile(ws.root, ws.config.knowledge.file),
    pricing: ws.config.pricing,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    guardrails: guardrailLoader(ws.config.guardrails.custom, ws.root),
  };
}

/**
 * The full pipeline of a long-lived runner (the SDK): versions resolved from `store` (labels cached
 * for `cacheTtlMs`), compiled prompts cached, traces queued, escalations held in the store.
 */
export async function runtimeDependencies(
  ws: Workspace,
  store: Store,
  options: {
    env?: Environment;
    retry?: Partial<RetryPolicy>;
    cacheTtlMs?: number;
    traces: PipelineDeps['traces'];
    onEscalate?: (review: ReviewRecord) => void;
  },
): Promise<PipelineDeps> {
  const [project, { CompiledCache }, { VersionResolver }] = await Promise.all([
    projectDependencies(ws, options),
    import('./runtime/compile.js'),
    import('./runtime/resolver.js'),
  ]);
  return {
    ...project,
    resolver: new VersionResolver(store, options.cacheTtlMs),
    compiled: new CompiledCache(),
    traces: options.traces,
    reviews: store,
    ...(options.onEscalate ? { onEscalate: options.onEscalate } : {}),
  };
}

/**
 * What `promptops serve` runs on: the project's database (a server never proxies another server),
 * its settings, and a factory of the pipeline dependencies for the runs it makes itself (a change
 * request's checks: `controlPlaneChecks(ws, server.dependencies)` in src/server/run-checks.ts), each
 * run with providers of its own.
 */
export async function serverDependencies(
  ws: Workspace,
  env: Environment = process.env,
  /** The store's clock (default the system's): when releases, approvals and audit entries happen. */
  clock?: () => Date,
): Promise<{
  store: Store;
  /** The database URL, for the start-up line (redact it before printing). */
  url: string;
  project: string;
  environments: readonly string[];
  dependencies: () => Promise<ProjectDependencies>;
}> {
  const target = databaseTarget(ws, env);
  const { connectStore } = await import('./store/connect.js');
  return {
    store: await connectStore(clock ? { ...target, now: clock } : target),
    url: target.url,
    project: ws.config.project,
    environments: ws.config.environments,
    dependencies: () => projectDependencies(ws, { env }),
  };
}
