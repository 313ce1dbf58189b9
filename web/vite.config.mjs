import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The web console: built into the package's dist/web (`npm run build`), which `promptops serve`
 * serves at `/`. To work on it with hot reload, run `promptops serve` in a project (it listens on
 * :4100), then `npx vite --config web/vite.config.mjs` from the repository's root and open the
 * address Vite prints: it proxies `/v1` to that server and keeps the Host header, so the session
 * cookie and the server's same-origin check work as they do when served.
 */
export default defineConfig({
  root: here,
  base: '/',
  // JSX in .tsx files with React's automatic runtime (no React import in each file).
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: path.join(here, '..', 'dist', 'web'),
    emptyOutDir: true,
    // Each page is its own chunk (React.lazy): the first paint loads the shell and the page it opens.
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // Mantine marks its modules 'use client' (for React Server Components); a client bundle ignores it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:4100' } },
});
