/** The knowledge graph suite against the remote client: HttpStore through a real server over SQLite. */
import { describeGraphStore } from './graph.suite.js';
import { openHttpHarness } from './http-harness.js';

describeGraphStore('http', openHttpHarness);
