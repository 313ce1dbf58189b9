import { hashSpec } from './canonical.js';
import { type Diagnostic, sortDiagnostics } from './diagnostics.js';
import { parsePrompt } from './parse.js';
import type { ParseContext } from './parse-context.js';
import type { PromptSpec } from './spec.js';

/** A file's text, or the reason it could not be read as text. */
export type SourceFile = { file: string; text: string } | { file: string; diagnostic: Diagnostic };

/** A prompt that parsed cleanly: its spec and version identity. */
export interface CatalogEntry {
  file: string;
  spec: PromptSpec;
  hash: string;
}

export interface CatalogResult {
  entries: CatalogEntry[];
  diagnostics: Diagnostic[];
}

/**
 * Parses every source and applies the rules that span files (duplicate names). Every problem in
 * every file is reported; a file with errors contributes no entry.
 */
export async function lintSources(sources: readonly SourceFile[], ctx: ParseContext): Promise<CatalogResult> {
  const entries: CatalogEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const firstFileByName = new Map<string, string>();
  for (const source of sources) {
    if ('diagnostic' in source) {
      diagnostics.push(source.diagnostic);
      continue;
    }
    const result = await parsePrompt(source.text, source.file, ctx);
    diagnostics.push(...result.diagnostics);
    if (!result.spec) continue;
    const first = firstFileByName.get(result.spec.name);
    if (first !== undefined) {
      diagnostics.push({
        file: source.file,
        line: 1,
        col: 1,
        severity: 'error',
        rule: 'duplicate-name',
        message: `prompt name "${result.spec.name}" is already used by ${first}; prompt names must be unique in a catalog (rename one, or make it a variant: name.variant.prompt)`,
      });
      continue;
    }
    firstFileByName.set(result.spec.name, source.file);
    entries.push({ file: source.file, spec: result.spec, hash: hashSpec(result.spec) });
  }
  return { entries, diagnostics: sortDiagnostics(diagnostics) };
}
