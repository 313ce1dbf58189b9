import type { Kysely } from 'kysely';

/** Prompts, immutable versions, archive marks, labels and the history of every label move. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('prompts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addUniqueConstraint('prompts_project_name_unique', ['project', 'name'])
    .execute();

  await db.schema
    .createTable('prompt_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('prompt_id', 'text', (c) => c.notNull().references('prompts.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('author', 'text', (c) => c.notNull())
    .addColumn('message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'text', (c) => c.references('prompt_versions.id'))
    .addUniqueConstraint('prompt_versions_number_unique', ['prompt_id', 'number'])
    .addUniqueConstraint('prompt_versions_hash_unique', ['prompt_id', 'hash'])
    .execute();

  await db.schema
    .createTable('version_archives')
    .addColumn('version_id', 'text', (c) => c.primaryKey().references('prompt_versions.id'))
    .addColumn('archived_at', 'text', (c) => c.notNull())
    .addColumn('archived_by', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute();

  await db.schema
    .createTable('labels')
    .addColumn('prompt_id', 'text', (c) => c.notNull().references('prompts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.notNull().references('prompt_versions.id'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('labels_pk', ['prompt_id', 'name'])
    .execute();

  await db.schema
    .createTable('label_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('prompt_id', 'text', (c) => c.notNull().references('prompts.id'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_version_id', 'text', (c) => c.references('prompt_versions.id'))
    .addColumn('to_version_id', 'text', (c) => c.references('prompt_versions.id'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addUniqueConstraint('label_events_seq_unique', ['prompt_id', 'label', 'seq'])
    .execute();
}
