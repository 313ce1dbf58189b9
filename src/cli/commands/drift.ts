import { type Finding, findingsOf } from '../../monitor/drift.js';
import { withStore } from '../context.js';
import { formatWhen, print, printJson, table } from '../output.js';
import type { DriftOptions } from './drift-commands.js';

/** `promptops drift [prompt]`: the last report of each prompt and environment, its shifted checks. */
export async function showDrift(prompt: string | undefined, options: DriftOptions): Promise<number> {
  return withStore(options, async (store) => {
    const reports = await store.listDriftReports({
      ...(prompt !== undefined ? { prompt } : {}),
      ...(options.env !== undefined ? { environment: options.env } : {}),
    });
    if (options.json) {
      printJson(reports);
      return 0;
    }
    if (reports.length === 0) {
      print('no drift report yet: `promptops serve` checks every drift.every (default 5m)');
      return 0;
    }
    const rows = reports.map((r) => [
      `${r.prompt}@${r.version}`,
      r.environment,
      r.severity,
      `${r.current.requests} vs ${r.reference.requests}`,
      formatWhen(r.computedAt),
      shifted(findingsOf(r)),
    ]);
    print(table(['PROMPT', 'ENV', 'DRIFT', 'REQUESTS (NOW VS REF)', 'CHECKED', 'SHIFTS'], rows));
    return 0;
  });
}

/** The checks that moved, worst first, or a dash. */
function shifted(findings: readonly Finding[]): string {
  const moved = findings.filter((f) => f.severity !== 'none');
  moved.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'major' ? -1 : 1));
  return moved.length === 0 ? '-' : moved.map((f) => f.summary).join('; ');
}
