/**
 * The console's initial download: the entry script, every chunk it modulepreloads and its CSS, as
 * dist/web/index.html names them, gzipped. The budget for it is 300 KB.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers.js';
import { INITIAL_BUDGET_BYTES, initialAssets } from './bundle-size.js';

describe('the console bundle', () => {
  it('counts the entry, its modulepreloaded chunks and its CSS, gzipped', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'promptops-bundle-'));
    try {
      await writeFile(
        path.join(dir, 'index.html'),
        '<!doctype html><script type="module" crossorigin src="/assets/index.js"></script>' +
          '<link rel="modulepreload" href="/assets/vendor.js"><link rel="stylesheet" href="/assets/index.css">' +
          '<link rel="icon" href="/favicon.svg"><script src="https://cdn.example/x.js"></script>',
      );
      await mkdir(path.join(dir, 'assets'));
      await writeFile(path.join(dir, 'assets', 'index.js'), 'x'.repeat(10_000));
      await writeFile(path.join(dir, 'assets', 'vendor.js'), 'export const a = 1;');
      await writeFile(path.join(dir, 'assets', 'index.css'), 'body{margin:0}');
      const assets = await initialAssets(dir);
      expect(assets.map((a) => a.href).sort()).toEqual([
        '/assets/index.css',
        '/assets/index.js',
        '/assets/vendor.js',
      ]);
      for (const asset of assets) expect(asset.gzipBytes).toBeGreaterThan(0);
      // Ten thousand x's gzip to far less than they weigh: the count is of gzip, not of the file.
      expect(assets.find((a) => a.href === '/assets/index.js')?.gzipBytes).toBeLessThan(200);

      await rm(path.join(dir, 'assets', 'vendor.js'));
      await expect(initialAssets(dir)).rejects.toThrow(/loads \/assets\/vendor\.js, but .* does not exist/);
      await expect(initialAssets(path.join(dir, 'nowhere'))).rejects.toThrow(/npm run build/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it(`loads at most ${INITIAL_BUDGET_BYTES / 1000} KB of gzipped JavaScript and CSS before the first render`, async () => {
    const assets = await initialAssets(path.join(REPO, 'dist', 'web'));
    const total = assets.reduce((sum, a) => sum + a.gzipBytes, 0);
    const listing = assets.map((a) => `  ${a.href}: ${(a.gzipBytes / 1000).toFixed(1)} KB`).join('\n');
    expect(
      assets.some((a) => a.href.endsWith('.js')),
      'index.html loads no script',
    ).toBe(true);
    expect(
      total,
      `initial assets, gzipped:\n${listing}\n  total ${(total / 1000).toFixed(1)} KB`,
    ).toBeLessThanOrEqual(INITIAL_BUDGET_BYTES);
  });
});
