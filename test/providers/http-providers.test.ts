import { type TextMessage, toMessage } from '@promptops/client/render';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { callModel } from '../../src/providers/call.js';
import type { ProviderSettings } from '../../src/providers/definitions.js';
import { createProviderLookup } from '../../src/providers/index.js';
import type { ModelRequest } from '../../src/providers/types.js';
import {
  anthropicAnswer,
  closeFakeServers,
  type FakeScript,
  type FakeServer,
  openAiAnswer,
  startFakeServer,
} from './fake-server.js';
import { expectNoSecret, fakeClockDeps, KEY, POLICY, recordingDeps, rejectionOf } from './support.js';

afterEach(async () => {
  vi.useRealTimers();
  await closeFakeServers();
});

const ENV = { FAKE_KEY: KEY };

const CONVERSATION: TextMessage[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: 'Hello.' },
  { role: 'user', content: 'What is 2+2? Answer in JSON.' },
];

/** A request whose messages are written as text (role `assistant` is the model's, as in OpenAI's wire format). */
function request(
  overrides: Partial<Omit<ModelRequest, 'model' | 'messages'>> & { messages?: TextMessage[] } = {},
): Omit<ModelRequest, 'model'> {
  const { messages = CONVERSATION, ...rest } = overrides;
  return {
    messages: messages.map(toMessage),
    config: { temperature: 0.2, maxOutputTokens: 300 },
    format: 'text',
    ...rest,
  };
}

interface Flavor {
  type: 'openai-compatible' | 'anthropic';
  /** The baseUrl a user would configure for a server at `url`. */
  baseUrl: (url: string) => string;
  /** The path the adapter must POST to. */
  path: string;
  answer: (text: string) => unknown;
}

const OPENAI: Flavor = {
  type: 'openai-compatible',
  baseUrl: (url) => `${url}/v1`,
  path: '/v1/chat/completions',
  answer: (text) => openAiAnswer(text),
};
const ANTHROPIC: Flavor = {
  type: 'anthropic',
  baseUrl: (url) => url,
  path: '/v1/messages',
  answer: (text) => anthropicAnswer(text),
};

/** Starts a fake server speaking `flavor` and returns it with provider settings pointing at it. */
async function fakeProvider(
  flavor: Flavor,
  script: FakeScript,
): Promise<{ server: FakeServer; settings: ProviderSettings }> {
  const server = await startFakeServer(script);
  return {
    server,
    settings: { type: flavor.type, baseUrl: flavor.baseUrl(server.url), apiKeyEnv: 'FAKE_KEY' },
  };
}

async function single(flavor: Flavor, script: FakeScript) {
  const { server, settings } = await fakeProvider(flavor, script);
  const lookup = createProviderLookup({ fake: settings }, process.cwd(), ENV);
  return { server, lookup };
}

describe('OpenAI-compatible provider over HTTP', () => {
  it('sends the model without its provider prefix, the messages, settings and JSON mode', async () => {
    const { server, lookup } = await single(OPENAI, [{ json: openAiAnswer('{"answer":4}') }]);
    await callModel(
      ['fake/meta-llama/Llama-3.1-8B'],
      request({
        config: { temperature: 0.2, maxOutputTokens: 300, topP: 0.9, stopSequences: ['END'] },
        format: 'json',
      }),
      lookup,
      POLICY,
    );
    expect(server.requests).toHaveLength(1);
    const [received] = server.requests;
    expect(received!.method).toBe('POST');
    expect(received!.path).toBe('/v1/chat/completions');
    expect(received!.body).toEqual({
      model: 'meta-llama/Llama-3.1-8B',
      messages: CONVERSATION,
      temperature: 0.2,
      top_p: 0.9,
      max_tokens: 300,
      stop: ['END'],
      response_format: { type: 'json_object' },
    });
  });

  it('asks for free text (no response_format) when the prompt wants text', async () => {
    const { server, lookup } = await single(OPENAI, [{ json: openAiAnswer('four') }]);
    await callModel(['fake/gpt-4o-mini'], request({ config: {}, format: 'text' }), lookup, POLICY);
    expect(server.requests[0]!.body).toEqual({ model: 'gpt-4o-mini', messages: CONVERSATION });
  });

  it('authenticates with a Bearer token and sends JSON', async () => {
    const { server, lookup } = await single(OPENAI, [{ json: openAiAnswer('ok') }]);
    await callModel(['fake/gpt-4o-mini'], request(), lookup, POLICY);
    const headers = server.requests[0]!.headers;
    expect(headers.authorization).toBe(`Bearer ${KEY}`);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-api-key']).toBeUndefined();
  });

  it('sends no Authorization header to a keyless local server', async () => {
    const server = await startFakeServer([{ json: openAiAnswer('ok') }]);
    const lookup = createProviderLookup(
      { local: { type: 'openai-compatible', baseUrl: `${server.url}/v1/` } },
      process.cwd(),
      {},
    );
    const result = await callModel(['local/llama3'], request(), lookup, POLICY);
    expect(result.response.text).toBe('ok');
    expect(server.requests[0]!.path).toBe('/v1/chat/completions');
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('returns the answer text, token usage and finish reason', async () => {
    const { lookup } = await single(OPENAI, [
      { json: openAiAnswer('{"answer":4}', { prompt_tokens: 42, completion_tokens: 5 }, 'length') },
    ]);
    const result = await callModel(['fake/gpt-4o-mini'], request(), lookup, POLICY);
    expect(result.response).toEqual({
      text: '{"answer":4}',
      usage: { inputTokens: 42, outputTokens: 5 },
      finishReason: 'length',
    });
    expect(result.model).toBe('fake/gpt-4o-mini');
    expect(result.attempts).toMatchObject([{ model: 'fake/gpt-4o-mini', attempt: 1 }]);
    expect(result.attempts[0]!.error).toBeUndefined();
  });

  it('counts zero tokens when the server reports no usage', async () => {
    const { lookup } = await single(OPENAI, [
      { json: { choices: [{ message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] } },
    ]);
    const result = await callModel(['fake/gpt-4o-mini'], request(), lookup, POLICY);
    expect(result.response.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  it('fails with PO_ERR_PROVIDER_UNAVAILABLE when the answer has no message content', async () => {
    const { lookup } = await single(OPENAI, [
      { json: { choices: [{ message: { role: 'assistant', content: null }, finish_reason: 'tool_calls' }] } },
    ]);
    const { deps } = recordingDeps();
    const err = await rejectionOf(callModel(['fake/gpt-4o-mini'], request(), lookup, POLICY, deps));
    expect(err.code).toBe('PO_ERR_PROVIDER_UNAVAILABLE');
    expect(err.message).toContain('answered without a message');
  });
});

describe('Anthropic provider over HTTP', () => {
  it('moves the system prompt to `system` and sends alternating user/assistant turns', async () => {
    const { server, lookup } = await single(ANTHROPIC, [{ json: anthropicAnswer('4') }]);
    await callModel(
      ['fake/claude-sonnet-4-5'],
      request({
        config: { temperature: 0.2, maxOutputTokens: 300, topP: 0.9, topK: 40, stopSequences: ['END'] },
        format: 'json',
      }),
      lookup,
      POLICY,
    );
    expect(server.requests).toHaveLength(1);
    const [received] = server.requests;
    expect(received!.method).toBe('POST');
    expect(received!.path).toBe('/v1/messages');
    expect(received!.body).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: 'You are terse.',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'What is 2+2? Answer in JSON.' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
    });
  });

  it('merges consecutive turns of one role, joins system prompts and starts with the user', async () => {
    const { server, lookup } = await single(ANTHROPIC, [{ json: anthropicAnswer('ok') }]);
    await callModel(
      ['fake/claude-haiku-4-5'],
      request({
        config: {},
        messages: [
          { role: 'system', content: 'Rule one.' },
          { role: 'assistant', content: 'Earlier answer.' },
          { role: 'system', content: 'Rule two.' },
          { role: 'user', content: 'First.' },
          { role: 'user', content: 'Second.' },
        ],
      }),
      lookup,
      POLICY,
    );
    expect(server.requests[0]!.body).toEqual({
      model: 'claude-haiku-4-5',
      max_tokens: 1024,
      system: 'Rule one.\n\nRule two.',
      messages: [
        { role: 'user', content: '(continue)' },
        { role: 'assistant', content: 'Earlier answer.' },
        { role: 'user', content: 'First.\n\nSecond.' },
      ],
    });
  });

  it('sends no `system` field when the prompt has no system message', async () => {
    const { server, lookup } = await single(ANTHROPIC, [{ json: anthropicAnswer('ok') }]);
    await callModel(
      ['fake/claude-haiku-4-5'],
      request({ messages: [{ role: 'user', content: 'Hi' }] }),
      lookup,
      POLICY,
    );
    expect(server.requests[0]!.body).not.toHaveProperty('system');
  });

  it('authenticates with x-api-key and pins the anthropic-version header', async () => {
    const { server, lookup } = await single(ANTHROPIC, [{ json: anthropicAnswer('ok') }]);
    await callModel(['fake/claude-haiku-4-5'], request(), lookup, POLICY);
    const headers = server.requests[0]!.headers;
    expect(headers['x-api-key']).toBe(KEY);
    expect(headers['anthropic-version']).toBe('2023-06-01');
    expect(headers['content-type']).toBe('application/json');
    expect(headers.authorization).toBeUndefined();
  });

  it('returns the text blocks joined, the tool calls, token usage and stop reason', async () => {
    const { lookup } = await single(ANTHROPIC, [
      {
        json: {
          type: 'message',
          content: [
            { type: 'text', text: '{"answer":' },
            { type: 'tool_use', id: 't1', name: 'calc', input: {} },
            { type: 'text', text: '4}' },
          ],
          stop_reason: 'max_tokens',
          usage: { input_tokens: 30, output_tokens: 9 },
        },
      },
    ]);
    const result = await callModel(['fake/claude-haiku-4-5'], request(), lookup, POLICY);
    expect(result.response).toEqual({
      text: '{"answer":4}',
      toolRequests: [{ name: 'calc', ref: 't1', input: {} }],
      usage: { inputTokens: 30, outputTokens: 9 },
      finishReason: 'max_tokens',
    });
    expect(result.model).toBe('fake/claude-haiku-4-5');
  });

  it('fails with PO_ERR_PROVIDER_UNAVAILABLE when the answer has no content list', async () => {
    const { lookup } = await single(ANTHROPIC, [{ json: { type: 'message', content: null } }]);
    const { deps } = recordingDeps();
    const err = await rejectionOf(callModel(['fake/claude-haiku-4-5'], request(), lookup, POLICY, deps));
    expect(err.code).toBe('PO_ERR_PROVIDER_UNAVAILABLE');
    expect(err.message).toContain('answered without content');
  });
});

describe.each([
  { name: 'OpenAI-compatible', flavor: OPENAI, other: ANTHROPIC },
  { name: 'Anthropic', flavor: ANTHROPIC, other: OPENAI },
])('$name provider: failures, retries and secrets', ({ flavor, other }) => {
  const MODEL = 'fake/some-model';

  it('waits as long as Retry-After says after a 429, then gets the answer', async () => {
    const { server, lookup } = await single(flavor, [
      { status: 429, headers: { 'retry-after': '1' }, json: { error: { message: 'slow down' } } },
      { json: flavor.answer('done') },
    ]);
    const { deps, slept } = recordingDeps();
    const result = await callModel([MODEL], request(), lookup, POLICY, deps);
    expect(result.response.text).toBe('done');
    expect(server.requests).toHaveLength(2);
    expect(slept).toEqual([1000]);
    expect(result.attempts).toMatchObject([
      { model: MODEL, attempt: 1, error: { code: 'PO_ERR_PROVIDER_RATE_LIMITED' }, waitedMs: 1000 },
      { model: MODEL, attempt: 2 },
    ]);
  });

  it('honours a Retry-After given as an HTTP date', async () => {
    const { server, lookup } = await single(flavor, [
      { status: 429, headers: { 'retry-after': new Date(Date.now() + 3_000).toUTCString() } },
      { json: flavor.answer('done') },
    ]);
    const { deps, slept } = recordingDeps();
    await callModel([MODEL], request(), lookup, POLICY, deps);
    expect(server.requests).toHaveLength(2);
    expect(slept).toHaveLength(1);
    // HTTP dates have whole seconds: between 2 and 3 seconds from now.
    expect(slept[0]).toBeGreaterThan(1_000);
    expect(slept[0]).toBeLessThanOrEqual(3_000);
  });

  it('never waits longer than maxDelayMs, whatever Retry-After asks', async () => {
    const { lookup } = await single(flavor, [
      { status: 429, headers: { 'retry-after': '3600' } },
      { json: flavor.answer('done') },
    ]);
    const { deps, slept } = recordingDeps();
    await callModel([MODEL], request(), lookup, { ...POLICY, maxDelayMs: 2_000 }, deps);
    expect(slept).toEqual([2_000]);
  });

  it('retries a 500 with jittered exponential backoff until the server recovers', async () => {
    const { server, lookup } = await single(flavor, [
      { status: 500, json: { error: 'boom' } },
      { status: 502, body: '<html>Bad gateway</html>' },
      { json: flavor.answer('recovered') },
    ]);
    const { deps, slept } = recordingDeps(0.5);
    const result = await callModel([MODEL], request(), lookup, POLICY, deps);
    expect(result.response.text).toBe('recovered');
    expect(server.requests).toHaveLength(3);
    // random 0.5 × base 100 × 2^(n-1)
    expect(slept).toEqual([50, 100]);
    expect(result.attempts.map((a) => a.error?.code ?? 'ok')).toEqual([
      'PO_ERR_PROVIDER_UNAVAILABLE',
      'PO_ERR_PROVIDER_UNAVAILABLE',
      'ok',
    ]);
  });

  it('gives up after maxAttempts on a server that keeps failing, with every attempt in the error', async () => {
    const { server, lookup } = await single(flavor, [{ status: 503, json: { error: 'overloaded' } }]);
    const { deps, slept } = recordingDeps(1);
    const err = await rejectionOf(callModel([MODEL], request(), lookup, POLICY, deps));
    expect(server.requests).toHaveLength(3);
    expect(slept).toEqual([100, 200]);
    expect(err.code).toBe('PO_ERR_PROVIDER_UNAVAILABLE');
    expect(err.message).toContain('HTTP 503');
    expect(err.message).toContain(`after 3 attempts across ${MODEL}`);
    const details = err.details as { status: number; attempts: unknown[] };
    expect(details.status).toBe(503);
    expect(details.attempts).toHaveLength(3);
  });

  it('aborts a hanging server after perTryTimeoutMs and fails with PO_ERR_PROVIDER_TIMEOUT', async () => {
    const { server, lookup } = await single(flavor, [{ hang: true }]);
    const { deps, slept } = fakeClockDeps();
    const policy = { ...POLICY, perTryTimeoutMs: 200, totalTimeoutMs: 10_000 };
    const call = rejectionOf(callModel([MODEL], request(), lookup, policy, deps));
    for (let tries = 1; tries <= 3; tries++) {
      await server.received(tries);
      vi.advanceTimersToNextTimer();
    }
    const err = await call;
    expect(err.code).toBe('PO_ERR_PROVIDER_TIMEOUT');
    expect(err.message).toContain('did not answer in time');
    expect(server.requests).toHaveLength(3);
    expect(slept).toHaveLength(2);
    // each try ran exactly perTryTimeoutMs on the clock before it was aborted
    const { attempts } = err.details as { attempts: { durationMs: number }[] };
    expect(attempts.map((a) => a.durationMs)).toEqual([200, 200, 200]);
    await server.idle();
    expect(server.requests.every((r) => r.abortedByClient)).toBe(true);
  });

  it('aborts a server that stalls in the middle of its body', async () => {
    const { server, lookup } = await single(flavor, [
      { hangAfterHeaders: true, json: flavor.answer('never finished') },
    ]);
    const { deps } = recordingDeps();
    const policy = { ...POLICY, maxAttempts: 2, perTryTimeoutMs: 200 };
    const err = await rejectionOf(callModel([MODEL], request(), lookup, policy, deps));
    expect(err.code).toBe('PO_ERR_PROVIDER_TIMEOUT');
    expect(server.requests).toHaveLength(2);
  });

  it('stops within totalTimeoutMs, retries and waits included', async () => {
    const { server, lookup } = await single(flavor, [{ hang: true }]);
    const { deps } = fakeClockDeps(0.5);
    const policy = { ...POLICY, maxAttempts: 10, perTryTimeoutMs: 300, totalTimeoutMs: 500 };
    const call = rejectionOf(callModel([MODEL], request(), lookup, policy, deps));
    for (let tries = 1; tries <= 2; tries++) {
      await server.received(tries);
      vi.advanceTimersToNextTimer();
    }
    const err = await call;
    expect(err.code).toBe('PO_ERR_PROVIDER_TIMEOUT');
    // 300 ms try, 50 ms wait, then only the 150 ms left of the budget; the next wait would pass it
    const { attempts } = err.details as { attempts: { durationMs: number; waitedMs?: number }[] };
    expect(attempts).toMatchObject([{ durationMs: 300, waitedMs: 50 }, { durationMs: 150 }]);
    expect(attempts[1]).not.toHaveProperty('waitedMs');
    expect(Date.now()).toBe(500);
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a 400 and reports the rejection', async () => {
    const { server, lookup } = await single(flavor, [
      { status: 400, json: { error: { message: 'unknown parameter: foo' } } },
    ]);
    const { deps, slept } = recordingDeps();
    const err = await rejectionOf(callModel([MODEL], request(), lookup, POLICY, deps));
    expect(server.requests).toHaveLength(1);
    expect(slept).toEqual([]);
    expect(err.code).toBe('PO_ERR_PROVIDER_REJECTED');
    expect(err.message).toContain('HTTP 400');
    expect(err.message).not.toContain('API key');
    expect((err.details as { body: string }).body).toContain('unknown parameter: foo');
  });

  it('does not retry a 401 and tells the user to check the API key', async () => {
    const { server, lookup } = await single(flavor, [{ status: 401, json: { error: 'invalid x-api-key' } }]);
    const { deps, slept } = recordingDeps();
    const err = await rejectionOf(callModel([MODEL], request(), lookup, POLICY, deps));
    expect(server.requests).toHaveLength(1);
    expect(slept).toEqual([]);
    expect(err.code).toBe('PO_ERR_PROVIDER_REJECTED');
    expect(err.message).toContain('HTTP 401');
    expect(err.message).toMatch(/check the API key/);
    expect(err.message).toContain('after 1 attempt across');
  });

  it('falls back to the next model when the first provider keeps failing', async () => {
    const primary = await fakeProvider(flavor, [{ status: 500, json: { error: 'down' } }]);
    const backup = await fakeProvider(other, [{ json: other.answer('from the fallback') }]);
    const lookup = createProviderLookup(
      { primary: primary.settings, backup: backup.settings },
      process.cwd(),
      ENV,
    );
    const { deps } = recordingDeps();
    const result = await callModel(
      ['primary/big-model', 'backup/small-model'],
      request(),
      lookup,
      POLICY,
      deps,
    );
    expect(result.response.text).toBe('from the fallback');
    expect(result.model).toBe('backup/small-model');
    expect(primary.server.requests).toHaveLength(3);
    expect(backup.server.requests).toHaveLength(1);
    expect((backup.server.requests[0]!.body as { model: string }).model).toBe('small-model');
    expect(result.attempts.map((a) => [a.model, a.attempt, a.error?.code ?? 'ok'])).toEqual([
      ['primary/big-model', 1, 'PO_ERR_PROVIDER_UNAVAILABLE'],
      ['primary/big-model', 2, 'PO_ERR_PROVIDER_UNAVAILABLE'],
      ['primary/big-model', 3, 'PO_ERR_PROVIDER_UNAVAILABLE'],
      ['backup/small-model', 1, 'ok'],
    ]);
  });

  it('fails with PO_ERR_PROVIDER_UNAVAILABLE and a clear message when the body is not JSON', async () => {
    const { server, lookup } = await single(flavor, [{ status: 200, body: 'Sure! {"choices": [' }]);
    const { deps } = recordingDeps();
    const err = await rejectionOf(callModel([MODEL], request(), lookup, POLICY, deps));
    expect(err.code).toBe('PO_ERR_PROVIDER_UNAVAILABLE');
    expect(err.message).toContain('fake answered with a body that is not JSON');
    expect((err.details as { body: string }).body).toBe('Sure! {"choices": [');
    expect(server.requests).toHaveLength(3);
  });

  it('fails with PO_ERR_PROVIDER_UNAVAILABLE when nothing listens at the baseUrl', async () => {
    const { server, lookup } = await single(flavor, [{ json: flavor.answer('unused') }]);
    await server.close();
    const { deps } = recordingDeps();
    const err = await rejectionOf(callModel([MODEL], request(), lookup, { ...POLICY, maxAttempts: 1 }, deps));
    expect(err.code).toBe('PO_ERR_PROVIDER_UNAVAILABLE');
    expect(err.message).toContain('cannot reach fake at');
  });

  it('names the missing environment variable when the API key is not set', async () => {
    const { server, settings } = await fakeProvider(flavor, [{ json: flavor.answer('unused') }]);
    const lookup = createProviderLookup({ fake: settings }, process.cwd(), { OTHER: 'x' });
    const err = await rejectionOf(callModel([MODEL], request(), lookup, POLICY));
    expect(err.code).toBe('PO_ERR_PROVIDER_NOT_CONFIGURED');
    expect(err.message).toContain('FAKE_KEY');
    expect(err.details).toMatchObject({ provider: 'fake', env: 'FAKE_KEY' });
    expect(server.requests).toHaveLength(0);
  });

  it('treats an empty API key variable as missing', async () => {
    const { settings } = await fakeProvider(flavor, [{ json: flavor.answer('unused') }]);
    const lookup = createProviderLookup({ fake: settings }, process.cwd(), { FAKE_KEY: '' });
    const err = await rejectionOf(callModel([MODEL], request(), lookup, POLICY));
    expect(err.code).toBe('PO_ERR_PROVIDER_NOT_CONFIGURED');
    expect(err.message).toContain('FAKE_KEY');
  });

  describe('the API key never reaches an error', () => {
    it('when a 401 body echoes the key back', async () => {
      const { lookup } = await single(flavor, [
        { status: 401, json: { error: { message: `Incorrect API key provided: ${KEY}.` } } },
      ]);
      const err = await rejectionOf(callModel([MODEL], request(), lookup, POLICY, recordingDeps().deps));
      expect(err.code).toBe('PO_ERR_PROVIDER_REJECTED');
      expect((err.details as { body: string }).body).toContain('Incorrect API key provided: [REDACTED]');
      expectNoSecret(err);
    });

    it('when a 500 body echoes the request headers', async () => {
      const { lookup } = await single(flavor, [
        {
          status: 500,
          json: { debug: { authorization: `Bearer ${KEY}`, 'x-api-key': KEY } },
        },
      ]);
      const err = await rejectionOf(callModel([MODEL], request(), lookup, POLICY, recordingDeps().deps));
      expect(err.code).toBe('PO_ERR_PROVIDER_UNAVAILABLE');
      expectNoSecret(err);
      for (const attempt of (err.details as { attempts: unknown[] }).attempts) expectNoSecret(attempt);
    });

    it('when a malformed body contains the key', async () => {
      const { lookup } = await single(flavor, [{ status: 200, body: `<html>key=${KEY}` }]);
      const err = await rejectionOf(callModel([MODEL], request(), lookup, POLICY, recordingDeps().deps));
      expect(err.code).toBe('PO_ERR_PROVIDER_UNAVAILABLE');
      expectNoSecret(err);
    });

    it('when a long error body is cut in the middle of the echoed key', async () => {
      // The error body is shortened to 500 characters; the key straddles that cut.
      const padding = 'x'.repeat(500 - 20);
      const { lookup } = await single(flavor, [{ status: 401, body: `${padding}${KEY} was rejected` }]);
      const err = await rejectionOf(callModel([MODEL], request(), lookup, POLICY, recordingDeps().deps));
      expect(err.code).toBe('PO_ERR_PROVIDER_REJECTED');
      expectNoSecret(err);
    });

    it('when a long non-JSON body is cut in the middle of the echoed key', async () => {
      const padding = 'x'.repeat(200 - 20);
      const { lookup } = await single(flavor, [{ status: 200, body: `${padding}${KEY}` }]);
      const err = await rejectionOf(callModel([MODEL], request(), lookup, POLICY, recordingDeps().deps));
      expect(err.code).toBe('PO_ERR_PROVIDER_UNAVAILABLE');
      expectNoSecret(err);
    });
  });
});
