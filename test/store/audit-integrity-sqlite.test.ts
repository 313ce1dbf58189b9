import { describeAuditIntegrity } from './audit-integrity.suite.js';
import { execSqlite, openSqliteHarness } from './harness.js';

describeAuditIntegrity('sqlite', openSqliteHarness, execSqlite);
