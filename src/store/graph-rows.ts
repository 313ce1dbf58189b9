/**
 * The knowledge graph's rows: versioned fact and relation rows written in chunks, and the reads
 * every graph operation shares (the latest revision, resolving a reference, entities at a revision).
 */
import { type Selectable, sql } from 'kysely';
import { PromptOpsError } from '../errors.js';
import { parseRef } from '../graph/facts.js';
import type { EntityFact, GraphEntity, GraphRelation, Provenance } from '../graph/types.js';
import type { Database, GraphFactColumns } from './schema.js';
import { parseJson, type Tx } from './store-context.js';

export type FactRow = Selectable<Database['graph_facts']>;
export type RelationRow = Selectable<Database['graph_relations']>;
export type NewFact = Omit<FactRow, 'id'>;
export type NewRelation = Omit<RelationRow, 'id'>;

/** Rows per INSERT: under SQLite's 32766 bound variables at 16 columns a row. */
export const CHUNK = 2000;

/** The live-at-`r` condition of a versioned row, as raw SQL on alias `t`. */
export const liveAt = (table: string, r: number) =>
  sql<boolean>`${sql.ref(`${table}.added_in`)} <= ${r} and (${sql.ref(`${table}.removed_in`)} is null or ${sql.ref(`${table}.removed_in`)} > ${r})`;

/** Marks rows as removed in `revision`. */
export async function retire(
  trx: Tx,
  facts: readonly number[],
  relations: readonly number[],
  revision: number,
) {
  for (const ids of chunks(facts))
    await trx.updateTable('graph_facts').set({ removed_in: revision }).where('id', 'in', ids).execute();
  for (const ids of chunks(relations))
    await trx.updateTable('graph_relations').set({ removed_in: revision }).where('id', 'in', ids).execute();
}

/** Inserts rows as added in `revision`, numbering them after the table's last id (the rows are numbered in place: pass fresh ones). */
export async function insertFacts(
  trx: Tx,
  facts: readonly NewFact[],
  relations: readonly NewRelation[],
  revision: number,
): Promise<void> {
  const tables = [
    ['graph_facts', facts],
    ['graph_relations', relations],
  ] as const;
  for (const [table, all] of tables) {
    if (all.length === 0) continue;
    let id = await nextId(trx, table);
    for (const rows of chunks<NewFact | NewRelation>(all)) {
      // Each list goes to its own table; Kysely types `values` by one table at a time.
      const values = rows.map((row) => Object.assign(row, { id: id++, added_in: revision })) as never;
      await trx.insertInto(table).values(values).execute();
    }
  }
}

/** The project's latest graph revision (0: none yet). */
export async function latestRevision(db: Tx, project: string): Promise<number> {
  const row = await db
    .selectFrom('graph_revisions')
    .select((eb) => eb.fn.max('number').as('number'))
    .where('project', '=', project)
    .executeTakeFirst();
  return Number(row?.number ?? 0);
}

/** The entity id `ref` names at revision `r`: by key, then by a live alias, then its merge survivor. */
export async function resolveAt(db: Tx, project: string, text: string, r: number): Promise<number> {
  const { type, key } = parseRef(text);
  // The identity and its merge survivor at `r` in one query: a context fetch starts here.
  const withSurvivor = db
    .selectFrom('graph_entities as e')
    .leftJoin('graph_merges as m', (join) =>
      join
        .onRef('m.merged_id', '=', 'e.id')
        .on('m.revision', '<=', r)
        .on((eb) => eb.or([eb('m.unmerged_in', 'is', null), eb('m.unmerged_in', '>', r)])),
    )
    .select(['e.id', 'e.key', 'm.survivor_id'])
    .where('e.project', '=', project)
    .where('e.type', '=', type);
  const found =
    (await withSurvivor.where('e.key', '=', key).executeTakeFirst()) ??
    onlyOne(
      text,
      await withSurvivor
        .where((eb) =>
          eb(
            'e.id',
            'in',
            eb
              .selectFrom('graph_facts as f')
              .select('f.entity_id')
              .where('f.project', '=', project)
              .where('f.alias', '=', key)
              .where('f.kind', '=', 'alias')
              .where(liveAt('f', r)),
          ),
        )
        .orderBy('e.id')
        .limit(2)
        .execute(),
      type,
    );
  if (!found)
    throw notFound(`${text} is not in the knowledge graph at revision ${r}`, { ref: text, revision: r });
  let id = found.survivor_id ?? found.id;
  // A survivor merged in turn: follow the chain (rare, so a query a link).
  for (let next = found.survivor_id; next !== null; ) {
    const link = await db
      .selectFrom('graph_merges')
      .select('survivor_id')
      .where('project', '=', project)
      .where('merged_id', '=', next)
      .where('revision', '<=', r)
      .where((eb) => eb.or([eb('unmerged_in', 'is', null), eb('unmerged_in', '>', r)]))
      .executeTakeFirst();
    next = link?.survivor_id ?? null;
    if (next !== null) id = next;
  }
  return id;
}

/** The one entity an alias names, or (two hold it, as data from before the ingest check may) a refusal naming both. */
function onlyOne<T extends { key: string }>(text: string, rows: readonly T[], type: string): T | undefined {
  if (rows.length < 2) return rows[0];
  const entities = rows.map((row) => `${type}:${row.key}`);
  throw new PromptOpsError(
    'PO_ERR_GRAPH_INVALID',
    `${text} is an alias of two entities, ${entities.join(' and ')}: refer to one by its key, or merge them (promptops graph merge)`,
    { ref: text, entities },
  );
}

/** The entities among `ids` that exist at revision `r`, with their facts. */
export async function entitiesAt(db: Tx, ids: readonly number[], r: number): Promise<GraphEntity[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('graph_facts as f')
    .innerJoin('graph_entities as e', 'e.id', 'f.entity_id')
    .selectAll('f')
    .select(['e.type', 'e.key'])
    .where('f.entity_id', 'in', ids)
    .where(liveAt('f', r))
    .orderBy('f.added_in')
    .orderBy('f.id')
    .execute();
  const byId = new Map<number, GraphEntity>();
  for (const row of rows) {
    let entity = byId.get(row.entity_id);
    if (!entity) {
      entity = { id: row.entity_id, type: row.type, key: row.key, aliases: [], attributes: {}, facts: [] };
      byId.set(row.entity_id, entity);
    }
    const fact: EntityFact = { id: row.id, kind: row.kind, provenance: provenanceOf(row) };
    if (row.kind === 'alias') {
      fact.alias = row.alias!;
      if (!entity.aliases.includes(row.alias!)) entity.aliases.push(row.alias!);
    }
    if (row.kind === 'attributes') {
      fact.attributes = (parseJson(row.attributes) ?? {}) as Record<string, unknown>;
      Object.assign(entity.attributes, fact.attributes);
    }
    entity.facts.push(fact);
  }
  // Only entities some source asserts exist at `r`: an identity alone is no entity.
  return ids
    .map((id) => byId.get(id))
    .filter((e): e is GraphEntity => e?.facts.some((f) => f.kind === 'entity') ?? false);
}

export function provenanceOf(row: Omit<GraphFactColumns, 'id'>): Provenance {
  return {
    source: row.source,
    recordId: row.record_id,
    ingestedAt: row.ingested_at,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    assertedBy: row.asserted_by,
    addedIn: Number(row.added_in),
  };
}

export function relationOf(row: RelationRow): GraphRelation {
  return {
    id: Number(row.id),
    type: row.type,
    from: Number(row.from_id),
    to: Number(row.to_id),
    attributes: (parseJson(row.attributes) ?? {}) as Record<string, unknown>,
    provenance: provenanceOf(row),
  };
}

export function notFound(message: string, details: Record<string, unknown>): PromptOpsError {
  return new PromptOpsError('PO_ERR_GRAPH_NOT_FOUND', message, details);
}

export async function nextId(
  trx: Tx,
  table: 'graph_facts' | 'graph_relations' | 'graph_merges',
): Promise<number> {
  const row = await trx
    .selectFrom(table)
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0) + 1;
}

export function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}
