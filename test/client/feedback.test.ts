/**
 * Feedback through the gateway of a real `promptops serve`: `POST /v1/feedback` (the light client's
 * `feedback`, with a runtime token) right after a run, refused for a trace that does not exist or
 * a caller without `trace.write`; and the SDK's `feedback` in both modes.
 */

import { createClient as createGatewayClient, type GatewayError } from '@promptops/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, isPromptOpsError } from '../../src/index.js';
import { runCli, startServe, stopServe, useTempDir } from '../helpers.js';
import { SUPPORT_INPUT, serveReleasedExamples } from './support.js';

const dir = useTempDir({ examples: true, once: true });
let served: Awaited<ReturnType<typeof serveReleasedExamples>> | undefined;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  served = await serveReleasedExamples(dir());
  for (const [who, role] of [
    ['runtime', 'runtime'],
    ['viewer', 'viewer'],
    ['gateway', 'runtime'],
  ]) {
    const made = await runCli(
      ['token', 'create', '--subject', `${who}@acme.example`, '--role', role as string, '--json'],
      { cwd: dir() },
    );
    tokens[who as string] = JSON.parse(made.stdout).token;
  }
});

afterAll(async () => {
  await stopServe(served);
});

const gatewayAs = (role: string) =>
  createGatewayClient({ url: served!.url, token: tokens[role] ?? served!.token, env: {} });

const listNegative = async () => {
  const response = await fetch(`${served!.url}/v1/projects/acme-support/feedback?sentiment=negative`, {
    headers: { authorization: `Bearer ${served!.token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { traceId: string; by: string }[];
};

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error('expected a rejection');
};

describe('POST /v1/feedback on the gateway', () => {
  it('records feedback on a run just answered, as the caller, with the trace prompt and environment', async () => {
    const gateway = gatewayAs('runtime');
    const run = await gateway.run('support-reply', SUPPORT_INPUT, { environment: 'production' });
    // At once: the trace may still be in the gateway's spool.
    const recorded = await gateway.feedback(run.traceId, {
      thumbs: 'down',
      comment: 'promised a refund without checking',
      correctedOutput: { reply: 'Let me check the charge first.', escalate: false, category: 'billing' },
    });
    expect(recorded).toMatchObject({
      traceId: run.traceId,
      prompt: 'support-reply',
      version: 1,
      environment: 'production',
      negative: true,
      by: 'runtime@acme.example',
      correctedOutput: { reply: 'Let me check the charge first.' },
    });
    expect((await listNegative()).map((f) => f.traceId)).toContain(run.traceId);
  });

  it('refuses a trace the project does not have (404), and a body without a score or thumbs (400)', async () => {
    const gateway = gatewayAs('runtime');
    const before = (await listNegative()).length;
    const missing = await rejection(gateway.feedback('no-such-trace', { thumbs: 'down' }));
    expect(missing).toMatchObject({ code: 'PO_ERR_TRACE_NOT_FOUND', status: 404 });
    const run = await gateway.run('support-reply', SUPPORT_INPUT);
    const empty = await rejection(gateway.feedback(run.traceId, { comment: 'meh' }));
    expect(empty).toMatchObject({ code: 'PO_ERR_REQUEST_INVALID', status: 400 });
    const outOfRange = await rejection(gateway.feedback(run.traceId, { score: 2 }));
    expect(outOfRange).toMatchObject({ status: 400 });
    expect((await listNegative()).length).toBe(before);
  });

  it('needs trace.write: a viewer is refused', async () => {
    const run = await gatewayAs('runtime').run('support-reply', SUPPORT_INPUT);
    const refused = await rejection(gatewayAs('viewer').feedback(run.traceId, { thumbs: 'up' }));
    expect(refused).toMatchObject({ code: 'PO_ERR_FORBIDDEN', status: 403 });
  });
});

describe('POST /v1/feedback on a standalone gateway', () => {
  it("forwards to the control plane as the caller, not as the gateway's own token", async () => {
    const gateway = await startServe(
      dir(),
      { PROMPTOPS_URL: served!.url, PROMPTOPS_TOKEN: tokens.gateway as string },
      ['gateway', '--environments', 'production', '--state-dir', '.promptops/standalone-gateway'],
    );
    try {
      const client = createGatewayClient({ url: gateway.url, token: tokens.runtime, env: {} });
      const run = await client.run('support-reply', SUPPORT_INPUT);
      const recorded = await client.feedback(run.traceId, { score: 0.1 });
      expect(recorded).toMatchObject({ traceId: run.traceId, negative: true, by: 'runtime@acme.example' });
      const missing = await rejection(client.feedback('no-such-trace', { thumbs: 'down' }));
      expect(missing).toMatchObject({ code: 'PO_ERR_TRACE_NOT_FOUND', status: 404 });
    } finally {
      await stopServe(gateway);
    }
  });
});

describe("the SDK's feedback", () => {
  it('goes to the gateway in remote mode, and says PO_ERR_TRACE_NOT_FOUND as the local store would', async () => {
    const client = createClient({
      cwd: dir(),
      env: { PROMPTOPS_URL: served!.url, PROMPTOPS_TOKEN: tokens.runtime as string },
    });
    try {
      const run = await client.run('support-reply', SUPPORT_INPUT, { environment: 'production' });
      const recorded = await client.feedback(run.traceId, { thumbs: 'up', comment: 'spot on' });
      expect(recorded).toMatchObject({ traceId: run.traceId, negative: false, by: 'runtime@acme.example' });
      const missing = await client.feedback('no-such-trace', { thumbs: 'down' }).catch((err: unknown) => err);
      expect(isPromptOpsError(missing) && missing.code).toBe('PO_ERR_TRACE_NOT_FOUND');
    } finally {
      await client.close();
    }
  });

  it('records feedback on a run of this process, its trace stored first', async () => {
    const client = createClient({
      cwd: dir(),
      environment: 'production',
      env: { PROMPTOPS_AUTHOR: 'qa@acme.example' },
    });
    try {
      const run = await client.run('support-reply', SUPPORT_INPUT);
      const recorded = await client.feedback(run.traceId, { score: 0.2 });
      expect(recorded).toMatchObject({
        traceId: run.traceId,
        score: 0.2,
        negative: true,
        by: 'qa@acme.example',
      });
    } finally {
      await client.close();
    }
  });
});
