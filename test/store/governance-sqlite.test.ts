import { describeGovernanceStore } from './governance.suite.js';
import { openSqliteHarness } from './harness.js';

describeGovernanceStore('sqlite', openSqliteHarness);
