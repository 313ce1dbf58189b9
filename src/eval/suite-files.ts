import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../catalog/diagnostics.js';
import type { CatalogEntry } from '../catalog/lint.js';
import { PromptOpsError } from '../errors.js';
import { workingCopy } from '../project/working-copy.js';
import type { Workspace } from '../project/workspace.js';
import type { VersionRecord } from '../store/index.js';
import { parseSuite, type Suite, type TestCase } from './suite.js';

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
    if (!parsed.suite) continue;
    const expanded = await expandDatasets(parsed.suite);
    diagnostics.push(...expanded.diagnostics);
    if (expanded.diagnostics.length === 0) suites.push({ suite: expanded.suite, entry });
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

/** Replaces each `dataset:` case with one case per row of the file (relative to the suite). */
async function expandDatasets(suite: Suite): Promise<{ suite: Suite; diagnostics: Diagnostic[] }> {
  if (!suite.cases.some((c) => c.dataset)) return { suite, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const cases: TestCase[] = [];
  for (const testCase of suite.cases) {
    if (!testCase.dataset) {
      cases.push(testCase);
      continue;
    }
    const file = path.resolve(path.dirname(suite.file), testCase.dataset);
    const fail = (message: string) =>
      diagnostics.push({
        file: suite.file,
        line: 1,
        col: 1,
        severity: 'error',
        rule: 'suite-dataset',
        message: `dataset ${testCase.dataset}: ${message}`,
      });
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      fail(`cannot be read (${(err as Error).message})`);
      continue;
    }
    let rows: Record<string, unknown>[];
    try {
      rows = file.endsWith('.csv')
        ? ((await import('csv-parse/sync')).parse(text, {
            columns: true,
            skip_empty_lines: true,
            bom: true,
          }) as Record<string, unknown>[])
        : text
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line, i) => {
              const value = JSON.parse(line) as unknown;
              if (typeof value !== 'object' || value === null || Array.isArray(value))
                throw new Error(`line ${i + 1} is not a JSON object`);
              return value as Record<string, unknown>;
            });
    } catch (err) {
      fail(`is not valid ${file.endsWith('.csv') ? 'CSV' : 'JSONL'}: ${(err as Error).message}`);
      continue;
    }
    const { dataset: _file, ...rest } = testCase;
    for (const [i, row] of rows.entries()) {
      // JSONL rows written by \`promptops dataset add-from-traces\` keep their vars under "vars".
      const vars =
        typeof row.vars === 'object' && row.vars !== null ? (row.vars as Record<string, unknown>) : row;
      cases.push({
        ...rest,
        description: `${testCase.description} #${i + 1}`,
        vars: { ...testCase.vars, ...vars },
      });
    }
  }
  return { suite: { ...suite, cases }, diagnostics };
}

/**
 * What every suite run of this project needs besides the cases: the grader prompt's working copy
 * (for llm-rubric and g-eval) and the embeddings model (for similar), from promptops.yaml.
 */
export function evalSettings(
  ws: Workspace,
  entries: readonly CatalogEntry[],
): { grader?: VersionRecord; embeddings?: string } {
  const graderName = ws.config.eval.grader;
  const graderEntry = graderName ? entries.find((e) => e.spec.name === graderName) : undefined;
  if (graderName && !graderEntry) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `eval.grader names "${graderName}", which is not a prompt of the catalog`,
    );
  }
  return {
    ...(graderEntry ? { grader: workingCopy(graderEntry) } : {}),
    ...(ws.config.eval.embeddings ? { embeddings: ws.config.eval.embeddings } : {}),
  };
}
