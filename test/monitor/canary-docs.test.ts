import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProjectConfig } from '../../src/project/config.js';

const doc = readFileSync(new URL('../../docs/monitoring.md', import.meta.url), 'utf8');

describe('the canary analysis docs', () => {
  it("show a promptops.yaml canary: plan the config loader accepts, every metric's threshold included", () => {
    // The plan of "Canary analysis" (the walk-through before it has a short one of its own).
    const yaml = /```yaml\n(canary:\n {2}steps: \[5, 25[\s\S]*?)```/.exec(doc)?.[1];
    expect(yaml).toBeDefined();
    const { config, diagnostics } = parseProjectConfig(`project: acme\n${yaml}`, 'promptops.yaml');
    expect(diagnostics).toEqual([]);
    expect(config?.canary).toMatchObject({ steps: [5, 25, 50, 100], interval: '10m', failureLimit: 2 });
    expect(config?.canary?.metrics.map((m) => m.metric)).toEqual([
      'error_rate',
      'block_rate',
      'schema_valid_rate',
      'p95_latency_ms',
      'cost_per_request',
      'negative_feedback_rate',
      'grader_score',
    ]);
  });

  it('refuses a config whose plan cannot work, saying what to fix', () => {
    expect(() =>
      parseProjectConfig(
        'project: acme\ncanary:\n  steps: [25, 5]\n  interval: 10m\n  metrics: [{ metric: error_rate, maxIncrease: 0.02 }]\n',
        'promptops.yaml',
      ),
    ).toThrow(/promptops.yaml canary: steps must increase/);
    const { diagnostics } = parseProjectConfig(
      'project: acme\ncanary:\n  steps: [5]\n  interval: 10 minutes\n  metrics: []\n',
      'promptops.yaml',
    );
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch(/interval/);
    // Durations read as everywhere else in promptops.yaml (1d included), but never zero.
    const plan = (interval: string) =>
      `project: acme\ncanary:\n  steps: [5, 100]\n  interval: ${interval}\n  metrics: [{ metric: error_rate, maxIncrease: 0.02 }]\n`;
    expect(parseProjectConfig(plan('1d'), 'promptops.yaml').config?.canary?.interval).toBe('1d');
    expect(() => parseProjectConfig(plan('0m'), 'promptops.yaml')).toThrow(/above zero/);
  });
});
