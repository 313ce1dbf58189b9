import { describeGraphStore } from './graph.suite.js';
import { openSqliteHarness } from './harness.js';

describeGraphStore('sqlite', openSqliteHarness);
