import type { Kysely } from 'kysely';

/**
 * Feedback on traces: a score and/or thumbs, a comment and an optional corrected output. The
 * trace's prompt, version and environment are copied in when it is written, so feedback is listed
 * by them without a join; `negative` is decided then too (thumbs down, or a score under 0.5).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('environment', 'text')
    // double precision, not real: PostgreSQL's real would give 0.8 back as 0.800000011920929.
    .addColumn('score', 'double precision')
    .addColumn('thumbs', 'text')
    .addColumn('negative', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('corrected_output', 'text')
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('feedback_prompt_time')
    .on('feedback')
    .columns(['project', 'prompt', 'at'])
    .execute();
  await db.schema.createIndex('feedback_trace').on('feedback').columns(['project', 'trace_id']).execute();
}
