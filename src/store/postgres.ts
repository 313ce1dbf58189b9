import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  Kysely,
  Migrator,
  PostgresDialect,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';
import pg from 'pg';
import { PromptOpsError } from '../errors.js';
import { KyselyStore } from './kysely-store.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';
import type { GovernanceOptions, Store, StoreOptions } from './types.js';
import { redactUrl } from './url.js';

/** A schema name safe to pass in a connection's startup options and to quote as an identifier. */
const SCHEMA_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Transient conflicts between concurrent transactions: serialization failure, deadlock, and a
 * unique violation (two pushes computing the same next version number, two first pushes creating
 * the same prompt, two moves numbering the same label event). Retrying re-reads and resolves them.
 */
function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01' || code === '23505';
}

/**
 * The database cannot serve requests, whatever they ask: the connection failed or was cut (class
 * 08, socket errors), the server is shutting down or out of resources (57, 53), a system or
 * internal failure (58, XX), or the registry itself is gone: its database (3D000), its schema
 * (3F000), or its tables and columns (42P01, 42703), as after a DROP SCHEMA under a running server.
 */
function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') {
    // pg reports a dropped connection and an exhausted pool without a code.
    const message = (err as { message?: unknown } | null)?.message;
    return (
      typeof message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect/.test(message)
    );
  }
  return (
    ['08', '53', '57', '58', 'XX'].includes(code.slice(0, 2)) ||
    ['3D000', '3F000', '42P01', '42703'].includes(code) ||
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)
  );
}

/**
 * Splits a `postgres://` URL into what pg connects to and the registry's schema (`?schema=NAME`,
 * stripped from the URL pg sees). Without it the server's default search_path applies.
 */
export function parsePostgresUrl(url: string): { connectionString: string; schema: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PromptOpsError('PO_ERR_CONFIG_INVALID', `${redactUrl(url)} is not a valid PostgreSQL URL`, {
      url: redactUrl(url),
    });
  }
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !SCHEMA_PATTERN.test(schema)) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `schema "${schema}" in ${redactUrl(url)} must start with a letter or '_' and use only letters, digits and '_' (at most 63)`,
      { url: redactUrl(url), schema },
    );
  }
  return { connectionString: parsed.toString(), schema };
}

function pool(connectionString: string, schema: string | null, isolation: string | null, max: number) {
  const settings = [
    ...(schema ? [`-c search_path=${schema}`] : []),
    ...(isolation ? [`-c default_transaction_isolation=${isolation}`] : []),
  ];
  const created = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 10_000,
    ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
  });
  // An idle connection the server drops must not crash the process; the next query reconnects.
  created.on('error', () => {});
  return created;
}

/**
 * Opens the PostgreSQL registry at `url`, creating its schema (if `?schema=` names one) and
 * bringing the tables up to date. Store transactions run SERIALIZABLE (the store asks for it on
 * each transaction), like SQLite's single writer: a conflicting transaction fails with 40001 and is
 * retried, so label moves always start where the previous move left the label and no write skew
 * (labelling a version being archived) slips through. Single-statement reads outside transactions
 * run at the default READ COMMITTED: a statement sees one snapshot either way, without the
 * serializable bookkeeping.
 */
export async function openPostgresStore(
  url: string,
  options: Omit<StoreOptions, 'isRetryable' | 'isUnavailable'> & GovernanceOptions,
): Promise<Store> {
  const { connectionString, schema } = parsePostgresUrl(url);
  try {
    await prepare(connectionString, schema);
  } catch (err) {
    throw err instanceof PromptOpsError ? err : unavailable(url, err);
  }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: pool(connectionString, schema, null, 10) }),
  });
  return new KyselyStore(db, { ...options, isRetryable, isUnavailable, rowLocks: true });
}

/**
 * Creates the schema and runs pending migrations on a connection of its own at READ COMMITTED:
 * the migrator's advisory lock makes concurrent first opens take turns, and each must see what
 * the one before it committed (a SERIALIZABLE snapshot taken before the lock would not).
 */
async function prepare(connectionString: string, schema: string | null): Promise<void> {
  const db = new Kysely<unknown>({
    dialect: new OwnSchemaDialect({ pool: pool(connectionString, schema, null, 1) }),
  });
  try {
    if (schema) {
      try {
        await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
      } catch (err) {
        // Two first opens may both try; `if not exists` does not stop the loser's unique violation.
        if ((err as { code?: unknown }).code !== '23505') throw err;
      }
    }
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const current = rows[0]?.schema;
    if (!current) throw new Error('the search_path names no existing schema to hold the registry');
    // Kysely finds its bookkeeping tables by name in any schema unless told which one is ours.
    const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: current });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new PromptOpsError(
        'PO_ERR_STORE_UNAVAILABLE',
        `database migration ${failed} failed: ${(error as Error).message}`,
        { migration: failed },
      );
    }
  } finally {
    await db.destroy();
  }
}

/**
 * The migrator asks the dialect whether its schema and tables exist. Kysely's own answer reads every
 * table of every schema and resolves their names, which fails ("schema … does not exist") when
 * another schema of the database is dropped meanwhile (another tenant, another test run). This
 * one looks at the registry's schema only, by catalog rows, never by name lookups.
 */
class OwnSchemaDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new OwnSchemaIntrospector(db);
  }
}

class OwnSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`
      select nspname as name from pg_catalog.pg_namespace where nspname = current_schema()`.execute(this.db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; schema: string; kind: string }>`
      select c.relname as name, n.nspname as schema, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p')`.execute(this.db);
    return rows.map((r) => ({ name: r.name, schema: r.schema, isView: r.kind === 'v', columns: [] }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

function unavailable(url: string, err: unknown): PromptOpsError {
  const safe = redactUrl(url);
  const reason = (err as Error)?.message || String((err as { code?: unknown })?.code ?? err);
  return new PromptOpsError(
    'PO_ERR_STORE_UNAVAILABLE',
    `cannot open the registry database ${safe}: ${reason.split(url).join(safe)}`,
    { url: safe },
  );
}
