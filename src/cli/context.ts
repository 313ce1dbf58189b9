import { execFileSync } from 'node:child_process';
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

/** Opens the workspace and its registry, runs `work`, and always closes the store. */
export async function withStore<T>(
  options: GlobalOptions,
  work: (store: Store, ws: Workspace) => Promise<T>,
): Promise<T> {
  const ws = await openWorkspace(projectDir(options));
  const store = await openConfiguredStore(ws);
  try {
    return await work(store, ws);
  } finally {
    await store.close();
  }
}

/**
 * The registry commands talk to: a remote server when PROMPTOPS_URL is set (with PROMPTOPS_TOKEN
 * or the token `promptops login` saved), else the database PROMPTOPS_DATABASE_URL or
 * promptops.yaml names.
 */
export async function openConfiguredStore(ws: Workspace): Promise<Store> {
  const remote = process.env.PROMPTOPS_URL;
  if (remote) {
    const { savedToken } = await import('./credentials.js');
    const token = process.env.PROMPTOPS_TOKEN || (await savedToken(remote));
    if (!token) {
      throw new PromptOpsError(
        'PO_ERR_UNAUTHENTICATED',
        `PROMPTOPS_URL is ${remote} but there is no token: set PROMPTOPS_TOKEN or run "promptops login ${remote}"`,
        { url: remote },
      );
    }
    const { HttpStore } = await import('../store/http-store.js');
    return new HttpStore({ url: remote, token, project: process.env.PROMPTOPS_PROJECT || ws.config.project });
  }
  const { openStore } = await import('../store/index.js');
  const url = process.env.PROMPTOPS_DATABASE_URL || ws.config.store.url;
  return openStore(url, ws.root, {
    project: ws.config.project,
    policy: ws.config.policy,
    environments: ws.config.environments,
  });
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
