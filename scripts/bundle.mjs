// Second build step (after tsc): copy generated JS into dist and bundle the CLI into one CommonJS
// file, which bin/promptops.cjs starts through V8's code cache (see the comment there).
import { cpSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

cpSync('src/generated/validators.js', 'dist/generated/validators.js');
// Read at run time next to the detector (dist/guardrails/injection/), from the SDK and the CLI bundle alike.
cpSync('src/guardrails/injection/model.json', 'dist/guardrails/injection/model.json');
rmSync('dist/cli-bundle', { recursive: true, force: true });
await build({
  entryPoints: ['dist/cli/main.js'],
  outfile: 'dist/cli.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Native code, and the server's libraries: `promptops serve` requires them from node_modules when it
  // runs, so every other command starts without reading them (OpenTelemetry: only when traces are exported).
  external: ['better-sqlite3', 'fastify', '@fastify/swagger', '@fastify/static', '@fastify/cookie', '@opentelemetry/*'],
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
  legalComments: 'none',
  // Smaller source reads and hashes faster at every start; names are kept for readable stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
});
