/**
 * The SDK (`createClient` of the main package) in its two modes on one project: local
 * (the registry file, in-process) and remote (PROMPTOPS_URL set: everything through the gateway of
 * a real `promptops serve`, no project folder needed). Both answer get and render alike.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isPromptOpsError, type PromptOpsClient } from '../../src/index.js';
import { stopServe, useTempDir } from '../helpers.js';
import { SUPPORT_INPUT, serveReleasedExamples } from './support.js';

const dir = useTempDir({ examples: true, once: true });
let served: Awaited<ReturnType<typeof serveReleasedExamples>> | undefined;
let remote: PromptOpsClient;
let local: PromptOpsClient;
let elsewhere: string;

const input = SUPPORT_INPUT;

beforeAll(async () => {
  served = await serveReleasedExamples(dir());
  // Remote mode runs outside any project folder: it opens no workspace and no store.
  elsewhere = await mkdtemp(path.join(tmpdir(), 'promptops-app-'));
  remote = createClient({
    cwd: elsewhere,
    environment: 'production',
    cacheFile: path.join(elsewhere, 'client-cache.json'),
    env: { PROMPTOPS_URL: served.url, PROMPTOPS_TOKEN: served.token },
  });
  local = createClient({ cwd: dir(), environment: 'production' });
});

afterAll(async () => {
  await remote?.close();
  await local?.close();
  await stopServe(served);
  await rm(elsewhere, { recursive: true, force: true });
});

describe('the SDK with PROMPTOPS_URL set', () => {
  it('runs through the gateway and answers in the RunResult shape, with environment and arm', async () => {
    const result = await remote.run<{ reply: string }>('support-reply', input, { stickyKey: 'user-42' });
    expect(result.output.reply).toMatch(/^Sorry about the double charge/);
    expect(result.version).toMatchObject({ prompt: 'support-reply', number: 1 });
    expect(result).toMatchObject({ environment: 'production', arm: 'stable' });
    expect(result.guardrails.length).toBeGreaterThan(0);
  });

  it('gets and renders what local mode gets and renders from the registry', async () => {
    const [fromGateway, fromRegistry] = await Promise.all([
      remote.get('support-reply'),
      local.get('support-reply'),
    ]);
    expect(fromGateway.source).toBe('gateway');
    expect(fromRegistry.source).toBe('registry');
    expect({ ...fromGateway, source: null }).toEqual({ ...fromRegistry, source: null });

    const [remoteMessages, localMessages] = await Promise.all([
      remote.render('support-reply', input),
      local.render('support-reply', input),
    ]);
    expect(remoteMessages.messages).toEqual(localMessages.messages);
    expect(remoteMessages).toMatchObject({ version: 1, environment: 'production', source: 'gateway' });
    expect(await readFile(path.join(elsewhere, 'client-cache.json'), 'utf8')).toContain('"hash"');
  });

  it("fails with the SDK's own PromptOpsError and the gateway's code", async () => {
    const err = await remote.run('nope', input).catch((e: unknown) => e);
    expect(isPromptOpsError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'PO_ERR_PROMPT_NOT_FOUND', status: 404 });
    const violation = await remote.render('support-reply', { message: 'hi' }).catch((e: unknown) => e);
    expect(violation).toMatchObject({ code: 'PO_ERR_CONTRACT_VIOLATION' });
  });
});
