/**
 * The light client (@promptops/client, as built) against a real `promptops serve` on a copy of the
 * example project: run, get with ETag revalidation, render, errors in the catalog's codes, and a
 * client restarted while the gateway is down, serving from its last-known-good file.
 */
import { readFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createClient, type GatewayError, textOf } from '@promptops/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopServe, useTempDir } from '../helpers.js';
import { SUPPORT_INPUT, serveReleasedExamples } from './support.js';

const dir = useTempDir({ examples: true, once: true });
let served: Awaited<ReturnType<typeof serveReleasedExamples>> | undefined;
let proxy: RecordingProxy;
let token: string;

const input = SUPPORT_INPUT;

beforeAll(async () => {
  served = await serveReleasedExamples(dir());
  token = served.token;
  proxy = await recordingProxy(served.url);
});

afterAll(async () => {
  await stopServe(served);
  proxy?.server.close();
});

const cacheFile = () => path.join(dir(), '.promptops', 'client-cache.json');
const client = () =>
  createClient({ url: proxy.url, token, cacheFile: cacheFile(), retry: { attempts: 2, baseDelayMs: 10 } });

/** What `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: GatewayError) => err,
  );
}

describe('@promptops/client against a served gateway', () => {
  it('runs a released prompt and says which version, environment and arm served it', async () => {
    const answer = await client().run<{ reply: string }>('support-reply', input, { stickyKey: 'user-1' });
    expect(answer.output.reply).toMatch(/^Sorry about the double charge/);
    expect(answer).toMatchObject({
      prompt: 'support-reply',
      version: 1,
      environment: 'production',
      arm: 'stable',
    });
    expect(answer.traceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('revalidates a label with its ETag (304) and never asks again for a numbered version', async () => {
    const prompts = client();
    proxy.log.length = 0;
    const first = await prompts.get('support-reply:production');
    const second = await prompts.get('support-reply:production');
    expect(second).toEqual(first);
    expect(first).toMatchObject({ version: 1, source: 'gateway', partials: { tone: expect.any(String) } });
    expect(proxy.log).toEqual([
      { path: '/v1/prompts/support-reply%3Aproduction', ifNoneMatch: undefined, status: 200 },
      { path: '/v1/prompts/support-reply%3Aproduction', ifNoneMatch: `"${first.hash}"`, status: 304 },
    ]);
    proxy.log.length = 0;
    await prompts.get('support-reply@1');
    await prompts.get('support-reply@1');
    expect(proxy.log.map((entry) => entry.status)).toEqual([200]);
  });

  it('renders what the gateway renders, defaults filled', async () => {
    const rendered = await client().render('support-reply', input);
    expect(rendered).toMatchObject({ version: 1, environment: 'production', source: 'gateway' });
    expect(rendered.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(textOf(rendered.messages[1]!)).toContain('Dana (pro plan, via email)');
  });

  it('answers a get even when its last-known-good file cannot be written (and warns)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      // A file inside a regular file: mkdir fails with ENOTDIR.
      const unwritable = path.join(dir(), 'promptops.yaml', 'client-cache.json');
      const prompt = await createClient({ url: proxy.url, token, cacheFile: unwritable }).get(
        'support-reply',
      );
      expect(prompt).toMatchObject({ version: 1, source: 'gateway' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.join('\n')).toContain('cannot write the last-known-good file');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('answers a bad reference, an unknown prompt and a bad input with the catalog code', async () => {
    const prompts = client();
    expect(await failure(prompts.get('nope'))).toMatchObject({
      code: 'PO_ERR_PROMPT_NOT_FOUND',
      status: 404,
    });
    expect(await failure(prompts.get('bad ref'))).toMatchObject({ code: 'PO_ERR_REF_INVALID', status: 400 });
    expect(await failure(prompts.run('bad ref', input))).toMatchObject({ code: 'PO_ERR_REF_INVALID' });
    expect(await failure(prompts.run('nope', input))).toMatchObject({ code: 'PO_ERR_PROMPT_NOT_FOUND' });
    const violation = await failure(prompts.run('support-reply', { message: 'hi' }));
    expect(violation).toMatchObject({ code: 'PO_ERR_CONTRACT_VIOLATION', status: 422 });
    expect(violation.details).toBeTypeOf('object');
  });

  it('after the gateway stops, a new client serves get and render from the last-known-good file; run fails clearly', async () => {
    const fromGateway = await client().render('support-reply:production', input);
    const saved = await readFile(cacheFile(), 'utf8');
    expect(saved).toContain('support-reply:production');
    expect(saved).not.toContain(token);
    await stopServe(served);

    const restarted = client();
    const prompt = await restarted.get('support-reply:production');
    expect(prompt).toMatchObject({ version: 1, hash: fromGateway.hash, source: 'last-known-good' });
    const rendered = await restarted.render('support-reply:production', input);
    expect(rendered).toEqual({ ...fromGateway, source: 'last-known-good' });

    const run = await failure(restarted.run('support-reply', input));
    expect(run.code).toBe('PO_ERR_REMOTE_UNAVAILABLE');
    expect(run.message).toMatch(/cannot run support-reply: the gateway at .* is unreachable/);
    const never = await failure(restarted.get('refund-decision:production'));
    expect(never.code).toBe('PO_ERR_REMOTE_UNAVAILABLE');
    expect(never.message).toMatch(/no last-known-good copy of refund-decision:production/);
  });
});

interface RecordingProxy {
  url: string;
  server: Server;
  log: { path: string; ifNoneMatch: string | undefined; status: number }[];
}

/**
 * A pass-through proxy in front of the gateway that notes each request's path, If-None-Match and
 * answer status; when the gateway is gone it drops the connection, as an unreachable gateway would.
 */
async function recordingProxy(target: string): Promise<RecordingProxy> {
  const log: RecordingProxy['log'] = [];
  const server = createServer((incoming, outgoing) => {
    const forward = request(
      new URL(incoming.url ?? '/', target),
      { method: incoming.method, headers: incoming.headers },
      (answer) => {
        const ifNoneMatch = incoming.headers['if-none-match'];
        log.push({ path: incoming.url ?? '', ifNoneMatch, status: answer.statusCode ?? 0 });
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, log };
}
