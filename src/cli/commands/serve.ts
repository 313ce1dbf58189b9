import { PromptOpsError } from '../../errors.js';
import { openWorkspace } from '../../project/workspace.js';
import { redactUrl } from '../../store/index.js';
import { projectDir } from '../context.js';
import { print } from '../output.js';
import { packageVersion } from '../package-root.js';
import type { ServeOptions } from './serve-commands.js';

/**
 * `promptops serve`: the control-plane API on the project's store (PROMPTOPS_DATABASE_URL wins).
 * SIGTERM/SIGINT drain it: readiness turns 503, in-flight requests finish, the store closes.
 */
export async function serve(options: ServeOptions): Promise<number> {
  const port = options.port === undefined ? 4100 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PromptOpsError('PO_ERR_USAGE', `--port must be a TCP port (0–65535), not "${options.port}"`);
  }
  const host = options.host ?? '127.0.0.1';
  const ws = await openWorkspace(projectDir(options));
  const { serverDependencies } = await import('../../compose.js');
  const { store, url, project, environments, dependencies } = await serverDependencies(ws);
  const [{ buildServer }, { controlPlaneChecks }] = await Promise.all([
    import('../../server/app.js'),
    import('../../server/run-checks.js'),
  ]);
  const { app, drain } = await buildServer({
    store,
    project,
    environments,
    runChecks: controlPlaneChecks(ws, dependencies),
    logger: { level: options.logLevel ?? 'info' },
    version: packageVersion(),
  });
  const address = await app.listen({ port, host });
  print(`promptops serve: listening on ${address} (project ${project}, store ${redactUrl(url)})`);
  if ((await store.listTokens()).length === 0) {
    print(
      'no API tokens yet: create the first admin next to this database with\n' +
        '  promptops token create --subject you@example.com --role admin',
    );
  }
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      print(`promptops serve: ${signal}: draining`);
      drain();
      app
        .close()
        .then(() => store.close())
        .then(resolve, (err: unknown) => {
          process.stderr.write(`promptops serve: shutdown failed: ${(err as Error).message}\n`);
          resolve();
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  print('promptops serve: stopped');
  return 0;
}
