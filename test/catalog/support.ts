import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Diagnostic } from '../../src/catalog/diagnostics.js';
import { type ParseResult, parsePrompt } from '../../src/catalog/parse.js';
import type { PromptSpec } from '../../src/catalog/spec.js';
import { defaultProjectConfig, type ProjectConfig } from '../../src/project/config.js';
import { parseContext } from '../../src/project/parse-context.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const EXAMPLE_PROMPTS = path.join(REPO, 'examples', 'prompts');

/** Parses a source with the default project configuration (or the one given). */
export function parse(
  source: string,
  file = 'prompts/sample.prompt',
  options: { config?: ProjectConfig; partials?: ReadonlyMap<string, string> } = {},
): Promise<ParseResult> {
  return parsePrompt(source, file, parseContext(options.config ?? defaultProjectConfig(), options.partials));
}

/** Parses a source that must be valid and returns its spec (failing with the diagnostics otherwise). */
export async function specOf(
  source: string,
  file = 'prompts/sample.prompt',
  options: { config?: ProjectConfig; partials?: ReadonlyMap<string, string> } = {},
): Promise<PromptSpec> {
  const result = await parse(source, file, options);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(result.spec).not.toBeNull();
  return result.spec!;
}

/** A `.prompt` source from frontmatter lines and a template. */
export function promptSource(frontmatter: string, template: string): string {
  return `---\n${frontmatter}\n---\n${template}`;
}

/** The one diagnostic of `rule` (failing when there is none or several). */
export function only(diagnostics: readonly Diagnostic[], rule: string): Diagnostic {
  const found = diagnostics.filter((d) => d.rule === rule);
  expect(found, `expected exactly one ${rule} in ${JSON.stringify(diagnostics, null, 2)}`).toHaveLength(1);
  return found[0]!;
}

/** The example catalog: every `.prompt` file with its text, and the partials map built from `_x.prompt`. */
export async function loadExamples(): Promise<{
  prompts: { file: string; text: string }[];
  partials: Map<string, string>;
}> {
  const names = (await readdir(EXAMPLE_PROMPTS)).filter((f) => f.endsWith('.prompt')).sort();
  const prompts: { file: string; text: string }[] = [];
  const partials = new Map<string, string>();
  for (const name of names) {
    const text = await readFile(path.join(EXAMPLE_PROMPTS, name), 'utf8');
    if (name.startsWith('_')) partials.set(name.slice(1, -'.prompt'.length), text.trim());
    else prompts.push({ file: `prompts/${name}`, text });
  }
  return { prompts, partials };
}
