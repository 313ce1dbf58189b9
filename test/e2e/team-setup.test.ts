/**
 * docs/team-setup.md runs as written: its shell blocks, in order, in one bash, against a real
 * `promptops serve` on the PostgreSQL test server (its own port and schema in place of the page's).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { promptopsOnPath, REPO, runShell, useTempDir } from '../helpers.js';
import { DATABASE_URL, POSTGRES_REACHABLE, withClient, withSchema } from '../store/harness.js';

const dir = useTempDir();
const schema = `team_${randomBytes(5).toString('hex')}`;

afterEach(async () => {
  if (POSTGRES_REACHABLE) await withClient(null, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe.skipIf(!POSTGRES_REACHABLE)('docs/team-setup.md', () => {
  it('takes a team from nothing to a checked change request, as written', async () => {
    const page = await readFile(path.join(REPO, 'docs', 'team-setup.md'), 'utf8');
    const blocks = [...page.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const port = await freePort();
    const script = blocks
      .join('\n')
      .replaceAll('4100', String(port))
      .replaceAll(
        'postgres://postgres@127.0.0.1:5432/test?schema=acme_prompts',
        withSchema(DATABASE_URL, schema),
      );
    expect(script).not.toContain('acme_prompts');

    const binDir = await promptopsOnPath(dir());
    const home = path.join(dir(), 'home');
    const result = await runShell(script, {
      cwd: dir(),
      binDir,
      env: {
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        PROMPTOPS_AUTHOR: 'someone-else@example.com',
        PROMPTOPS_TOKEN: '',
        PROMPTOPS_URL: '',
        PROMPTOPS_DATABASE_URL: '',
      },
    });
    expect(result.output).not.toContain('error[');
    expect(result.code, result.output).toBe(0);
    // The checks were recorded by CI, the request was opened by Dana, and the server saw it all.
    expect(result.output).toMatch(/opened by dana@acme\.example/);
    expect(result.output).toMatch(/lint\s+pass/);
    expect(result.output).toMatch(/tests\s+pass/);
    const roles = await withClient(schema, (c) =>
      c.query('SELECT subject, role FROM role_bindings ORDER BY subject'),
    );
    expect(roles.rows.map((r) => `${r.subject} ${r.role}`)).toEqual(
      expect.arrayContaining(['admin@acme.example admin', 'ci@acme.example ci', 'dana@acme.example author']),
    );
  });
});
