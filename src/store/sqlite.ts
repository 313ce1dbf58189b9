import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { type CompiledQuery, Kysely, Migrator, SqliteDialect } from 'kysely';
import { PromptOpsError } from '../errors.js';
import { KyselyStore } from './kysely-store.js';
import { MIGRATION_COUNT, migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import type { GovernanceOptions, Store, StoreOptions } from './types.js';

/** SQLite reports lock contention between processes as SQLITE_BUSY; such transactions may be retried. */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

/**
 * The database file cannot serve requests, whatever they ask: it cannot be opened, read or written
 * (CANTOPEN, IOERR, FULL, READONLY), it is damaged or not a database (CORRUPT, NOTADB), it stays
 * locked, or the registry's tables are gone ("no such table" comes as a plain SQLITE_ERROR).
 */
function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return false;
  if (code === 'SQLITE_ERROR') return /^no such (table|column)/.test(String((err as Error).message));
  return /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|CORRUPT|NOTADB|PERM|AUTH)/.test(code);
}

/**
 * Kysely's SQLite driver prepares every query afresh; preparing costs more than running these
 * small queries. Statements are reusable (better-sqlite3 is synchronous, and SQLite recompiles a
 * statement itself after a schema change), so they are kept per SQL text, up to a bound.
 */
function withStatementCache(database: Sqlite.Database): Sqlite.Database {
  const cache = new Map<string, Sqlite.Statement>();
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property !== 'prepare') {
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (source: string) => {
        let statement = cache.get(source);
        if (!statement) {
          if (cache.size >= 1000) cache.clear();
          statement = target.prepare(source);
          cache.set(source, statement);
        }
        return statement;
      };
    },
  });
}

/** Opens (creating if needed) the embedded SQLite registry at `file` and brings its schema up to date. */
export async function openSqliteStore(
  file: string,
  options: Omit<StoreOptions, 'isRetryable' | 'isUnavailable'> & GovernanceOptions,
): Promise<Store> {
  let database: Sqlite.Database;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    database = new Sqlite(file);
    database.pragma('foreign_keys = ON');
  } catch (err) {
    throw unavailable(file, err);
  }
  const cached = withStatementCache(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) });
  try {
    // Set-up takes SQLite's write lock. Waiting for it with busy_timeout would block this thread,
    // and with it any other connection of this process that holds the lock across an await; so
    // set-up polls without blocking, then normal operation gets the blocking timeout back.
    database.pragma('busy_timeout = 0');
    await whenNotBusy(() => database.pragma('journal_mode = WAL'));
    database.pragma('synchronous = NORMAL');
    // user_version records how many migrations ran; when it is current, the migrator (and its
    // bookkeeping queries) can be skipped: most commands only read.
    if (Number(database.pragma('user_version', { simple: true })) !== MIGRATION_COUNT) {
      await whenNotBusy(() => database.exec('BEGIN IMMEDIATE'));
      try {
        await migrate(db);
        database.pragma(`user_version = ${MIGRATION_COUNT}`);
        database.exec('COMMIT');
      } catch (err) {
        if (database.inTransaction) database.exec('ROLLBACK');
        throw err;
      }
    }
    database.pragma('busy_timeout = 5000');
  } catch (err) {
    await db.destroy();
    throw err instanceof PromptOpsError ? err : unavailable(file, err);
  }
  return new KyselyStore(db, {
    ...options,
    isRetryable: isBusy,
    isUnavailable,
    runBatch: batchRunner(cached),
  });
}

/**
 * better-sqlite3 is synchronous, so a trace batch written through Kysely's async driver would be
 * cut into many small blocking steps interleaved with requests; here the same Kysely-built inserts
 * run as one synchronous transaction, between requests, never inside one (on the cached
 * statements: a batch's inserts are the same few SQL texts every time).
 */
function batchRunner(database: Sqlite.Database): (queries: readonly CompiledQuery[]) => void {
  return (queries) =>
    database.transaction(() => {
      for (const query of queries) database.prepare(query.sql).run(...(query.parameters as unknown[]));
    })();
}

function unavailable(file: string, err: unknown): PromptOpsError {
  return new PromptOpsError(
    'PO_ERR_STORE_UNAVAILABLE',
    `cannot open the registry database ${file}: ${(err as Error).message}`,
    {
      file,
    },
  );
}

/** Runs `step`, retrying while another connection holds the lock (for up to 10 s), without blocking the thread. */
async function whenNotBusy<T>(step: () => T): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return step();
    } catch (err) {
      if (!isBusy(err) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
  }
}

/**
 * Applies pending migrations. On SQLite the caller holds an IMMEDIATE transaction around it, so
 * concurrent first opens take turns and a failing migration leaves no partial schema.
 */
export async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new PromptOpsError(
      'PO_ERR_STORE_UNAVAILABLE',
      `database migration ${failed} failed: ${(error as Error).message}`,
      {
        migration: failed,
      },
    );
  }
}
