import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../catalog/diagnostics.js';
import type { CatalogEntry } from '../catalog/lint.js';
import { PromptOpsError } from '../errors.js';
import { parseSuite, type Suite } from '../eval/suite.js';

/** Finds `NAME.tests.yaml` beside each prompt and parses it. */
export async function loadSuites(
  entries: readonly CatalogEntry[],
  names: readonly string[] = [],
): Promise<{ suites: { suite: Suite; entry: CatalogEntry }[]; diagnostics: Diagnostic[] }> {
  const suites: { suite: Suite; entry: CatalogEntry }[] = [];
  const diagnostics: Diagnostic[] = [];
  const wanted = new Set(names);
  for (const entry of entries) {
    if (wanted.size > 0 && !wanted.has(entry.spec.name)) continue;
    const file = entry.file.replace(/\.prompt$/, '.tests.yaml');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const parsed = parseSuite(text, file, entry.spec.name);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.suite) suites.push({ suite: parsed.suite, entry });
  }
  for (const name of wanted) {
    if (!entries.some((e) => e.spec.name === name)) {
      throw new PromptOpsError(
        'PO_ERR_PROMPT_NOT_FOUND',
        `no prompt named "${name}" in the catalog; check the name with "promptops lint"`,
        { prompt: name },
      );
    }
  }
  return { suites, diagnostics };
}
