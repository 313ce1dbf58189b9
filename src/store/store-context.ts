import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import { PromptOpsError } from '../errors.js';
import type { Database } from './schema.js';
import type { StoreOptions } from './types.js';

/** A database handle or an open transaction: store helpers take either, so they compose inside one. */
export type Tx = Kysely<Database> | Transaction<Database>;

/** What an engine adds to the store options: its error codes (in `StoreOptions`) and capabilities. */
export interface EngineOptions extends StoreOptions {
  /**
   * Runs already-built inserts as one transaction without yielding (SQLite's synchronous driver
   * would otherwise interleave a trace batch with requests); absent: a normal transaction.
   */
  runBatch?: (queries: readonly CompiledQuery[]) => void;
  /**
   * The engine locks rows (`SELECT … FOR UPDATE`) in a READ COMMITTED transaction, so concurrent
   * read-modify-writes of one row queue instead of failing (PostgreSQL); absent: transactions are
   * serial anyway (SQLite's single writer).
   */
  rowLocks?: boolean;
}

/** What every part of the store shares: the handle, the project it acts for, the clock, transactions. */
export interface StoreContext {
  readonly db: Kysely<Database>;
  readonly project: string;
  readonly engine: EngineOptions;
  now(): Date;
  /**
   * Runs `work` in a SERIALIZABLE transaction (SQLite's are by nature), retrying when the engine
   * reports a transient conflict.
   */
  transact<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * Runs `work`, whose read-modify-writes lock the rows they change (`SELECT … FOR UPDATE`), in a
   * READ COMMITTED transaction where the engine locks rows (concurrent writers of one row queue
   * instead of failing); elsewhere, in `transact`'s (serial, on SQLite).
   */
  transactLocking<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
}

/**
 * A transaction that keeps meeting transient conflicts gives up after this many attempts, and not
 * before this long: on a loaded machine a few contenders' turns can outlast twenty short backoffs.
 */
const MAX_ATTEMPTS = 20;
const RETRY_FOR_MS = 10_000;

/** The context of a store acting for `options.project` on `db`. */
export function storeContext(db: Kysely<Database>, options: EngineOptions): StoreContext {
  const now = options.now ?? (() => new Date());
  const context: StoreContext = {
    db,
    project: options.project,
    engine: options,
    now,
    transactLocking: (work) => (options.rowLocks ? db.transaction().execute(work) : context.transact(work)),
    async transact(work) {
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        try {
          return await db.transaction().setIsolationLevel('serializable').execute(work);
        } catch (err) {
          if (!options.isRetryable?.(err)) throw err;
          if (attempt >= MAX_ATTEMPTS && Date.now() - started >= RETRY_FOR_MS) {
            throw new PromptOpsError(
              'PO_ERR_STORE_CONFLICT',
              `the registry stayed busy with concurrent changes through ${attempt} attempts; nothing was written, try again`,
              { attempts: attempt },
            );
          }
          // Full-jitter exponential backoff (5 ms doubling, capped at 250 ms): contenders spread out.
          await new Promise((resolve) =>
            setTimeout(resolve, Math.random() * Math.min(250, 5 * 2 ** attempt)),
          );
        }
      }
    },
  };
  return context;
}

/** Items grouped by key, each group in input order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** A stored JSON column's value (null stays null). */
export function parseJson(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown);
}
