import type { Kysely } from 'kysely';

/**
 * The drift monitor's last report per prompt and environment: what `promptops drift` shows, and
 * which checks were already alerted, so a restarted monitor does not alert the same crossing twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('drift_reports')
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('computed_at', 'text', (c) => c.notNull())
    /** JSON of the whole report. */
    .addColumn('report', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('drift_reports_pk', ['project', 'prompt', 'environment'])
    .execute();
}
