import { shortHash } from '../../catalog/canonical.js';
import { PromptOpsError } from '../../errors.js';
import { breakingError, breakingReports, compareWithRegistry } from '../../project/sync.js';
import { loadCatalog } from '../../project/workspace.js';
import { withStore } from '../context.js';
import { color, formatBreaking, formatDiagnostic, print, printJson, table } from '../output.js';
import type { StatusOptions } from './status-commands.js';

/** `promptops status`: which prompts on disk are new, changed or unchanged against the registry. */
export async function status(options: StatusOptions): Promise<number> {
  return withStore(options, async (store, ws) => {
    const catalog = await loadCatalog(ws);
    const states = await compareWithRegistry(catalog.entries, store);
    const invalid = [
      ...new Set(catalog.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file)),
    ];
    const drift = states.filter((s) => s.state === 'new' || s.state === 'changed' || s.state === 'matches');
    // A changed file is compared with the latest version, as `promptops diff NAME` does.
    const byFile = new Map(catalog.entries.map((e) => [e.file, e.spec]));
    const breaking = await breakingReports(
      store,
      states.flatMap((s) => {
        const spec = s.file === null ? undefined : byFile.get(s.file);
        return s.state === 'changed' && spec && s.latest !== null ? [{ spec, against: s.latest }] : [];
      }),
    );
    if (options.json) {
      printJson({
        prompts: states,
        breaking,
        invalidFiles: invalid,
        isInSync: drift.length === 0 && invalid.length === 0,
      });
    } else {
      const paint = {
        new: color.green,
        changed: color.yellow,
        matches: color.yellow,
        unchanged: color.dim,
        missing: color.magenta,
      };
      print(
        table(
          ['PROMPT', 'STATE', 'REGISTRY', 'FILE'],
          states.map((s) => [
            s.prompt,
            paint[s.state](s.state === 'matches' ? `matches @${s.matches}` : s.state),
            s.latest ? `@${s.latest}` : '-',
            s.file ?? color.dim('(no file)'),
          ]),
        ),
      );
      for (const report of breaking) {
        print(
          `${color.red('breaking')} ${report.prompt} against @${report.against} ${color.dim(`(run "promptops diff ${report.prompt}" for the whole diff)`)}`,
        );
        for (const b of report.breaking) print(formatBreaking(b));
      }
      for (const file of invalid)
        print(`${color.red('invalid')}  ${file} ${color.dim('(run "promptops lint" for details)')}`);
      if (drift.length === 0 && invalid.length === 0)
        print(color.green('registry is in sync with the files'));
      else
        print(
          `${drift.length} prompt${drift.length === 1 ? ' differs' : 's differ'} from the registry; run "promptops push" to register them`,
        );
      if (process.env.PROMPTOPS_DEBUG) for (const d of catalog.diagnostics) print(formatDiagnostic(d));
    }
    if (options.failOnBreaking && breaking.length > 0) throw breakingError(breaking);
    if (options.check && (drift.length > 0 || invalid.length > 0)) {
      throw new PromptOpsError(
        'PO_ERR_CATALOG_DRIFT',
        `${drift
          .map((d) => `${d.prompt} (${d.state}${d.hash ? ` ${shortHash(d.hash)}` : ''})`)
          .concat(invalid.map((f) => `${f} (invalid)`))
          .join(', ')} not in sync with the registry`,
        { drift, invalid },
      );
    }
    return 0;
  });
}
