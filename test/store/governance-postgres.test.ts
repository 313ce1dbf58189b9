import { describe } from 'vitest';
import { describeGovernanceStore } from './governance.suite.js';
import { openPostgresHarness, POSTGRES_REACHABLE } from './harness.js';

describe.skipIf(!POSTGRES_REACHABLE)('postgres', () => {
  describeGovernanceStore('postgres', openPostgresHarness);
});
