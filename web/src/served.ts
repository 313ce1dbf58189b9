/** What each environment serves, from its labels and the active releases (pure: tested in test/web/served.test.ts). */
import type { LabelRecord, ReleaseRecord } from '../../src/store/types.js';

/** What an environment serves for one prompt: its label (the truth) and the active release that set it, if any. */
export interface ServedRow {
  prompt: string;
  environment: string;
  version: number;
  since: string;
  by: string;
  release: ReleaseRecord | null;
}

/**
 * Per environment, each prompt its label points at, joined with the active release when that
 * release's stable version is the label's (a label an admin set without a release, or moved after
 * one, still shows, as set by label: it is what the gateway serves). Environments in the
 * server's promotion order; any environment only releases know of comes after them.
 */
export function servedRows(
  environments: readonly string[],
  labels: readonly LabelRecord[],
  releases: readonly ReleaseRecord[],
): { environment: string; rows: ServedRow[] }[] {
  const names = [...environments];
  for (const r of releases) if (!names.includes(r.environment)) names.push(r.environment);
  return names.map((environment) => {
    const rows = new Map<string, ServedRow>();
    for (const l of labels) {
      if (l.label !== environment) continue;
      rows.set(l.prompt, {
        prompt: l.prompt,
        environment,
        version: l.number,
        since: l.updatedAt,
        by: l.updatedBy,
        release: null,
      });
    }
    for (const r of releases) {
      if (r.environment !== environment) continue;
      const row = rows.get(r.prompt);
      // The label moved since (set by hand, or by a release not listed): the row is the label's,
      // with no Promote or Roll back offered for a release that no longer describes it.
      if (row && row.version !== r.version) continue;
      rows.set(r.prompt, {
        prompt: r.prompt,
        environment,
        version: row?.version ?? r.version,
        since: row?.since ?? r.at,
        by: r.actor,
        release: r,
      });
    }
    return { environment, rows: [...rows.values()].sort((a, b) => a.prompt.localeCompare(b.prompt)) };
  });
}
