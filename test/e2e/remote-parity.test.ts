/**
 * Every registry command prints the same against a server (PROMPTOPS_URL + token) as next to the
 * database: both go through the one `Store` interface, the remote one over HTTP.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startServe, stopServe, tempDir, useTempDir } from '../helpers.js';

const dir = useTempDir({ examples: true, once: true });
let server: ChildProcess;
let url: string;
let token: string;
const AUTHOR = 'admin@acme.example';

const local = (args: string[]) => runCli(args, { cwd: dir(), env: { PROMPTOPS_AUTHOR: AUTHOR } });
const remote = (args: string[]) =>
  runCli(args, {
    cwd: dir(),
    env: { PROMPTOPS_URL: url, PROMPTOPS_TOKEN: token, PROMPTOPS_AUTHOR: 'someone@else' },
  });

beforeAll(async () => {
  const boot = await local(['token', 'create', '--subject', AUTHOR, '--role', 'admin', '--json']);
  token = JSON.parse(boot.stdout).token;
  await local(['push', '-m', 'first']);
  await local(['label', 'set', 'refund-decision@1', 'canary-test']);
  await local(['run', 'support-reply', '--input', 'inputs/support-reply.json']);
  await local(['change', 'open', 'refund-decision']);
  ({ url, proc: server } = await startServe(dir()));
});

afterAll(async () => {
  await stopServe(server ? { proc: server } : undefined);
});

/** Relative times ("3s ago") tick between two runs; everything else must match exactly. */
const settle = (text: string) => text.replace(/\b\d+[smhd] ago\b/g, 'N ago');

describe('remote mode', () => {
  it.each([
    [['ls']],
    [['ls', '--json']],
    [['versions', 'support-reply']],
    [['show', 'support-reply@1']],
    [['show', 'refund-decision:canary-test', '--json']],
    [['diff', 'support-reply@1']],
    [['label', 'history', 'refund-decision', '--json']],
    [['status']],
    [['traces', '--json']],
    [['traces', '-n', '1', '--prompt', 'support-reply', '--version', '1', '--since', '2000-01-01', '--json']],
    [['traces', 'show', 'no-such-trace']],
    [['audit', 'ls', '--json']],
    [['audit', 'verify']],
    [['audit', 'ls', '--limit', '5000', '--json']],
    [['traces', '--limit', '20000']],
    [['change', 'ls', '--json']],
    [['change', 'show', '1']],
    [['releases']],
    [['review', 'ls']],
    [['role', 'ls', '--json']],
    [['versions', 'no-such-prompt']],
    [['show', 'support-reply@9']],
  ])('promptops %j prints the same as next to the database', async (args) => {
    const here = await local(args);
    const there = await remote(args);
    expect(settle(there.stderr)).toBe(settle(here.stderr));
    expect(settle(there.stdout)).toBe(settle(here.stdout));
    expect(there.code).toBe(here.code);
  });

  it('writes through the server as the token’s subject, whatever PROMPTOPS_AUTHOR says', async () => {
    const moved = await remote(['label', 'set', 'refund-decision@1', 'qa', '--json']);
    expect(moved.code, moved.stderr).toBe(0);
    const history = JSON.parse((await local(['label', 'history', 'refund-decision', '--json'])).stdout);
    const events = history.events ?? history;
    expect(JSON.stringify(events)).toContain(AUTHOR);
    expect(JSON.stringify(events)).not.toContain('someone@else');
  });

  it('runs prompts and suites through the server: traces, evaluation runs and cached answers land there', async () => {
    const ran = await remote(['run', 'support-reply', '--input', '@inputs/support-reply.json', '--json']);
    expect(ran.code, ran.stderr).toBe(0);
    const traceId = JSON.parse(ran.stdout).traceId as string;
    const shown = await remote(['traces', 'show', traceId, '--json']);
    expect(JSON.parse(shown.stdout).id).toBe(traceId);
    const traces = JSON.parse((await local(['traces', '--json'])).stdout).traces as { id: string }[];
    expect(traces.map((t) => t.id)).toContain(traceId);
    const tested = await remote(['test', 'support-reply']);
    expect(tested.code, tested.stdout + tested.stderr).toBe(0);
    const { openStore } = await import('../../src/store/index.js');
    const store = await openStore('sqlite:.promptops/registry.db', dir(), { project: 'acme-support' });
    try {
      expect((await store.listEvalRuns({ prompt: 'support-reply' })).length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('needs no local project for commands that read no files, only PROMPTOPS_PROJECT', async () => {
    const { dir: empty, cleanup: done } = await tempDir();
    try {
      const env = { PROMPTOPS_URL: url, PROMPTOPS_TOKEN: token, PROMPTOPS_PROJECT: 'acme-support' };
      for (const args of [['ls'], ['versions', 'support-reply'], ['change', 'ls'], ['audit', 'verify']]) {
        const there = await runCli(args, { cwd: empty, env });
        expect(there.stderr).toBe('');
        expect(settle(there.stdout)).toBe(settle((await local(args)).stdout));
        expect(there.code).toBe(0);
      }
      const unnamed = await runCli(['ls'], {
        cwd: empty,
        env: { PROMPTOPS_URL: url, PROMPTOPS_TOKEN: token },
      });
      expect(unnamed.code).toBe(2);
      expect(unnamed.stderr).toContain('set PROMPTOPS_PROJECT');
      // Commands that read the catalog's files still say there is none, and never walk the folder.
      const pushed = await runCli(['push'], { cwd: empty, env });
      expect(pushed.code).toBe(2);
      expect(pushed.stderr).toContain('PO_ERR_CONFIG_NOT_FOUND');
    } finally {
      await done();
    }
  });

  it('fails clearly without a token, with a bad one, and when the server is down', async () => {
    const noToken = await runCli(['ls'], {
      cwd: dir(),
      env: { PROMPTOPS_URL: url, PROMPTOPS_TOKEN: '', XDG_CONFIG_HOME: dir() },
    });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('PO_ERR_UNAUTHENTICATED');
    const bad = await runCli(['ls'], { cwd: dir(), env: { PROMPTOPS_URL: url, PROMPTOPS_TOKEN: 'po_nope' } });
    expect(bad.stderr).toContain('PO_ERR_UNAUTHENTICATED');
    const down = await runCli(['ls'], {
      cwd: dir(),
      env: { PROMPTOPS_URL: 'http://127.0.0.1:9', PROMPTOPS_TOKEN: token },
    });
    expect(down.code).toBe(5);
    expect(down.stderr).toContain('PO_ERR_REMOTE_UNAVAILABLE');
    expect(down.stderr).not.toContain(token);
  });

  it('login checks the token and saves it (0600) so PROMPTOPS_URL alone is enough', async () => {
    const env = { XDG_CONFIG_HOME: dir(), PROMPTOPS_TOKEN: '' };
    const login = await runCli(['login', url, '--token', token], { cwd: dir(), env });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout).toContain(`as ${AUTHOR} (admin)`);
    const { stat } = await import('node:fs/promises');
    const mode = (await stat(`${dir()}/promptops/credentials.json`)).mode & 0o777;
    expect(mode).toBe(0o600);
    const listed = await runCli(['ls'], { cwd: dir(), env: { ...env, PROMPTOPS_URL: url } });
    expect(listed.code, listed.stderr).toBe(0);
    const wrong = await runCli(['login', url, '--token', `${token.slice(0, -2)}xx`], { cwd: dir(), env });
    expect(wrong.stderr).toContain('PO_ERR_UNAUTHENTICATED');
  });
});
