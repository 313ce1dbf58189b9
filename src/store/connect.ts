import { PromptOpsError } from '../errors.js';
import type { Workspace } from '../project/workspace.js';
import type { Store } from './types.js';

type Env = Record<string, string | undefined>;

/**
 * The registry a workspace talks to: a remote `promptops serve` when PROMPTOPS_URL is set (with
 * PROMPTOPS_TOKEN or the token `promptops login` saved; PROMPTOPS_PROJECT overrides the project),
 * else the database PROMPTOPS_DATABASE_URL or promptops.yaml names. The CLI and the SDK both
 * open their store here, so both work the same against either.
 */
export async function connectStore(ws: Workspace, env: Env = process.env): Promise<Store> {
  const remote = env.PROMPTOPS_URL;
  const project = ws.config.project;
  if (remote) {
    const { savedToken } = await import('../project/credentials.js');
    const token = env.PROMPTOPS_TOKEN || (await savedToken(remote));
    if (!token) {
      throw new PromptOpsError(
        'PO_ERR_UNAUTHENTICATED',
        `PROMPTOPS_URL is ${remote} but there is no token: set PROMPTOPS_TOKEN or run "promptops login ${remote}"`,
        { url: remote },
      );
    }
    const { HttpStore } = await import('./http-store.js');
    return new HttpStore({ url: remote, token, project: env.PROMPTOPS_PROJECT || project });
  }
  const { openStore } = await import('./open.js');
  return openStore(env.PROMPTOPS_DATABASE_URL || ws.config.store.url, ws.root, {
    project,
    policy: ws.config.policy,
    environments: ws.config.environments,
  });
}
