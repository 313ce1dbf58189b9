import { createHash } from 'node:crypto';
import pg from 'pg';
import { parsePostgresUrl } from './postgres.js';

/**
 * Who runs canary analysis when several servers share one registry: the holder of a PostgreSQL
 * advisory lock, taken with pg_try_advisory_lock on a connection of its own that stays open while
 * it leads. The lock is the session's, so it is released when the connection closes, whether by
 * `close()` or because the process died: another server takes over at its next attempt.
 *
 * On SQLite the registry is a file one process serves (a second server would have its own file),
 * so that process always leads.
 */
export interface AnalysisLeader {
  /** Whether this process leads now, trying to become the leader if it does not. */
  tryLead(): Promise<boolean>;
  /** Gives up leadership (closes the lock's connection). */
  close(): Promise<void>;
}

/** The advisory lock's key: one per registry schema and project, 64 bits of a hash of both. */
export function analysisLockKey(schema: string | null, project: string): bigint {
  return createHash('sha256')
    .update(`promptops canary analysis\u0000${schema ?? ''}\u0000${project}`)
    .digest()
    .readBigInt64BE(0);
}

/** The leadership of canary analysis for the registry at `url` (its schema) and `project`. */
export function analysisLeader(
  url: string,
  project: string,
  /** Told when trying to lead fails (the database unreachable, say): once per outage, not per try. */
  onError?: (err: unknown) => void,
): AnalysisLeader {
  if (!/^postgres(ql)?:/.test(url)) return { tryLead: async () => true, close: async () => {} };
  const { connectionString, schema } = parsePostgresUrl(url);
  const key = analysisLockKey(schema, project).toString();
  let client: pg.Client | null = null;
  let leading = false;
  let failing = false;
  const drop = () => {
    const old = client;
    client = null;
    leading = false;
    old?.end().catch(() => {});
  };
  return {
    async tryLead() {
      if (leading && client) return true;
      try {
        if (!client) {
          const fresh = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
          // A dropped connection loses the lock: stop leading; the next attempt reconnects.
          fresh.on('error', drop);
          fresh.on('end', () => {
            if (client === fresh) drop();
          });
          client = fresh;
          await fresh.connect();
        }
        const result = await client.query<{ locked: boolean }>(
          'SELECT pg_try_advisory_lock($1::bigint) AS locked',
          [key],
        );
        leading = result.rows[0]?.locked === true;
        failing = false;
        return leading;
      } catch (err) {
        drop();
        if (!failing) onError?.(err);
        failing = true;
        return false;
      }
    },
    async close() {
      const old = client;
      client = null;
      leading = false;
      await old?.end().catch(() => {});
    },
  };
}
