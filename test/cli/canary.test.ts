/**
 * `promptops release --canary` with the project's analysis plan, `--analysis-plan`,
 * `--no-analysis`, and `promptops canary status`, on the example project.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../helpers.js';

const dir = useTempDir({ examples: true });

const PLAN = `canary:
  steps: [5, 50, 100]
  interval: 10m
  minSamples: 300
  metrics:
    - { metric: error_rate, maxIncrease: 0.02 }
    - { metric: p95_latency_ms, maxRatio: 1.5 }
`;

async function cli(...args: string[]) {
  const result = await runCli(args, { cwd: dir() });
  return { ...result, output: result.stdout + result.stderr };
}

/** support-reply@1 in production, @2 pushed with change request #2 open and ready. */
async function stableAndCandidate(): Promise<void> {
  const config = path.join(dir(), 'promptops.yaml');
  await appendFile(
    config,
    '  approvals: { low: { required: 0 }, medium: { required: 0 }, high: { required: 0 }, critical: { required: 0 } }\n  requiredChecks: []\n',
  );
  await appendFile(config, PLAN);
  expect((await cli('push')).code).toBe(0);
  expect((await cli('change', 'open', 'support-reply')).code).toBe(0);
  expect((await cli('release', '1', '--env', 'production')).code).toBe(0);
  const file = path.join(dir(), 'prompts', 'support-reply.prompt');
  await writeFile(file, `${await readFile(file, 'utf8')}\nBe brief.\n`);
  expect((await cli('push')).code).toBe(0);
  expect((await cli('change', 'open', 'support-reply')).code).toBe(0);
}

describe('promptops canary', () => {
  it("a canary release carries the project's plan, and canary status shows it", async () => {
    await stableAndCandidate();
    const released = await cli('release', '2', '--env', 'production', '--canary', '5');
    expect(released.code, released.output).toBe(0);

    const status = await cli('canary', 'status', 'support-reply', '--env', 'production', '--json');
    expect(status.code, status.output).toBe(0);
    const [analysis] = JSON.parse(status.stdout).analyses;
    expect(analysis).toMatchObject({
      prompt: 'support-reply',
      environment: 'production',
      state: 'running',
      stable: 1,
      canary: { version: 2, weight: 5 },
      step: 0,
      plan: { steps: [5, 50, 100], interval: '10m', minSamples: 300, failureLimit: 2 },
      intervals: [],
    });
    const text = await cli('canary', 'status');
    expect(text.stdout).toContain('support-reply production: canary @2 beside @1 at 5% — running');
    expect(text.stdout).toContain('no interval has ended yet');

    // --watch waits for a decision: none comes here (no serve runs the analysis), so it gives up.
    const waited = await cli('canary', 'status', 'support-reply', '--watch', '--timeout', '1s');
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain('still running after 1s: no decision yet');
    // Once the canary is decided (here by hand), --watch shows it at once.
    expect((await cli('rollback', 'support-reply', '--env', 'production')).code).toBe(0);
    const decided = await cli('canary', 'status', 'support-reply', '--watch', '--json');
    expect(decided.code, decided.output).toBe(0);
    expect(JSON.parse(decided.stdout).analyses[0].state).toBe('rolled back');
  });

  it('--no-analysis releases a canary nobody judges; a bad --analysis-plan is refused before anything moves', async () => {
    await stableAndCandidate();
    await writeFile(
      path.join(dir(), 'plan.yaml'),
      'steps: [50, 5]\ninterval: 10m\nmetrics: [{ metric: error_rate, maxIncrease: 0.02 }]\n',
    );
    const refused = await cli(
      'release',
      '2',
      '--env',
      'production',
      '--canary',
      '5',
      '--analysis-plan',
      'plan.yaml',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('plan.yaml: steps must increase, not 50 → 5');

    const released = await cli('release', '2', '--env', 'production', '--canary', '5', '--no-analysis');
    expect(released.code, released.output).toBe(0);
    const status = await cli('canary', 'status', '--json');
    expect(JSON.parse(status.stdout).analyses).toEqual([]);
  });
});
