import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { referencePages } from '../../scripts/gen-docs.js';
import { allCommands, buildProgram } from '../../src/cli/main.js';
import { ENVIRONMENT_VARIABLES } from '../../src/environment-variables.js';
import { CONFIG_SCHEMA } from '../../src/project/config-schema.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The text of every source file the CLI and the SDK run: src/ (but the generated code and the table itself) and bin/. */
function sourceTexts(): string[] {
  const files = [
    ...readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith('generated') && f !== 'environment-variables.ts')
      .map((f) => path.join(root, 'src', f)),
    path.join(root, 'bin/promptops.cjs'),
  ];
  return files.map((f) => readFileSync(f, 'utf8'));
}

describe('generated reference pages', () => {
  for (const [file, generated] of Object.entries(referencePages())) {
    it(`${file} matches the code it documents (run "npm run docs" to regenerate it)`, () => {
      const committed = readFileSync(path.join(root, file), 'utf8');
      expect(committed, `${file} is stale: run "npm run docs" and commit the result`).toBe(generated);
    });
  }

  it('lists every PROMPTOPS_* environment variable the code names, and none it does not', () => {
    const listed = new Set(ENVIRONMENT_VARIABLES.map((v) => v.name));
    const named = new Set(sourceTexts().flatMap((text) => text.match(/\bPROMPTOPS_[A-Z0-9_]+\b/g) ?? []));
    expect(
      [...named].filter((name) => !listed.has(name)),
      'add these to src/environment-variables.ts',
    ).toEqual([]);
    const all = sourceTexts().join('\n');
    expect(
      [...listed].filter((name) => !all.includes(name)),
      'no code reads these any more: remove them from src/environment-variables.ts',
    ).toEqual([]);
  });

  it('describes every command, argument and option', () => {
    const program = buildProgram();
    const missing: string[] = [];
    for (const command of allCommands(program)) {
      const where = command === program ? 'promptops' : command.name();
      if (!command.description()) missing.push(`command ${where}`);
      for (const a of command.registeredArguments) if (!a.description) missing.push(`${where} <${a.name()}>`);
      for (const o of command.options) if (!o.description) missing.push(`${where} ${o.flags}`);
    }
    expect(missing).toEqual([]);
  });

  it('describes every key of promptops.yaml', () => {
    const missing: string[] = [];
    // A map entry with keys of its own (`providers.<name>`) is described by its keys.
    const walk = (schema: Record<string, unknown>, at: string, isEntry = false) => {
      if (at && !schema.description && !(isEntry && schema.properties)) missing.push(at);
      for (const [key, child] of Object.entries((schema.properties ?? {}) as Record<string, object>))
        walk(child as Record<string, unknown>, at ? `${at}.${key}` : key);
      const entry = schema.additionalProperties;
      if (entry && typeof entry === 'object') walk(entry as Record<string, unknown>, `${at}.<name>`, true);
    };
    walk(CONFIG_SCHEMA as Record<string, unknown>, '');
    expect(missing).toEqual([]);
  });
});
