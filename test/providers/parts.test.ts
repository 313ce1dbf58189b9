// Messages with parts reach each API in its own shape: images as OpenAI `image_url` parts and
// Anthropic `image` blocks, tools as `tools` / `tool_calls` / `tool` messages and `tool_use` /
// `tool_result` blocks; the model's tool calls come back as Dotprompt tool requests.
import { compileRenderer, type Message } from '@promptops/client/render';
import { afterEach, describe, expect, it } from 'vitest';
import { callModel } from '../../src/providers/call.js';
import { createProviderLookup } from '../../src/providers/index.js';
import type { ModelRequest, ToolDefinition } from '../../src/providers/types.js';
import {
  anthropicAnswer,
  closeFakeServers,
  type FakeScript,
  openAiAnswer,
  startFakeServer,
} from './fake-server.js';
import { KEY, POLICY, rejectionOf } from './support.js';

afterEach(closeFakeServers);

const PNG = 'data:image/png;base64,iVBORw0KGgo=';
/** A version pushed before lint asked for `model`: its model turn says `assistant`. */
const STORED = compileRenderer({
  name: 'old',
  template: '{{role "user"}}Hi{{role "assistant"}}Hello!{{role "user"}}Bye',
});
const UNKNOWN: Message[] = [{ role: 'bot' as Message['role'], content: [{ text: 'Hi' }] }];
const WEATHER: ToolDefinition = {
  name: 'weather',
  description: 'The weather in a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const CONVERSATION: Message[] = [
  { role: 'system', content: [{ text: 'Be brief.' }] },
  {
    role: 'user',
    content: [
      { text: 'What is in ' },
      { media: { url: 'https://example.com/cat.png' } },
      { text: ' and ' },
      { media: { url: PNG, contentType: 'image/png' } },
      { metadata: { purpose: 'context', pending: true } },
    ],
  },
  { role: 'model', content: [{ toolRequest: { name: 'weather', ref: 'call-1', input: { city: 'Oslo' } } }] },
  { role: 'tool', content: [{ toolResponse: { name: 'weather', ref: 'call-1', output: { sky: 'clear' } } }] },
];

function request(messages: Message[] = CONVERSATION): Omit<ModelRequest, 'model'> {
  return { messages, tools: [WEATHER], config: {}, format: 'text' };
}

async function serve(type: 'openai-compatible' | 'anthropic', script: FakeScript) {
  const server = await startFakeServer(script);
  const baseUrl = type === 'anthropic' ? server.url : `${server.url}/v1`;
  const lookup = createProviderLookup({ fake: { type, baseUrl, apiKeyEnv: 'FAKE_KEY' } }, process.cwd(), {
    FAKE_KEY: KEY,
  });
  return { server, lookup };
}

describe('OpenAI-compatible provider with parts and tools', () => {
  it('sends images as image_url parts, tools, tool calls and tool results', async () => {
    const { server, lookup } = await serve('openai-compatible', [{ json: openAiAnswer('A cat.') }]);
    await callModel(['fake/gpt-4o'], request(), lookup, POLICY);
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in ' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          { type: 'text', text: ' and ' },
          { type: 'image_url', image_url: { url: PNG } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call-1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call-1', content: '{"sky":"clear"}' },
    ]);
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: { name: 'weather', description: 'The weather in a city', parameters: WEATHER.inputSchema },
      },
    ]);
  });

  it('returns the tool calls the model asks for as tool requests', async () => {
    const { lookup } = await serve('openai-compatible', [
      {
        json: {
          choices: [
            {
              message: {
                role: 'assistant',
                content: null,
                tool_calls: [
                  { id: 'c9', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } },
                ],
              },
              finish_reason: 'tool_calls',
            },
          ],
        },
      },
    ]);
    const { response } = await callModel(['fake/gpt-4o'], request(), lookup, POLICY);
    expect(response.toolRequests).toEqual([{ name: 'weather', ref: 'c9', input: { city: 'Rome' } }]);
    expect(response.text).toBe('');
  });

  it('refuses media that is not an image, and a tool message without a tool response', async () => {
    const { lookup } = await serve('openai-compatible', [{ json: openAiAnswer('x') }]);
    const pdf: Message[] = [
      { role: 'user', content: [{ media: { url: 'https://x/a.pdf', contentType: 'application/pdf' } }] },
    ];
    expect((await rejectionOf(callModel(['fake/gpt-4o'], request(pdf), lookup, POLICY))).message).toMatch(
      /application\/pdf media; Chat Completions takes images only/,
    );
    const tool: Message[] = [{ role: 'tool', content: [{ text: 'sunny' }] }];
    expect((await rejectionOf(callModel(['fake/gpt-4o'], request(tool), lookup, POLICY))).message).toMatch(
      /a tool message holds only tool responses/,
    );
  });
});

describe('roles of versions pushed before lint asked for model, and unknown roles', () => {
  it.each([
    ['openai-compatible', 'fake/gpt-4o', openAiAnswer('x')],
    ['anthropic', 'fake/claude-sonnet-4-5', anthropicAnswer('x')],
  ] as const)(
    '%s: a stored {{role "assistant"}} turn is the assistant\'s; an unknown role is refused by name',
    async (type, model, answer) => {
      const { server, lookup } = await serve(type, [{ json: answer }]);
      await callModel([model], request(STORED({})), lookup, POLICY);
      expect((server.requests[0]!.body as { messages: unknown }).messages).toEqual([
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello!' },
        { role: 'user', content: 'Bye' },
      ]);
      const rejection = await rejectionOf(callModel([model], request(UNKNOWN), lookup, POLICY));
      expect(rejection.message).toMatch(/role "bot" is not a Dotprompt role/);
      expect(server.requests).toHaveLength(1);
    },
  );
});

describe('Anthropic provider with parts and tools', () => {
  it('sends images as base64 or URL image blocks, tools, tool_use and tool_result', async () => {
    const { server, lookup } = await serve('anthropic', [{ json: anthropicAnswer('A cat.') }]);
    await callModel(['fake/claude-sonnet-4-5'], request(), lookup, POLICY);
    const body = server.requests[0]!.body as Record<string, unknown>;
    expect(body.system).toBe('Be brief.');
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in ' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
          { type: 'text', text: ' and ' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'call-1', name: 'weather', input: { city: 'Oslo' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call-1', content: '{"sky":"clear"}' }] },
    ]);
    expect(body.tools).toEqual([
      { name: 'weather', description: 'The weather in a city', input_schema: WEATHER.inputSchema },
    ]);
  });

  it('refuses media in a system message', async () => {
    const { lookup } = await serve('anthropic', [{ json: anthropicAnswer('x') }]);
    const messages: Message[] = [{ role: 'system', content: [{ media: { url: PNG } }] }];
    expect(
      (await rejectionOf(callModel(['fake/claude-sonnet-4-5'], request(messages), lookup, POLICY))).message,
    ).toMatch(/the system parameter takes text only/);
  });
});
