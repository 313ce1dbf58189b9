import path from 'node:path';
import type { GovernanceOptions, Store, StoreOptions } from './types.js';

/**
 * Opens the registry a URL names. `sqlite:relative/or/absolute.db` (or a bare path) is the embedded
 * store, resolved against the project root; `postgres://` (or `postgresql://`) is a PostgreSQL server,
 * with `?schema=NAME` to keep the registry in a schema of its own. `PROMPTOPS_DATABASE_URL` overrides
 * the configured URL.
 */
export async function openStore(
  url: string,
  root: string,
  options: StoreOptions & GovernanceOptions,
): Promise<Store> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(url, options);
  }
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  const resolved = file === ':memory:' ? file : path.resolve(root, file);
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(resolved, options);
}
