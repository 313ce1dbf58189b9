import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../helpers.js';
import { closeFakeServers, type FakeServer, startFakeServer } from '../providers/fake-server.js';

const dir = useTempDir();
let server: FakeServer;

// A toy embedding: texts about getting money back point one way, everything else the other.
const vector = (text: string) => (/refund|money back/i.test(text) ? [1, 0.1] : [0.1, 1]);

beforeEach(async () => {
  server = await startFakeServer((request) => {
    const input = (request.body as { input: string[] }).input;
    return { json: { data: input.map((text, index) => ({ index, embedding: vector(text) })) } };
  });
  await mkdir(path.join(dir(), 'prompts'));
  await writeFile(
    path.join(dir(), 'promptops.yaml'),
    `project: emb\ncatalog: prompts\nproviders:\n  fake:\n    type: openai-compatible\n    baseUrl: ${server.url}\neval:\n  embeddings: fake/embed-1\n`,
  );
  await writeFile(
    path.join(dir(), 'prompts', 'echo.prompt'),
    '---\nname: echo\nmodel: offline/echo\ninput:\n  schema:\n    q: string\n---\n{{role "user"}}{{q}}\n',
  );
  await writeFile(
    path.join(dir(), 'prompts', 'echo.tests.yaml'),
    `tests:
  - description: about refunds
    vars: { q: "I would like a refund please" }
    assert: [{ type: similar, value: "money back", threshold: 0.9 }]
  - description: about something else
    vars: { q: "What time do you open?" }
    assert: [{ type: similar, value: "money back", threshold: 0.9 }]
`,
  );
});

afterEach(async () => {
  await closeFakeServers();
});

describe('similar with provider embeddings', () => {
  it('measures meaning with the configured embeddings model instead of shared words', async () => {
    const result = await runCli(['test', '--no-store', '--json'], { cwd: dir() });
    const cases = JSON.parse(result.stdout).suites[0].cases;
    expect(cases.map((c: { status: string }) => c.status)).toEqual(['pass', 'fail']);
    expect(cases[0].assertions[0].reason).toContain('embedding similarity');
    expect(server.requests[0]).toMatchObject({ path: '/embeddings', body: { model: 'embed-1' } });
  });
});
