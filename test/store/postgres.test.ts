import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openStore, type RegistryStore } from '../../src/store/index.js';
import { promptItem, promptOpsRejection } from './fixtures.js';
import { describeRegistryStore, type OpenOptions, type StoreHarness } from './registry-store.suite.js';

/** The server the PostgreSQL tests run against; they fail (never skip) when it cannot be reached. */
const DATABASE_URL = process.env.PROMPTOPS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

/** Runs `work` on a client of its own, outside the store, with `search_path` set to `schema`. */
async function withClient<T>(schema: string | null, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: DATABASE_URL,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `the PostgreSQL tests need a server at ${DATABASE_URL.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')} ` +
        `(set PROMPTOPS_TEST_DATABASE_URL to use another): ${(err as Error).message}`,
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A registry in a fresh schema of its own on the test server. */
async function openPostgresHarness(opts: OpenOptions): Promise<StoreHarness> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = withSchema(DATABASE_URL, schema);
  const opened: RegistryStore[] = [];
  const reopen = async (overrides: Partial<OpenOptions> = {}) => {
    const store = await openStore(url, process.cwd(), { ...opts, ...overrides });
    opened.push(store);
    return store;
  };
  // Reach the server first, so an unreachable one fails with a message that says what is needed.
  await withClient(null, async () => {});
  const store = await reopen();
  return {
    store,
    reopen,
    url,
    readRows: (table) =>
      withClient(schema, async (client) => {
        // PostgreSQL has no rowid; the physical order is insertion order for these append-only test tables.
        const result = await client.query(`SELECT * FROM "${table}" ORDER BY ctid`);
        return result.rows as Record<string, unknown>[];
      }),
    cleanup: async () => {
      for (const s of opened) await s.close().catch(() => {});
      await withClient(null, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
    },
  };
}

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
