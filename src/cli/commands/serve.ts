import path from 'node:path';
import type { ProjectDependencies } from '../../compose.js';
import { parseDuration } from '../../duration.js';
import { PromptOpsError } from '../../errors.js';
import type { ModelGrader } from '../../eval/regrade.js';
import type { Workspace } from '../../project/workspace.js';
import { openWorkspace } from '../../project/workspace.js';
import { redactUrl } from '../../store/index.js';
import { projectDir } from '../context.js';
import { print } from '../output.js';
import { packageRoot, packageVersion } from '../package-root.js';
import type { ServeOptions } from './serve-commands.js';

/**
 * `promptops serve`: the control-plane API on the project's store (PROMPTOPS_DATABASE_URL wins).
 * SIGTERM/SIGINT drain it: readiness turns 503, in-flight requests finish, the store closes.
 */
export async function serve(options: ServeOptions): Promise<number> {
  const port = parsePort(options.port, 4100);
  const host = options.host ?? '127.0.0.1';
  const monitorEveryMs = parseDuration(options.monitorEvery ?? '15s');
  if (!monitorEveryMs) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `--monitor-every must be a duration such as 15s or 1m, not "${options.monitorEvery}"`,
    );
  }
  const ws = await openWorkspace(projectDir(options));
  const [{ serverDependencies }, { assembleGateway }] = await Promise.all([
    import('../../compose.js'),
    import('../../gateway/assemble.js'),
  ]);
  const { store, url, project, environments, dependencies } = await serverDependencies(ws);
  const [{ buildServer }, { controlPlaneChecks }] = await Promise.all([
    import('../../server/app.js'),
    import('../../server/run-checks.js'),
  ]);
  const served = environments.length > 0 ? environments : ['production'];
  // The embedded gateway reads the store directly: no token, no long-poll, no last-known-good file.
  const gateway = await assembleGateway(
    ws,
    { kind: 'store', store, project },
    {
      environments: served,
      stateDir: null,
      spool: { dir: path.join(ws.root, '.promptops', 'serve-spool') },
    },
  );
  const { app, drain } = await buildServer({
    store,
    project,
    environments,
    runChecks: controlPlaneChecks(ws, dependencies),
    gateway,
    metricsPublic: ws.config.metrics.public,
    // The web console, as `npm run build` leaves it in the package.
    consoleDir: path.join(packageRoot(), 'dist', 'web'),
    sessionMs: ws.config.console.sessionHours * 60 * 60_000,
    logger: { level: options.logLevel ?? 'info' },
    version: packageVersion(),
  });
  const address = await app.listen({ port, host });
  const [{ startMonitoring }, { analysisLeader }] = await Promise.all([
    import('../../server/monitoring.js'),
    import('../../store/analysis-leader.js'),
  ]);
  // Canary analysis, alerts, drift, re-grading and retention: on this server while it leads.
  const monitoring = startMonitoring({
    store,
    config: ws.config,
    leader: analysisLeader(url, project, (err) =>
      app.log.warn(
        `monitoring: cannot take the lead (${(err as Error).message}); no server runs canary analysis, alerts or drift until it can`,
      ),
    ),
    tickMs: monitorEveryMs,
    ...(await regradeGrader(ws, dependencies)),
    log: (line) => app.log.warn(line),
  });
  print(
    `promptops serve: listening on ${address} (project ${project}, store ${redactUrl(url)}; gateway serving ${served.join(', ')})`,
  );
  if ((await store.listTokens()).length === 0) {
    print(
      'no API tokens yet: create the first admin next to this database with\n' +
        '  promptops token create --subject you@example.com --role admin',
    );
  }
  await untilSignalled('serve', async () => {
    drain();
    await monitoring.stop();
    await app.close();
    await gateway.close();
    await store.close();
  });
  return 0;
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
    import('../../project/workspace.js'),
    import('../../eval/suite-files.js'),
    import('../../eval/runner.js'),
  ]);
  const { grader } = evalSettings(ws, (await loadCatalog(ws)).entries);
  return grader ? { modelGrader: modelGraderOf(await dependencies(), grader) } : {};
}

/** A `--port` value: a TCP port (0 picks a free one), `fallback` when absent. */
export function parsePort(text: string | undefined, fallback: number): number {
  const port = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PromptOpsError('PO_ERR_USAGE', `--port must be a TCP port (0–65535), not "${text}"`);
  }
  return port;
}

/**
 * Runs until SIGTERM or SIGINT, then `shutdown` (drain, close); a second signal exits at once.
 * Prints what it does as `promptops NAME: …`.
 */
export async function untilSignalled(name: string, shutdown: () => Promise<void>): Promise<void> {
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      print(`promptops ${name}: ${signal}: draining`);
      shutdown().then(resolve, (err: unknown) => {
        process.stderr.write(`promptops ${name}: shutdown failed: ${(err as Error).message}\n`);
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  print(`promptops ${name}: stopped`);
}
