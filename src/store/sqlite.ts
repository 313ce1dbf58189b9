import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { PromptOpsError } from '../errors.js';
import type { Trace } from '../observe/trace.js';
import { migrationProvider } from './migrations/index.js';
import { KyselyRegistryStore, type RegistryStore, type StoreOptions } from './registry-store.js';
import type { Database } from './schema.js';

/** SQLite reports lock contention between processes as SQLITE_BUSY; such transactions may be retried. */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

/** Opens (creating if needed) the embedded SQLite registry at `file` and brings its schema up to date. */
export async function openSqliteStore(
  file: string,
  options: Omit<StoreOptions, 'isRetryable'>,
): Promise<RegistryStore> {
  let database: Sqlite.Database;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    database = new Sqlite(file);
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    database.pragma('synchronous = NORMAL');
  } catch (err) {
    throw new PromptOpsError(
      'PO_ERR_STORE_UNAVAILABLE',
      `cannot open the registry database ${file}: ${(err as Error).message}`,
      {
        file,
      },
    );
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  await migrate(db);
  return new SqliteRegistryStore(db, database, { ...options, isRetryable: isBusy });
}

/**
 * The SQLite engine. better-sqlite3 is synchronous, so a trace batch written through Kysely's
 * async driver would be cut into many small blocking steps interleaved with requests; here the
 * same Kysely-built inserts run as one synchronous transaction, between requests, never inside one.
 */
class SqliteRegistryStore extends KyselyRegistryStore {
  constructor(
    db: Kysely<Database>,
    private readonly database: Sqlite.Database,
    options: StoreOptions,
  ) {
    super(db, options);
  }

  override async writeTraces(traces: readonly Trace[]): Promise<void> {
    if (traces.length === 0) return;
    const compiled = this.traceInserts(this.db, traces).map((q) => q.compile());
    this.database.transaction(() => {
      for (const query of compiled) this.database.prepare(query.sql).run(...(query.parameters as unknown[]));
    })();
  }
}

/** Applies pending migrations; fails with a clear error (and no partial schema) if one breaks. */
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
