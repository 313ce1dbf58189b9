import { describe } from 'vitest';
import { describeAuditIntegrity } from './audit-integrity.suite.js';
import { openPostgresHarness, POSTGRES_REACHABLE, withClient } from './harness.js';

describe.skipIf(!POSTGRES_REACHABLE)('postgres', () => {
  describeAuditIntegrity('postgres', openPostgresHarness, async (h, sql, params = []) => {
    let n = 0;
    const numbered = sql.replace(/\?/g, () => `$${++n}`);
    await withClient(new URL(h.url!).searchParams.get('schema'), (client) => client.query(numbered, params));
  });
});
