import Sqlite from 'better-sqlite3';
import { describeAuditIntegrity } from './audit-integrity.suite.js';
import { openSqliteHarness } from './harness.js';

describeAuditIntegrity('sqlite', openSqliteHarness, async (h, sql, params = []) => {
  const db = new Sqlite(h.url!.slice('sqlite:'.length));
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
});
