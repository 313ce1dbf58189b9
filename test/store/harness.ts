/**
 * Openers for a fresh, empty registry of each engine, shared by the registry suite and the
 * governance suite. Each harness closes every store it opened and deletes the registry in `cleanup`.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import type { ApprovalPolicy } from '../../src/governance/policy.js';
import type { GraphSchema } from '../../src/graph/types.js';
import { openStore, type Store } from '../../src/store/index.js';
import type { OpenOptions, StoreHarness } from './registry-store.suite.js';

/** What a governance test may also set when it opens a store: the approval policy and environments. */
export interface EngineOpenOptions extends OpenOptions {
  policy?: ApprovalPolicy;
  environments?: readonly string[];
  graph?: GraphSchema | null;
}

/** A `StoreHarness` whose stores are the whole store (catalog and governance). */
export interface EngineHarness extends StoreHarness {
  store: Store;
  reopen: (opts?: Partial<EngineOpenOptions>) => Promise<Store>;
}

export type OpenEngine = (opts: EngineOpenOptions) => Promise<EngineHarness>;

/** A registry in a SQLite file of its own, in a fresh temporary folder. */
export async function openSqliteHarness(opts: EngineOpenOptions): Promise<EngineHarness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'promptops-store-'));
  const file = path.join(dir, 'registry.db');
  const url = `sqlite:${file}`;
  const opened: Store[] = [];
  const reopen = async (overrides: Partial<EngineOpenOptions> = {}) => {
    const store = await openStore(url, dir, { ...opts, ...overrides });
    opened.push(store);
    return store;
  };
  const store = await reopen();
  return {
    store,
    reopen,
    url,
    readRows: async (table) => {
      const db = new Sqlite(file);
      try {
        return db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
    cleanup: async () => {
      for (const s of opened) await s.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs one SQL statement on a SQLite harness's file, outside the store (to tamper with it). */
export async function execSqlite(h: EngineHarness, sql: string, params: unknown[] = []): Promise<void> {
  const db = new Sqlite(h.url!.slice('sqlite:'.length));
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

/** The server the PostgreSQL tests run against. */
export const DATABASE_URL =
  process.env.PROMPTOPS_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether that server answers. Without one, the PostgreSQL tests are skipped with a loud warning,
 * so `npm test` works on a laptop; CI sets PROMPTOPS_REQUIRE_POSTGRES=1, and then they fail instead.
 */
export const POSTGRES_REACHABLE: boolean = await (async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return true;
  } catch (err) {
    const where = DATABASE_URL.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
    const why = `no PostgreSQL server at ${where} (${(err as Error).message}); set PROMPTOPS_TEST_DATABASE_URL to use another`;
    if (process.env.PROMPTOPS_REQUIRE_POSTGRES)
      throw new Error(`the PostgreSQL tests are required here: ${why}`);
    console.warn(`\n!!! SKIPPING the PostgreSQL tests: ${why}\n`);
    return false;
  } finally {
    await client.end().catch(() => {});
  }
})();

/** `engines` without the PostgreSQL ones when no server answers (see POSTGRES_REACHABLE). */
export function reachableEngines<T extends { name: string }>(engines: readonly T[]): T[] {
  return engines.filter((e) => POSTGRES_REACHABLE || !/postgres/i.test(e.name));
}

export function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('schema', schema);
  return parsed.toString();
}

/** Runs `work` on a client of its own, outside the store, with `search_path` set to `schema`. */
export async function withClient<T>(
  schema: string | null,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
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
export async function openPostgresHarness(opts: EngineOpenOptions): Promise<EngineHarness> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = withSchema(DATABASE_URL, schema);
  const opened: Store[] = [];
  const reopen = async (overrides: Partial<EngineOpenOptions> = {}) => {
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
