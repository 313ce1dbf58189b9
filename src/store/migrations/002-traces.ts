import type { Kysely } from 'kysely';

/** Execution traces: indexed columns for filtering, the full record as canonical JSON. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('traces')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('version_hash', 'text', (c) => c.notNull())
    .addColumn('environment', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('model', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'real', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('traces_prompt_time')
    .on('traces')
    .columns(['project', 'prompt', 'started_at'])
    .execute();
  await db.schema.createIndex('traces_time').on('traces').columns(['project', 'started_at']).execute();
}
