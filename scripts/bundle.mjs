// Second build step (after tsc): copy generated JS into dist and bundle the CLI into one ESM
// entry with lazily loaded chunks, so `promptops` starts without resolving hundreds of files.
import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

cpSync('src/generated/validators.js', 'dist/generated/validators.js');
rmSync('dist/cli-bundle', { recursive: true, force: true });
await build({
  entryPoints: { main: 'dist/cli/main.js' },
  outdir: 'dist/cli-bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3'],
  banner: {
    js: "import { createRequire as __promptopsRequire } from 'node:module';\nconst require = __promptopsRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'none',
});
