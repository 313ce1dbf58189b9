/**
 * docs/sdk.md's examples run as written (TypeScript, through tsx) against the example catalog,
 * with `promptops` and `@promptops/client` resolved to the built packages: the local example on
 * the project's registry, the remote-mode and light-client examples against a served gateway.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveReleasedExamples } from '../client/support.js';
import { pushInProcess, REPO, runCli, runSdkScript, stopServe, useTempDir } from '../helpers.js';

const page = await readFile(path.join(REPO, 'docs', 'sdk.md'), 'utf8');

/** The first ```ts block after `heading`. */
function example(heading: string): string {
  const section = page.slice(page.indexOf(`## ${heading}\n`));
  return /```ts\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
}

describe('docs/sdk.md', () => {
  const dir = useTempDir({ examples: true });

  it('runs its example against the example catalog', async () => {
    const code = example('Use');
    expect(code).toContain("from 'promptops'");
    await pushInProcess(dir());
    expect((await runCli(['label', 'set', 'support-reply@1', 'production'], { cwd: dir() })).code).toBe(0);
    const result = await runSdkScript(code, dir());
    expect(result.output).toMatch(/^Sorry about the double charge.* 1 [0-9a-f-]{36}\n$/);
    expect(result.code).toBe(0);
  });
});

describe('docs/sdk.md against a served gateway', () => {
  const dir = useTempDir({ examples: true, once: true });
  let served: Awaited<ReturnType<typeof serveReleasedExamples>> | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    served = await serveReleasedExamples(dir());
    env = { PROMPTOPS_URL: served.url, PROMPTOPS_TOKEN: served.token };
  });

  afterAll(async () => stopServe(served));

  it('runs the remote-mode example through the gateway', async () => {
    const result = await runSdkScript(example('Remote mode: through the gateway'), dir(), env);
    expect(result.output).toMatch(/^Sorry about the double charge.* 1 production stable\n2 gateway\n$/);
    expect(result.code).toBe(0);
    // The last-known-good file the example names was written.
    const saved = await readFile(path.join(dir(), '.promptops', 'client-cache.json'), 'utf8');
    expect(JSON.parse(saved).prompts).toHaveProperty(['/support-reply/production']);
  });

  it('runs the light-client example through the gateway', async () => {
    const code = example('The light client');
    expect(code).toContain("from '@promptops/client'");
    const result = await runSdkScript(code, dir(), env);
    expect(result.output).toMatch(
      /^Sorry about the double charge.* 1 stable [0-9a-f-]{36}\nsystem 1 gateway\n$/,
    );
    expect(result.code).toBe(0);
  });
});
