import type { Kysely } from 'kysely';

/**
 * Rollups: per-minute aggregates of a prompt's executions per version, environment and arm, one row
 * per writer (`source`: a gateway's id, or `feedback`). Readers sum the sources. No environment and
 * no arm are stored as '' (not NULL), so the primary key covers them on both engines.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rollups')
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('arm', 'text', (c) => c.notNull())
    .addColumn('minute', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('values', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollups_pk', [
      'project',
      'prompt',
      'version_number',
      'environment',
      'arm',
      'minute',
      'source',
    ])
    .execute();
  await db.schema
    .createIndex('rollups_read')
    .on('rollups')
    .columns(['project', 'prompt', 'environment', 'minute'])
    .execute();
  // Retention deletes by minute across prompts.
  await db.schema.createIndex('rollups_minute').on('rollups').columns(['minute']).execute();
}
