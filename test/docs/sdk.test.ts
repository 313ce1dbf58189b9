/**
 * docs/sdk.md's example runs as written (TypeScript, through tsx) against the example catalog,
 * with `promptops` resolved to the built package.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pushInProcess, REPO, runCli, useTempDir } from '../helpers.js';

const dir = useTempDir({ examples: true });

describe('docs/sdk.md', () => {
  it('runs its example against the example catalog', async () => {
    const page = await readFile(path.join(REPO, 'docs', 'sdk.md'), 'utf8');
    const code = /## Use\n\n```ts\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    expect(code).toContain("from 'promptops'");
    await pushInProcess(dir());
    expect((await runCli(['label', 'set', 'support-reply@1', 'production'], { cwd: dir() })).code).toBe(0);
    const app = code.replace(
      "from 'promptops'",
      `from ${JSON.stringify(pathToFileURL(path.join(REPO, 'dist', 'index.js')).href)}`,
    );
    await writeFile(path.join(dir(), 'app.mts'), app);
    const result = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(
        process.execPath,
        [
          '--import',
          pathToFileURL(path.join(REPO, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href,
          'app.mts',
        ],
        { cwd: dir() },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, out: stdout + stderr }),
      ),
    );
    expect(result.out).toMatch(/^Sorry about the double charge.* 1 [0-9a-f-]{36}\n$/);
    expect(result.code).toBe(0);
  });
});
