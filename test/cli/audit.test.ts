import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyExamples, runCli, tempDir } from '../helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  await copyExamples(dir);
});
afterEach(async () => cleanup());

describe('promptops audit', () => {
  it('lists what happened and detects rows edited or deleted by hand', async () => {
    await runCli(['push', '-m', 'first'], { cwd: dir });
    await runCli(['label', 'set', 'support-reply@1', 'production', '--author', 'lead@acme.example'], {
      cwd: dir,
    });
    await runCli(['label', 'rm', 'support-reply', 'production', '--author', 'lead@acme.example'], {
      cwd: dir,
    });
    const listed = JSON.parse((await runCli(['audit', 'ls', '--json'], { cwd: dir })).stdout).entries;
    expect(listed.slice(0, 2).map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['label.remove', 'lead@acme.example'],
      ['label.set', 'lead@acme.example'],
    ]);
    const intact = await runCli(['audit', 'verify'], { cwd: dir });
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('audit log intact: 6 entries verified');

    const db = new Sqlite(path.join(dir, '.promptops', 'registry.db'));
    db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 5").run();
    db.close();
    const edited = await runCli(['audit', 'verify'], { cwd: dir });
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('error[PO_ERR_AUDIT_BROKEN]: the audit log is broken at entry 5');

    const db2 = new Sqlite(path.join(dir, '.promptops', 'registry.db'));
    db2.prepare("UPDATE audit_log SET actor = 'lead@acme.example' WHERE seq = 5").run();
    db2.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    db2.close();
    const deleted = await runCli(['audit', 'verify', '--json'], { cwd: dir });
    expect(deleted.code).toBe(1);
    expect(JSON.parse(deleted.stderr).error.details).toMatchObject({ seq: 2, checked: 5 });
  });
});
