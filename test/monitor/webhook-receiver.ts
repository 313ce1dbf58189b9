/**
 * A real local webhook receiver for alert tests: it verifies each signature with the snippet
 * docs/monitoring.md gives receivers (loaded from the page as written) and records each body.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { EVENT_ID_HEADER, SIGNATURE_HEADER } from '../../src/monitor/alerts.js';
import { fencedBlocks } from '../docs/markdown.js';
import { REPO, tempDir } from '../helpers.js';

/** The docs' `verifyPromptopsSignature(rawBody, header, secret, toleranceSeconds?, nowSeconds?)`. */
export type Verify = (
  rawBody: string,
  header: string | undefined,
  secret: string,
  toleranceSeconds?: number,
  nowSeconds?: number,
) => boolean;

/**
 * Loads the receivers' verification snippet from docs/monitoring.md before the file's tests
 * (and removes its temporary copy after them); the function returned calls it.
 */
export function useDocsVerifier(): Verify {
  let loaded: Verify | undefined;
  let snippetDir: Awaited<ReturnType<typeof tempDir>> | undefined;
  beforeAll(async () => {
    const page = await readFile(path.join(REPO, 'docs', 'monitoring.md'), 'utf8');
    const block = fencedBlocks(page, 'monitoring.md').find((b) => b.lang === 'js');
    if (!block) throw new Error('docs/monitoring.md has no ```js verification snippet');
    snippetDir = await tempDir('promptops-verify-');
    const file = path.join(snippetDir.dir, 'verify.mjs');
    await writeFile(file, block.lines.map((l) => l.text).join('\n'));
    loaded = (await import(pathToFileURL(file).href)).verifyPromptopsSignature as Verify;
  });
  afterAll(async () => {
    await snippetDir?.cleanup();
  });
  return (...args) => {
    if (!loaded) throw new Error('the docs verifier is loaded in beforeAll: call it from a test');
    return loaded(...args);
  };
}

/** What the receiver was sent. */
export interface Received {
  body: string;
  eventId: string | undefined;
  signature: string | undefined;
  /** Whether the signature verified with the secret, when it was received. */
  verified: boolean;
}

/** A local webhook receiver: verifies each signature, records each body, answers `status`. */
export interface Receiver {
  url: string;
  received: Received[];
  status: number;
  close(): Promise<void>;
}

/**
 * Starts a receiver on 127.0.0.1:`port` (0: any) that checks signatures with `verify` and
 * `secret`, against `nowSeconds()` (the test's clock) with 300 s of tolerance.
 */
export async function startReceiver(
  verify: Verify,
  secret: string,
  nowSeconds: () => number,
  port = 0,
  status = 200,
): Promise<Receiver> {
  const received: Received[] = [];
  const state = { status };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers[SIGNATURE_HEADER] as string | undefined;
      received.push({
        body,
        eventId: req.headers[EVENT_ID_HEADER] as string | undefined,
        signature,
        verified: verify(body, signature, secret, 300, nowSeconds()),
      });
      res.statusCode = state.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/hook`,
    received,
    get status() {
      return state.status;
    },
    set status(value: number) {
      state.status = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A local port nothing listens on (yet): connections to it are refused. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
