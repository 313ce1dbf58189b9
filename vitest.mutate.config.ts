import { defineConfig } from 'vitest/config';

// The tests Stryker runs against each mutant (`npm run mutate`): the in-process unit tests of the
// pure modules listed in stryker.config.mjs, nothing that starts a process or needs PostgreSQL.
export default defineConfig({
  test: {
    include: [
      'test/contracts/input.test.ts',
      'test/eval/assertions.test.ts',
      'test/catalog/diff.test.ts',
      'test/governance/policy.test.ts',
      'test/governance/rbac.test.ts',
      'test/governance/risk.test.ts',
      'test/governance/tokens.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
