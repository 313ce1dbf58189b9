import { describeAuditIntegrity } from './audit-integrity.suite.js';
import { execSqlite } from './harness.js';
import { openHttpHarness } from './http-harness.js';

// The server's registry is a SQLite file: tampering goes straight to it, as on SQLite.
describeAuditIntegrity('http', openHttpHarness, execSqlite);
