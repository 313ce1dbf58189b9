import { shortHash } from '../../catalog/canonical.js';
import { hasErrors } from '../../catalog/diagnostics.js';
import { PromptOpsError } from '../../errors.js';
import { breakingReports, compareWithRegistry } from '../../project/sync.js';
import { loadCatalog } from '../../project/workspace.js';
import { resolveActor, withStore } from '../context.js';
import { color, formatBreaking, formatDiagnostic, print, printJson } from '../output.js';
import type { PushOptions } from './push-commands.js';

/**
 * `promptops push [paths...]`: registers a new version of every changed prompt, in one
 * transaction. Refuses (writing nothing) when any file has lint errors.
 */
export async function push(paths: string[], options: PushOptions): Promise<number> {
  return withStore(options, async (store, ws) => {
    const catalog = await loadCatalog(ws, paths);
    if (hasErrors(catalog.diagnostics)) {
      if (!options.json)
        for (const d of catalog.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      throw new PromptOpsError(
        'PO_ERR_CATALOG_INVALID',
        'push refused: the catalog has lint errors (listed above); fix them and push again. Nothing was written.',
        { diagnostics: catalog.diagnostics },
      );
    }
    if (options.dryRun) {
      const states = (await compareWithRegistry(catalog.entries, store)).filter((s) => s.state !== 'missing');
      if (options.json) printJson({ dryRun: true, prompts: states });
      else
        for (const s of states) {
          const verb =
            s.state === 'new' || s.state === 'changed'
              ? color.green(`would create ${s.prompt}@${(s.latest ?? 0) + 1}`)
              : color.dim(`${s.state} ${s.prompt}`);
          print(verb);
        }
      return 0;
    }
    const outcomes = await store.push(
      catalog.entries.map((e) => ({ spec: e.spec, hash: e.hash })),
      { author: resolveActor(options.author), ...(options.message ? { message: options.message } : {}) },
    );
    // A new version that breaks the one before it is registered (versions are a history, not a
    // gate) with a warning; the review gate scores it and a rollback across it is refused.
    const byName = new Map(catalog.entries.map((e) => [e.spec.name, e.spec]));
    const createdAs = new Map(
      outcomes.filter((o) => o.status === 'created').map((o) => [o.prompt, o.number]),
    );
    const reports = await breakingReports(
      store,
      outcomes.flatMap((o) => {
        const spec = byName.get(o.prompt);
        return o.status === 'created' && o.previous !== null && spec ? [{ spec, against: o.previous }] : [];
      }),
    );
    for (const report of reports) {
      const count = report.breaking.length;
      process.stderr.write(
        `warning: ${report.prompt}@${createdAs.get(report.prompt)} makes ${count} breaking contract change${count === 1 ? '' : 's'} against @${report.against}:\n${report.breaking.map((b) => `${formatBreaking(b)}\n`).join('')}`,
      );
    }
    const proposals = [];
    if (options.propose) {
      for (const o of outcomes.filter((x) => x.status === 'created')) {
        proposals.push(
          await store.openChangeRequest(
            { prompt: o.prompt, version: o.number, ...(options.message ? { title: options.message } : {}) },
            resolveActor(options.author),
          ),
        );
      }
    }
    if (options.json) {
      printJson({ prompts: outcomes, ...(options.propose ? { changeRequests: proposals } : {}) });
      return 0;
    }
    for (const o of outcomes) {
      if (o.status === 'created') {
        const from = o.previous ? ` (from @${o.previous})` : ' (first version)';
        print(`${color.green('created')}   ${o.prompt}@${o.number} ${color.dim(shortHash(o.hash))}${from}`);
      } else if (o.status === 'unchanged') {
        print(`${color.dim('unchanged')} ${o.prompt}@${o.number}`);
      } else {
        print(
          `${color.yellow('matches')}   ${o.prompt}@${o.number} ${color.dim(`(identical content; latest is @${o.previous}: label @${o.number} to use it)`)}`,
        );
      }
    }
    const created = outcomes.filter((o) => o.status === 'created').length;
    print(
      color.bold(`${created} new version${created === 1 ? '' : 's'}, ${outcomes.length - created} unchanged`),
    );
    for (const cr of proposals) {
      print(
        `${color.green('proposed')}  ${cr.prompt}@${cr.version} as change request #${cr.number} (risk ${cr.risk.score}, ${cr.risk.level}); next: promptops change check ${cr.number}`,
      );
    }
    return 0;
  });
}
