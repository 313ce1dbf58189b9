/**
 * The registry suite against the remote client: HttpStore through a real server over SQLite (see
 * http-harness.ts). The governance and audit-integrity suites run the same way in
 * governance-http.test.ts and audit-integrity-http.test.ts.
 */
import { openHttpHarness } from './http-harness.js';
import { describeRegistryStore } from './registry-store.suite.js';

describeRegistryStore('http', openHttpHarness);
