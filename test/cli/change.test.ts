/**
 * The review gate from the CLI next to the database (no server): push --propose opens change
 * requests, checks run on the working copy, the gate decides, releases move labels.
 */
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../helpers.js';

const dir = useTempDir({ examples: true });
const as = (who: string, args: string[]) => runCli(args, { cwd: dir(), env: { PROMPTOPS_AUTHOR: who } });

describe('promptops change and release', () => {
  it('push --propose opens a request per new version; the gate holds until checks and approvals are in', async () => {
    const pushed = await as('ada@acme.example', ['push', '--propose', '-m', 'first catalog']);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toMatch(/proposed {2}support-reply@1 as change request #\d+ \(risk 35, high\)/);
    const listed = JSON.parse((await as('ada@acme.example', ['change', 'ls', '--json'])).stdout)
      .changeRequests as {
      number: number;
      prompt: string;
      title: string;
    }[];
    expect(listed.map((cr) => cr.prompt).sort()).toEqual([
      'contract-extractor',
      'refund-decision',
      'rubric-grader',
      'support-reply',
    ]);
    const cr = listed.find((c) => c.prompt === 'support-reply')!;
    expect(cr.title).toBe('first catalog');

    const blocked = await as('rel@acme.example', ['release', String(cr.number), '--env', 'production']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain('error[PO_ERR_POLICY_BLOCKED]');
    expect(blocked.stderr).toContain('check "lint" has not run on this version');

    const checked = await as('ci@acme.example', ['change', 'check', String(cr.number)]);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    const self = await as('ada@acme.example', ['approve', String(cr.number)]);
    expect(self.code).toBe(1);
    expect(self.stderr).toContain('PO_ERR_SELF_APPROVAL');
    await as('bo@acme.example', ['approve', String(cr.number)]);
    await as('cy@acme.example', ['change', 'approve', String(cr.number), '--comment', 'ok']);
    const released = await as('rel@acme.example', ['release', String(cr.number), '--env', 'production']);
    expect(released.code, released.stderr).toBe(0);
    expect(released.stdout).toContain('released support-reply production → @1');
    const shown = await as('rel@acme.example', ['show', 'support-reply:production', '--json']);
    expect(JSON.parse(shown.stdout).number).toBe(1);
  });

  it('a working copy that is not the proposed version cannot record checks', async () => {
    await as('ada@acme.example', ['push', '--propose']);
    await appendFile(path.join(dir(), 'prompts', 'support-reply.prompt'), 'One more line.\n');
    const listed = JSON.parse((await as('ada@acme.example', ['change', 'ls', '--json'])).stdout)
      .changeRequests as {
      number: number;
      prompt: string;
    }[];
    const cr = listed.find((c) => c.prompt === 'support-reply')!;
    const stale = await as('ci@acme.example', ['change', 'check', String(cr.number)]);
    expect(stale.code).toBe(4);
    expect(stale.stderr).toContain('error[PO_ERR_CHECK_STALE]');
  });
});
