import { openSqliteHarness } from '../store/harness.js';
import { describeCanaryAnalysis } from './canary-analysis.suite.js';

describeCanaryAnalysis('sqlite', openSqliteHarness);
