/**
 * A separate Node process that opens the registry and does one operation, so tests can make
 * several processes race on the same database. Run as `node --import tsx store-worker.ts JOB_JSON`.
 *
 * Protocol on stdout (one JSON object a line): `{"ready":true}` once it is waiting at the start
 * line, then `{"ok":true,"result":…}` or `{"ok":false,"name","code","message"}`. The parent writes
 * one line to stdin to let every worker go at once.
 */
import { createInterface } from 'node:readline';
import type { PushItem } from '../../src/store/index.js';
import { openStore, type RegistryStore } from '../../src/store/index.js';

export type WorkerJob = {
  url: string;
  root: string;
  project: string;
  /** `open-then-wait`: open the store before the start line; `wait-then-open`: race the opening too. */
  phase: 'open-then-wait' | 'wait-then-open';
} & (
  | { op: 'push'; items: PushItem[]; author: string; message?: string }
  | { op: 'setLabel'; prompt: string; number: number; label: string; actor: string }
);

export type WorkerResult =
  | { ok: true; result: unknown }
  | { ok: false; name: string; code: string | null; message: string };

function send(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.once('line', () => {
      lines.close();
      process.stdin.destroy();
      resolve();
    });
  });
}

async function run(job: WorkerJob, store: RegistryStore): Promise<unknown> {
  if (job.op === 'push') {
    return store.push(job.items, { author: job.author, ...(job.message ? { message: job.message } : {}) });
  }
  return store.setLabel(job.prompt, job.number, job.label, job.actor);
}

const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;
let store: RegistryStore | undefined;
try {
  if (job.phase === 'open-then-wait') store = await openStore(job.url, job.root, { project: job.project });
  send({ ready: true });
  await waitForGo();
  store ??= await openStore(job.url, job.root, { project: job.project });
  send({ ok: true, result: await run(job, store) } satisfies WorkerResult);
} catch (err) {
  const e = err as { name?: string; code?: unknown; message?: string };
  send({
    ok: false,
    name: e?.name ?? typeof err,
    code: typeof e?.code === 'string' ? e.code : null,
    message: e?.message ?? String(err),
  } satisfies WorkerResult);
} finally {
  await store?.close();
}
