import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PromptOpsError } from '../../src/errors.js';
import { createClient, type PromptOpsClient } from '../../src/runtime/client.js';
import { openStore } from '../../src/store/index.js';
import { pushInProcess, runCli, useTempDir } from '../helpers.js';

const dir = useTempDir({ examples: true });
let client: PromptOpsClient;

const input = { orderId: 'A-1', product: 'router', daysSincePurchase: 45, amount: 99, reason: 'broken' };

async function edit(file: string, from: string, to: string): Promise<void> {
  const full = path.join(dir(), 'prompts', file);
  await writeFile(full, (await readFile(full, 'utf8')).replace(from, to));
}

async function traces() {
  await client.flush();
  const store = await openStore('sqlite:.promptops/registry.db', dir(), { project: 'acme-support' });
  try {
    return await store.listTraces();
  } finally {
    await store.close();
  }
}

afterEach(async () => {
  await client?.close();
});

describe('the pipeline', () => {
  it('refuses per-call overrides the prompt does not allow, before any model call', async () => {
    await pushInProcess(dir());
    client = createClient({ cwd: dir() });
    const err = await client
      .run('refund-decision', input, { config: { temperature: 0.9 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PromptOpsError);
    expect((err as PromptOpsError).message).toContain('does not allow overriding config.temperature');
    const [trace] = await traces();
    expect(trace).toMatchObject({ status: 'error', attempts: [], model: null });
  });

  it('applies the overrides the prompt allows', async () => {
    await edit(
      'refund-decision.prompt',
      'promptops.risk: critical',
      'promptops.risk: critical\npromptops.overrides:\n  model: true\n  config: [temperature]',
    );
    await pushInProcess(dir());
    client = createClient({ cwd: dir() });
    const result = await client
      .run('refund-decision', input, { model: 'offline/echo', config: { temperature: 0.5 } })
      .catch((e: PromptOpsError) => e);
    // offline/echo answers with the prompt text, which breaks the JSON output contract: the point
    // is that the overridden model was the one called
    expect((result as PromptOpsError).code).toBe('PO_ERR_OUTPUT_INVALID');
    const [trace] = await traces();
    expect(trace?.model).toBe('offline/echo');
  });

  it('keeps inputs and outputs out of traces when the prompt says redact: all', async () => {
    await edit(
      'refund-decision.prompt',
      'promptops.risk: critical',
      'promptops.risk: critical\npromptops.trace:\n  redact: all',
    );
    await pushInProcess(dir());
    client = createClient({ cwd: dir() });
    const result = await client.run<{ decision: string }>('refund-decision', input);
    expect(result.output.decision).toBe('needs-review');
    const [trace] = await traces();
    expect(trace).toMatchObject({ input: '[redacted]', output: '[redacted]', status: 'ok' });
    expect(JSON.stringify(trace)).not.toContain('broken');
  });

  it('fails clearly when a knowledge entity the prompt needs is missing, instead of rendering blanks', async () => {
    await writeFile(path.join(dir(), 'knowledge.yaml'), 'entities: {}\n');
    await pushInProcess(dir());
    client = createClient({ cwd: dir() });
    const err = (await client.run('refund-decision', input).catch((e: unknown) => e)) as PromptOpsError;
    expect(err.code).toBe('PO_ERR_CONTRACT_VIOLATION');
    expect(err.message).toContain('policy:refund-policy-2026');
    expect(err.details.traceId).toEqual(expect.any(String));
  });

  it('runs an exact version, and the version a label points at, even after newer pushes', async () => {
    await pushInProcess(dir());
    await runCli(['label', 'set', 'refund-decision@1', 'production'], { cwd: dir() });
    await edit(
      'refund-decision.prompt',
      'Cite the entity ids you relied on.',
      'Cite every entity id you relied on.',
    );
    await pushInProcess(dir());
    client = createClient({ cwd: dir(), environment: 'production' });
    expect((await client.run('refund-decision', input)).version.number).toBe(1);
    expect((await client.run('refund-decision', input, { version: 2 })).version.number).toBe(2);
    // Every reference form the CLI takes
    const latest = createClient({ cwd: dir() });
    try {
      expect((await latest.run('refund-decision:production', input)).version.number).toBe(1);
      expect((await latest.run('refund-decision@1', input)).version.number).toBe(1);
      expect((await latest.run('refund-decision@latest', input)).version.number).toBe(2);
      expect((await latest.run('refund-decision', input)).version.number).toBe(2);
      await expect(latest.run('refund-decision@1', input, { version: 2 })).rejects.toMatchObject({
        code: 'PO_ERR_USAGE',
      });
      await expect(latest.run('refund decision', input)).rejects.toMatchObject({
        code: 'PO_ERR_REF_INVALID',
      });
    } finally {
      await latest.close();
    }
  });
});
