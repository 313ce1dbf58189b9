/**
 * `promptops serve` drains on SIGTERM: a request already in flight (here: a push whose body is still
 * arriving) finishes and is stored, then the process exits 0.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadCatalog, openWorkspace } from '../../src/project/workspace.js';
import { BIN, copyExamples, runCli, tempDir } from '../helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  await copyExamples(dir);
});
afterEach(async () => cleanup());

it('finishes the request in flight, stores it, and exits 0', async () => {
  const token = JSON.parse(
    (
      await runCli(['token', 'create', '--subject', 'ada@acme.example', '--role', 'author', '--json'], {
        cwd: dir,
      })
    ).stdout,
  ).token as string;
  const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'warn'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  server.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearInterval(timer);
        resolve(new URL(match[1]!));
      }
    }, 20);
    exited.then(() => reject(new Error(`serve exited: ${out}`)));
  });

  const ws = await openWorkspace(dir);
  const entries = (await loadCatalog(ws)).entries;
  const body = JSON.stringify({
    items: entries.map((e) => ({ spec: e.spec, hash: e.hash })),
    message: 'in flight',
  });
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/v1/projects/acme-support/prompts/push',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => {
          text += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    // The request is in flight; stop the server, then finish sending it.
    setTimeout(() => {
      server.kill('SIGTERM');
      setTimeout(() => req.end(body.slice(half)), 300);
    }, 100);
  });

  const { status, text } = await response;
  expect(status, text).toBe(200);
  expect(JSON.parse(text).map((o: { status: string }) => o.status)).toContain('created');
  expect(await exited).toBe(0);
  expect(out).toContain('SIGTERM: draining');
  expect(out).toContain('promptops serve: stopped');
  const versions = JSON.parse((await runCli(['versions', 'support-reply', '--json'], { cwd: dir })).stdout);
  expect(versions.versions[0].message).toBe('in flight');
}, 60_000);
