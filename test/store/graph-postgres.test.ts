import { describe } from 'vitest';
import { describeGraphStore } from './graph.suite.js';
import { openPostgresHarness, POSTGRES_REACHABLE } from './harness.js';

describe.skipIf(!POSTGRES_REACHABLE)('postgres', () => {
  describeGraphStore('postgres', openPostgresHarness);
});
