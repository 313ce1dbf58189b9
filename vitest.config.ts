import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Test files that start processes (the built CLI, a server, store workers). On a loaded machine
// one start can take seconds, so their limits are set where only a hang reaches them. A test file
// that starts a process belongs in this list.
const PROCESS_TESTS = [
  'test/cli/**/*.test.ts',
  'test/client/**/*.test.ts',
  'test/e2e/**/*.test.ts',
  'test/docs/pages.test.ts',
  'test/docs/sdk.test.ts',
  'test/store/**/*.test.ts',
  'test/eval/cache.test.ts',
  'test/gateway/spool.test.ts',
  'test/gateway/routes.test.ts',
  'test/gateway/openai.test.ts',
  'test/gateway/langfuse.test.ts',
  'test/observe/otel.test.ts',
  'test/gateway/metrics.test.ts',
  'test/gateway/rollups.test.ts',
  'test/eval/cli.test.ts',
  'test/eval/datasets.test.ts',
  'test/eval/embeddings.test.ts',
  'test/eval/html.test.ts',
  'test/guardrails/actions.test.ts',
  'test/guardrails/cli.test.ts',
  'test/guardrails/train-injection.test.ts',
  'test/providers/pipeline-http.test.ts',
  'test/runtime/pipeline.test.ts',
  'test/runtime/sdk-types.test.ts',
  'test/web/catalog.test.ts',
  'test/web/traces.test.ts',
  'test/web/change-requests.test.ts',
  'test/web/console.test.ts',
  'test/web/harness.test.ts',
  'test/web/sign-out.test.ts',
  'test/web/session-roles.test.ts',
];

export default defineConfig({
  test: {
    pool: 'forks',
    // One worker per CPU, not vitest's CPUs - 1: much of the suite waits on child processes and
    // PostgreSQL, and on a 2-core machine the default of one worker leaves a CPU idle meanwhile.
    maxWorkers: availableParallelism(),
    projects: [
      {
        extends: true,
        test: {
          name: 'in-process',
          include: ['test/**/*.test.ts'],
          exclude: PROCESS_TESTS,
          // These files share one worker's loaded modules instead of each importing the source
          // again (about a fifth less CPU); none of them changes process-wide state.
          isolate: false,
          // Far above any test's normal time: a slow machine must not fail a test, a hang must.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'processes',
          include: PROCESS_TESTS,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
