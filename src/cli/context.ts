import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { PromptOpsError } from '../errors.js';
import { openWorkspace, type Workspace } from '../project/workspace.js';
import type { Store } from '../store/index.js';

/** Options every command accepts. */
export interface GlobalOptions {
  cwd?: string;
  json?: boolean;
}

/** The project folder commands run in: `--cwd` or the process's working directory. */
export function projectDir(options: GlobalOptions): string {
  return options.cwd ?? process.cwd();
}

/**
 * Opens the workspace and its registry, runs `work`, and always closes the store. Against a server
 * (PROMPTOPS_URL) no local project is needed, as long as PROMPTOPS_PROJECT names the server's
 * project; commands that read the catalog's files still need one (`loadCatalog` says so).
 */
export async function withStore<T>(
  options: GlobalOptions,
  work: (store: Store, ws: Workspace) => Promise<T>,
): Promise<T> {
  const ws = await openWorkspace(projectDir(options), { isRequired: !isRemote() });
  if (!ws.configFile && !process.env.PROMPTOPS_PROJECT) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_NOT_FOUND',
      `PROMPTOPS_URL is set but no project is named: set PROMPTOPS_PROJECT to the server's project, or run inside a project folder (promptops.yaml)`,
    );
  }
  // Loaded on use: the store and its engines are not needed for a command's --help.
  const { openProjectStore } = await import('../compose.js');
  const store = await openProjectStore(ws);
  try {
    return await work(store, ws);
  } finally {
    await store.close();
  }
}

/** True when commands run against a remote server (the server decides who is acting). */
export function isRemote(): boolean {
  return Boolean(process.env.PROMPTOPS_URL);
}

/** Who is acting: `--author`, then PROMPTOPS_AUTHOR, then git's user.email, then the OS user. */
export function resolveActor(explicit?: string): string {
  if (explicit) return explicit;
  if (process.env.PROMPTOPS_AUTHOR) return process.env.PROMPTOPS_AUTHOR;
  try {
    const email = execFileSync('git', ['config', 'user.email'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    }).trim();
    if (email) return email;
  } catch {
    // no git, or no identity configured
  }
  return userInfo().username;
}

/** True when `value` is one of `choices`: narrows an option's text to the union it names. */
export function isOneOf<T extends string>(value: string, choices: readonly T[]): value is T {
  return choices.some((choice) => choice === value);
}

/** Parses `--tolerance`: a pass-rate drop from 0 to 1, or 0 when absent. */
export function parseTolerance(text: string | undefined): number {
  const tolerance = text === undefined ? 0 : Number(text);
  if (!(tolerance >= 0 && tolerance <= 1))
    throw new PromptOpsError('PO_ERR_USAGE', '--tolerance must be a number between 0 and 1');
  return tolerance;
}

/** The most rows any listing returns, locally or from a server (the API has the same bound). */
export const MAX_LIMIT = 10_000;

/** Parses `--limit`: a whole number from 1 to MAX_LIMIT, or `fallback` when absent. */
export function parseLimit(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `--limit must be a whole number from 1 to ${MAX_LIMIT}, not "${text}"`,
    );
  }
  return limit;
}

export { parseDuration } from '../duration.js';

/** An option's text, or with `@file` the file's text; `what` names the file in the error. */
export async function textOrFile(text: string, what: string): Promise<string> {
  if (!text.startsWith('@')) return text;
  try {
    return await readFile(text.slice(1), 'utf8');
  } catch (err) {
    throw new PromptOpsError(
      'PO_ERR_FILE_UNREADABLE',
      `cannot read ${what} ${text.slice(1)}: ${(err as Error).message}`,
    );
  }
}
