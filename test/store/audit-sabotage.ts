import Sqlite from 'better-sqlite3';
import { type EngineHarness, openPostgresHarness, openSqliteHarness, withClient } from './harness.js';

/** The engines a sabotaged write runs on (filter with `reachableEngines`). */
export const ENGINES = [
  { name: 'sqlite', open: openSqliteHarness },
  { name: 'postgres', open: openPostgresHarness },
];

/**
 * Installs a trigger that fails the insert of any audit entry whose action matches the SQL LIKE
 * `pattern` (as a crash between a write and its entry would), or removes it (`pattern` null).
 */
export async function sabotageAudit(engine: string, h: EngineHarness, pattern: string | null): Promise<void> {
  if (engine === 'sqlite') {
    const db = new Sqlite(h.url!.slice('sqlite:'.length));
    try {
      db.exec(
        pattern === null
          ? 'DROP TRIGGER crash_mid_write'
          : `CREATE TRIGGER crash_mid_write BEFORE INSERT ON audit_log
             WHEN NEW.action LIKE '${pattern}' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`,
      );
    } finally {
      db.close();
    }
    return;
  }
  const schema = new URL(h.url!).searchParams.get('schema');
  await withClient(schema, (client) =>
    client.query(
      pattern === null
        ? 'DROP TRIGGER crash_mid_write ON audit_log; DROP FUNCTION crash_mid_write();'
        : `CREATE FUNCTION crash_mid_write() RETURNS trigger AS $$
           BEGIN IF NEW.action LIKE '${pattern}' THEN RAISE EXCEPTION 'simulated crash'; END IF; RETURN NEW; END
           $$ LANGUAGE plpgsql;
           CREATE TRIGGER crash_mid_write BEFORE INSERT ON audit_log
           FOR EACH ROW EXECUTE FUNCTION crash_mid_write();`,
    ),
  );
}
