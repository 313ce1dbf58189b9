import { openPostgresHarness, reachableEngines } from '../store/harness.js';
import { describeCanaryAnalysis } from './canary-analysis.suite.js';

for (const { name, open } of reachableEngines([{ name: 'postgres', open: openPostgresHarness }]))
  describeCanaryAnalysis(name, open);
