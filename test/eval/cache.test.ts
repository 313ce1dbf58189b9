import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../helpers.js';
import {
  closeFakeServers,
  type FakeServer,
  openAiAnswer,
  startFakeServer,
} from '../providers/fake-server.js';

const dir = useTempDir();
let server: FakeServer;

beforeEach(async () => {
  server = await startFakeServer((request) => {
    const messages = (request.body as { messages: { content: string }[] }).messages;
    return { json: openAiAnswer(`echo: ${messages.at(-1)?.content}`) };
  });
  await mkdir(path.join(dir(), 'prompts'));
  await writeFile(
    path.join(dir(), 'promptops.yaml'),
    `project: cached\ncatalog: prompts\nproviders:\n  fake:\n    type: openai-compatible\n    baseUrl: ${server.url}\n    apiKeyEnv: FAKE_KEY\n`,
  );
  await writeFile(
    path.join(dir(), 'prompts', 'ask.prompt'),
    '---\nname: ask\nmodel: fake/model-1\ninput:\n  schema:\n    q: string\n---\n{{role "user"}}{{q}}\n',
  );
  await writeFile(
    path.join(dir(), 'prompts', 'ask.tests.yaml'),
    'tests:\n  - vars: { q: one }\n    assert: [{ type: contains, value: one }]\n  - vars: { q: two }\n    assert: [{ type: contains, value: two }]\n',
  );
});

afterEach(async () => {
  await closeFakeServers();
});

const env = { FAKE_KEY: 'sk-fake-0123456789' };

describe('the evaluation response cache', () => {
  it('answers repeated runs from the cache, keyed by version and input, and --no-cache bypasses it', async () => {
    expect((await runCli(['test'], { cwd: dir(), env })).code).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect((await runCli(['test'], { cwd: dir(), env })).code).toBe(0);
    expect(server.requests).toHaveLength(2);

    await writeFile(
      path.join(dir(), 'prompts', 'ask.tests.yaml'),
      'tests:\n  - vars: { q: one }\n    assert: [{ type: contains, value: one }]\n  - vars: { q: three }\n    assert: [{ type: contains, value: three }]\n',
    );
    await runCli(['test'], { cwd: dir(), env });
    expect(server.requests).toHaveLength(3);

    const file = path.join(dir(), 'prompts', 'ask.prompt');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace('{{role "user"}}{{q}}', '{{role "user"}}Question: {{q}}'),
    );
    await runCli(['test'], { cwd: dir(), env });
    expect(server.requests).toHaveLength(5);

    await runCli(['test', '--no-cache'], { cwd: dir(), env });
    expect(server.requests).toHaveLength(7);
    await runCli(['test', '--repeat', '2'], { cwd: dir(), env });
    expect(server.requests).toHaveLength(11);
  });
});
