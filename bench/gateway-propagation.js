// How long a release takes to reach a standalone gateway: a control plane (`promptops serve`) and
// a `promptops gateway` following it (long-poll); each round moves production to another version
// and times, from the moment the move is stored, until the gateway serves that version (polled
// every 5 ms). Prints JSON. Target (issue 16): a new release is served within 2 s.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineReferenceMs } from './lib/machine.js';
import { startProcess, stopProcess } from './lib/processes.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'promptops.cjs');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const INPUT = { customer: { name: 'Dana', tier: 'pro' }, message: 'I was charged twice' };

const dir = mkdtempSync(path.join(tmpdir(), 'promptops-bench-propagation-'));
const cli = (args, env = {}) => {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) throw new Error(`promptops ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  return result.stdout;
};
const processes = [];
try {
  cpSync(path.join(root, 'examples'), dir, { recursive: true, filter: (src) => !src.includes('.promptops') });
  // Two versions to move between.
  cli(['push']);
  const file = path.join(dir, 'prompts', 'support-reply.prompt');
  writeFileSync(file, readFileSync(file, 'utf8').replace('Answer as JSON', 'Always answer as JSON'));
  cli(['push']);
  cli(['label', 'set', 'support-reply@1', 'production']);
  const token = JSON.parse(
    cli(['token', 'create', '--subject', 'bench@example.com', '--role', 'admin', '--json']),
  ).token;
  const serve = await startProcess(process.execPath, [bin, 'serve', '--port', '0', '--log-level', 'warn'], {
    cwd: dir,
    ready: /listening on (http:\/\/\S+)/,
  });
  processes.push(serve);
  const controlPlane = serve.match[1];
  const gateway = await startProcess(
    process.execPath,
    [bin, 'gateway', '--port', '0', '--environments', 'production', '--log-level', 'warn'],
    {
      cwd: dir,
      env: { PROMPTOPS_URL: controlPlane, PROMPTOPS_TOKEN: token },
      ready: /listening on (http:\/\/\S+)/,
    },
  );
  processes.push(gateway);
  const served = async () => {
    const response = await fetch(`${gateway.match[1]}/v1/run/support-reply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: INPUT }),
    });
    return (await response.json()).version;
  };
  while ((await served()) !== 1) await new Promise((r) => setTimeout(r, 50));

  const millis = [];
  for (let round = 0; round < ROUNDS; round++) {
    const next = round % 2 === 0 ? 2 : 1;
    // The move goes through the control plane's API, as a release would.
    const moved = await fetch(
      `${controlPlane}/v1/projects/acme-support/prompts/support-reply/labels/production`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ version: next }),
      },
    );
    const stored = performance.now();
    if (!moved.ok) throw new Error(`label move: HTTP ${moved.status} ${await moved.text()}`);
    while ((await served()) !== next) await new Promise((r) => setTimeout(r, 5));
    millis.push(performance.now() - stored);
  }
  millis.sort((a, b) => a - b);
  const at = (q) => Math.round(millis[Math.min(millis.length - 1, Math.floor(q * millis.length))]);
  console.log(
    JSON.stringify(
      {
        bench: 'gateway-propagation',
        machineReferenceMs: machineReferenceMs(),
        rounds: ROUNDS,
        releaseToServedMs: { p50: at(0.5), max: Math.round(millis.at(-1)) },
        targetMs: 2000,
      },
      null,
      2,
    ),
  );
} finally {
  for (const p of processes.reverse()) await stopProcess(p);
  rmSync(dir, { recursive: true, force: true });
}
