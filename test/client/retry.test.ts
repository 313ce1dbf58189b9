/**
 * When the light client tries again: reads after a 503, never a run the gateway may have started.
 * The gateway here is scripted at the HTTP protocol (each request takes the next answer), so the
 * test can count what reached it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@promptops/client';
import { afterEach, describe, expect, it } from 'vitest';

let server: Server | undefined;
afterEach(() => server?.close());

const notReady = {
  status: 503,
  body: { error: { code: 'PO_ERR_GATEWAY_NOT_READY', message: 'no snapshot yet', details: {} } },
};
const prompt = {
  prompt: 'greet',
  version: 2,
  hash: 'abc',
  environment: 'production',
  arm: 'stable',
  model: null,
  config: {},
  template: 'Hello {{name}}',
  partials: {},
  input: { schema: null, default: { name: 'you' } },
  output: { format: 'text', schema: null },
};

/** A gateway that answers each request with the next of `answers` (the last one repeats). */
async function scriptedGateway(
  answers: { status: number; body: unknown }[],
): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    const answer = answers[Math.min(hits.length, answers.length) - 1]!;
    response.writeHead(answer.status, { 'content-type': 'application/json', etag: '"abc"' });
    response.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, hits };
}

const retry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

describe('retries', () => {
  it('tries a get again after a 503 and returns the answer that follows', async () => {
    const gateway = await scriptedGateway([notReady, { status: 200, body: prompt }]);
    const answer = await createClient({ url: gateway.url, retry }).get('greet');
    expect(answer).toMatchObject({ version: 2, source: 'gateway' });
    expect(gateway.hits).toEqual(['GET /v1/prompts/greet', 'GET /v1/prompts/greet']);
  });

  it('gives up after the attempts it is allowed, with the code the gateway gave', async () => {
    const gateway = await scriptedGateway([notReady]);
    const err = await createClient({ url: gateway.url, retry })
      .render('greet', {})
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PO_ERR_GATEWAY_NOT_READY', status: 503 });
    expect(gateway.hits).toHaveLength(3);
  });

  it('never sends a run twice once a gateway received it', async () => {
    const gateway = await scriptedGateway([notReady, { status: 200, body: {} }]);
    const err = await createClient({ url: gateway.url, retry })
      .run('greet', {})
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PO_ERR_GATEWAY_NOT_READY' });
    expect(gateway.hits).toEqual(['POST /v1/run/greet']);
  });

  it('does not try a refused request again', async () => {
    const gateway = await scriptedGateway([
      { status: 404, body: { error: { code: 'PO_ERR_PROMPT_NOT_FOUND', message: 'no greet', details: {} } } },
    ]);
    const err = await createClient({ url: gateway.url, retry })
      .get('greet')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PO_ERR_PROMPT_NOT_FOUND', status: 404, message: 'no greet' });
    expect(gateway.hits).toHaveLength(1);
  });
});
