import { shortHash } from '../../catalog/canonical.js';
import { type Diagnostic, hasErrors } from '../../catalog/diagnostics.js';
import type { CatalogEntry } from '../../catalog/lint.js';
import { PromptOpsError } from '../../errors.js';
import { breakingReports, compareWithRegistry } from '../../project/sync.js';
import { loadCatalog } from '../../project/workspace.js';
import type { ChangeRequest, PushOutcome, Store } from '../../store/index.js';
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
    if (hasErrors(catalog.diagnostics)) refuseInvalidCatalog(catalog.diagnostics, options);
    if (options.dryRun) {
      await printDryRun(catalog.entries, store, options);
      return 0;
    }
    const outcomes = await store.push(
      catalog.entries.map((e) => ({ spec: e.spec, hash: e.hash })),
      { author: resolveActor(options.author), ...(options.message ? { message: options.message } : {}) },
    );
    await warnBreakingChanges(store, catalog.entries, outcomes);
    const proposals = options.propose ? await proposeChanges(store, outcomes, options) : [];
    if (options.json) {
      printJson({ prompts: outcomes, ...(options.propose ? { changeRequests: proposals } : {}) });
      return 0;
    }
    printOutcomes(outcomes, proposals);
    return 0;
  });
}

/** Lists the lint errors (unless output is JSON) and refuses the push before anything is written. */
function refuseInvalidCatalog(diagnostics: Diagnostic[], options: PushOptions): never {
  if (!options.json) for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  throw new PromptOpsError(
    'PO_ERR_CATALOG_INVALID',
    'push refused: the catalog has lint errors (listed above); fix them and push again. Nothing was written.',
    { diagnostics },
  );
}

/** `--dry-run`: what a push would create, written nowhere. */
async function printDryRun(entries: CatalogEntry[], store: Store, options: PushOptions): Promise<void> {
  const states = (await compareWithRegistry(entries, store)).filter((s) => s.state !== 'missing');
  if (options.json) printJson({ dryRun: true, prompts: states });
  else
    for (const s of states) {
      const verb =
        s.state === 'new' || s.state === 'changed'
          ? color.green(`would create ${s.prompt}@${(s.latest ?? 0) + 1}`)
          : color.dim(`${s.state} ${s.prompt}`);
      print(verb);
    }
}

/**
 * A new version that breaks the one before it is registered (versions are a history, not a
 * gate) with a warning; the review gate scores it and a rollback across it is refused.
 */
async function warnBreakingChanges(
  store: Store,
  entries: CatalogEntry[],
  outcomes: PushOutcome[],
): Promise<void> {
  const byName = new Map(entries.map((e) => [e.spec.name, e.spec]));
  const createdAs = new Map(outcomes.filter((o) => o.status === 'created').map((o) => [o.prompt, o.number]));
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
}

/** `--propose`: opens a change request for every version the push created, one after another. */
async function proposeChanges(
  store: Store,
  outcomes: PushOutcome[],
  options: PushOptions,
): Promise<ChangeRequest[]> {
  const proposals: ChangeRequest[] = [];
  for (const o of outcomes.filter((x) => x.status === 'created')) {
    proposals.push(
      await store.openChangeRequest(
        { prompt: o.prompt, version: o.number, ...(options.message ? { title: options.message } : {}) },
        resolveActor(options.author),
      ),
    );
  }
  return proposals;
}

/** One line per prompt, a total, and the change requests opened with their next step. */
function printOutcomes(outcomes: PushOutcome[], proposals: ChangeRequest[]): void {
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
}
