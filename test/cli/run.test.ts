import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { runCli, useTempDir } from '../helpers.js';
import { traceRecord } from '../store/fixtures.js';

const dir = useTempDir({ examples: true });

beforeEach(async () => {
  expect((await runCli(['push'], { cwd: dir() })).code).toBe(0);
  expect((await runCli(['label', 'set', 'support-reply@1', 'production'], { cwd: dir() })).code).toBe(0);
});

describe('promptops run and traces', () => {
  it('runs a prompt on the offline provider and records a trace with per-stage timings', async () => {
    const result = await runCli(
      ['run', 'support-reply', '--env', 'production', '--input', '@inputs/support-reply.json', '--json'],
      { cwd: dir() },
    );
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout);
    expect(run.output).toMatchObject({ escalate: false, category: 'billing' });
    expect(run.version).toMatchObject({ prompt: 'support-reply', number: 1 });
    expect(run.mutations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'channel', rule: 'default' }),
        expect.objectContaining({ path: 'message', rule: 'trim' }),
      ]),
    );
    const traces = JSON.parse((await runCli(['traces', '--json'], { cwd: dir() })).stdout).traces;
    expect(traces).toHaveLength(1);
    const trace = traces[0];
    expect(trace).toMatchObject({
      id: run.traceId,
      prompt: 'support-reply',
      status: 'ok',
      environment: 'production',
      model: 'offline/scripted',
      costUsd: 0,
    });
    for (const stage of ['resolve', 'validate', 'render', 'model', 'output', 'total'])
      expect(trace.timings[stage]).toBeGreaterThanOrEqual(0);
    expect(trace.usage.inputTokens).toBeGreaterThan(0);
    expect(trace.input.customer.name).toBe('[redacted]');
  });

  it('refuses a bad input before any model call, exit 2, and still records the failure', async () => {
    const result = await runCli(
      ['run', 'support-reply', '--input', '{"customer":{"name":"D","tier":"gold"}}'],
      { cwd: dir() },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error[PO_ERR_CONTRACT_VIOLATION]');
    expect(result.stderr).toContain('customer.tier must be one of "free", "pro", "enterprise" (got "gold")');
    expect(result.stderr).toContain('message is required');
    const failures = JSON.parse(
      (await runCli(['traces', '--status', 'error', '--json'], { cwd: dir() })).stdout,
    ).traces;
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      status: 'error',
      error: { code: 'PO_ERR_CONTRACT_VIOLATION' },
      model: null,
      attempts: [],
    });
    const table = await runCli(['traces'], { cwd: dir() });
    expect(table.stdout).toContain('PO_ERR_CONTRACT_VIOLATION');

    // One trace, readable
    const shown = await runCli(['traces', 'show', failures[0].id], { cwd: dir() });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`trace ${failures[0].id}`);
    expect(shown.stdout).toContain('PO_ERR_CONTRACT_VIOLATION');
    expect(shown.stdout).toMatch(/RESOLVE\s+VALIDATE\s+GUARDRAILS/);
    const json = JSON.parse(
      (await runCli(['traces', 'show', failures[0].id, '--json'], { cwd: dir() })).stdout,
    );
    expect(json).toEqual(failures[0]);
    const missing = await runCli(['traces', 'show', 'no-such-trace'], { cwd: dir() });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('PO_ERR_TRACE_NOT_FOUND');
  });

  it('filters traces by version, environment and time, and takes -n', async () => {
    const input = ['--input', '@inputs/support-reply.json'];
    await runCli(['run', 'support-reply', '--env', 'production', ...input], { cwd: dir() });
    await runCli(['run', 'support-reply@1', ...input], { cwd: dir() });
    const list = async (...args: string[]) =>
      JSON.parse((await runCli(['traces', '--json', ...args], { cwd: dir() })).stdout).traces as {
        environment: string | null;
      }[];
    expect(await list('-n', '1')).toHaveLength(1);
    expect(await list('--env', 'production')).toEqual([
      expect.objectContaining({ environment: 'production' }),
    ]);
    expect(await list('--prompt', 'support-reply', '--version', '1')).toHaveLength(2);
    expect(await list('--prompt', 'support-reply', '--version', '9')).toHaveLength(0);
    expect(await list('--since', '1h')).toHaveLength(2);
    expect(await list('--until', '1h')).toHaveLength(0);
    expect(await list('--since', '2000-01-01', '--until', '2000-01-02')).toHaveLength(0);
    const bad = await runCli(['traces', '--since', 'yesterday'], { cwd: dir() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since takes a duration back from now');
    const orphan = await runCli(['traces', '--version', '1'], { cwd: dir() });
    expect(orphan.stderr).toContain('--version needs --prompt');
  });

  it('filters traces by the canary arm a gateway routed them to, and shows the arm', async () => {
    const store = await openStore('sqlite:.promptops/registry.db', dir(), { project: 'acme-support' });
    const at = new Date().toISOString();
    const routed = (id: string, arm: 'stable' | 'canary' | null) =>
      traceRecord(id, { project: 'acme-support', environment: 'production', startedAt: at, arm });
    await store.writeTraces([
      routed('t-stable', 'stable'),
      routed('t-canary', 'canary'),
      routed('t-none', null),
    ]);
    await store.close();
    const ids = async (...args: string[]) =>
      (
        JSON.parse((await runCli(['traces', '--json', ...args], { cwd: dir() })).stdout).traces as {
          id: string;
        }[]
      )
        .map((t) => t.id)
        .sort();
    expect(await ids('--arm', 'canary')).toEqual(['t-canary']);
    expect(await ids('--arm', 'stable', '--env', 'production')).toEqual(['t-stable']);
    expect(await ids()).toEqual(['t-canary', 't-none', 't-stable']);
    const table = await runCli(['traces', '--arm', 'canary'], { cwd: dir() });
    expect(table.stdout).toContain('production (canary)');
    expect((await runCli(['traces', 'show', 't-canary'], { cwd: dir() })).stdout).toMatch(/arm\s+canary/);
    const bad = await runCli(['traces', '--arm', 'blue'], { cwd: dir() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--arm must be stable or canary, not "blue"');
  });

  it('says which environment variable to set for a provider key, and never prints a key', async () => {
    const file = path.join(dir(), 'prompts', 'contract-extractor.prompt');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('model: offline/scripted', 'model: openai/gpt-4o-mini'),
    );
    await runCli(['push'], { cwd: dir() });
    const missing = await runCli(
      ['run', 'contract-extractor', '--input', '@inputs/contract-extractor.json'],
      { cwd: dir(), env: { OPENAI_API_KEY: '' } },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('export OPENAI_API_KEY=');
    const offline = await runCli(
      [
        'run',
        'contract-extractor',
        '--provider',
        'offline',
        '--input',
        '@inputs/contract-extractor.json',
        '--json',
      ],
      {
        cwd: dir(),
        env: { OPENAI_API_KEY: 'sk-never-shown-123456789' },
      },
    );
    // --provider offline runs offline/echo, whose text answer breaks the JSON output contract
    expect(offline.code).toBe(1);
    expect(JSON.parse(offline.stderr).error.code).toBe('PO_ERR_OUTPUT_INVALID');
    const all = (await runCli(['traces', '--json'], { cwd: dir() })).stdout;
    expect(all).not.toContain('sk-never-shown');
  });

  it('rejects unreadable or malformed --input with exit 2', async () => {
    const bad = await runCli(['run', 'support-reply', '--input', '{nope'], { cwd: dir() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--input must be JSON');
    const missing = await runCli(['run', 'support-reply', '--input', '@missing.json'], { cwd: dir() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the input file missing.json');
    const limit = await runCli(['traces', '--limit', 'lots'], { cwd: dir() });
    expect(limit.code).toBe(2);
  });
});
