import { existsSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Trace } from '../../src/observe/trace.js';
import { createClient, type PromptOpsClient } from '../../src/runtime/client.js';
import { openStore, type RegistryStore } from '../../src/store/index.js';
import { runCli, tempDir } from '../helpers.js';
import { closeFakeServers, type FakeServer, openAiAnswer, startFakeServer } from './fake-server.js';
import { expectNoSecret, KEY, rejectionOf } from './support.js';

const PROJECT = 'http-e2e';
const PROMPT = `---
name: classify
description: Sorts a support ticket into a category.
model: fake/some-model
config:
  temperature: 0
  maxOutputTokens: 200
input:
  schema:
    ticket: string, the customer's message
output:
  format: json
  schema:
    category(enum): [billing, technical, other]
    urgent: boolean
---
{{role "system"}}
Classify the support ticket. Answer with JSON only.

{{role "user"}}
{{ticket}}
`;

const VALID = '{"category":"billing","urgent":false}';

let dir: string;
let cleanup: () => Promise<void>;
let server: FakeServer;
const clients: PromptOpsClient[] = [];
const stores: RegistryStore[] = [];

/** promptops.yaml naming the fake server at `url` as provider `fake`. */
const projectConfig = (url: string) =>
  [
    `project: ${PROJECT}`,
    'catalog: prompts',
    'providers:',
    '  fake:',
    '    type: openai-compatible',
    `    baseUrl: ${url}/v1`,
    '    apiKeyEnv: FAKE_KEY',
    '',
  ].join('\n');

// The prompt is pushed once, with the built CLI; each test starts from a copy of that project.
let pushed: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  pushed = await tempDir('promptops-http-pushed-');
  await writeFile(path.join(pushed.dir, 'promptops.yaml'), projectConfig('http://127.0.0.1:9'));
  await mkdir(path.join(pushed.dir, 'prompts'));
  await writeFile(path.join(pushed.dir, 'prompts', 'classify.prompt'), PROMPT);
  const push = await runCli(['push', '-m', 'initial'], { cwd: pushed.dir });
  expect(push.stderr).toBe('');
  expect(push.code).toBe(0);
});

afterAll(async () => pushed?.cleanup());

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('promptops-http-'));
  await cp(pushed.dir, dir, { recursive: true });
  server = await startFakeServer([{ json: openAiAnswer(VALID) }]);
  await writeFile(path.join(dir, 'promptops.yaml'), projectConfig(server.url));
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const store of stores.splice(0)) await store.close();
  await closeFakeServers();
  await cleanup();
});

function client(env: NodeJS.ProcessEnv = { FAKE_KEY: KEY }): PromptOpsClient {
  const created = createClient({ cwd: dir, env, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
  clients.push(created);
  return created;
}

async function storedTraces(): Promise<Trace[]> {
  const store = await openStore('sqlite:.promptops/registry.db', dir, { project: PROJECT });
  stores.push(store);
  return store.listTraces({ limit: 100 });
}

type Body = { model: string; messages: { role: string; content: string }[] } & Record<string, unknown>;
const bodyOf = (i: number) => server.requests[i]!.body as Body;

describe('a prompt run against an OpenAI-compatible server', () => {
  it('returns the validated JSON output and sends the rendered prompt in JSON mode', async () => {
    const sdk = client();
    const result = await sdk.run('classify', { ticket: 'I was charged twice' });
    expect(result.output).toEqual({ category: 'billing', urgent: false });
    expect(result.text).toBe(VALID);
    expect(result.model).toBe('fake/some-model');
    expect(result.version).toMatchObject({ prompt: 'classify', number: 1 });
    expect(result.usage).toEqual({ inputTokens: 11, outputTokens: 7 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(bodyOf(0)).toMatchObject({
      model: 'some-model',
      temperature: 0,
      max_tokens: 200,
      response_format: { type: 'json_object' },
    });
    expect(bodyOf(0).messages).toEqual([
      { role: 'system', content: expect.stringContaining('Classify the support ticket.') },
      { role: 'user', content: expect.stringContaining('I was charged twice') },
    ]);
  });

  it('re-asks once after a malformed JSON answer, telling the model what was wrong', async () => {
    server.script([
      { json: openAiAnswer('Sure! {not json', { prompt_tokens: 50, completion_tokens: 6 }) },
      { json: openAiAnswer(VALID, { prompt_tokens: 80, completion_tokens: 9 }) },
    ]);
    const sdk = client();
    const result = await sdk.run('classify', { ticket: 'I was charged twice' });
    expect(result.output).toEqual({ category: 'billing', urgent: false });
    expect(result.usage).toEqual({ inputTokens: 130, outputTokens: 15 });
    expect(server.requests).toHaveLength(2);
    const [first, second] = [bodyOf(0), bodyOf(1)];
    expect(second.messages.slice(0, 2)).toEqual(first.messages);
    expect(second.messages[2]).toEqual({ role: 'assistant', content: 'Sure! {not json' });
    expect(second.messages[3]!.role).toBe('user');
    expect(second.messages[3]!.content).toContain('does not meet the required format');
    expect(second.messages[3]!.content).toContain('the answer holds no valid JSON');
    expect(second.messages[3]!.content).toContain('corrected JSON');

    await sdk.flush();
    const trace = (await storedTraces()).find((t) => t.id === result.traceId);
    expect(trace).toMatchObject({ status: 'ok', reasks: 1, model: 'fake/some-model', error: null });
    expect(trace!.usage).toEqual({ inputTokens: 130, outputTokens: 15 });
    expect(trace!.attempts).toHaveLength(2);
  });

  it('re-asks with the schema problem when the JSON breaks the output schema', async () => {
    server.script([
      { json: openAiAnswer('{"category":"refunds","urgent":false}') },
      { json: openAiAnswer(VALID) },
    ]);
    const result = await client().run('classify', { ticket: 'I was charged twice' });
    expect(result.output).toEqual({ category: 'billing', urgent: false });
    expect(server.requests).toHaveLength(2);
    const reask = bodyOf(1).messages.at(-1)!;
    expect(reask.role).toBe('user');
    expect(reask.content).toContain('category must be one of "billing", "technical", "other"');
  });

  it('fails with PO_ERR_OUTPUT_INVALID, the raw answer and the trace id when the model never complies', async () => {
    server.script([{ json: openAiAnswer('I cannot classify this.') }]);
    const sdk = client();
    const err = await rejectionOf(sdk.run('classify', { ticket: 'hello' }));
    expect(err.code).toBe('PO_ERR_OUTPUT_INVALID');
    expect(err.message).toContain('classify@1');
    expect(err.message).toContain('after 1 re-ask');
    const details = err.details as { raw: string; traceId: string; problems: string[] };
    expect(details.raw).toBe('I cannot classify this.');
    expect(details.traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(details.problems).toEqual(['the answer holds no valid JSON; answer with a single JSON object']);
    expect(server.requests).toHaveLength(2);

    await sdk.flush();
    const trace = (await storedTraces()).find((t) => t.id === details.traceId);
    expect(trace).toMatchObject({
      status: 'error',
      reasks: 1,
      output: 'I cannot classify this.',
      error: { code: 'PO_ERR_OUTPUT_INVALID' },
    });
  });

  it('retries a 429 within the client retry policy and records the wait on the trace', async () => {
    server.script([
      { status: 429, headers: { 'retry-after': '1' }, json: { error: 'slow down' } },
      { json: openAiAnswer(VALID) },
    ]);
    const sdk = client();
    const result = await sdk.run('classify', { ticket: 'I was charged twice' });
    expect(server.requests).toHaveLength(2);
    await sdk.flush();
    const trace = (await storedTraces()).find((t) => t.id === result.traceId);
    expect(trace!.attempts).toMatchObject([
      // Retry-After: 1 is capped by maxDelayMs: 5, so the run waits 5 ms, not a second.
      { attempt: 1, error: { code: 'PO_ERR_PROVIDER_RATE_LIMITED' }, waitedMs: 5 },
      { attempt: 2 },
    ]);
  });

  it('names the missing key variable when FAKE_KEY is not set, and calls no server', async () => {
    const err = await rejectionOf(client({}).run('classify', { ticket: 'hello' }));
    expect(err.code).toBe('PO_ERR_PROVIDER_NOT_CONFIGURED');
    expect(err.message).toContain('FAKE_KEY');
    expect(typeof (err.details as { traceId: unknown }).traceId).toBe('string');
    expect(server.requests).toHaveLength(0);
  });

  it('stores a trace per run with stage timings, usage, model and status', async () => {
    const sdk = client();
    const ok = await sdk.run('classify', { ticket: 'first' }, { metadata: { user: 'u-1' } });
    server.script([{ json: openAiAnswer('not JSON at all') }]);
    const invalid = await rejectionOf(sdk.run('classify', { ticket: 'second' }));
    await sdk.flush();

    expect(existsSync(path.join(dir, '.promptops', 'registry.db'))).toBe(true);
    const traces = await storedTraces();
    expect(traces).toHaveLength(2);
    const okTrace = traces.find((t) => t.id === ok.traceId)!;
    const invalidTrace = traces.find((t) => t.id === (invalid.details as { traceId: string }).traceId)!;
    for (const trace of [okTrace, invalidTrace]) {
      expect(trace).toMatchObject({
        project: PROJECT,
        prompt: 'classify',
        version: { number: 1, hash: ok.version.hash },
        model: 'fake/some-model',
        environment: null,
      });
      expectStageTimings(trace);
      expect(trace.timings.model).toBeGreaterThan(0);
      expect(trace.timings.total).toBeGreaterThanOrEqual(trace.timings.model);
      expect(trace.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect(okTrace).toMatchObject({
      status: 'ok',
      error: null,
      usage: { inputTokens: 11, outputTokens: 7 },
      costUsd: null,
      input: { ticket: 'first' },
      output: { category: 'billing', urgent: false },
      reasks: 0,
      metadata: { user: 'u-1' },
      attempts: [{ model: 'fake/some-model', attempt: 1 }],
    });
    expect(invalidTrace).toMatchObject({
      status: 'error',
      error: { code: 'PO_ERR_OUTPUT_INVALID' },
      usage: { inputTokens: 22, outputTokens: 14 },
      output: 'not JSON at all',
      reasks: 1,
    });
    expect(invalidTrace.attempts).toHaveLength(2);
  });

  it('records the model and every failed attempt on the trace when the provider fails', async () => {
    server.script([{ status: 503, json: { error: 'overloaded' } }]);
    const sdk = client();
    const err = await rejectionOf(sdk.run('classify', { ticket: 'hello' }));
    expect(err.code).toBe('PO_ERR_PROVIDER_UNAVAILABLE');
    expect(server.requests).toHaveLength(3);
    await sdk.flush();
    const trace = (await storedTraces()).find((t) => t.id === (err.details as { traceId: string }).traceId)!;
    expect(trace).toMatchObject({ status: 'error', error: { code: 'PO_ERR_PROVIDER_UNAVAILABLE' } });
    expectStageTimings(trace);
    expect(trace.model).toBe('fake/some-model');
    expect(trace.attempts.map((a) => [a.model, a.attempt, a.error?.code])).toEqual([
      ['fake/some-model', 1, 'PO_ERR_PROVIDER_UNAVAILABLE'],
      ['fake/some-model', 2, 'PO_ERR_PROVIDER_UNAVAILABLE'],
      ['fake/some-model', 3, 'PO_ERR_PROVIDER_UNAVAILABLE'],
    ]);
    expect(trace.timings.model).toBeGreaterThan(0);
  });

  it('never puts the API key in a trace or an error, even when the server echoes it', async () => {
    const sdk = client();
    const ok = await sdk.run('classify', { ticket: 'first' });

    server.script([{ status: 401, json: { error: { message: `Incorrect API key provided: ${KEY}` } } }]);
    const rejected = await rejectionOf(sdk.run('classify', { ticket: 'second' }));

    server.script([{ status: 500, body: `upstream said: authorization=Bearer ${KEY}` }]);
    const unavailable = await rejectionOf(sdk.run('classify', { ticket: 'third' }));

    server.script([{ hang: true }]);
    const slow = createClient({
      cwd: dir,
      env: { FAKE_KEY: KEY },
      retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2, perTryTimeoutMs: 100 },
    });
    clients.push(slow);
    const timedOut = await rejectionOf(slow.run('classify', { ticket: 'fourth' }));

    expect(rejected.code).toBe('PO_ERR_PROVIDER_REJECTED');
    expect(rejected.message).toMatch(/check the API key/);
    expect(unavailable.code).toBe('PO_ERR_PROVIDER_UNAVAILABLE');
    expect(timedOut.code).toBe('PO_ERR_PROVIDER_TIMEOUT');
    for (const err of [rejected, unavailable, timedOut]) expectNoSecret(err);

    await sdk.flush();
    await slow.flush();
    const traces = await storedTraces();
    const ids = [ok, ...[rejected, unavailable, timedOut].map((e) => e.details as { traceId: string })].map(
      (r) => r.traceId,
    );
    expect(traces.map((t) => t.id).sort()).toEqual([...ids].sort());
    expect(
      traces
        .filter((t) => t.status === 'error')
        .map((t) => t.error?.code)
        .sort(),
    ).toEqual(['PO_ERR_PROVIDER_REJECTED', 'PO_ERR_PROVIDER_TIMEOUT', 'PO_ERR_PROVIDER_UNAVAILABLE']);
    for (const trace of traces) expectNoSecret(trace);
  });
});

function expectStageTimings(trace: Trace): void {
  for (const stage of ['resolve', 'validate', 'render', 'model', 'output', 'total'] as const) {
    expect(Number.isFinite(trace.timings[stage]), stage).toBe(true);
    expect(trace.timings[stage], stage).toBeGreaterThanOrEqual(0);
  }
  const stages =
    trace.timings.resolve +
    trace.timings.validate +
    trace.timings.render +
    trace.timings.model +
    trace.timings.output;
  expect(trace.timings.total).toBeGreaterThanOrEqual(stages - 1);
}
