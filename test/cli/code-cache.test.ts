import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES, runCli, useTempDir } from '../helpers.js';

const dir = useTempDir();

describe('the CLI start-up code cache', () => {
  it('is written once per command, reused, and survives a corrupt cache file', async () => {
    const env = { PROMPTOPS_CACHE_DIR: dir() };
    const first = await runCli(['lint'], { cwd: EXAMPLES, env });
    expect(first.code).toBe(0);
    const cacheDir = path.join(dir(), 'promptops', 'v8');
    const files = await readdir(cacheDir);
    expect(files).toEqual([expect.stringMatching(/^v\d+.*-lint\.bin$/)]);
    const file = path.join(cacheDir, files[0]!);
    const written = await readFile(file);
    expect(written.byteLength).toBeGreaterThan(10_000);

    await runCli(['lint'], { cwd: EXAMPLES, env });
    expect(await readFile(file)).toEqual(written);

    await writeFile(file, 'not a V8 code cache');
    const afterCorruption = await runCli(['lint'], { cwd: EXAMPLES, env });
    expect(afterCorruption.code).toBe(0);
    expect(afterCorruption.stdout).toContain('4 prompts valid');
    expect((await readFile(file)).byteLength).toBeGreaterThan(10_000);

    await runCli(['--version'], { cwd: EXAMPLES, env });
    expect((await readdir(cacheDir)).sort()).toEqual([
      expect.stringMatching(/-default\.bin$/),
      expect.stringMatching(/-lint\.bin$/),
    ]);
  });

  it('runs without a cache when turned off or when the cache folder cannot be created', async () => {
    await writeFile(path.join(dir(), 'promptops'), 'a file where the cache folder should be');
    const blocked = await runCli(['--version'], { cwd: EXAMPLES, env: { PROMPTOPS_CACHE_DIR: dir() } });
    expect(blocked.code).toBe(0);
    const off = await runCli(['--version'], {
      cwd: EXAMPLES,
      env: { PROMPTOPS_CACHE_DIR: path.join(dir(), 'x'), PROMPTOPS_NO_CODE_CACHE: '1' },
    });
    expect(off.code).toBe(0);
    await expect(readdir(path.join(dir(), 'x'))).rejects.toThrow();
  });
});
