import { describeGovernanceStore } from './governance.suite.js';
import { openPostgresHarness } from './harness.js';

describeGovernanceStore('postgres', openPostgresHarness);
