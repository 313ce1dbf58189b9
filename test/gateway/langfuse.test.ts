/**
 * The official Langfuse client (`@langfuse/client`), unmodified, against `promptops serve`'s
 * gateway: labels are environments, versions are the versions served, and compile() on what it
 * gets yields the messages our own renderer makes.
 */
import { ChatPromptClient, LangfuseClient } from '@langfuse/client';
import { compileRenderer, type Message, textOf } from '@promptops/client/render';
import { describe, expect, it } from 'vitest';
import type { PromptSpec } from '../../src/catalog/spec.js';
import { langfusePromptOf } from '../../src/gateway/langfuse.js';
import { useServedProject } from './served-project.js';

const project = useServedProject();

function langfuse(publicKey = 'acme-support', secretKey = project().token): LangfuseClient {
  return new LangfuseClient({ publicKey, secretKey, baseUrl: project().url });
}

/** The messages our gateway renders for `ref` and `input`. */
/** Our render of `ref` as Langfuse's chat messages: text, with the model's role named `assistant`. */
async function rendered(ref: string, input: unknown): Promise<{ role: string; content: string }[]> {
  const response = await fetch(`${project().url}/v1/prompts/${ref}/render`, {
    method: 'POST',
    headers: { authorization: `Bearer ${project().token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ input }),
  });
  expect(response.status).toBe(200);
  const { messages } = (await response.json()) as { messages: Message[] };
  return messages.map((m) => ({ role: m.role === 'model' ? 'assistant' : m.role, content: textOf(m) }));
}

/** The error a call rejects with, as text (Langfuse's client puts the status and body in its message). */
async function failure(call: Promise<unknown>): Promise<Error & { statusCode?: number; body?: unknown }> {
  const err = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error & { statusCode?: number; body?: unknown };
}

describe('GET /api/public/v2/prompts/{name} with the Langfuse client', () => {
  it('serves the production label by default: a chat prompt whose compile() equals our render', async () => {
    const prompt = await langfuse().prompt.get('greet', { type: 'chat', cacheTtlSeconds: 0 });
    expect(prompt.type).toBe('chat');
    expect(prompt.version).toBe(1);
    expect(prompt.labels).toEqual(['production']);
    expect(prompt.config).toMatchObject({ model: 'offline/echo' });
    const messages = prompt.compile({ name: 'Ann' });
    expect(messages).toEqual(await rendered('greet@1', { name: 'Ann' }));
    // the partial {{> tone}} is inlined
    expect(JSON.stringify(messages)).toContain('plain, warm English');
  });

  it('maps a template without role markers to a text prompt, compiled as our single user message', async () => {
    const prompt = await langfuse().prompt.get('shout', { cacheTtlSeconds: 0 });
    expect(prompt.type).toBe('text');
    const [message] = await rendered('shout@1', { phrase: 'hello', times: 3 });
    expect(prompt.compile({ phrase: 'hello', times: '3' })).toBe(message!.content);
    expect(message!.role).toBe('user');
  });

  it('reads a label as an environment, `latest` as the newest version served, and an exact version', async () => {
    const latest = await langfuse().prompt.get('greet', {
      label: 'latest',
      type: 'chat',
      cacheTtlSeconds: 0,
    });
    // greet@2 is production's canary: the newest version served, no environment's stable version
    expect([latest.version, latest.labels]).toEqual([2, ['latest']]);
    expect(latest.compile({ name: 'Bo' })).toEqual(await rendered('greet@2', { name: 'Bo' }));
    const exact = await langfuse().prompt.get('greet', { version: 1, type: 'chat', cacheTtlSeconds: 0 });
    expect([exact.version, exact.labels]).toEqual([1, ['production']]);
  });

  it('refuses the shipped support-reply clearly: its {{#if}} block has no Langfuse equivalent', async () => {
    const err = await failure(langfuse().prompt.get('support-reply', { cacheTtlSeconds: 0 }));
    expect(err.statusCode).toBe(400);
    expect(JSON.stringify(err.body)).toContain('uses {{#if}}');
    expect(JSON.stringify(err.body)).toContain('POST /v1/prompts/{ref}/render');
  });

  it('answers 404 for an unknown prompt, label or version, and 401 for another project or a bad token', async () => {
    for (const [name, options, code] of [
      ['no-such-prompt', {}, 'PO_ERR_PROMPT_NOT_FOUND'],
      ['greet', { label: 'staging' }, 'PO_ERR_LABEL_NOT_FOUND'],
      ['greet', { version: 7 }, 'PO_ERR_VERSION_NOT_FOUND'],
    ] as const) {
      const err = await failure(langfuse().prompt.get(name, { ...options, cacheTtlSeconds: 0 }));
      expect(err.statusCode, `${name} ${JSON.stringify(options)}`).toBe(404);
      expect(err.body).toMatchObject({ error: { code } });
    }
    const otherProject = await failure(langfuse('other-project').prompt.get('greet', { cacheTtlSeconds: 0 }));
    expect(otherProject.statusCode).toBe(401);
    expect(JSON.stringify(otherProject.body)).toContain('serves \\"acme-support\\", not \\"other-project\\"');
    const badToken = await failure(
      langfuse('acme-support', 'po_wrong').prompt.get('greet', { cacheTtlSeconds: 0 }),
    );
    expect(badToken.statusCode).toBe(401);
  });
});

/** The Langfuse prompt object of a template, as the gateway would serve it. */
function translated(template: string, partials: Record<string, string> = {}) {
  const spec = {
    name: 't',
    template,
    partials,
    config: {},
    promptops: { tags: [] },
  } as unknown as PromptSpec;
  return { spec, prompt: langfusePromptOf({ prompt: 't', number: 1, hash: 'h', spec, labels: [] }) };
}

describe("the translation to Langfuse's prompt object", () => {
  it('turns {{history}} into a placeholder that compile() fills where our renderer puts the history', () => {
    const { spec, prompt } = translated(
      '{{role "system"}}Be brief, {{user.name}}.{{history}}{{role "user"}}{{question}}',
    );
    const history = [
      { role: 'user' as const, content: 'Hi' },
      { role: 'assistant' as const, content: 'Hello!' },
    ];
    const client = new ChatPromptClient(prompt as ConstructorParameters<typeof ChatPromptClient>[0]);
    const variables = { user: { name: 'Ann' }, question: 'Why?' };
    // Langfuse's chat messages are text with OpenAI's role names: the model's turns are `assistant`.
    const ours = compileRenderer(spec)(variables, { history }).map((m) => ({
      role: m.role === 'model' ? 'assistant' : m.role,
      content: textOf(m),
    }));
    expect(client.compile(variables as never, { history })).toEqual(ours);
  });

  it.each([
    ['{{#each items}}- {{this}}\n{{/each}}', '{{#each}}'],
    ['{{#if vip}}VIP{{/if}}', '{{#if}}'],
    ['Data: {{json data}}', 'the helper {{json …}}'],
    ['{{this}}', '{{this}}'],
    ['{{@root.name}}', '{{@root.name}}'],
    ['{{> tone style="x"}}', 'the partial {{> tone …}}'],
    ['\\{{literal}}', 'literal "{{" text'],
  ])('refuses %s, naming %s', (template, construct) => {
    let error: unknown;
    try {
      translated(template, { tone: 'Be warm.' });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'PO_ERR_REQUEST_INVALID', details: { construct } });
  });
});
