import { type BreakingChange, findBreakingChanges } from '../catalog/diff.js';
import type { CatalogEntry } from '../catalog/lint.js';
import type { PromptSpec } from '../catalog/spec.js';
import { PromptOpsError } from '../errors.js';
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

/** What a new spec breaks against a registered version of its prompt. */
export interface BreakingReport {
  prompt: string;
  /** The registered version the spec was compared with. */
  against: number;
  breaking: BreakingChange[];
}

/**
 * What each spec breaks against the registered version of its prompt it is compared with: only the
 * reports that break something. The versions are looked up at once (one round trip each, remotely).
 */
export async function breakingReports(
  store: RegistryStore,
  pairs: readonly { spec: PromptSpec; against: number }[],
): Promise<BreakingReport[]> {
  const reports = await Promise.all(
    pairs.map(async ({ spec, against }) => {
      const before = await store.resolve({
        prompt: spec.name,
        selector: { kind: 'number', number: against },
      });
      return { prompt: spec.name, against, breaking: findBreakingChanges(before.spec, spec) };
    }),
  );
  return reports.filter((r) => r.breaking.length > 0);
}

/** The error of `--fail-on-breaking`: which prompts break their callers or consumers, and how. */
export function breakingError(reports: readonly BreakingReport[]): PromptOpsError {
  const failing = reports.filter((r) => r.breaking.length > 0);
  const count = failing.reduce((n, r) => n + r.breaking.length, 0);
  return new PromptOpsError(
    'PO_ERR_CONTRACT_BREAKING',
    `${count} breaking contract change${count === 1 ? '' : 's'}: ${failing
      .map((r) => `${r.prompt} against @${r.against} (${r.breaking.map((b) => b.path).join(', ')})`)
      .join('; ')}; make the change compatible, or ship it as a new prompt`,
    { reports: failing },
  );
}
