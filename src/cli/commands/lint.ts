import { hasErrors, sortDiagnostics } from '../../catalog/diagnostics.js';
import { loadCatalog, openWorkspace } from '../../project/workspace.js';
import { projectDir } from '../context.js';
import { color, formatDiagnostic, print, printJson } from '../output.js';
import type { LintOptions } from './lint-commands.js';

/** `promptops lint [paths...]`: every problem in every file; exit 1 when any is an error. */
export async function lint(paths: string[], options: LintOptions): Promise<number> {
  // Loose files may be linted outside a project when named; with no paths, loadCatalog refuses
  // a folder without promptops.yaml instead of walking it.
  const ws = await openWorkspace(projectDir(options), { isRequired: false });
  const catalog = await loadCatalog(ws, paths);
  // Suites beside the prompts are checked too (their shape; assertion types are checked when run).
  const { loadSuites } = await import('../../eval/suite-files.js');
  const suites = await loadSuites(catalog.entries);
  const result = {
    ...catalog,
    diagnostics: sortDiagnostics([...catalog.diagnostics, ...suites.diagnostics]),
  };
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = result.diagnostics.length - errors;
  if (options.json) {
    printJson({
      ok: errors === 0,
      errors,
      warnings,
      prompts: result.entries.map((e) => ({ name: e.spec.name, file: e.file, hash: e.hash })),
      diagnostics: result.diagnostics,
    });
  } else {
    for (const d of result.diagnostics) print(formatDiagnostic(d));
    const files = new Set(result.diagnostics.map((d) => d.file)).size;
    const summary = `${result.entries.length} prompt${result.entries.length === 1 ? '' : 's'} valid; ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}${files ? ` in ${files} file${files === 1 ? '' : 's'}` : ''}`;
    print(errors ? color.red(summary) : warnings ? color.yellow(summary) : color.green(summary));
  }
  return hasErrors(result.diagnostics) ? 1 : 0;
}
