import type { CreateTableBuilder, Kysely } from 'kysely';

/**
 * The knowledge graph: entity identities (a type and a key, never deleted), versioned facts about
 * them (existence, aliases, attribute sets) and versioned relations, each fact with its provenance
 * and the graph revisions that added and removed it (row versioning: a revision `r` sees the rows
 * with `added_in <= r` and `removed_in` null or above `r`). Merges of entities are recorded beside.
 * Ids are integers, unique across projects, so relation indexes need no project column and the
 * traversal reads one narrow index per hop. Why each index: docs/knowledge-graph.md.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('graph_revisions')
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('mode', 'text')
    .addColumn('asserted_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('added', 'integer', (c) => c.notNull())
    .addColumn('removed', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('graph_revisions_pk', ['project', 'number'])
    .execute();
  await entityTables(db);
  await relationTables(db);
}

/** Entity identities and their versioned facts. */
async function entityTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('graph_entities')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addUniqueConstraint('graph_entities_key', ['project', 'type', 'key'])
    .execute();
  await db.schema
    .createTable('graph_facts')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('alias', 'text')
    .addColumn('attributes', 'text')
    .$call(withProvenance)
    .execute();
  // An entity's facts at a revision (reads, neighbourhoods).
  await db.schema
    .createIndex('graph_facts_entity')
    .on('graph_facts')
    .columns(['entity_id', 'added_in'])
    .execute();
  // Resolution by alias.
  await db.schema.createIndex('graph_facts_alias').on('graph_facts').columns(['project', 'alias']).execute();
  await revisionIndexes(db, 'graph_facts');
}

/** Versioned relations and recorded merges. */
async function relationTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('graph_relations')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('from_id', 'integer', (c) => c.notNull())
    .addColumn('to_id', 'integer', (c) => c.notNull())
    .addColumn('attributes', 'text')
    .$call(withProvenance)
    .execute();
  // One hop out and one hop in: covering (type, revision window, the far end and the id), so a
  // traversal step reads the index only (PostgreSQL needs `id` listed; SQLite has it as the rowid).
  await db.schema
    .createIndex('graph_relations_out')
    .on('graph_relations')
    .columns(['from_id', 'type', 'added_in', 'removed_in', 'to_id', 'id'])
    .execute();
  await db.schema
    .createIndex('graph_relations_in')
    .on('graph_relations')
    .columns(['to_id', 'type', 'added_in', 'removed_in', 'from_id', 'id'])
    .execute();
  await revisionIndexes(db, 'graph_relations');
  await db.schema
    .createTable('graph_merges')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('project', 'text', (c) => c.notNull())
    .addColumn('survivor_id', 'integer', (c) => c.notNull())
    .addColumn('merged_id', 'integer', (c) => c.notNull())
    .addColumn('merged_by', 'text', (c) => c.notNull())
    .addColumn('merged_at', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('unmerged_by', 'text')
    .addColumn('unmerged_at', 'text')
    .addColumn('unmerged_in', 'integer')
    .execute();
  await db.schema
    .createIndex('graph_merges_merged')
    .on('graph_merges')
    .columns(['project', 'merged_id'])
    .execute();
}

/**
 * The columns every fact row carries, entity facts and relations alike: its provenance (source,
 * the source's record id, when it was ingested, its real-world validity, who asserted it), the
 * revisions that added and removed it, and the merge that moved it.
 */
function withProvenance<T extends string, C extends string>(table: CreateTableBuilder<T, C>) {
  return table
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text')
    .addColumn('ingested_at', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text')
    .addColumn('valid_to', 'text')
    .addColumn('asserted_by', 'text', (c) => c.notNull())
    .addColumn('added_in', 'integer', (c) => c.notNull())
    .addColumn('removed_in', 'integer')
    .addColumn('merge_id', 'integer');
}

/**
 * A fact table's indexes by revision: a source's live rows (what an ingest compares its batch
 * with), and what a revision range added and removed (diffs).
 */
async function revisionIndexes(db: Kysely<unknown>, table: 'graph_facts' | 'graph_relations'): Promise<void> {
  await db.schema
    .createIndex(`${table}_source`)
    .on(table)
    .columns(['project', 'source', 'removed_in'])
    .execute();
  await db.schema.createIndex(`${table}_added`).on(table).columns(['project', 'added_in']).execute();
  await db.schema.createIndex(`${table}_removed`).on(table).columns(['project', 'removed_in']).execute();
}
