/**
 * The metrics a gateway derives from traces, in process: label sets stay bounded (past the cap
 * they fold into `other`, keeping arm and status), and the metered sink counts what it passes on.
 */
import { describe, expect, it } from 'vitest';
import { meteredSink, TraceMetrics } from '../../src/observe/metrics.js';
import { TraceQueue } from '../../src/observe/trace-queue.js';
import { traceRecord } from '../store/fixtures.js';

describe('trace metrics', () => {
  it('folds prompts past the cap of label sets into "other", keeping arm and status', async () => {
    const metrics = new TraceMetrics(2);
    for (const prompt of ['a', 'b', 'c', 'd']) {
      metrics.observe(traceRecord(`t-${prompt}`, { prompt, environment: 'production', arm: 'canary' }));
    }
    metrics.observe(
      traceRecord('t-e', { prompt: 'e', environment: 'production', arm: 'stable', status: 'error' }),
    );
    const text = await metrics.registry.metrics();
    const executions = text.split('\n').filter((line) => line.startsWith('promptops_executions_total{'));
    expect(executions).toEqual([
      'promptops_executions_total{prompt="a",version="1",environment="production",arm="canary",status="ok"} 1',
      'promptops_executions_total{prompt="b",version="1",environment="production",arm="canary",status="ok"} 1',
      'promptops_executions_total{prompt="other",version="other",environment="other",arm="canary",status="ok"} 2',
      'promptops_executions_total{prompt="other",version="other",environment="other",arm="stable",status="error"} 1',
    ]);
  });

  it("counts every trace the metered sink passes on, and shows the sink's depth when scraped", async () => {
    const metrics = new TraceMetrics();
    const sent: unknown[] = [];
    const queue = new TraceQueue({ sink: async (batch) => void sent.push(...batch) });
    const sink = meteredSink(queue, metrics);
    expect(
      sink.enqueue(traceRecord('t1', { costUsd: 0.25, usage: { inputTokens: 10, outputTokens: 4 } })),
    ).toBe(true);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'promptops_tokens_total{prompt="summarize",model="offline/echo",direction="input"} 10',
    );
    expect(text).toContain('promptops_cost_usd_total{prompt="summarize",model="offline/echo"} 0.25');
    expect(text).toMatch(/^promptops_traces_enqueued_total 1$/m);
    await sink.flush();
    expect(sent).toHaveLength(1);
  });
});
