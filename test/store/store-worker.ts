/**
 * A separate Node process that opens registries and does one operation on each, so tests can make
 * several processes race on the same databases. Run as `node --import tsx store-worker.ts JOB_JSON`.
 *
 * Protocol on stdout (one JSON object a line): `{"ready":true}` once it is waiting at the start
 * line, then `{"results":[…]}` with one `{"ok":true,"result":…}` or
 * `{"ok":false,"name","code","message"}` per URL, in order. The parent then writes one line to
 * stdin: the epoch milliseconds at which every worker starts, so they all start at the same moment.
 * The k-th URL is started `spacingMs × k` after that, so each URL is raced afresh.
 */
import { createInterface } from 'node:readline';
import type { PushItem } from '../../src/store/index.js';
import { openStore, type Store } from '../../src/store/index.js';

export type WorkerJob = {
  /** Each registry to work on, in turn. */
  urls: string[];
  root: string;
  project: string;
  /** `open-then-wait`: open the stores before the start line; `wait-then-open`: race the opening too. */
  phase: 'open-then-wait' | 'wait-then-open';
  /** Time between starting on one URL and the next (default 300 ms). */
  spacingMs?: number;
} & (
  | { op: 'push'; items: PushItem[]; author: string; message?: string }
  | { op: 'setLabel'; prompt: string; number: number; label: string; actor: string }
  | { op: 'release'; changeRequest: number; environment: string; actor: string }
  | { op: 'rollback'; prompt: string; environment: string; actor: string }
);

export type WorkerResult =
  | { ok: true; result: unknown }
  | { ok: false; name: string; code: string | null; message: string };

function send(message: unknown): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** The start time the parent sends. */
function waitForGo(): Promise<number> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.once('line', (line) => {
      lines.close();
      process.stdin.destroy();
      resolve(Number(line));
    });
  });
}

/** Waits until `at` (epoch ms): sleeps most of the way, then spins so every process starts together. */
async function until(at: number): Promise<void> {
  const sleep = at - Date.now() - 5;
  if (sleep > 0) await new Promise((resolve) => setTimeout(resolve, sleep));
  while (Date.now() < at) {
    // spin
  }
}

async function run(job: WorkerJob, store: Store): Promise<unknown> {
  switch (job.op) {
    case 'push':
      return store.push(job.items, { author: job.author, ...(job.message ? { message: job.message } : {}) });
    case 'setLabel':
      return store.setLabel(job.prompt, job.number, job.label, job.actor);
    case 'release':
      return store.release({ changeRequest: job.changeRequest, environment: job.environment }, job.actor);
    case 'rollback':
      return store.rollback({ prompt: job.prompt, environment: job.environment }, job.actor);
  }
}

function describeError(err: unknown): WorkerResult {
  const e = err as { name?: string; code?: unknown; message?: string };
  return {
    ok: false,
    name: e?.name ?? typeof err,
    code: typeof e?.code === 'string' ? e.code : null,
    message: e?.message ?? String(err),
  };
}

const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;
const open = (url: string) => openStore(url, job.root, { project: job.project });
const stores = new Map<string, Store | Error>();
if (job.phase === 'open-then-wait') {
  for (const url of job.urls) stores.set(url, await open(url).catch((err: Error) => err));
}
send({ ready: true });
const start = await waitForGo();
const results: WorkerResult[] = [];
for (const [k, url] of job.urls.entries()) {
  let store: Store | undefined;
  try {
    await until(start + k * (job.spacingMs ?? 300));
    const opened = stores.get(url) ?? (await open(url));
    if (opened instanceof Error) throw opened;
    store = opened;
    results.push({ ok: true, result: await run(job, store) });
  } catch (err) {
    results.push(describeError(err));
  } finally {
    await store?.close();
  }
}
send({ results });
