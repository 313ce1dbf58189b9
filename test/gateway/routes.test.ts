/**
 * The gateway's own routes through a real `promptops serve` (which embeds a gateway) on a copy of
 * the examples: run a released prompt, read it with ETag revalidation, render it, and refuse bad
 * input with the catalog's codes, nothing half-written.
 */
import type { ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson, runCli, startServe, stopServe, useTempDir } from '../helpers.js';

/** Sends headers announcing a 17 MiB JSON body and no body: the server must answer from the length alone. */
function declareOversizeBody(
  url: string,
  token: string,
): Promise<{ status: number; json: { error: { code: string } } }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': 17 * 1024 * 1024,
      },
    });
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, json: JSON.parse(text) });
      });
    });
    request.on('error', reject);
    request.flushHeaders();
  });
}

const INPUT = { customer: { name: 'Ann', tier: 'pro' }, message: 'I was charged twice for my March invoice' };

describe('gateway routes (embedded in serve)', () => {
  const dir = useTempDir({ examples: true, once: true });
  let server: { url: string; proc: ChildProcess } | undefined;
  const tokens: Record<string, string> = {};
  const cli = (args: string[]) => runCli(args, { cwd: dir() });
  const call = async (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const response = await fetch(`${server!.url}${path}`, {
      method,
      headers: {
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      ...(options.body === undefined
        ? {}
        : { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
  };
  const traceCount = async () =>
    (cliJson(await cli(['traces', '--json', '--limit', '1000'])).traces as unknown[]).length;

  beforeAll(async () => {
    expect((await cli(['push'])).code).toBe(0);
    expect((await cli(['label', 'set', 'support-reply@1', 'production'])).code).toBe(0);
    for (const [who, role] of [
      ['admin', 'admin'],
      ['viewer', 'viewer'],
    ] as const) {
      const made = await cli([
        'token',
        'create',
        '--subject',
        `${who}@acme.example`,
        '--role',
        role,
        '--json',
      ]);
      tokens[who] = cliJson(made).token as string;
    }
    server = await startServe(dir());
  });
  afterAll(async () => {
    await stopServe(server);
  });

  it('runs the version production serves and says which, with its trace id', async () => {
    const reply = await call('POST', '/v1/run/support-reply', {
      token: tokens.admin,
      body: { input: INPUT, stickyKey: 'user-1' },
    });
    expect(reply.status, JSON.stringify(reply.json)).toBe(200);
    expect(reply.json).toMatchObject({
      prompt: 'support-reply',
      version: 1,
      environment: 'production',
      arm: 'stable',
      model: 'offline/scripted',
      output: { category: 'billing', escalate: false },
      mutations: [{ path: 'channel', rule: 'default', after: 'email' }],
    });
    expect(reply.headers.get('x-promptops-trace-id')).toBe(reply.json.traceId);
    expect(reply.json.guardrails.map((g: { name: string }) => g.name)).toContain('prompt-injection');
  });

  it('serves a prompt with its hash as ETag, and 304 while the same version is served', async () => {
    const first = await call('GET', '/v1/prompts/support-reply:production', { token: tokens.viewer });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ prompt: 'support-reply', version: 1, output: { format: 'json' } });
    expect(first.json.template).toContain('{{message}}');
    expect(first.headers.get('etag')).toBe(`"${first.json.hash}"`);
    expect(first.headers.get('cache-control')).toContain('no-cache');
    const again = await call('GET', '/v1/prompts/support-reply?environment=production', {
      token: tokens.viewer,
      headers: { 'if-none-match': `"${first.json.hash}"` },
    });
    expect(again.status).toBe(304);
    const numbered = await call('GET', '/v1/prompts/support-reply@1', { token: tokens.viewer });
    expect(numbered.headers.get('cache-control')).toContain('immutable');
  });

  it('renders the messages the model would get, after the input contract', async () => {
    const reply = await call('POST', '/v1/prompts/support-reply:production/render', {
      token: tokens.viewer,
      body: { input: INPUT },
    });
    expect(reply.status, JSON.stringify(reply.json)).toBe(200);
    const user = reply.json.messages.find((m: { role: string }) => m.role === 'user');
    expect(user.content).toEqual([{ text: expect.stringContaining('Ann (pro plan, via email)') }]);
    expect(user.content[0].text).toContain('I was charged twice');
  });

  it('refuses bad requests with the catalog code, and traces only what ran', async () => {
    const before = await traceCount();
    const cases: [string, string, unknown, number, string][] = [
      ['unknown prompt', '/v1/run/no-such-prompt', { input: INPUT }, 404, 'PO_ERR_PROMPT_NOT_FOUND'],
      [
        'environment it does not serve',
        '/v1/run/support-reply',
        { input: INPUT, environment: 'qa' },
        404,
        'PO_ERR_LABEL_NOT_FOUND',
      ],
      [
        'a version no environment serves',
        '/v1/run/support-reply',
        { input: INPUT, version: 9 },
        404,
        'PO_ERR_VERSION_NOT_FOUND',
      ],
      ['no input', '/v1/run/support-reply', { stickyKey: 'x' }, 400, 'PO_ERR_REQUEST_INVALID'],
      [
        'unknown field',
        '/v1/run/support-reply',
        { input: INPUT, temperature: 2 },
        400,
        'PO_ERR_REQUEST_INVALID',
      ],
      ['malformed JSON', '/v1/run/support-reply', '{"input": ', 400, 'PO_ERR_REQUEST_INVALID'],
    ];
    for (const [what, path, body, status, code] of cases) {
      const reply = await call('POST', path, { token: tokens.admin, body });
      expect({ what, status: reply.status, code: reply.json?.error?.code }).toEqual({ what, status, code });
    }
    // A body over the limit is refused from its declared length, before it is read.
    const oversize = await declareOversizeBody(`${server!.url}/v1/run/support-reply`, tokens.admin!);
    expect({ status: oversize.status, code: oversize.json.error.code }).toEqual({
      status: 413,
      code: 'PO_ERR_REQUEST_INVALID',
    });
    // Wrong variables reach the pipeline: refused by the input contract, and traced as a failed run.
    const wrong = await call('POST', '/v1/run/support-reply', {
      token: tokens.admin,
      body: { input: { customer: 'Ann' } },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.json.error).toMatchObject({
      code: 'PO_ERR_CONTRACT_VIOLATION',
      details: { traceId: expect.any(String) },
    });
    let after = await traceCount();
    for (let i = 0; i < 50 && after === before; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await traceCount();
    }
    expect(after).toBe(before + 1);
  });

  it('needs a token, and the permission to run', async () => {
    expect((await call('POST', '/v1/run/support-reply', { body: { input: INPUT } })).json.error.code).toBe(
      'PO_ERR_UNAUTHENTICATED',
    );
    const viewer = await call('POST', '/v1/run/support-reply', {
      token: tokens.viewer,
      body: { input: INPUT },
    });
    expect({ status: viewer.status, code: viewer.json.error.code }).toEqual({
      status: 403,
      code: 'PO_ERR_FORBIDDEN',
    });
    expect((await call('GET', '/v1/gateway/status', { token: tokens.viewer })).json).toMatchObject({
      defaultEnvironment: 'production',
      environments: expect.arrayContaining([
        expect.objectContaining({ environment: 'production', revision: expect.any(Number) }),
      ]),
    });
  });
});
