/**
 * Checks run by the control plane itself (`POST …/change-requests/{n}/checks/run`, `promptops change
 * check N --on-server`), through a real `promptops serve` process in a copy of the examples, on both
 * engines, offline: the server checks the registered version with the suite of its own folder and
 * records the results as `control-plane`, and under `policy.checksBy: control-plane` only those count.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson as json, runCli, startServe, stopServe, useTempDir } from '../helpers.js';
import { DATABASE_URL, reachableEngines } from '../store/harness.js';

const schema = `e2e_checks_${randomBytes(5).toString('hex')}`;
const ENGINES = [
  { name: 'sqlite', url: undefined as string | undefined, drop: async () => {} },
  {
    name: 'postgres',
    url: `${DATABASE_URL}?schema=${schema}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  },
];

interface Check {
  name: string;
  status: string;
  summary: string;
  actor: string;
}
interface ChangeRequest {
  number: number;
  checks: Check[];
  gate: { checks: Record<string, string>; blockers: string[] };
}

describe.each(reachableEngines(ENGINES))('checks run by the control plane ($name)', (engine) => {
  const dir = useTempDir({ examples: true, once: true });
  let server: { url: string; proc: ChildProcess } | undefined;
  const tokens: Record<string, string> = {};
  const dbEnv: Record<string, string> = engine.url ? { PROMPTOPS_DATABASE_URL: engine.url } : {};

  const local = (args: string[]) => runCli(args, { cwd: dir(), env: dbEnv });
  const as = (who: string, args: string[]) =>
    runCli(args, {
      cwd: dir(),
      env: { ...dbEnv, PROMPTOPS_URL: server!.url, PROMPTOPS_TOKEN: tokens[who]! },
    });
  const show = async (n: number) =>
    json(await as('author', ['change', 'show', String(n), '--json'])).changeRequest as ChangeRequest;

  beforeAll(async () => {
    // The team requires checks the control plane ran itself.
    await appendFile(path.join(dir(), 'promptops.yaml'), '  checksBy: control-plane\n');
    for (const [who, role] of [
      ['admin', 'admin'],
      ['author', 'author'],
      ['ci', 'ci'],
      ['reviewer', 'reviewer'],
    ] as const) {
      const subject = `${who}@acme.example`;
      const made = await local(['token', 'create', '--subject', subject, '--role', role, '--json']);
      expect(made.code, made.stderr).toBe(0);
      tokens[who] = json(made).token as string;
    }
    server = await startServe(dir(), dbEnv);
  });

  afterAll(async () => {
    await stopServe(server);
    await engine.drop();
  });

  it('runs the checks on the registered version, records them as control-plane, and only those count', async () => {
    expect((await as('author', ['push', '-m', 'first cut'])).code).toBe(0);
    const opened = await as('author', ['change', 'open', 'support-reply', '--json']);
    expect(opened.code, opened.stderr).toBe(0);

    // CI records green checks, as today; under checksBy: control-plane they do not count, and the gate says why.
    const byCi = await as('ci', ['change', 'check', '1']);
    expect(byCi.code, byCi.stdout + byCi.stderr).toBe(0);
    const afterCi = await show(1);
    expect(afterCi.checks.filter((c) => c.actor === 'ci@acme.example')).toHaveLength(4);
    expect(Object.values(afterCi.gate.checks)).toEqual(['missing', 'missing', 'missing', 'missing']);
    expect(afterCi.gate.blockers).toContain(
      'check "tests" has not run on the control plane (policy.checksBy: control-plane); the run(s) recorded by ci@acme.example do not count: ask the server to run the checks with "promptops change check 1 --on-server"',
    );

    // The working copy moves on: the server checks what was registered, not anyone's files.
    const prompt = path.join(dir(), 'prompts', 'support-reply.prompt');
    const original = await readFile(prompt, 'utf8');
    await writeFile(prompt, `${original}Unpushed edit.\n`);
    expect((await as('ci', ['change', 'check', '1'])).stderr).toContain('PO_ERR_CHECK_STALE');

    const ran = await as('author', ['change', 'check', '1', '--on-server', '--json']);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    const { checks, changeRequest } = json(ran) as { checks: Check[]; changeRequest: ChangeRequest };
    expect(checks.map((c) => [c.name, c.status])).toEqual([
      ['lint', 'pass'],
      ['tests', 'pass'],
      ['guardrails', 'pass'],
      ['regression', 'skipped'],
    ]);
    expect(checks.find((c) => c.name === 'tests')?.summary).toMatch(/^5\/5 passed/);
    expect(changeRequest.checks.filter((c) => c.actor === 'control-plane').map((c) => c.name)).toEqual([
      'lint',
      'tests',
      'guardrails',
      'regression',
    ]);
    expect(changeRequest.gate.checks).toEqual({
      lint: 'pass',
      tests: 'pass',
      guardrails: 'pass',
      regression: 'skipped',
    });
    expect(changeRequest.gate.blockers.filter((b) => b.includes('check'))).toEqual([]);

    // A later run by CI does not replace the control plane's.
    await writeFile(prompt, original);
    expect((await as('ci', ['change', 'check', '1'])).code).toBe(0);
    expect((await show(1)).gate.checks.tests).toBe('pass');
    const audit = json(await as('admin', ['audit', 'ls', '--json'])) as {
      entries?: { actor: string; action: string }[];
    };
    expect(JSON.stringify(audit)).toContain('control-plane');
  });

  it('compares with the base version registered in the store for the regression check', async () => {
    // @1 is what production serves (an admin may point an environment label), so @2 replaces it.
    const labelled = await as('admin', ['label', 'set', 'support-reply@1', 'production']);
    expect(labelled.code, labelled.stderr).toBe(0);
    const prompt = path.join(dir(), 'prompts', 'support-reply.prompt');
    await appendFile(prompt, 'Sign off as "The Acme team".\n');
    expect((await as('author', ['push', '-m', 'sign-off'])).code).toBe(0);
    const opened = json(await as('admin', ['change', 'open', 'support-reply', '--json'])) as {
      changeRequest: { number: number };
    };
    const n = String(opened.changeRequest.number);
    const ran = await as('author', ['change', 'check', n, '--on-server']);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    const regression = (await show(Number(n))).checks.find(
      (c) => c.name === 'regression' && c.actor === 'control-plane',
    );
    expect(regression?.status).toBe('pass');
    expect(regression?.summary).toContain('on @1');
  });

  it('joins a second request for checks already running instead of running and recording them twice', async () => {
    const byControlPlane = async () =>
      (await show(1)).checks.filter((c) => c.actor === 'control-plane').length;
    const before = await byControlPlane();
    // Two requests sent together (no CLI start-up between them): the second arrives while the first runs.
    const ask = (who: string) =>
      fetch(`${server!.url}/v1/projects/acme-support/change-requests/1/checks/run`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[who]}` },
      });
    // Both tokens checked just before (the server trusts a checked token for a few seconds), so
    // neither request waits on a token hash while the other's run finishes.
    for (const who of ['author', 'ci']) {
      const known = await fetch(`${server!.url}/v1/whoami`, {
        headers: { authorization: `Bearer ${tokens[who]}` },
      });
      expect(known.status).toBe(200);
    }
    const [first, second] = await Promise.all([ask('author'), ask('ci')]);
    expect(first.status, await first.clone().text()).toBe(200);
    expect(second.status, await second.clone().text()).toBe(200);
    expect(await second.json()).toEqual(await first.json());
    expect((await byControlPlane()) - before).toBe(4);
  });

  it('lets authors and CI ask, nobody else, and refuses --on-server without a server', async () => {
    // Under checksBy: control-plane the CI job's step is to ask the server (its own runs do not count).
    const byCi = await as('ci', ['change', 'check', '1', '--on-server']);
    expect(byCi.code, byCi.stdout + byCi.stderr).toBe(0);
    const byReviewer = await as('reviewer', ['change', 'check', '1', '--on-server']);
    expect(byReviewer.stderr).toContain('PO_ERR_FORBIDDEN');
    const locally = await local(['change', 'check', '1', '--on-server']);
    expect(locally.code).toBe(2);
    expect(locally.stderr).toContain('--on-server asks a control plane to run the checks: set PROMPTOPS_URL');
    const withProvider = await as('author', ['change', 'check', '1', '--on-server', '--provider', 'offline']);
    expect(withProvider.code).toBe(2);
    expect(withProvider.stderr).toContain('--provider cannot be given with --on-server');
  });

  it('gives no token and no role to control-plane, and nobody records checks as it by hand', async () => {
    const token = await as('admin', ['token', 'create', '--subject', 'control-plane', '--role', 'ci']);
    expect(token.code).toBe(2);
    expect(token.stderr).toContain('reserved for the control plane');
    const grant = await as('admin', ['role', 'grant', 'control-plane', 'ci']);
    expect(grant.stderr).toContain('reserved for the control plane');
    const pretend = await local(['change', 'check', '1', '--author', 'control-plane']);
    expect(pretend.code).toBe(2);
    expect(pretend.stderr).toContain('reserved for the checks the control plane runs itself');
  });
});
