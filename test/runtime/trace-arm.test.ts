/**
 * A run a gateway routed records its canary arm on the trace; any other run records none (null).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openProjectStore, runtimeDependencies } from '../../src/compose.js';
import type { Trace } from '../../src/observe/trace.js';
import { TraceQueue } from '../../src/observe/trace-queue.js';
import { openWorkspace } from '../../src/project/workspace.js';
import { runPipeline } from '../../src/runtime/pipeline.js';
import { pushInProcess, useTempDir } from '../helpers.js';

const dir = useTempDir({ examples: true });

it('copies the arm of the request into its trace, and records null without one', async () => {
  await pushInProcess(dir());
  const ws = await openWorkspace(dir());
  const store = await openProjectStore(ws, process.env);
  const traced: Trace[] = [];
  const queue = new TraceQueue({ sink: async (batch) => void traced.push(...batch) });
  try {
    const deps = await runtimeDependencies(ws, store, { traces: queue });
    const input = JSON.parse(await readFile(path.join(dir(), 'inputs', 'support-reply.json'), 'utf8'));
    const run = (arm?: 'stable' | 'canary') =>
      runPipeline(deps, { prompt: 'support-reply', input, provider: 'offline', ...(arm ? { arm } : {}) });
    const ids = [(await run('canary')).traceId, (await run('stable')).traceId, (await run()).traceId];
    await queue.flush();
    const armOf = new Map(traced.map((t) => [t.id, t.arm]));
    expect(ids.map((id) => armOf.get(id))).toEqual(['canary', 'stable', null]);
  } finally {
    await store.close();
  }
});
