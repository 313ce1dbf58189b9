import type { AuditFields } from './audit-chain.js';

/** A version as the state tables point at it: its number, and its content hash when known. */
export interface StateVersion {
  version: number;
  hash: string | null;
}

/** What a label points at. */
export interface LabelState extends StateVersion {
  prompt: string;
  label: string;
}

/** An environment's active release: its sequence number, stable version and canary. */
export interface ReleaseState extends StateVersion {
  prompt: string;
  environment: string;
  release: number;
  canary: { version: number; weight: number } | null;
}

/** The label and release tables as they are now (several active rows for one environment show as several). */
export interface CurrentState {
  labels: readonly LabelState[];
  releases: readonly ReleaseState[];
}

/** A label or active release that is not what the audit log says it is. */
export interface StateMismatch {
  table: 'labels' | 'releases';
  prompt: string;
  /** The label, or the environment of a release. */
  name: string;
  /** What replaying the audit log gives (null: nothing). */
  expected: string | null;
  /** What the table holds (null: nothing). */
  found: string | null;
}

/**
 * Replays the entries that move labels (`label.set`, `label.remove`) and releases (`release.*`)
 * and compares the result with the tables: every label and active release the log does not
 * account for, or accounts for differently, is one mismatch. Version hashes come from the
 * `version.create` entries, so a label moved to a version whose content was swapped shows too.
 * Pure.
 */
export function compareState(entries: readonly AuditFields[], current: CurrentState): StateMismatch[] {
  const versionHash = new Map<string, string>();
  const labels = new Map<string, LabelState>();
  const releases = new Map<string, ReleaseState>();
  for (const entry of entries) {
    const after = asRecord(entry.after);
    if (entry.action === 'version.create') {
      if (typeof after?.hash === 'string') versionHash.set(entry.target, after.hash);
      continue;
    }
    const split = splitTarget(entry.target, ':');
    if (!split) continue;
    const [prompt, name] = split;
    if (entry.action === 'label.set' && typeof after?.version === 'number') {
      const hash = versionHash.get(`${prompt}@${after.version}`) ?? null;
      labels.set(entry.target, { prompt, label: name, version: after.version, hash });
    } else if (entry.action === 'label.remove') {
      labels.delete(entry.target);
    } else if (entry.action.startsWith('release.') && typeof after?.version === 'number') {
      const canary = asRecord(after.canary);
      releases.set(entry.target, {
        prompt,
        environment: name,
        release: typeof after.release === 'number' ? after.release : 0,
        version: after.version,
        hash: versionHash.get(`${prompt}@${after.version}`) ?? null,
        canary:
          typeof canary?.version === 'number' && typeof canary.weight === 'number'
            ? { version: canary.version, weight: canary.weight }
            : null,
      });
    }
  }
  return [
    ...diff(
      'labels',
      labels,
      current.labels.map((l) => [`${l.prompt}:${l.label}`, l] as const),
      describeVersion,
    ),
    ...diff(
      'releases',
      releases,
      current.releases.map((r) => [`${r.prompt}:${r.environment}`, r] as const),
      describeRelease,
    ),
  ];
}

/** One line per mismatch: which table, which prompt and label or environment, expected and found. */
export function describeMismatch(m: StateMismatch): string {
  const what = m.table === 'labels' ? `label "${m.name}"` : `the active release in ${m.name}`;
  return `${what} of ${m.prompt}: the audit log says ${m.expected ?? 'none'}, the ${m.table} table holds ${m.found ?? 'none'}`;
}

function diff<T extends StateVersion>(
  table: StateMismatch['table'],
  expected: Map<string, T>,
  found: readonly (readonly [string, T])[],
  describe: (state: T) => string,
): StateMismatch[] {
  const byKey = new Map<string, T[]>();
  for (const [key, state] of found) byKey.set(key, [...(byKey.get(key) ?? []), state]);
  const keys = [...new Set([...expected.keys(), ...byKey.keys()])].sort();
  const out: StateMismatch[] = [];
  for (const key of keys) {
    const want = expected.get(key);
    const have = byKey.get(key) ?? [];
    const wanted = want ? describe(want) : null;
    const held = have.length === 0 ? null : have.map(describe).sort().join(' and ');
    // The table's hash is compared only when the log knows the version's hash (it always does for
    // versions pushed since the audit log exists).
    const same =
      want !== undefined &&
      have.length === 1 &&
      describe({ ...have[0]!, hash: want.hash === null ? null : have[0]!.hash }) === wanted;
    if (same || (want === undefined && have.length === 0)) continue;
    const [prompt, name] = splitTarget(key, ':')!;
    out.push({ table, prompt, name, expected: wanted, found: held });
  }
  return out;
}

function describeVersion(state: StateVersion): string {
  return `@${state.version}${state.hash ? ` (${state.hash.slice(0, 12)})` : ''}`;
}

function describeRelease(state: ReleaseState): string {
  const canary = state.canary ? ` with a ${state.canary.weight}% canary of @${state.canary.version}` : '';
  return `release ${state.release}: ${describeVersion(state)}${canary}`;
}

/** `prompt:name` split at the last separator (labels and environments never contain one). */
function splitTarget(target: string, separator: string): [string, string] | null {
  const at = target.lastIndexOf(separator);
  return at > 0 ? [target.slice(0, at), target.slice(at + 1)] : null;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
}
