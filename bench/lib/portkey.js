// Portkey's open-source AI gateway as a bench target: installed once into a cache folder (a
// repeated run does not download it again) and started as its own process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startProcess } from './processes.js';

export const PORTKEY_VERSION = '1.15.2';
const folder = path.join(tmpdir(), `promptops-bench-portkey-${PORTKEY_VERSION}`);
const server = path.join(folder, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');

/** Installs @portkey-ai/gateway at the pinned version unless the cache folder has it. */
export function installPortkey() {
  if (existsSync(server)) return;
  mkdirSync(folder, { recursive: true });
  // --ignore-scripts: its postinstall runs patch-package on its own dev setup, which a user of the
  // published build does not need (its build/ is already bundled).
  const result = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      folder,
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--no-save',
      `@portkey-ai/gateway@${PORTKEY_VERSION}`,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0 || !existsSync(server)) {
    throw new Error(`npm install @portkey-ai/gateway@${PORTKEY_VERSION} failed:\n${result.stderr}`);
  }
}

/** Starts Portkey on a free port (it takes no port 0) pinned to `cpu`, once it says it is ready. */
export async function startPortkey(cpu) {
  const port = await freePort();
  const started = await startProcess(process.execPath, [server, `--port=${port}`, '--headless'], {
    cwd: folder,
    cpu,
    ready: /Ready for connections/,
  });
  return { ...started, port };
}

/** The request a client sends through Portkey to an OpenAI-compatible server at `upstreamPort`. */
export function portkeyRequest(port, upstreamPort, body) {
  return {
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer sk-bench',
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': `http://127.0.0.1:${upstreamPort}/v1`,
    },
    body,
  };
}
