import type { Kysely } from 'kysely';

/** Evaluation runs, linked to the content hash of the version they tested. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('eval_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('version_hash', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addColumn('pass_rate', 'real', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('eval_runs_version')
    .on('eval_runs')
    .columns(['project', 'prompt', 'version_hash'])
    .execute();
}
