import path from 'node:path';
import { PromptOpsError } from '../../errors.js';
import { openWorkspace } from '../../project/workspace.js';
import { projectDir } from '../context.js';
import { print } from '../output.js';
import { packageVersion } from '../package-root.js';
import type { GatewayOptions } from './gateway-commands.js';
import { parsePort, untilSignalled } from './serve.js';

/**
 * `promptops gateway`: serves released prompts from snapshots it follows on the control plane at
 * PROMPTOPS_URL (with PROMPTOPS_TOKEN, a token holding the runtime role), keeping each as
 * last-known-good on disk so it starts and serves while the control plane is down.
 */
export async function gateway(options: GatewayOptions): Promise<number> {
  const port = parsePort(options.port, 4200);
  const host = options.host ?? '127.0.0.1';
  const ws = await openWorkspace(projectDir(options));
  const [{ storeTarget }, { assembleGateway, defaultEnvironmentOf }] = await Promise.all([
    import('../../compose.js'),
    import('../../gateway/assemble.js'),
  ]);
  const target = await storeTarget(ws);
  if (target.kind !== 'remote') {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      'promptops gateway follows a control plane: set PROMPTOPS_URL (and PROMPTOPS_TOKEN, a token with the runtime role); "promptops serve" runs one with a gateway built in',
    );
  }
  const environments = environmentsOf(options.environments, ws.config.environments);
  const defaultEnvironment = options.environment ?? defaultEnvironmentOf(environments);
  if (!environments.includes(defaultEnvironment)) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `--environment ${defaultEnvironment} is not one the gateway serves (${environments.join(', ')})`,
    );
  }
  const [{ buildGatewayServer }, { remoteCallers }] = await Promise.all([
    import('../../server/gateway-app.js'),
    import('../../gateway/callers.js'),
  ]);
  const level = options.logLevel ?? 'info';
  const stateDir = path.resolve(ws.root, options.stateDir ?? path.join('.promptops', 'gateway'));
  const parts = await assembleGateway(
    ws,
    { kind: 'remote', url: target.url, token: target.token, project: target.project },
    {
      environments,
      defaultEnvironment,
      stateDir,
      spool: { dir: path.join(stateDir, 'spool'), maxBytes: spoolBytes(options.spoolMaxMb) },
      ...(options.provider ? { provider: options.provider } : {}),
      onLog: (severity, message) => {
        if (severity === 'warn' || level === 'info' || level === 'debug')
          print(`promptops gateway: ${message}`);
      },
    },
  );
  const { app, drain } = await buildGatewayServer({
    ...parts,
    authorize: remoteCallers({
      url: target.url,
      project: target.project,
      file: path.join(stateDir, 'callers.json'),
    }),
    metricsPublic: ws.config.metrics.public,
    logger: { level },
    version: packageVersion(),
  });
  // Requests before the first snapshots could only be refused: wait a little for them (or the
  // last-known-good files, already loaded), then listen either way; /readyz tells the difference.
  if (!(await parts.follower.ready(10_000))) {
    const waiting = parts.follower.environments().filter((e) => e.revision === null);
    print(
      `promptops gateway: no snapshot yet of ${waiting.map((e) => `${e.environment} (${e.lastError ?? 'no answer'})`).join(', ')}; serving those once the control plane answers`,
    );
  }
  const address = await app.listen({ port, host });
  print(
    `promptops gateway: listening on ${address} (project ${target.project}, control plane ${target.url}, serving ${environments.join(', ')})`,
  );
  await untilSignalled('gateway', async () => {
    drain();
    await app.close();
    await parts.close();
  });
  return 0;
}

/** The environments to serve: `--environments`, else the project's, else production. */
function environmentsOf(option: string | undefined, configured: readonly string[]): string[] {
  const names =
    option === undefined
      ? [...configured]
      : option
          .split(',')
          .map((name) => name.trim())
          .filter(Boolean);
  if (names.length > 0) return names;
  if (option !== undefined) throw new PromptOpsError('PO_ERR_USAGE', '--environments names no environment');
  return ['production'];
}

/** `--spool-max-mb` in bytes (default 256 MiB). */
function spoolBytes(option: string | undefined): number {
  const mb = option === undefined ? 256 : Number(option);
  if (!Number.isFinite(mb) || mb <= 0) {
    throw new PromptOpsError('PO_ERR_USAGE', `--spool-max-mb must be a positive number, not "${option}"`);
  }
  return Math.round(mb * 1024 * 1024);
}
