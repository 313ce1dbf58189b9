import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerJob, WorkerResult } from './store-worker.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const WORKER = path.join(HERE, 'store-worker.ts');

interface Running {
  ready: Promise<void>;
  done: Promise<{ results: WorkerResult[] | null; exitCode: number | null; stderr: string }>;
  go: (at: number) => void;
}

function start(job: WorkerJob): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  let failReady: (err: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('{"ready":true}')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = new Promise<{ results: WorkerResult[] | null; exitCode: number | null; stderr: string }>(
    (resolve) => {
      child.on('close', (exitCode) => {
        failReady(new Error(`worker exited before it was ready (code ${exitCode}):\n${stderr}`));
        const last = stdout
          .trim()
          .split('\n')
          .filter((line) => line.startsWith('{"results"'))
          .at(-1);
        const results = last ? (JSON.parse(last) as { results: WorkerResult[] }).results : null;
        resolve({ results, exitCode, stderr });
      });
    },
  );
  return { ready, done, go: (at) => child.stdin.end(`${at}\n`) };
}

/**
 * Starts one Node process per job, waits until every one is at the start line, releases them all
 * at the same moment and returns what each reported, per process and per URL of its job. Throws if a process
 * crashed instead of reporting.
 */
export async function raceInProcesses(jobs: WorkerJob[]): Promise<WorkerResult[][]> {
  const running = jobs.map(start);
  await Promise.all(running.map((r) => r.ready));
  const at = Date.now() + 100;
  for (const r of running) r.go(at);
  const finished = await Promise.all(running.map((r) => r.done));
  return finished.map(({ results, exitCode, stderr }, i) => {
    if (!results || exitCode !== 0) {
      throw new Error(`worker ${i} crashed (exit ${exitCode}) without reporting its results:\n${stderr}`);
    }
    return results;
  });
}
