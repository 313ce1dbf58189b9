import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { ErrorCode } from '../errors.js';
import type { AuthorizeCaller } from '../gateway/callers.js';
import type { Gateway } from '../gateway/gateway.js';
import {
  type ChatCompletionRequest,
  completionOf,
  openAIErrorOf,
  runRequestOf,
  streamEventsOf,
  targetOf,
} from '../gateway/openai.js';

// Open objects: OpenAI's clients send parameters this gateway ignores or refuses by name, so the
// schema checks the types of what it reads and lets the rest through to openai.ts.
const ChatMessage = Type.Object({ role: Type.String({ maxLength: 50 }), content: Type.Unknown() });
const Strings = Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 2_000 }), {
  maxProperties: 50,
});
const ChatBody = Type.Object({
  model: Type.String({ minLength: 1, maxLength: 600 }),
  // Optional when `variables` carry the input (LiteLLM and Portkey accept none there either).
  messages: Type.Optional(Type.Array(ChatMessage, { maxItems: 200 })),
  variables: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  prompt_variables: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  user: Type.Optional(Type.String({ maxLength: 500 })),
  metadata: Type.Optional(Strings),
  environment: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  stream: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  stream_options: Type.Optional(
    Type.Union([Type.Object({ include_usage: Type.Optional(Type.Boolean()) }), Type.Null()]),
  ),
});

/**
 * `POST /v1/chat/completions`, OpenAI's chat completions API over released prompts: `model` names
 * the prompt, the answer is a `chat.completion` (or its chunks as Server-Sent Events), and errors
 * carry our catalog code in OpenAI's error shape. Needs `prompt.run`.
 */
export function registerOpenAIRoutes(
  app: FastifyInstance,
  deps: { gateway: Gateway; authorize: AuthorizeCaller },
): void {
  const { gateway, authorize } = deps;
  app.post<{ Body: ChatCompletionRequest }>(
    '/v1/chat/completions',
    {
      schema: {
        summary:
          'OpenAI-compatible chat completions: `model` names a released prompt (promptops/NAME[:ENV|@N])',
        tags: ['gateway'],
        body: ChatBody,
      },
      onRequest: async (request) => {
        await authorize(request.headers.authorization, 'prompt.run', request.ip);
      },
      onSend: async (_request, reply, payload) => reshapeError(reply, payload),
    },
    async (request, reply) => {
      const body = request.body;
      const header = request.headers['x-promptops-environment'];
      const target = targetOf(body, typeof header === 'string' ? header : undefined);
      // One sticky key for both picks, so the version whose input schema shaped the request is the
      // version that runs it.
      const stickyKey = body.user ?? randomUUID();
      const { record } = gateway.pick({ ...target, stickyKey });
      const result = await gateway.run({ ...runRequestOf(body, target, record.spec), stickyKey });
      reply.header('x-promptops-trace-id', result.traceId);
      reply.header('x-promptops-version', String(result.version.number));
      reply.header('x-promptops-environment', result.environment);
      reply.header('x-promptops-arm', result.arm);
      if (!body.stream) return completionOf(result, Date.now());
      const events = streamEventsOf(result, Date.now(), body.stream_options?.include_usage === true);
      reply.header('content-type', 'text/event-stream; charset=utf-8');
      reply.header('cache-control', 'no-cache');
      // The answer is complete already: one write of all its events beats a write per chunk.
      return reply.send(events.join(''));
    },
  );
}

/**
 * Our error bodies in OpenAI's shape too. A request held for human review is 202 in the catalog,
 * which OpenAI's clients would read as a completion: here it is 409, with its code.
 */
function reshapeError(
  reply: {
    statusCode: number;
    code: (status: number) => unknown;
    header: (name: string, value: string) => unknown;
  },
  payload: unknown,
) {
  if (typeof payload !== 'string' || (reply.statusCode < 400 && reply.statusCode !== 202)) return payload;
  let body: { error?: { code?: ErrorCode; message?: string } };
  try {
    body = JSON.parse(payload);
  } catch {
    return payload;
  }
  if (!body.error?.code || typeof body.error.message !== 'string') return payload;
  if (reply.statusCode === 202) reply.code(409);
  // OpenAI's clients retry 409 and some other statuses by default; only a rate limit or an outage
  // may pass on a retry here.
  const isRetryable = reply.statusCode === 429 || reply.statusCode >= 500;
  reply.header('x-should-retry', String(isRetryable));
  return JSON.stringify(openAIErrorOf(body as Parameters<typeof openAIErrorOf>[0], reply.statusCode));
}
