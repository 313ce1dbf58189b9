// promptops's gateway as a bench target: a temporary project (the examples) whose support-reply
// prompt calls the fake upstream through an openai-compatible provider, released to production,
// with an admin token, served by `promptops serve`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startProcess } from './processes.js';

/** The support-reply input every request sends: valid for its input contract, no PII to redact. */
export const SUPPORT_REPLY_INPUT = {
  customer: { name: 'Dana', tier: 'pro' },
  channel: 'chat',
  message: 'I was charged twice for my March invoice, can you check?',
  history: [{ role: 'customer', text: 'Hello' }],
};

function cli(bin, dir, args) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`promptops ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Makes the project in a temporary folder: support-reply's model becomes `bench-upstream/gpt-4o-mini`,
 * a provider at `http://127.0.0.1:<upstreamPort>/v1`; every prompt is pushed, support-reply@1 is
 * labelled production (what production serves) and an admin token is created.
 */
export function makeProject(root, upstreamPort) {
  const bin = path.join(root, 'bin', 'promptops.cjs');
  const dir = mkdtempSync(path.join(tmpdir(), 'promptops-bench-gateway-'));
  cpSync(path.join(root, 'examples'), dir, { recursive: true, filter: (src) => !src.includes('.promptops') });
  const config = path.join(dir, 'promptops.yaml');
  writeFileSync(
    config,
    readFileSync(config, 'utf8').replace(
      /^providers:\n/m,
      `providers:\n  bench-upstream:\n    type: openai-compatible\n    baseUrl: http://127.0.0.1:${upstreamPort}/v1\n`,
    ),
  );
  const prompt = path.join(dir, 'prompts', 'support-reply.prompt');
  writeFileSync(
    prompt,
    readFileSync(prompt, 'utf8').replace(/^model: .*$/m, 'model: bench-upstream/gpt-4o-mini'),
  );
  cli(bin, dir, ['push']);
  cli(bin, dir, ['label', 'set', 'support-reply@1', 'production']);
  const token = cli(bin, dir, ['token', 'create', '--subject', 'bench@example.com', '--role', 'admin']).split(
    '\n',
  )[0];
  return { bin, dir, token, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts `promptops serve --port 0` on the project, pinned to `cpu`, and reads its port. */
export async function startServe({ bin, dir }, cpu) {
  const started = await startProcess(process.execPath, [bin, 'serve', '--port', '0', '--log-level', 'warn'], {
    cwd: dir,
    cpu,
    ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/,
  });
  return { ...started, port: Number(started.match[1]) };
}

/**
 * Starts a standalone `promptops gateway` on the project, following the control plane on
 * `controlPlanePort` with the project's token, pinned to `cpu`, and reads its port.
 */
export async function startGateway({ bin, dir, token }, controlPlanePort, cpu) {
  const started = await startProcess(
    process.execPath,
    [bin, 'gateway', '--port', '0', '--environments', 'production', '--log-level', 'warn'],
    {
      cwd: dir,
      cpu,
      env: { PROMPTOPS_URL: `http://127.0.0.1:${controlPlanePort}`, PROMPTOPS_TOKEN: token },
      ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/,
    },
  );
  return { ...started, port: Number(started.match[1]) };
}

/** The request an application sends to run support-reply in production through the gateway. */
export function runRequest(port, token) {
  return {
    url: `http://127.0.0.1:${port}/v1/run/support-reply`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ input: SUPPORT_REPLY_INPUT, environment: 'production', stickyKey: 'user-123' }),
  };
}
