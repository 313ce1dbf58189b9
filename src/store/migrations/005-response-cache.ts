import type { Kysely } from 'kysely';

/** Model answers cached for evaluations, keyed by version hash + request (messages, model, config). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('response_cache')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('version_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('response_cache_version')
    .on('response_cache')
    .columns(['project', 'version_hash'])
    .execute();
}
