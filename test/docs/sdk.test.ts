/**
 * docs/sdk.md's example runs as written (TypeScript, through tsx) against the example catalog,
 * with `promptops` resolved to the built package.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pushInProcess, REPO, runCli, runSdkScript, useTempDir } from '../helpers.js';

const dir = useTempDir({ examples: true });

describe('docs/sdk.md', () => {
  it('runs its example against the example catalog', async () => {
    const page = await readFile(path.join(REPO, 'docs', 'sdk.md'), 'utf8');
    const code = /## Use\n\n```ts\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    expect(code).toContain("from 'promptops'");
    await pushInProcess(dir());
    expect((await runCli(['label', 'set', 'support-reply@1', 'production'], { cwd: dir() })).code).toBe(0);
    const result = await runSdkScript(code, dir());
    expect(result.output).toMatch(/^Sorry about the double charge.* 1 [0-9a-f-]{36}\n$/);
    expect(result.code).toBe(0);
  });
});
