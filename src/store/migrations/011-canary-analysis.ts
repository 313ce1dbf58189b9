import type { Kysely } from 'kysely';

/**
 * Canary analysis: a canary release carries its analysis plan (JSON) and the id of the analysis it
 * belongs to (the release that started the canary; a ramp to the next weight is a new release row
 * of the same analysis). Each judged interval is a row: its step, window, verdict and the evidence
 * per metric (JSON).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('releases').addColumn('analysis_plan', 'text').execute();
  await db.schema.alterTable('releases').addColumn('analysis_id', 'text').execute();
  await db.schema
    .createTable('canary_intervals')
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('analysis_id', 'text', (c) => c.notNull())
    .addColumn('release_id', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('canary_version', 'integer', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('weight', 'integer', (c) => c.notNull())
    .addColumn('interval_index', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('window_end', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('canary_intervals_pk', ['project', 'release_id', 'interval_index'])
    .execute();
  await db.schema
    .createIndex('canary_intervals_analysis')
    .on('canary_intervals')
    .columns(['project', 'analysis_id', 'window_start'])
    .execute();
}
