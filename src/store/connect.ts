import type { GovernanceOptions, Store, StoreOptions } from './types.js';

/** Where a registry lives: a remote `promptops serve`, or a database this process opens itself. */
export type StoreTarget =
  | { kind: 'remote'; url: string; token: string; project: string }
  | ({ kind: 'database'; url: string; root: string } & StoreOptions & GovernanceOptions);

/**
 * Opens the registry a target names. Pure of the environment and of the project's files: the
 * composition root (src/compose.ts) decides the target from them, so the CLI, the SDK and the
 * server all open their store the same way.
 */
export async function connectStore(target: StoreTarget): Promise<Store> {
  if (target.kind === 'remote') {
    const { HttpStore } = await import('./http-store.js');
    return new HttpStore({ url: target.url, token: target.token, project: target.project });
  }
  const { kind: _kind, url, root, ...options } = target;
  const { openStore } = await import('./open.js');
  return openStore(url, root, options);
}
