import { generateKeyPairSync } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../helpers.js';

const dir = useTempDir({ examples: true });

describe('promptops audit', () => {
  it('lists what happened and detects rows edited or deleted by hand', async () => {
    await runCli(['push', '-m', 'first'], { cwd: dir() });
    await runCli(['label', 'set', 'support-reply@1', 'production', '--author', 'lead@acme.example'], {
      cwd: dir(),
    });
    await runCli(['label', 'rm', 'support-reply', 'production', '--author', 'lead@acme.example'], {
      cwd: dir(),
    });
    const listed = JSON.parse((await runCli(['audit', 'ls', '--json'], { cwd: dir() })).stdout).entries;
    expect(listed.slice(0, 2).map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['label.remove', 'lead@acme.example'],
      ['label.set', 'lead@acme.example'],
    ]);
    const intact = await runCli(['audit', 'verify'], { cwd: dir() });
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('audit log intact: 6 entries verified');

    const db = new Sqlite(path.join(dir(), '.promptops', 'registry.db'));
    db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 5").run();
    db.close();
    const edited = await runCli(['audit', 'verify'], { cwd: dir() });
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('error[PO_ERR_AUDIT_BROKEN]: the audit log is broken at entry 5');

    const db2 = new Sqlite(path.join(dir(), '.promptops', 'registry.db'));
    db2.prepare("UPDATE audit_log SET actor = 'lead@acme.example' WHERE seq = 5").run();
    db2.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    db2.close();
    const deleted = await runCli(['audit', 'verify', '--json'], { cwd: dir() });
    expect(deleted.code).toBe(1);
    expect(JSON.parse(deleted.stderr).error.details).toMatchObject({ seq: 2, checked: 5 });
  });
});

describe('promptops audit checkpoint', () => {
  /** An Ed25519 key pair as PEM files, the way openssl writes them. */
  async function keyFiles(name: string): Promise<{ privatePath: string; publicPath: string }> {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const privatePath = path.join(dir(), `${name}.pem`);
    const publicPath = path.join(dir(), `${name}.pub.pem`);
    await writeFile(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await writeFile(publicPath, publicKey.export({ type: 'spki', format: 'pem' }));
    return { privatePath, publicPath };
  }

  it('signs the head, and verify with only the public key names truncation, label edits and a wrong key', async () => {
    await runCli(['push', '-m', 'first'], { cwd: dir() });
    await runCli(['label', 'set', 'support-reply@1', 'production', '--author', 'lead@acme.example'], {
      cwd: dir(),
    });
    const keys = await keyFiles('audit');
    const unsigned = await runCli(['audit', 'checkpoint'], { cwd: dir() });
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toContain('PROMPTOPS_AUDIT_SIGNING_KEY is not set');

    const made = await runCli(['audit', 'checkpoint', '-o', 'cp.json'], {
      cwd: dir(),
      env: { PROMPTOPS_AUDIT_SIGNING_KEY: keys.privatePath },
    });
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(/^checkpoint of entry 5 \([0-9a-f]{12}\) written to cp\.json/);
    const verifyEnv = { PROMPTOPS_AUDIT_PUBLIC_KEY: await readFile(keys.publicPath, 'utf8') };
    const verify = (env: Record<string, string>, ...extra: string[]) =>
      runCli(['audit', 'verify', '--checkpoint', 'cp.json', ...extra], { cwd: dir(), env });
    const tamper = (...statements: string[]) => {
      const db = new Sqlite(path.join(dir(), '.promptops', 'registry.db'));
      for (const statement of statements) db.prepare(statement).run();
      db.close();
    };
    const clean = await verify(verifyEnv);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('checkpoint of entry 5');

    const other = await keyFiles('other');
    const wrongKey = await verify({ PROMPTOPS_AUDIT_PUBLIC_KEY: other.publicPath });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('error[PO_ERR_AUDIT_CHECKPOINT_INVALID]: cp.json was signed with key');

    tamper("UPDATE labels SET name = 'prod' WHERE name = 'production'");
    const relabelled = await verify(verifyEnv);
    expect(relabelled.code).toBe(1);
    expect(relabelled.stderr).toContain('error[PO_ERR_AUDIT_STATE_MISMATCH]');
    expect(relabelled.stderr).toContain('label "production" of support-reply: the audit log says @1 (');
    expect(relabelled.stderr).toContain('the labels table holds none');
    // Refuses to sign a log that does not hold.
    const refused = await runCli(['audit', 'checkpoint'], {
      cwd: dir(),
      env: { PROMPTOPS_AUDIT_SIGNING_KEY: keys.privatePath },
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');

    tamper(
      "UPDATE labels SET name = 'production' WHERE name = 'prod'",
      'DELETE FROM audit_log WHERE seq >= 4',
    );
    const truncated = await verify(verifyEnv, '--json');
    expect(truncated.code).toBe(1);
    const error = JSON.parse(truncated.stderr).error;
    expect(error.code).toBe('PO_ERR_AUDIT_TRUNCATED');
    expect(error.message).toMatch(
      /^the audit log was truncated: it ends at entry 3, but the checkpoint signed/,
    );
  });
});
