/**
 * The official `openai` npm client, unmodified, against `promptops serve`'s gateway: completions,
 * streaming, variables, the one-field case, canary arms by `user`, and typed errors with our codes.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { armOf } from '../../src/gateway/canary.js';
import { useServedProject } from './served-project.js';

const project = useServedProject();
const TICKET = { customer: { name: 'Ann', tier: 'pro' }, message: 'I was charged twice' };

function client(apiKey = project().token): OpenAI {
  return new OpenAI({ baseURL: `${project().url}/v1`, apiKey, maxRetries: 0 });
}

/** The error a call rejects with. */
async function failure(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

describe('POST /v1/chat/completions with the openai client', () => {
  it('runs a released prompt with variables and answers a chat.completion naming the version served', async () => {
    const { data, response } = await client()
      .chat.completions.create({
        model: 'promptops/support-reply',
        messages: [],
        // @ts-expect-error: the gateway's extension, as Portkey's prompt completions take it
        variables: TICKET,
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('support-reply@1');
    expect(data.id).toBe(`chatcmpl-${response.headers.get('x-promptops-trace-id')}`);
    expect(response.headers.get('x-promptops-version')).toBe('1');
    expect(response.headers.get('x-promptops-arm')).toBe('stable');
    const choice = data.choices[0]!;
    expect(choice.finish_reason).toBe('stop');
    const answer = JSON.parse(choice.message.content!);
    expect(answer).toMatchObject({ escalate: false, category: 'billing' });
    expect(answer.reply).toContain('double charge');
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
  });

  it("takes LiteLLM's prompt_variables and a NAME:ENV model the same way", async () => {
    const answer = await client().chat.completions.create({
      model: 'support-reply:production',
      messages: [],
      // @ts-expect-error: the gateway's extension, as LiteLLM's prompt management takes it
      prompt_variables: TICKET,
    });
    expect(answer.model).toBe('support-reply@1');
  });

  it('streams the same text as chunks, role first, finish_reason last, usage when asked', async () => {
    const request = {
      model: 'promptops/support-reply@1',
      messages: [],
      variables: TICKET,
    };
    const whole = await client().chat.completions.create(
      request as OpenAI.ChatCompletionCreateParamsNonStreaming,
    );
    const stream = await client().chat.completions.create({
      ...(request as OpenAI.ChatCompletionCreateParamsNonStreaming),
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole.choices[0]!.message.content);
    expect(chunks.filter((c) => (c.choices[0]?.delta.content ?? '') !== '').length).toBeGreaterThan(3);
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finish.map((c) => c.choices[0]!.finish_reason)).toEqual(['stop']);
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toEqual(whole.usage);
    expect(new Set(chunks.map((c) => c.object))).toEqual(new Set(['chat.completion.chunk']));
  });

  it('fills a prompt with one required string field from the last user message; earlier turns are history', async () => {
    const answer = await client().chat.completions.create({
      model: 'promptops/greet@1',
      messages: [
        { role: 'user', content: 'Hi, I am new here' },
        { role: 'assistant', content: 'Welcome!' },
        { role: 'user', content: 'Ann' },
      ],
    });
    // offline/echo answers with the last user message it was sent: the rendered template
    expect(answer.choices[0]!.message.content).toContain('Say hello to Ann.');
    expect(answer.model).toBe('greet@1');
  });

  it('runs the shipped contract-extractor from one user message, as docs/gateway.md shows', async () => {
    const openai = client();
    const completion = await openai.chat.completions.create({
      model: 'promptops/contract-extractor',
      messages: [
        {
          role: 'user',
          content:
            'This Supply Agreement is made on 1 March 2026 between Acme GmbH (Buyer) and Widgets Ltd (Seller).',
        },
      ],
    });
    const fields = JSON.parse(completion.choices[0]!.message.content!);
    expect(fields.parties).toContainEqual({ name: 'Widgets Ltd', role: 'seller' });
    expect(completion.model).toBe('contract-extractor@1');
  });

  it("serves each user the same arm of a canary, by OpenAI's user field", async () => {
    const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const canaryUser = users.find((u) => armOf('greet', u, 50) === 'canary')!;
    const stableUser = users.find((u) => armOf('greet', u, 50) === 'stable')!;
    for (const [user, version, arm] of [
      [canaryUser, 'greet@2', 'canary'],
      [stableUser, 'greet@1', 'stable'],
    ] as const) {
      for (let i = 0; i < 3; i++) {
        const { data, response } = await client()
          .chat.completions.create({
            model: 'promptops/greet',
            messages: [{ role: 'user', content: 'Ann' }],
            user,
          })
          .withResponse();
        expect(data.model, user).toBe(version);
        expect(response.headers.get('x-promptops-arm')).toBe(arm);
      }
    }
  });

  it('applies temperature where the prompt allows it and refuses it with 422 where it does not', async () => {
    const allowed = await client().chat.completions.create({
      model: 'promptops/greet@1',
      messages: [{ role: 'user', content: 'Ann' }],
      temperature: 0.3,
    });
    expect(allowed.model).toBe('greet@1');
    const refused = await failure(
      client().chat.completions.create({
        model: 'promptops/support-reply',
        messages: [],
        temperature: 0.9,
        // @ts-expect-error: the gateway's extension
        variables: TICKET,
      }),
    );
    expect(refused).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect(refused.code).toBe('PO_ERR_CONTRACT_VIOLATION');
    expect(refused.message).toContain('config.temperature');
  });

  const ann = [{ role: 'user' as const, content: 'Ann' }];
  /** Requests the gateway refuses: the client's error class, then the status, code and param it carries. */
  const refusals: [
    string,
    Record<string, unknown>,
    abstract new (...args: never[]) => unknown,
    [number, string, string | null],
  ][] = [
    [
      'an unknown prompt',
      { model: 'promptops/no-such-prompt', messages: ann },
      OpenAI.NotFoundError,
      [404, 'PO_ERR_PROMPT_NOT_FOUND', null],
    ],
    [
      'a model that is no prompt',
      { model: 'openai/gpt-4o', messages: ann },
      OpenAI.NotFoundError,
      [404, 'PO_ERR_PROMPT_NOT_FOUND', 'model'],
    ],
    [
      'several fields without variables',
      { model: 'promptops/support-reply', messages: ann },
      OpenAI.BadRequestError,
      [400, 'PO_ERR_REQUEST_INVALID', 'variables'],
    ],
    [
      'an input the contract rejects',
      {
        model: 'promptops/support-reply',
        messages: [],
        variables: { ...TICKET, customer: { name: 'Ann', tier: 'gold' } },
      },
      OpenAI.UnprocessableEntityError,
      [422, 'PO_ERR_CONTRACT_VIOLATION', null],
    ],
    [
      'tools',
      {
        model: 'promptops/greet',
        messages: ann,
        tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
      },
      OpenAI.BadRequestError,
      [400, 'PO_ERR_REQUEST_INVALID', 'tools'],
    ],
    // 202 in the catalog, which OpenAI's clients would read as a completion
    [
      'a response held for review',
      { model: 'promptops/held', messages: ann },
      OpenAI.ConflictError,
      [409, 'PO_ERR_REVIEW_PENDING', null],
    ],
  ];

  it.each(refusals)(
    "raises the client's typed error for %s, with the catalog's code, not to be retried",
    async (_what, request, type, [status, code, param]) => {
      const err = await failure(
        client().chat.completions.create(request as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming),
      );
      expect(err).toBeInstanceOf(type);
      expect([err.status, err.code, err.param]).toEqual([status, code, param]);
      expect(err.headers?.get('x-should-retry')).toBe('false');
    },
  );

  it('names the fields to send when a prompt needs variables, and refuses a bad token with 401', async () => {
    const noVariables = await failure(
      client().chat.completions.create({ model: 'promptops/support-reply', messages: ann }),
    );
    expect(noVariables.message).toContain('customer, message');
    const badToken = await failure(
      client('po_not-a-token').chat.completions.create({ model: 'promptops/greet', messages: [] }),
    );
    expect(badToken).toBeInstanceOf(OpenAI.AuthenticationError);
    expect([badToken.code, badToken.type]).toEqual(['PO_ERR_UNAUTHENTICATED', 'authentication_error']);
  });

  it('answers a malformed body with 400 in both shapes, and sends nothing for a failed stream', async () => {
    const response = await fetch(`${project().url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${project().token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('x-should-retry')).toBe('false');
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({
      code: 'PO_ERR_REQUEST_INVALID',
      type: 'invalid_request_error',
      param: null,
    });
    expect(body.error.message).toContain('model');
  });
});
