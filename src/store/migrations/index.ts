import type { Migration, MigrationProvider } from 'kysely';
import * as catalog from './001-catalog.js';
import * as traces from './002-traces.js';
import * as reviews from './003-reviews.js';
import * as evalRuns from './004-eval-runs.js';
import * as responseCache from './005-response-cache.js';
import * as audit from './006-audit.js';
import * as governance from './007-governance.js';
import * as traceArm from './008-trace-arm.js';
import * as feedback from './009-feedback.js';
import * as rollups from './010-rollups.js';
import * as canaryAnalysis from './011-canary-analysis.js';
import * as alerts from './012-alerts.js';
import * as driftReports from './013-drift-reports.js';
import * as sessions from './014-sessions.js';
import * as knowledgeGraph from './015-knowledge-graph.js';

/**
 * Every migration, in order. Names never change once released; add new files, never edit old ones.
 * Listed statically (not read from a folder) so they work the same from `src/`, `dist/` or a bundle.
 */
const migrations: Record<string, Migration> = {
  '001-catalog': catalog,
  '002-traces': traces,
  '003-reviews': reviews,
  '004-eval-runs': evalRuns,
  '005-response-cache': responseCache,
  '006-audit': audit,
  '007-governance': governance,
  '008-trace-arm': traceArm,
  '009-feedback': feedback,
  '010-rollups': rollups,
  '011-canary-analysis': canaryAnalysis,
  '012-alerts': alerts,
  '013-drift-reports': driftReports,
  '014-sessions': sessions,
  '015-knowledge-graph': knowledgeGraph,
};

/** How many migrations this release knows; engines may record it to skip the migrator when current. */
export const MIGRATION_COUNT = Object.keys(migrations).length;

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
