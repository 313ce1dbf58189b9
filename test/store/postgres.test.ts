import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { promptItem, promptOpsRejection } from './fixtures.js';
import { DATABASE_URL, openPostgresHarness, POSTGRES_REACHABLE, withClient, withSchema } from './harness.js';
import { describeRegistryStore } from './registry-store.suite.js';

describe.skipIf(!POSTGRES_REACHABLE)('postgres', () => {
  describeRegistryStore('postgres', openPostgresHarness);

  describe('registry store (postgres connection handling)', () => {
    it('an unreachable server fails with PO_ERR_STORE_UNAVAILABLE and never shows the password', async () => {
      const err = await promptOpsRejection(
        openStore('postgres://ada:s3cret-pw@127.0.0.1:1/registry', process.cwd(), { project: 'acme' }),
      );
      expect(err.code).toBe('PO_ERR_STORE_UNAVAILABLE');
      expect(err.message).toContain('postgres://ada:***@127.0.0.1:1/registry');
      expect(JSON.stringify({ message: err.message, details: err.details })).not.toContain('s3cret-pw');
    });

    it('opens a registry while another schema of the database is being dropped', async () => {
      // Another tenant's schema (or another test's) is dropped while this registry migrates: opening
      // must look only at its own schema, never resolve the names of everyone else's tables.
      const other = `t_${randomBytes(6).toString('hex')}`;
      const mine = `t_${randomBytes(6).toString('hex')}`;
      const otherStore = await openStore(withSchema(DATABASE_URL, other), process.cwd(), { project: 'acme' });
      await otherStore.close();
      const { default: pg } = await import('pg');
      const dropper = new pg.Client({ connectionString: DATABASE_URL });
      await dropper.connect();
      try {
        await dropper.query('BEGIN');
        await dropper.query(`DROP SCHEMA "${other}" CASCADE`);
        const opening = openStore(withSchema(DATABASE_URL, mine), process.cwd(), { project: 'acme' });
        // The drop commits while the open is under way (a lookup of the dropped tables would wait for it).
        let committed: Promise<unknown> | null = null;
        const timer = setTimeout(() => {
          committed = dropper.query('COMMIT');
        }, 1_000);
        const store = await opening.finally(() => clearTimeout(timer));
        await (committed ?? dropper.query('COMMIT'));
        try {
          await store.push([await promptItem('summarize', 'Summarize.')], { author: 'ada@acme.example' });
          expect((await store.listVersions('summarize')).map((v) => v.number)).toEqual([1]);
        } finally {
          await store.close();
        }
      } finally {
        await dropper.end();
        await withClient(null, (client) => client.query(`DROP SCHEMA IF EXISTS "${mine}" CASCADE`));
      }
    });

    it('an invalid schema name is refused with PO_ERR_CONFIG_INVALID', async () => {
      const err = await promptOpsRejection(
        openStore(withSchema(DATABASE_URL, 'bad;name'), process.cwd(), { project: 'acme' }),
      );
      expect(err.code).toBe('PO_ERR_CONFIG_INVALID');
    });

    it('postgresql:// URLs open the same engine, and the schema is created on first use', async () => {
      const schema = `t_${randomBytes(6).toString('hex')}`;
      const url = withSchema(DATABASE_URL, schema).replace(/^postgres:/, 'postgresql:');
      try {
        const store = await openStore(url, process.cwd(), { project: 'acme' });
        try {
          await store.push([await promptItem('summarize', 'Summarize.')], { author: 'ada@acme.example' });
          expect((await store.listVersions('summarize')).map((v) => v.number)).toEqual([1]);
        } finally {
          await store.close();
        }
        const tables = await withClient(null, (client) =>
          client.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]),
        );
        expect(tables.rows.map((r: { table_name: string }) => r.table_name)).toContain('prompt_versions');
      } finally {
        await withClient(null, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
      }
    });
  });
});
