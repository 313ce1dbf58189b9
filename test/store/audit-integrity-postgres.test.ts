import { describeAuditIntegrity } from './audit-integrity.suite.js';
import { openPostgresHarness, withClient } from './harness.js';

describeAuditIntegrity('postgres', openPostgresHarness, async (h, sql, params = []) => {
  let n = 0;
  const numbered = sql.replace(/\?/g, () => `$${++n}`);
  await withClient(new URL(h.url!).searchParams.get('schema'), (client) => client.query(numbered, params));
});
