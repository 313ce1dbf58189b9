import { canonicalJson } from '../../catalog/canonical.js';
import { hasErrors } from '../../catalog/diagnostics.js';
import { diffSpecs, type SpecDiff } from '../../catalog/diff.js';
import { parseVersionRef } from '../../catalog/ref.js';
import type { PromptSpec } from '../../catalog/spec.js';
import { PromptOpsError } from '../../errors.js';
import { breakingError } from '../../project/sync.js';
import { loadCatalog } from '../../project/workspace.js';
import { withStore } from '../context.js';
import { color, formatBreaking, print, printJson, truncate } from '../output.js';
import type { DiffOptions } from './diff-commands.js';

/**
 * `promptops diff A [B]`: template diff, structural diff and breaking contract changes between two
 * versions, or between a version and the working copy when B is omitted.
 */
export async function diff(refA: string, refB: string | undefined, options: DiffOptions): Promise<number> {
  const a = parseVersionRef(refA);
  return withStore(options, async (store, ws) => {
    const before = await store.resolve(a);
    let after: PromptSpec;
    let nameB: string;
    if (refB) {
      const b = parseVersionRef(refB);
      const resolved = await store.resolve(b);
      after = resolved.spec;
      nameB = `${resolved.prompt}@${resolved.number}`;
    } else {
      const catalog = await loadCatalog(ws);
      const entry = catalog.entries.find((e) => e.spec.name === a.prompt);
      if (!entry) {
        const why = hasErrors(catalog.diagnostics)
          ? ' (some files have lint errors; run "promptops lint")'
          : '';
        throw new PromptOpsError(
          'PO_ERR_PROMPT_NOT_FOUND',
          `no file in the catalog defines prompt "${a.prompt}"${why}; pass a second version to compare two registered versions`,
          {
            prompt: a.prompt,
          },
        );
      }
      after = entry.spec;
      nameB = `${entry.file} (working copy)`;
    }
    const nameA = `${before.prompt}@${before.number}`;
    const result = diffSpecs(before.spec, after, { a: nameA, b: nameB });
    if (options.json) {
      printJson({ a: nameA, b: nameB, ...result, isBreaking: result.breaking.length > 0 });
    } else {
      printDiff(result, nameA, nameB);
    }
    if (options.failOnBreaking && result.breaking.length > 0) {
      throw breakingError([{ prompt: before.prompt, against: before.number, breaking: result.breaking }]);
    }
    return 0;
  });
}

function printDiff(result: SpecDiff, nameA: string, nameB: string): void {
  print(color.bold(`diff ${nameA} → ${nameB}`));
  if (!result.isTemplateChanged && result.changes.length === 0) {
    print(color.dim('no differences'));
    return;
  }
  if (result.isTemplateChanged) {
    print();
    print(color.bold('template'));
    const lines = result.templatePatch.split('\n');
    for (const line of lines.slice(lines.findIndex((l) => l.startsWith('@@')))) {
      if (line.startsWith('+')) print(color.green(line));
      else if (line.startsWith('-')) print(color.red(line));
      else if (line.startsWith('@@')) print(color.cyan(line));
      else print(line);
    }
  }
  if (result.changes.length > 0) {
    print(color.bold('structure'));
    for (const change of result.changes) {
      const show = (v: unknown) => color.dim(truncate(canonicalJson(v)));
      if (change.kind === 'added') print(color.green(`  + ${change.path}: `) + show(change.after));
      else if (change.kind === 'removed') print(color.red(`  - ${change.path}: `) + show(change.before));
      else print(`${color.yellow(`  ~ ${change.path}: `)}${show(change.before)} → ${show(change.after)}`);
    }
  }
  print();
  if (result.breaking.length === 0) {
    print(color.green('no breaking contract changes'));
  } else {
    print(
      color.red(
        color.bold(`${result.breaking.length} breaking change${result.breaking.length === 1 ? '' : 's'}`),
      ),
    );
    for (const b of result.breaking) print(formatBreaking(b));
  }
}
