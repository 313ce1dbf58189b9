import type { CatalogEntry } from '../catalog/lint.js';
import type { RegistryStore } from '../store/index.js';

/** How a prompt on disk relates to the registry. */
export interface SyncState {
  prompt: string;
  file: string | null;
  hash: string | null;
  /**
   * `new`: not in the registry. `changed`: content differs from every version. `unchanged`: equal to
   * the latest version. `matches`: equal to an older version. `missing`: in the registry, no file.
   */
  state: 'new' | 'changed' | 'unchanged' | 'matches' | 'missing';
  latest: number | null;
  /** The version whose content the file has, when `unchanged` or `matches`. */
  matches: number | null;
}

/** Compares parsed catalog entries with what the registry holds, prompt by prompt. */
export async function compareWithRegistry(
  entries: readonly CatalogEntry[],
  store: RegistryStore,
): Promise<SyncState[]> {
  const summaries = new Map((await store.listPrompts()).map((s) => [s.name, s]));
  const states: SyncState[] = [];
  for (const entry of entries) {
    const summary = summaries.get(entry.spec.name);
    summaries.delete(entry.spec.name);
    const base = { prompt: entry.spec.name, file: entry.file, hash: entry.hash };
    if (!summary?.latest) {
      states.push({ ...base, state: 'new', latest: null, matches: null });
      continue;
    }
    if (summary.latest.hash === entry.hash) {
      states.push({
        ...base,
        state: 'unchanged',
        latest: summary.latest.number,
        matches: summary.latest.number,
      });
      continue;
    }
    const versions = await store.listVersions(entry.spec.name);
    const same = versions.find((v) => v.hash === entry.hash);
    states.push({
      ...base,
      state: same ? 'matches' : 'changed',
      latest: summary.latest.number,
      matches: same?.number ?? null,
    });
  }
  for (const summary of summaries.values()) {
    states.push({
      prompt: summary.name,
      file: null,
      hash: null,
      state: 'missing',
      latest: summary.latest?.number ?? null,
      matches: null,
    });
  }
  return states.sort((a, b) => a.prompt.localeCompare(b.prompt));
}
