import type { Kysely } from 'kysely';

/**
 * Browser sessions of the web console: an API token exchanged for a cookie. The key is the SHA-256
 * of the session id (the cookie's value), never the id itself, so a copy of the database signs no
 * one in. A session acts as the token it was made from and ends with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('token_id', 'text', (c) => c.notNull())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();
  await db.schema.createIndex('sessions_token_id').on('sessions').column('token_id').execute();
}
