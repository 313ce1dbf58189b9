/**
 * The web console's test harness: a PostgreSQL-backed project with people of each role, a control
 * plane started in this process exactly as `promptops serve` starts it (on a clock the test moves),
 * and (re-exported from ./browser.ts) chromium and the checks every page gets.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../../src/monitor/rollup.js';
import { openWorkspace } from '../../src/project/workspace.js';
import { type ControlPlane, startControlPlane } from '../../src/server/control-plane.js';
import {
  type CliResult,
  cliJson,
  copyExamples,
  runCli,
  supportReplyInProduction,
  tempDir,
} from '../helpers.js';
import { DATABASE_URL, withClient, withSchema } from '../store/harness.js';
import { buildConsoleIfMissing, CONSOLE_DIR } from './browser.js';

export * from './browser.js';

/** A clock the test moves: real time plus an offset that only grows. */
export interface MovableClock extends Clock {
  /** Jumps to `at` (never back: the server's time only runs forward). */
  jumpTo(at: Date | string): void;
  advance(ms: number): void;
}

/**
 * Time for a control plane under test: it runs like the system clock (so pages that poll, audit
 * entries and trace lists see time pass and order as they would), and jumps when the test says,
 * so a canary's interval ends without waiting for it.
 */
export function movableClock(): MovableClock {
  let offset = 0;
  const clock = (() => new Date(Date.now() + offset)) as MovableClock;
  clock.jumpTo = (at) => {
    offset = Math.max(offset, new Date(at).getTime() - Date.now());
  };
  clock.advance = (ms) => {
    offset += Math.max(0, ms);
  };
  return clock;
}

/** The people of the scenario, each with a token of one role (the subject is `WHO@acme.example`). */
export const PEOPLE = {
  admin: 'admin',
  author: 'author',
  reviewer: 'reviewer',
  releaser: 'releaser',
  /** The application that calls the gateway. */
  app: 'runtime',
} as const;
export type Person = keyof typeof PEOPLE;

/** The canary plan the project releases with: one short interval, one failure rolls back. */
const PROJECT_SETTINGS = `
# test/web/harness.ts: a canary judged every minute, one approval for any risk, rollups written often.
canary:
  steps: [50, 100]
  interval: 1m
  minSamples: 20
  failureLimit: 1
  metrics:
    - { metric: error_rate, maxIncrease: 0.02 }
    - { metric: p95_latency_ms, maxRatio: 1.5 }
telemetry:
  rollups: { flushSeconds: 0.2 }
`;

/** Fails every third damaged-order answer of the version that quotes the message (docs/monitoring.md). */
const CANARY_FAULT = `  - when: { prompt: support-reply, regex: "verbatim:[\\\\s\\\\S]*damaged" }
    cycle:
      - json: { reply: "Sorry, a replacement is on its way.", escalate: false, category: other }
      - json: { reply: "Sorry, a replacement is on its way.", escalate: false, category: other }
      - fail: rejected
`;

/** A project folder on a PostgreSQL schema of its own, and its people's tokens. */
export interface ConsoleProject {
  dir: string;
  /** PROMPTOPS_DATABASE_URL: the test database, in a schema no other run uses. */
  databaseUrl: string;
  tokens: Record<Person, string>;
  /** Runs the CLI in the project as `who`: against `server` when given, else next to the database. */
  cli(who: Person, args: string[], server?: { address: string }): Promise<CliResult>;
  /** Drops the schema and removes the folder. */
  cleanup(): Promise<void>;
}

/**
 * The example project on a fresh PostgreSQL schema (parallel runs share the `test` database): the
 * catalog pushed, support-reply@1 in production, the canary plan above, a scripted fault that only
 * the next version's wording meets, and one token per person. One approval releases any risk, so
 * the scenario needs one reviewer.
 */
export async function consoleProject(): Promise<ConsoleProject> {
  const { dir, cleanup } = await tempDir('promptops-console-');
  await copyExamples(dir);
  await appendFile(path.join(dir, 'promptops.yaml'), PROJECT_SETTINGS);
  await setApprovalsRequired(path.join(dir, 'promptops.yaml'), 1);
  const fixtures = path.join(dir, 'fixtures', 'offline.yaml');
  await writeFile(
    fixtures,
    (await readFile(fixtures, 'utf8')).replace(/^rules:\n/m, `rules:\n${CANARY_FAULT}`),
  );
  const schema = `web_${randomBytes(6).toString('hex')}`;
  const databaseUrl = withSchema(DATABASE_URL, schema);
  const tokens = {} as Record<Person, string>;
  const cli = (who: Person, args: string[], server?: { address: string }) =>
    runCli(args, {
      cwd: dir,
      env: {
        PROMPTOPS_DATABASE_URL: databaseUrl,
        PROMPTOPS_AUTHOR: `${who}@acme.example`,
        ...(server ? { PROMPTOPS_URL: server.address, PROMPTOPS_TOKEN: tokens[who] } : {}),
      },
    });
  tokens.admin = await supportReplyInProduction((args) => cli('admin', args), 'admin@acme.example', 'admin');
  for (const [who, role] of Object.entries(PEOPLE) as [Person, string][]) {
    if (who === 'admin') continue;
    const made = await cli('admin', [
      'token',
      'create',
      '--subject',
      `${who}@acme.example`,
      '--role',
      role,
      '--json',
    ]);
    if (made.code !== 0) throw new Error(`promptops token create: ${made.stdout}${made.stderr}`);
    tokens[who] = cliJson(made).token as string;
  }
  return {
    dir,
    databaseUrl,
    tokens,
    cli,
    async cleanup() {
      await withClient(null, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
      await cleanup();
    },
  };
}

/** Sets every risk level's required approvals in a promptops.yaml to `n`. */
async function setApprovalsRequired(file: string, n: number): Promise<void> {
  const text = await readFile(file, 'utf8');
  const levels = ['low', 'medium', 'high', 'critical'].map((l) => `    ${l}: { required: ${n} }`).join('\n');
  await writeFile(file, text.replace(/^policy:\n/m, `policy:\n  approvals:\n${levels}\n`));
}

/**
 * `promptops serve` on the project, in this process (src/server/control-plane.ts), on `clock`: its
 * canary analysis, alert rules and the rest tick every `monitorEveryMs` of real time.
 */
export async function startConsole(
  project: ConsoleProject,
  options: { clock: Clock; monitorEveryMs?: number },
): Promise<ControlPlane> {
  buildConsoleIfMissing();
  return startControlPlane(await openWorkspace(project.dir), {
    port: 0,
    host: '127.0.0.1',
    monitorEveryMs: options.monitorEveryMs ?? 250,
    logger: false,
    env: { ...process.env, PROMPTOPS_DATABASE_URL: project.databaseUrl },
    clock: options.clock,
    consoleDir: CONSOLE_DIR,
  });
}

/**
 * The author's change request: support-reply quotes the message verbatim (docs/monitoring.md's edit,
 * which the fault above catches), pushed and proposed, its checks run on the control plane. Returns
 * the change request's number.
 */
export async function openChangeRequest(
  project: ConsoleProject,
  plane: Pick<ControlPlane, 'address'>,
): Promise<number> {
  const file = path.join(project.dir, 'prompts', 'support-reply.prompt');
  const text = await readFile(file, 'utf8');
  if (!/^Latest message:$/m.test(text))
    throw new Error('support-reply.prompt no longer has "Latest message:"');
  await writeFile(file, text.replace(/^Latest message:$/m, 'Latest message, verbatim:'));
  const run = async (args: string[]) => {
    const result = await project.cli('author', args, plane);
    if (result.code !== 0) throw new Error(`promptops ${args.join(' ')}: ${result.stdout}${result.stderr}`);
    return result;
  };
  const proposed = cliJson(await run(['push', '--propose', '-m', 'quote the message verbatim', '--json']));
  const number = (proposed.changeRequests as { number: number }[] | undefined)?.[0]?.number;
  if (!number) throw new Error(`push --propose opened no change request: ${JSON.stringify(proposed)}`);
  await run(['change', 'check', String(number), '--on-server']);
  return number;
}

/**
 * `count` damaged-order tickets to the embedded gateway as the application, one customer each (the
 * sticky key puts about half of them on a 50% canary). Returns the statuses answered.
 */
export async function damagedOrderTraffic(
  plane: Pick<ControlPlane, 'address'>,
  token: string,
  count: number,
): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${plane.address}/v1/run/support-reply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        input: { customer: { name: 'Dana', tier: 'pro' }, message: 'My order arrived damaged.' },
        stickyKey: `customer-${i}`,
      }),
    });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}

/** The start of the minute after `at`. */
export function nextMinute(at: Date): Date {
  return new Date((Math.floor(at.getTime() / 60_000) + 1) * 60_000);
}
