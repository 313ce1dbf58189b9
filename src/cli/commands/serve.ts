import path from 'node:path';
import { parseDuration } from '../../duration.js';
import { PromptOpsError } from '../../errors.js';
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
  const { startControlPlane } = await import('../../server/control-plane.js');
  const plane = await startControlPlane(ws, {
    port,
    host,
    monitorEveryMs,
    logger: { level: options.logLevel ?? 'info' },
    version: packageVersion(),
    // The web console, as `npm run build` leaves it in the package.
    consoleDir: path.join(packageRoot(), 'dist', 'web'),
  });
  print(
    `promptops serve: listening on ${plane.address} (project ${plane.project}, store ${redactUrl(plane.url)}; gateway serving ${plane.served.join(', ')})`,
  );
  if ((await plane.store.listTokens()).length === 0) {
    print(
      'no API tokens yet: create the first admin next to this database with\n' +
        '  promptops token create --subject you@example.com --role admin',
    );
  }
  await untilSignalled('serve', () => plane.close());
  return 0;
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
