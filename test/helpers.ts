import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { hasErrors } from '../src/catalog/diagnostics.js';
import { openProjectStore } from '../src/compose.js';
import { loadCatalog, openWorkspace } from '../src/project/workspace.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(REPO, 'bin', 'promptops.cjs');
export const EXAMPLES = path.join(REPO, 'examples');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The JSON a `--json` command printed; a clear error (with its output) when it printed something else. */
export function cliJson(result: CliResult): Record<string, unknown> {
  try {
    return JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}\n${result.stderr}`);
  }
}

/** Runs the built `promptops` binary as a user would, in `cwd`, without a TTY. */
export function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: options.cwd,
        env: {
          ...process.env,
          NO_COLOR: '',
          FORCE_COLOR: '',
          PROMPTOPS_AUTHOR: 'tester@example.com',
          ...options.env,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A fresh temporary folder, removed by the returned cleanup. */
export async function tempDir(prefix = 'promptops-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Copies the example project into `dest`, without its local state (`.promptops/`). */
export async function copyExamples(dest: string): Promise<void> {
  await cp(EXAMPLES, dest, { recursive: true, filter: (src) => !src.includes('.promptops') });
}

/**
 * A fresh temporary folder for each test of the file or `describe` it is called in (one for all of
 * them with `once`), holding a copy of the example project with `examples`, removed afterwards. It
 * registers its own hooks, before the caller's: call it where the caller's hooks are declared.
 * Returns the folder's path; read it inside hooks and tests.
 */
export function useTempDir(options: { examples?: boolean; once?: boolean } = {}): () => string {
  let current: { dir: string; cleanup: () => Promise<void> } | null = null;
  const [before, after] = options.once ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    current = await tempDir();
    if (options.examples) await copyExamples(current.dir);
  });
  after(async () => {
    await current?.cleanup();
    current = null;
  });
  return () => {
    if (!current) throw new Error('useTempDir: the folder exists only inside hooks and tests');
    return current.dir;
  };
}

/**
 * Pushes the catalog in `cwd` as `promptops push` does (the same loadCatalog and store.push), in this
 * process: setup for tests of what happens after a push, without starting the CLI once per test.
 * The CLI's own push is tested in test/cli.
 */
export async function pushInProcess(cwd: string): Promise<void> {
  const ws = await openWorkspace(cwd);
  const catalog = await loadCatalog(ws);
  if (hasErrors(catalog.diagnostics)) throw new Error(`lint errors: ${JSON.stringify(catalog.diagnostics)}`);
  const store = await openProjectStore(ws);
  try {
    await store.push(
      catalog.entries.map((e) => ({ spec: e.spec, hash: e.hash })),
      { author: 'tester@example.com' },
    );
  } finally {
    await store.close();
  }
}

/**
 * A folder holding a `promptops` executable that runs the built CLI: put it first on PATH and
 * shell lines from the docs run as a reader who linked the package would run them.
 */
export async function promptopsOnPath(dir: string): Promise<string> {
  const binDir = path.join(dir, 'bin');
  await mkdir(binDir, { recursive: true });
  await writeFile(path.join(binDir, 'promptops'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  await chmod(path.join(binDir, 'promptops'), 0o755);
  return binDir;
}

/** Runs a bash script (strict mode) in `cwd` with `binDir` first on PATH; output is stdout then stderr. */
export function runShell(
  script: string,
  options: { cwd: string; binDir: string; env?: Record<string, string> },
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      // --norc: Node's stdin pipe is a socket, which Debian's bash takes for an rsh/ssh session and
      // answers by sourcing /etc/bash.bashrc (whose `$PS1` fails under -u, on stderr of every line).
      ['--norc', '-euo', 'pipefail', '-c', script],
      {
        cwd: options.cwd,
        env: {
          ...process.env,
          PATH: `${options.binDir}:${process.env.PATH}`,
          PROMPTOPS_AUTHOR: 'reader@example.com',
          ...options.env,
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

/**
 * The state most served-project tests start from: the example catalog pushed, support-reply@1 in
 * production, and a token for `subject` with `role` (returned). `cli` runs the CLI in the project.
 */
export async function supportReplyInProduction(
  cli: (args: string[]) => Promise<CliResult>,
  subject: string,
  role: string,
): Promise<string> {
  for (const args of [['push'], ['label', 'set', 'support-reply@1', 'production']]) {
    const result = await cli(args);
    if (result.code !== 0) throw new Error(`promptops ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  }
  return cliJson(await cli(['token', 'create', '--subject', subject, '--role', role, '--json']))
    .token as string;
}

/**
 * Starts `promptops serve --port 0` (or `command`, e.g. `gateway` with its options) in `cwd` and
 * waits for the address it prints; stop it with stopServe.
 */
export async function startServe(
  cwd: string,
  env: Record<string, string> = {},
  command: readonly string[] = ['serve'],
): Promise<{ url: string; proc: ChildProcess }> {
  return startListening([...command, '--port', '0', '--log-level', 'warn'], cwd, env);
}

/** Runs the built CLI with `args` (a server: serve, gateway) until it prints where it listens. */
export async function startListening(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    };
    proc.stdout!.on('data', collect);
    proc.stderr!.on('data', collect);
    proc.on('exit', (code) => reject(new Error(`promptops ${args[0]} exited with ${code}: ${out}`)));
  });
  return { url, proc };
}

/** Stops a server started by startServe (SIGTERM: it drains) and waits for it to exit. */
export async function stopServe(server: { proc: ChildProcess } | undefined): Promise<void> {
  if (!server || server.proc.exitCode !== null) return;
  const exited = new Promise((resolve) => server.proc.once('exit', resolve));
  server.proc.kill('SIGTERM');
  await exited;
}

/**
 * Runs TypeScript that imports `promptops` or `@promptops/client` (an example from the docs) through
 * tsx in `cwd`, with each resolved to its built package, as an application that installed it would.
 */
export async function runSdkScript(
  code: string,
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  const built = (file: string) => `from ${JSON.stringify(pathToFileURL(path.join(REPO, file)).href)}`;
  const app = code
    .replace("from 'promptops'", built('dist/index.js'))
    .replace("from '@promptops/client'", built('packages/client/dist/index.js'));
  await writeFile(path.join(cwd, 'app.mts'), app);
  const tsx = pathToFileURL(path.join(REPO, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ['--import', tsx, 'app.mts'],
      { cwd, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    ),
  );
}
