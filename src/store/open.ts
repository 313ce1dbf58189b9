import path from 'node:path';
import { PromptOpsError } from '../errors.js';
import type { RegistryStore, StoreOptions } from './registry-store.js';

/**
 * Opens the registry a URL names. `sqlite:relative/or/absolute.db` (or a bare path) is the embedded
 * store, resolved against the project root. `PROMPTOPS_DATABASE_URL` overrides the configured URL.
 */
export async function openStore(url: string, root: string, options: StoreOptions): Promise<RegistryStore> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      'the PostgreSQL engine is not available in this version; use the embedded store (sqlite:.promptops/registry.db)',
      { url: redactUrl(url) },
    );
  }
  const file = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  const resolved = file === ':memory:' ? file : path.resolve(root, file);
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(resolved, options);
}

/** A connection URL with its password masked, safe to show or log. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
