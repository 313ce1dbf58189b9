// Mutation testing of the pure core modules: `npm run mutate` (not part of `npm test`).
// Stryker changes one expression at a time (a `<` into `<=`, a condition into `true`, …) and
// reruns the module's unit tests; a mutant no test notices is a behaviour no test pins down.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: [
    'src/contracts/input.ts',
    'src/eval/assertions/text.ts',
    'src/eval/assertions/json.ts',
    'src/catalog/diff.ts',
    'src/governance/policy.ts',
    'src/governance/rbac.ts',
    'src/governance/risk.ts',
    'src/governance/tokens.ts',
  ],
  // Type errors are not behaviour: mutants that do not compile are not worth a test run.
  checkers: [],
  // Stryker rewrites tsconfig paths with the TypeScript JS API, which TypeScript 7 no longer has;
  // ours needs no rewriting (no `extends`, no `references`), so point it at no file.
  tsconfigFile: '',
  coverageAnalysis: 'perTest',
  // Mutants of module-level code (constants, the assertion registry, the compiled Ajv instances)
  // are included: each reruns every test file, yet together they cost only a minute or two here.
  // Incremental mode keeps their old results even when tests change: use --force to retest them.
  concurrency: 2,
  // Reuses reports/stryker-incremental.json: only mutants whose code or tests changed run again.
  incremental: true,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
