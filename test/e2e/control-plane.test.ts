/**
 * The whole governed flow through HTTP, on both engines: a real `promptops serve` process, and the
 * CLI in remote mode (PROMPTOPS_URL + token) for every step a person takes.
 */

import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliJson as json, runCli, startServe, stopServe, useTempDir } from '../helpers.js';
import { DATABASE_URL, reachableEngines } from '../store/harness.js';

interface Engine {
  name: string;
  /** PROMPTOPS_DATABASE_URL for the server and local commands (undefined: the project's SQLite file). */
  url: (dir: string) => string | undefined;
  /** Edits one audit row by hand, bypassing the server. */
  tamper: (dir: string, seq: number) => Promise<void>;
  drop: () => Promise<void>;
}

const schema = `e2e_${randomBytes(5).toString('hex')}`;
const ENGINES: Engine[] = [
  {
    name: 'sqlite',
    url: () => undefined,
    tamper: async (dir, seq) => {
      const db = new Sqlite(path.join(dir, '.promptops', 'registry.db'));
      db.prepare("UPDATE audit_log SET actor = 'mallory@evil.example' WHERE seq = ?").run(seq);
      db.close();
    },
    drop: async () => {},
  },
  {
    name: 'postgres',
    url: () => `${DATABASE_URL}?schema=${schema}`,
    tamper: async (_dir, seq) => {
      const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
      await client.connect();
      await client.query("UPDATE audit_log SET actor = 'mallory@evil.example' WHERE seq = $1", [seq]);
      await client.end();
    },
    drop: async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  },
];

describe.each(reachableEngines(ENGINES))('control plane end to end ($name)', (engine) => {
  const dir = useTempDir({ examples: true, once: true });
  let server: { url: string; proc: ChildProcess };
  const tokens: Record<string, string> = {};
  let dbEnv: Record<string, string>;

  /** Runs the CLI against the server as `who`. */
  const as = (who: string, args: string[]) =>
    runCli(args, {
      cwd: dir(),
      env: {
        ...dbEnv,
        PROMPTOPS_URL: server.url,
        PROMPTOPS_TOKEN: tokens[who]!,
        PROMPTOPS_AUTHOR: 'ignored@local',
      },
    });

  beforeAll(async () => {
    const url = engine.url(dir());
    dbEnv = url ? { PROMPTOPS_DATABASE_URL: url } : {};
    // Bootstrap: next to the database, without a server, the first admin's token is minted.
    const boot = await runCli(
      ['token', 'create', '--subject', 'admin@acme.example', '--role', 'admin', '--json'],
      {
        cwd: dir(),
        env: dbEnv,
      },
    );
    expect(boot.code, boot.stderr).toBe(0);
    tokens.admin = json(boot).token as string;
    server = await startServe(dir(), dbEnv);
    for (const [who, role] of [
      ['author', 'author'],
      ['rita', 'reviewer'],
      ['raj', 'reviewer'],
      ['rel', 'releaser'],
      ['ci', 'ci'],
    ] as const) {
      const made = await as('admin', [
        'token',
        'create',
        '--subject',
        `${who}@acme.example`,
        '--role',
        role,
        '--json',
      ]);
      expect(made.code, made.stderr).toBe(0);
      tokens[who] = json(made).token as string;
    }
  });

  afterAll(async () => {
    await stopServe(server);
    await engine.drop();
  });

  it('push → change request → checks → approvals → staging → production → rollback, all audited', async () => {
    const pushed = await as('author', ['push', '-m', 'first cut']);
    expect(pushed.code, pushed.stderr).toBe(0);
    const versions = json(await as('rita', ['versions', 'support-reply', '--json'])).versions as {
      author: string;
    }[];
    expect(versions[0]?.author).toBe('author@acme.example');

    // v1: a new prompt, high tier → two approvals from people other than the author.
    const opened = json(await as('author', ['change', 'open', 'support-reply', '--json'])).changeRequest as {
      number: number;
      risk: { level: string; factors: { factor: string }[] };
    };
    expect(opened.number).toBe(1);
    expect(opened.risk.level).toBe('high');
    expect(opened.risk.factors.map((f) => f.factor)).toEqual(['tier', 'new-prompt']);

    const early = await as('rel', ['release', '1', '--env', 'staging']);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('PO_ERR_POLICY_BLOCKED');
    expect(early.stderr).toContain('needs 2 approval(s)');

    // Check results come from CI: the author may not record them.
    const selfChecked = await as('author', ['change', 'check', '1']);
    expect(selfChecked.stderr).toContain('PO_ERR_FORBIDDEN');
    const checked = await as('ci', ['change', 'check', '1']);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/tests\s+pass\s+5\/5 passed/);
    expect(checked.stdout).toMatch(/guardrails\s+pass\s+3\/3 guardrail cases passed/);

    // Authors cannot review at all; reviewers can, but only once each counts.
    const authorApproves = await as('author', ['change', 'approve', '1']);
    expect(authorApproves.stderr).toContain('PO_ERR_FORBIDDEN');
    expect((await as('rita', ['change', 'approve', '1'])).code).toBe(0);
    const stillBlocked = await as('rel', ['release', '1', '--env', 'staging']);
    expect(stillBlocked.stderr).toContain('it has 1');
    expect((await as('raj', ['change', 'approve', '1', '--comment', 'reads well'])).code).toBe(0);

    const staged = await as('rel', ['release', '1', '--env', 'staging', '--notes', 'first staging']);
    expect(staged.code, staged.stderr).toBe(0);
    expect(staged.stdout).toContain('released support-reply staging → @1');
    const promoted = await as('rel', ['promote', 'support-reply', '--env', 'staging', '--to', 'production']);
    expect(promoted.code, promoted.stderr).toBe(0);

    // v2: a template change, released the same way (admin opens it this time: no self-approval).
    await appendFile(path.join(dir(), 'prompts', 'support-reply.prompt'), 'Sign off as "The Acme team".\n');
    expect((await as('author', ['push', '-m', 'sign-off'])).code).toBe(0);
    const second = json(await as('admin', ['change', 'open', 'support-reply', '--json'])).changeRequest as {
      number: number;
      base: number;
      risk: { factors: { factor: string }[] };
    };
    expect(second.base).toBe(1);
    expect(second.risk.factors.map((f) => f.factor)).toContain('template-change');
    const selfApproval = await as('admin', ['change', 'approve', String(second.number)]);
    expect(selfApproval.stderr).toContain('PO_ERR_SELF_APPROVAL');
    expect((await as('ci', ['change', 'check', String(second.number)])).code).toBe(0);
    const regression = (
      json(await as('rita', ['change', 'show', String(second.number), '--json'])).changeRequest as {
        checks: { name: string; status: string; summary: string }[];
      }
    ).checks.find((c) => c.name === 'regression');
    expect(regression?.status).toBe('pass');
    expect(regression?.summary).toContain('on @1');
    await as('rita', ['change', 'approve', String(second.number)]);
    await as('raj', ['change', 'approve', String(second.number)]);
    expect((await as('rel', ['release', String(second.number), '--env', 'production'])).code).toBe(0);
    const labels = json(await as('rita', ['label', 'ls', 'support-reply', '--json'])).labels as {
      label: string;
      number: number;
    }[];
    expect(labels.find((l) => l.label === 'production')?.number).toBe(2);

    const rolled = await as('rel', [
      'rollback',
      'support-reply',
      '--env',
      'production',
      '--notes',
      'tone complaints',
    ]);
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.stdout).toContain('rolled back support-reply production → @1');
    const history = json(await as('rita', ['releases', 'support-reply', '--env', 'production', '--json']))
      .releases as { kind: string; version: number; active: boolean }[];
    expect(history.map((r) => [r.kind, r.version, r.active])).toEqual([
      ['rollback', 1, true],
      ['release', 2, false],
      ['promote', 1, false],
    ]);

    const audit = json(await as('rita', ['audit', 'ls', '--limit', '200', '--json'])).entries as {
      seq: number;
      action: string;
      actor: string;
    }[];
    const actions = audit.map((e) => e.action);
    for (const action of [
      'cr.open',
      'cr.check',
      'cr.approve',
      'release.release',
      'release.promote',
      'release.rollback',
    ])
      expect(actions).toContain(action);
    expect(audit.find((e) => e.action === 'release.rollback')?.actor).toBe('rel@acme.example');
    const intact = await as('rita', ['audit', 'verify']);
    expect(intact.code, intact.stderr).toBe(0);

    // A checkpoint is signed where it is made, with the caller's key: reading the log is enough.
    const { privateKey } = generateKeyPairSync('ed25519');
    const signingKey = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFile(path.join(dir(), 'audit-key.pem'), signingKey);
    const keyEnv = { PROMPTOPS_AUDIT_SIGNING_KEY: path.join(dir(), 'audit-key.pem') };
    const signed = await runCli(['audit', 'checkpoint', '-o', 'cp.json'], {
      cwd: dir(),
      env: { ...dbEnv, ...keyEnv, PROMPTOPS_URL: server.url, PROMPTOPS_TOKEN: tokens.rita! },
    });
    expect(signed.code, signed.stderr).toBe(0);
    const anchored = await runCli(['audit', 'verify', '--checkpoint', 'cp.json'], {
      cwd: dir(),
      env: { ...dbEnv, ...keyEnv, PROMPTOPS_URL: server.url, PROMPTOPS_TOKEN: tokens.rita! },
    });
    expect(anchored.code, anchored.stderr).toBe(0);
    expect(anchored.stdout).toContain(`checkpoint of entry ${Math.max(...audit.map((e) => e.seq))}`);

    // An edit made straight in the database, past the server, is found and named.
    const target = audit.find((e) => e.action === 'cr.approve')!;
    await engine.tamper(dir(), target.seq);
    const broken = await as('rita', ['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`the audit log is broken at entry ${target.seq}`);
  });
});
