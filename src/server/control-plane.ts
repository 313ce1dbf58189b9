import path from 'node:path';
import type { ProjectDependencies } from '../compose.js';
import { serverDependencies } from '../compose.js';
import type { ModelGrader } from '../eval/regrade.js';
import { assembleGateway, type GatewayParts } from '../gateway/assemble.js';
import type { Clock } from '../monitor/rollup.js';
import type { Workspace } from '../project/workspace.js';
import type { Environment } from '../providers/index.js';
import { analysisLeader } from '../store/analysis-leader.js';
import type { Store } from '../store/index.js';
import { buildServer, type ServerOptions } from './app.js';
import { type Monitoring, startMonitoring } from './monitoring.js';
import { controlPlaneChecks } from './run-checks.js';

export interface ControlPlaneOptions {
  /** The TCP port (0 picks a free one) and the address to listen on. */
  port: number;
  host: string;
  /** How often canary analysis and alert rules run (ms). */
  monitorEveryMs: number;
  /** Pino settings for the request log, or false for none. */
  logger: NonNullable<ServerOptions['logger']>;
  /** Where the database URL, provider keys and webhook secrets are read; default process.env. */
  env?: Environment;
  /**
   * The time of everything the canary analysis reads: the store (when a release happened), the
   * embedded gateway (when a trace started, which minute a rollup counts it in) and every
   * monitoring job. Default the system clock; tests move it to watch hours pass in seconds.
   */
  clock?: Clock;
  /** The version `/v1/health` reports. */
  version?: string;
  /** The built web console (dist/web), served at `/`; absent: no console. */
  consoleDir?: string;
}

/** A running control plane: what it serves and on what, and how to stop it. */
export interface ControlPlane {
  /** `http://host:port`. */
  address: string;
  project: string;
  /** The database URL (redact it before printing). */
  url: string;
  /** The environments its embedded gateway serves. */
  served: readonly string[];
  store: Store;
  gateway: GatewayParts;
  monitoring: Monitoring;
  /** Drains (readiness turns 503, in-flight requests finish), stops the jobs, closes the store. */
  close(): Promise<void>;
}

/**
 * What `promptops serve` runs, in this process: the API on the project's store (PROMPTOPS_DATABASE_URL
 * in `env` wins), a gateway beside it on the same port, and the production loop (canary analysis,
 * alerts, drift, re-grading, retention) while this server leads.
 */
export async function startControlPlane(ws: Workspace, options: ControlPlaneOptions): Promise<ControlPlane> {
  const env = options.env ?? process.env;
  const clock = options.clock;
  const { store, url, project, environments, dependencies } = await serverDependencies(ws, env, clock);
  const served = environments.length > 0 ? environments : ['production'];
  // The embedded gateway reads the store directly: no token, no long-poll, no last-known-good file.
  const gateway = await assembleGateway(
    ws,
    { kind: 'store', store, project },
    {
      env,
      environments: served,
      stateDir: null,
      spool: { dir: path.join(ws.root, '.promptops', 'serve-spool') },
      ...(clock ? { clock } : {}),
    },
  );
  const { app, drain } = await buildServer({
    store,
    project,
    environments,
    runChecks: controlPlaneChecks(ws, dependencies),
    gateway,
    metricsPublic: ws.config.metrics.public,
    ...(ws.config.canary ? { canaryPlan: ws.config.canary } : {}),
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
    sessionMs: ws.config.console.sessionHours * 60 * 60_000,
    logger: options.logger,
    ...(clock ? { now: () => clock().getTime() } : {}),
    ...(options.version ? { version: options.version } : {}),
  });
  const address = await app.listen({ port: options.port, host: options.host });
  const monitoring = startMonitoring({
    store,
    config: ws.config,
    leader: analysisLeader(url, project, (err) =>
      app.log.warn(
        `monitoring: cannot take the lead (${(err as Error).message}); no server runs canary analysis, alerts or drift until it can`,
      ),
    ),
    tickMs: options.monitorEveryMs,
    env,
    ...(clock ? { clock } : {}),
    ...(await regradeGrader(ws, dependencies)),
    log: (line) => app.log.warn(line),
  });
  return {
    address,
    project,
    url,
    served,
    store,
    gateway,
    monitoring,
    async close() {
      drain();
      await monitoring.stop();
      await app.close();
      await gateway.close();
      await store.close();
    },
  };
}

/**
 * The model that grades re-grading's llm-rubric and g-eval assertions: the catalog's `eval.grader`
 * prompt as this server's workspace has it, when re-grading and a grader are configured.
 */
async function regradeGrader(
  ws: Workspace,
  dependencies: () => Promise<ProjectDependencies>,
): Promise<{ modelGrader?: ModelGrader }> {
  if (!ws.config.eval.grader || Object.keys(ws.config.regrade.graders).length === 0) return {};
  const [{ loadCatalog }, { evalSettings }, { modelGraderOf }] = await Promise.all([
    import('../project/workspace.js'),
    import('../eval/suite-files.js'),
    import('../eval/runner.js'),
  ]);
  const { grader } = evalSettings(ws, (await loadCatalog(ws)).entries);
  return grader ? { modelGrader: modelGraderOf(await dependencies(), grader) } : {};
}
