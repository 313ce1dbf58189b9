/**
 * `promptops serve` drains on SIGTERM: a request already in flight (here: a push whose body is still
 * arriving) finishes and is stored, then the process exits 0.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { expect, it } from 'vitest';
import { loadCatalog, openWorkspace } from '../../src/project/workspace.js';
import { BIN, runCli, useTempDir } from '../helpers.js';

const dir = useTempDir({ examples: true });

it('finishes the request in flight, stores it, and exits 0', async () => {
  const token = JSON.parse(
    (
      await runCli(['token', 'create', '--subject', 'ada@acme.example', '--role', 'author', '--json'], {
        cwd: dir(),
      })
    ).stdout,
  ).token as string;
  // info logs each request as it arrives: the test waits for that line, never for a set time
  const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'info'], {
    cwd: dir(),
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  const waiting = new Set<{ pattern: RegExp; resolve: (match: RegExpExecArray) => void }>();
  server.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const waiter of waiting) {
      const match = waiter.pattern.exec(out);
      if (!match) continue;
      waiting.delete(waiter);
      waiter.resolve(match);
    }
  });
  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
  /** Resolves when the server's output shows `pattern`; rejects if it exits first. */
  const printed = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const match = pattern.exec(out);
      if (match) return resolve(match);
      waiting.add({ pattern, resolve });
      exited.then(() => reject(new Error(`serve exited before printing ${pattern}: ${out}`)));
    });
  const url = new URL((await printed(/listening on (http:\/\/\S+)/))[1]!);

  const ws = await openWorkspace(dir());
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
    // Once the server has the request in flight, stop it; once it drains, finish sending.
    printed(/incoming request/)
      .then(() => {
        server.kill('SIGTERM');
        return printed(/SIGTERM: draining/);
      })
      .then(() => req.end(body.slice(half)), reject);
  });

  const { status, text } = await response;
  expect(status, text).toBe(200);
  expect(JSON.parse(text).map((o: { status: string }) => o.status)).toContain('created');
  expect(await exited).toBe(0);
  expect(out).toContain('SIGTERM: draining');
  expect(out).toContain('promptops serve: stopped');
  const versions = JSON.parse((await runCli(['versions', 'support-reply', '--json'], { cwd: dir() })).stdout);
  expect(versions.versions[0].message).toBe('in flight');
});
