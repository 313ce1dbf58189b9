/**
 * The command tree loads at every start: the declarations must stay light. A declarations file may
 * import the declaration helpers and types; its handler module (and whatever that needs) is
 * imported only when the command runs.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';

const COMMANDS = path.join(REPO, 'src', 'cli', 'commands');

/** The modules a file imports at load time (type-only imports are erased and do not count). */
function staticImports(source: string): string[] {
  return [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)';/gms)].map((m) => m[1]!);
}

describe('command declarations', () => {
  it('import nothing at start-up but the declaration helpers', async () => {
    const files = (await readdir(COMMANDS)).filter((f) => f.endsWith('-commands.ts'));
    expect(files.length).toBeGreaterThan(15);
    const heavy: string[] = [];
    for (const file of files) {
      const imports = staticImports(await readFile(path.join(COMMANDS, file), 'utf8'));
      for (const target of imports)
        if (target !== '../declaration.js') heavy.push(`${file} imports ${target}`);
    }
    const helpers = staticImports(await readFile(path.join(REPO, 'src', 'cli', 'declaration.ts'), 'utf8'));
    expect([...heavy, ...helpers.map((t) => `declaration.ts imports ${t}`)]).toEqual([]);
  });

  it('has a declarations file beside every handler module', async () => {
    const files = await readdir(COMMANDS);
    const handlers = files.filter((f) => f.endsWith('.ts') && !f.endsWith('-commands.ts'));
    const missing = handlers.filter((f) => !files.includes(f.replace(/\.ts$/, '-commands.ts')));
    expect(missing).toEqual([]);
  });
});
