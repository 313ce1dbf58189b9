import { type Selectable, sql } from 'kysely';
import { PromptOpsError } from '../errors.js';
import {
  canonicalJson,
  checkDeclared,
  entityFactKey,
  factSignature,
  findCycle,
  parseRef,
  relationFactKey,
} from '../graph/facts.js';
import type {
  DiffFact,
  EntityFact,
  GraphBatch,
  GraphDiff,
  GraphEntity,
  GraphEntityInput,
  GraphMerge,
  GraphRelation,
  GraphRevision,
  GraphSchema,
  IngestOutcome,
  Neighbourhood,
  NeighbourhoodQuery,
  Provenance,
  ReachedRelation,
} from '../graph/types.js';
import type { Database, GraphFactColumns } from './schema.js';
import { parseJson, type StoreContext, type Tx } from './store-context.js';

type FactRow = Selectable<Database['graph_facts']>;
type RelationRow = Selectable<Database['graph_relations']>;
type NewFact = Omit<FactRow, 'id'>;
type NewRelation = Omit<RelationRow, 'id'>;

/** Rows per INSERT: under SQLite's 32766 bound variables at 16 columns a row. */
const CHUNK = 2000;

/** The live-at-`r` condition of a versioned row, as raw SQL on alias `t`. */
const liveAt = (table: string, r: number) =>
  sql<boolean>`${sql.ref(`${table}.added_in`)} <= ${r} and (${sql.ref(`${table}.removed_in`)} is null or ${sql.ref(`${table}.removed_in`)} > ${r})`;

/** A source's facts as the graph holds them now, by identity (facts.ts keys). */
interface LiveFacts {
  facts: Map<string, { id: number; signature: string }>;
  relations: Map<string, { id: number; signature: string }>;
}

/** What resolving references needs: identities, live aliases, live entities and active merges. */
interface Resolver {
  byKey: Map<string, number>;
  byAlias: Map<string, number>;
  live: Set<number>;
  survivorOf: Map<number, number>;
  /** `type:key` by id, for messages. */
  keyOf: Map<number, string>;
  nextId: number;
  created: { id: number; project: string; type: string; key: string }[];
}

const typed = (type: string, name: string) => `${type}\u0000${name}`;

/**
 * The knowledge graph: entities, relations and their provenance, kept as row-versioned facts so
 * every revision stays readable and two revisions diff by an index range. An ingest compares what a
 * source sends with what it asserted before and writes only the difference, as one new revision;
 * merges rewrite the merged entity's facts onto the survivor in a revision of their own, and an
 * unmerge restores them. Reads take a revision (default the latest).
 */
export class GraphStore {
  /** The store methods this part serves. */
  static readonly operations = [
    'ingestGraph',
    'listGraphRevisions',
    'getGraphEntity',
    'graphNeighbourhood',
    'diffGraph',
    'mergeGraphEntities',
    'unmergeGraphEntities',
  ] as const satisfies readonly (keyof GraphStore)[];

  constructor(
    private readonly ctx: StoreContext,
    private readonly schema: GraphSchema | null = null,
  ) {}

  // ---- ingest ---------------------------------------------------------------------------------

  /**
   * Ingests `batch` as `actor` asserts it: one new revision holding what changed, or none when the
   * batch says nothing new (`revision: null`). Refuses (writing nothing) an undeclared type, a
   * relation whose endpoint is in neither the graph nor the batch, and a cycle of an acyclic type.
   */
  async ingestGraph(batch: GraphBatch, actor: string): Promise<IngestOutcome> {
    for (const e of batch.entities ?? []) checkDeclared(this.schema, 'entity', e.type);
    for (const r of batch.relations ?? []) checkDeclared(this.schema, 'relation', r.type);
    return this.ctx.transact(async (trx) => {
      const latest = await this.latest(trx);
      const resolver = await this.resolver(trx);
      const ingestedAt = this.ctx.now().toISOString();
      const base = {
        project: this.ctx.project,
        source: batch.source,
        ingested_at: ingestedAt,
        asserted_by: actor,
      };
      const wanted = this.wantedFacts(batch, resolver, base);
      const live = await this.liveFactsOf(trx, batch.source);
      const complete = batch.mode === 'complete';
      const removeFacts = stale(live.facts, wanted.facts, complete);
      const removeRelations = stale(live.relations, wanted.relations, complete);
      const addFacts = fresh(live.facts, wanted.facts);
      const addRelations = fresh(live.relations, wanted.relations);
      const counts = {
        entities: batch.entities?.length ?? 0,
        relations: batch.relations?.length ?? 0,
      };
      const added = addFacts.length + addRelations.length;
      const removed = removeFacts.length + removeRelations.length;
      if (added + removed === 0) return { revision: null, latest, added, removed, ...counts };
      await this.refuseCycles(trx, addRelations, removeRelations, resolver);
      const revision = latest + 1;
      await trx
        .insertInto('graph_revisions')
        .values({
          project: this.ctx.project,
          number: revision,
          kind: 'ingest',
          source: batch.source,
          mode: complete ? 'complete' : 'additive',
          asserted_by: actor,
          created_at: ingestedAt,
          added,
          removed,
        })
        .execute();
      for (const rows of chunks(resolver.created))
        await trx.insertInto('graph_entities').values(rows).execute();
      await this.retire(trx, removeFacts, removeRelations, revision);
      await this.insertFacts(trx, addFacts, addRelations, revision);
      return { revision, latest: revision, added, removed, ...counts };
    });
  }

  /** The facts `batch` asserts, by identity, resolving its entities (new ones get ids). */
  private wantedFacts(
    batch: GraphBatch,
    resolver: Resolver,
    base: Pick<GraphFactColumns, 'project' | 'source' | 'ingested_at' | 'asserted_by'>,
  ): { facts: Map<string, NewFact>; relations: Map<string, NewRelation> } {
    const facts = new Map<string, NewFact>();
    const relations = new Map<string, NewRelation>();
    const provenance = (input: { recordId?: string; validFrom?: string; validTo?: string }) => ({
      ...base,
      record_id: input.recordId ?? null,
      valid_from: input.validFrom ?? null,
      valid_to: input.validTo ?? null,
      added_in: 0,
      removed_in: null,
      merge_id: null,
    });
    for (const input of batch.entities ?? []) {
      const { id, isOwnKey } = resolveOrCreate(resolver, input, this.ctx.project);
      const fact = { ...provenance(input), entity_id: id, attributes: null };
      facts.set(entityFactKey('entity', id, null), { ...fact, kind: 'entity', alias: null });
      // Found by an alias under another key: the key it came with becomes an alias too.
      const aliases = new Set([...(input.aliases ?? []), ...(isOwnKey ? [] : [input.key])]);
      for (const alias of aliases) {
        facts.set(entityFactKey('alias', id, alias), { ...fact, kind: 'alias', alias });
        resolver.byAlias.set(typed(input.type, alias), id);
      }
      if (input.attributes !== undefined) {
        const attributes = canonicalJson(input.attributes);
        facts.set(entityFactKey('attributes', id, null), {
          ...fact,
          kind: 'attributes',
          alias: null,
          attributes,
        });
      }
    }
    for (const input of batch.relations ?? []) {
      const from = resolveLive(resolver, input.from, input.type);
      const to = resolveLive(resolver, input.to, input.type);
      const attributes = input.attributes === undefined ? null : canonicalJson(input.attributes);
      relations.set(relationFactKey(input.type, from, to), {
        ...provenance(input),
        type: input.type,
        from_id: from,
        to_id: to,
        attributes,
      });
    }
    return { facts, relations };
  }

  /** Identities, live aliases and entities, and active merges of the project, at the latest revision. */
  private async resolver(trx: Tx): Promise<Resolver> {
    const project = this.ctx.project;
    const identities = await trx
      .selectFrom('graph_entities')
      .select(['id', 'type', 'key'])
      .where('project', '=', project)
      .execute();
    const typeOf = new Map(identities.map((e) => [e.id, e.type]));
    const aliases = await trx
      .selectFrom('graph_facts')
      .select(['entity_id', 'kind', 'alias'])
      .where('project', '=', project)
      .where('removed_in', 'is', null)
      .where('kind', 'in', ['entity', 'alias'])
      .execute();
    const merges = await trx
      .selectFrom('graph_merges')
      .select(['merged_id', 'survivor_id'])
      .where('project', '=', project)
      .where('unmerged_in', 'is', null)
      .execute();
    const top = await trx
      .selectFrom('graph_entities')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    return {
      byKey: new Map(identities.map((e) => [typed(e.type, e.key), e.id])),
      byAlias: new Map(
        aliases
          .filter((a) => a.kind === 'alias')
          .map((a) => [typed(typeOf.get(a.entity_id)!, a.alias!), a.entity_id]),
      ),
      live: new Set(aliases.filter((a) => a.kind === 'entity').map((a) => a.entity_id)),
      survivorOf: new Map(merges.map((m) => [m.merged_id, m.survivor_id])),
      keyOf: new Map(identities.map((e) => [e.id, `${e.type}:${e.key}`])),
      nextId: Number(top?.id ?? 0) + 1,
      created: [],
    };
  }

  /** What `source` asserts at the latest revision, by fact identity. */
  private async liveFactsOf(trx: Tx, source: string): Promise<LiveFacts> {
    const project = this.ctx.project;
    const facts = await trx
      .selectFrom('graph_facts')
      .select(['id', 'kind', 'entity_id', 'alias', 'attributes', 'record_id', 'valid_from', 'valid_to'])
      .where('project', '=', project)
      .where('source', '=', source)
      .where('removed_in', 'is', null)
      .execute();
    const relations = await trx
      .selectFrom('graph_relations')
      .select(['id', 'type', 'from_id', 'to_id', 'attributes', 'record_id', 'valid_from', 'valid_to'])
      .where('project', '=', project)
      .where('source', '=', source)
      .where('removed_in', 'is', null)
      .execute();
    return {
      facts: new Map(
        facts.map((f) => [
          entityFactKey(f.kind, f.entity_id, f.alias),
          { id: f.id, signature: factSignature(f) },
        ]),
      ),
      relations: new Map(
        relations.map((r) => [
          relationFactKey(r.type, r.from_id, r.to_id),
          { id: r.id, signature: factSignature(r) },
        ]),
      ),
    };
  }

  /** Refuses the ingest when its relations would close a cycle of a type declared acyclic. */
  private async refuseCycles(
    trx: Tx,
    added: readonly NewRelation[],
    removed: readonly number[],
    resolver: Resolver,
  ): Promise<void> {
    const types = [...new Set(added.map((r) => r.type))].filter((t) => this.schema?.acyclic.includes(t));
    if (types.length === 0) return;
    const gone = new Set(removed);
    const kept = await trx
      .selectFrom('graph_relations')
      .select(['id', 'type', 'from_id', 'to_id'])
      .where('project', '=', this.ctx.project)
      .where('removed_in', 'is', null)
      .where('type', 'in', types)
      .execute();
    for (const type of types) {
      const edges = [
        ...kept.filter((r) => r.type === type && !gone.has(r.id)),
        ...added.filter((r) => r.type === type),
      ];
      const cycle = findCycle(edges.map((r) => [r.from_id, r.to_id] as const));
      if (!cycle) continue;
      const names = cycle.map((id) => resolver.keyOf.get(id) ?? String(id));
      throw new PromptOpsError(
        'PO_ERR_GRAPH_INVALID',
        `"${type}" relations may not form a cycle (promptops.yaml graph.acyclic), and this ingest would close one: ${names.join(' → ')}; nothing was written`,
        { type, cycle: names },
      );
    }
  }

  /** Marks rows as removed in `revision`. */
  private async retire(trx: Tx, facts: readonly number[], relations: readonly number[], revision: number) {
    for (const ids of chunks(facts))
      await trx.updateTable('graph_facts').set({ removed_in: revision }).where('id', 'in', ids).execute();
    for (const ids of chunks(relations))
      await trx.updateTable('graph_relations').set({ removed_in: revision }).where('id', 'in', ids).execute();
  }

  /** Inserts rows as added in `revision`, numbering them after the table's last id. */
  private async insertFacts(
    trx: Tx,
    facts: readonly NewFact[],
    relations: readonly NewRelation[],
    revision: number,
  ): Promise<void> {
    if (facts.length > 0) {
      let id = await nextId(trx, 'graph_facts');
      for (const rows of chunks(facts))
        await trx
          .insertInto('graph_facts')
          .values(rows.map((row) => ({ ...row, id: id++, added_in: revision })))
          .execute();
    }
    if (relations.length > 0) {
      let id = await nextId(trx, 'graph_relations');
      for (const rows of chunks(relations))
        await trx
          .insertInto('graph_relations')
          .values(rows.map((row) => ({ ...row, id: id++, added_in: revision })))
          .execute();
    }
  }

  // ---- reads ----------------------------------------------------------------------------------

  /** The graph's revisions, newest first. */
  async listGraphRevisions(): Promise<GraphRevision[]> {
    const rows = await this.ctx.db
      .selectFrom('graph_revisions')
      .selectAll()
      .where('project', '=', this.ctx.project)
      .orderBy('number', 'desc')
      .execute();
    return rows.map((r) => ({
      number: r.number,
      kind: r.kind,
      source: r.source,
      mode: r.mode,
      assertedBy: r.asserted_by,
      createdAt: r.created_at,
      added: r.added,
      removed: r.removed,
    }));
  }

  /** The entity `ref` (`type:key`, or an alias for the key) names at `revision` (default the latest). */
  async getGraphEntity(ref: string, revision?: number): Promise<GraphEntity> {
    const r = await this.revisionOrLatest(revision);
    const id = await this.resolveAt(ref, r);
    const [entity] = await this.entitiesAt(this.ctx.db, [id], r);
    if (!entity)
      throw notFound(`${ref} is not in the knowledge graph at revision ${r}`, { ref, revision: r });
    return entity;
  }

  /**
   * What lies around `query.root`: the relations of the given types followed `direction` (out:
   * along them, in: against them, as impact analysis walks; both) up to `depth` hops, at most
   * `limit` of them, breadth first, with their endpoints, in one recursive query.
   */
  async graphNeighbourhood(query: NeighbourhoodQuery): Promise<Neighbourhood> {
    const r = await this.revisionOrLatest(query.revision);
    const rootId = await this.resolveAt(query.root, r);
    const depth = query.depth ?? 1;
    const limit = query.limit ?? 100;
    const types = query.relations ?? [];
    const rows = await this.walk(rootId, r, query.direction ?? 'out', depth, limit + 1, types);
    const reached = new Map<number, ReachedRelation>();
    for (const row of rows.slice(0, limit)) {
      if (!reached.has(row.id)) reached.set(row.id, { ...relationOf(row), depth: Number(row.depth) });
    }
    const relations = [...reached.values()];
    const ids = new Set([rootId, ...relations.flatMap((x) => [x.from, x.to])]);
    const entities = await this.entitiesAt(this.ctx.db, [...ids], r);
    const root = entities.find((e) => e.id === rootId);
    if (!root)
      throw notFound(`${query.root} is not in the knowledge graph at revision ${r}`, { ref: query.root });
    return {
      revision: r,
      root,
      entities: entities.filter((e) => e.id !== rootId),
      relations,
      truncated: rows.length > limit,
    };
  }

  /** The recursive walk: relation rows reached from `rootId`, each with its hop count. */
  private async walk(
    rootId: number,
    r: number,
    direction: 'out' | 'in' | 'both',
    depth: number,
    limit: number,
    types: readonly string[],
  ): Promise<(RelationRow & { depth: number })[]> {
    // One hop: the edges as the walk sees them, `near` the end it stands on, `far` where it goes.
    const along = sql`select id, type, from_id as near, to_id as far, added_in, removed_in from graph_relations`;
    const against = sql`select id, type, to_id as near, from_id as far, added_in, removed_in from graph_relations`;
    const edges =
      direction === 'out' ? along : direction === 'in' ? against : sql`${along} union all ${against}`;
    const typeFilter =
      types.length === 0 ? sql`` : sql` and e.type in (${sql.join(types.map((t) => sql`${t}`))})`;
    const result = await sql<RelationRow & { depth: number }>`
      with recursive walk(id, node, depth) as (
        select e.id, e.far, 1 from (${edges}) e
        where e.near = ${rootId} and ${liveAt('e', r)}${typeFilter}
        union all
        select e.id, e.far, w.depth + 1 from walk w join (${edges}) e on e.near = w.node
        where w.depth < ${depth} and e.id <> w.id and ${liveAt('e', r)}${typeFilter}
      )
      select g.*, w.depth from (select id, depth from walk limit ${limit}) w
      join graph_relations g on g.id = w.id`.execute(this.ctx.db);
    return result.rows.sort((a, b) => Number(a.depth) - Number(b.depth));
  }

  /** What changed from revision `from` to revision `to`: added, removed and changed facts. */
  async diffGraph(from: number, to: number): Promise<GraphDiff> {
    const [a, b] = from <= to ? [from, to] : [to, from];
    const latest = await this.latest(this.ctx.db);
    if (b > latest) throw notFound(`revision ${b} does not exist (the latest is ${latest})`, { revision: b });
    const window = (t: string) =>
      sql<boolean>`(${sql.ref(`${t}.added_in`)} > ${a} and ${sql.ref(`${t}.added_in`)} <= ${b} and (${sql.ref(`${t}.removed_in`)} is null or ${sql.ref(`${t}.removed_in`)} > ${b}))
        or (${sql.ref(`${t}.removed_in`)} > ${a} and ${sql.ref(`${t}.removed_in`)} <= ${b} and ${sql.ref(`${t}.added_in`)} <= ${a})`;
    const facts = await this.ctx.db
      .selectFrom('graph_facts as f')
      .innerJoin('graph_entities as e', 'e.id', 'f.entity_id')
      .select([
        'f.kind',
        'f.alias',
        'f.attributes',
        'f.source',
        'f.added_in',
        'f.removed_in',
        'e.type',
        'e.key',
      ])
      .where('f.project', '=', this.ctx.project)
      .where(window('f'))
      .orderBy('f.id')
      .execute();
    const relations = await this.ctx.db
      .selectFrom('graph_relations as f')
      .innerJoin('graph_entities as s', 's.id', 'f.from_id')
      .innerJoin('graph_entities as t', 't.id', 'f.to_id')
      .select(['f.type', 'f.attributes', 'f.source', 'f.added_in', 'f.removed_in'])
      .select(['s.type as from_type', 's.key as from_key', 't.type as to_type', 't.key as to_key'])
      .where('f.project', '=', this.ctx.project)
      .where(window('f'))
      .orderBy('f.id')
      .execute();
    const all: (DiffFact & { isAdded: boolean })[] = [
      ...facts.map((f) => ({
        kind: f.kind,
        subject: `${f.type}:${f.key}`,
        value: f.kind === 'alias' ? f.alias : f.kind === 'attributes' ? parseJson(f.attributes) : true,
        source: f.source,
        revision: f.added_in > a ? f.added_in : f.removed_in!,
        isAdded: f.added_in > a,
      })),
      ...relations.map((f) => ({
        kind: 'relation' as const,
        subject: `${f.from_type}:${f.from_key} -${f.type}-> ${f.to_type}:${f.to_key}`,
        value: parseJson(f.attributes) ?? {},
        source: f.source,
        revision: f.added_in > a ? f.added_in : f.removed_in!,
        isAdded: f.added_in > a,
      })),
    ];
    return pairChanges(a, b, all);
  }

  // ---- merges ---------------------------------------------------------------------------------

  /**
   * Merges entity `merged` into `survivor` (same type) as `actor`: a revision that moves every live
   * fact and relation of `merged` onto `survivor`; reads of `merged` resolve to `survivor` from then.
   */
  async mergeGraphEntities(survivor: string, merged: string, actor: string): Promise<GraphMerge> {
    return this.ctx.transact(async (trx) => {
      const latest = await this.latest(trx);
      const keep = await this.resolveAt(survivor, latest, trx);
      const gone = await this.resolveAt(merged, latest, trx);
      const [a, b] = await this.entitiesAt(trx, [keep, gone], latest);
      if (!a || !b || keep === gone || a.type !== b.type) {
        throw new PromptOpsError(
          'PO_ERR_GRAPH_INVALID',
          keep === gone
            ? `${survivor} and ${merged} are already one entity`
            : `only two live entities of one type merge: ${survivor} and ${merged} are not`,
          { survivor, merged },
        );
      }
      const revision = latest + 1;
      const mergeId = await nextId(trx, 'graph_merges');
      const moved = await this.moveFacts(trx, gone, keep, mergeId, revision);
      await this.recordRevision(trx, 'merge', actor, revision, moved);
      const at = this.ctx.now().toISOString();
      await trx
        .insertInto('graph_merges')
        .values({
          id: mergeId,
          project: this.ctx.project,
          survivor_id: keep,
          merged_id: gone,
          merged_by: actor,
          merged_at: at,
          revision,
          unmerged_by: null,
          unmerged_at: null,
          unmerged_in: null,
        })
        .execute();
      return {
        id: mergeId,
        survivor: ref(a),
        merged: ref(b),
        mergedBy: actor,
        mergedAt: at,
        revision,
        unmergedIn: null,
      };
    });
  }

  /** Reverses the active merge of `merged` (`type:key` as it was ingested) as `actor`, in a new revision. */
  async unmergeGraphEntities(merged: string, actor: string): Promise<GraphMerge> {
    return this.ctx.transact(async (trx) => {
      const { type, key } = parseRef(merged);
      const merge = await trx
        .selectFrom('graph_merges as m')
        .innerJoin('graph_entities as e', 'e.id', 'm.merged_id')
        .innerJoin('graph_entities as s', 's.id', 'm.survivor_id')
        .selectAll('m')
        .select(['s.type as survivor_type', 's.key as survivor_key'])
        .where('m.project', '=', this.ctx.project)
        .where('e.type', '=', type)
        .where('e.key', '=', key)
        .where('m.unmerged_in', 'is', null)
        .executeTakeFirst();
      if (!merge) throw notFound(`${merged} is not merged into another entity`, { ref: merged });
      const revision = (await this.latest(trx)) + 1;
      const counts = await this.restoreFacts(trx, merge.id, merge.merged_id, merge.revision, revision);
      await this.recordRevision(trx, 'unmerge', actor, revision, counts);
      const at = this.ctx.now().toISOString();
      await trx
        .updateTable('graph_merges')
        .set({ unmerged_by: actor, unmerged_at: at, unmerged_in: revision })
        .where('id', '=', merge.id)
        .execute();
      return {
        id: merge.id,
        survivor: `${merge.survivor_type}:${merge.survivor_key}`,
        merged,
        mergedBy: merge.merged_by,
        mergedAt: merge.merged_at,
        revision: merge.revision,
        unmergedIn: revision,
      };
    });
  }

  /** Moves `gone`'s live rows onto `keep` (copies marked with the merge), skipping facts `keep` has. */
  private async moveFacts(trx: Tx, gone: number, keep: number, mergeId: number, revision: number) {
    const live = (t: 'graph_facts' | 'graph_relations') =>
      trx.selectFrom(t).selectAll().where('project', '=', this.ctx.project).where('removed_in', 'is', null);
    const facts = await live('graph_facts').where('entity_id', 'in', [gone, keep]).execute();
    const relations = await live('graph_relations')
      .where((eb) => eb.or([eb('from_id', '=', gone), eb('to_id', '=', gone)]))
      .execute();
    const held = new Set(
      facts
        .filter((f) => f.entity_id === keep)
        .map((f) => `${f.source}|${entityFactKey(f.kind, keep, f.alias)}`),
    );
    const mine = facts.filter((f) => f.entity_id === gone);
    const copies = mine
      .filter((f) => !held.has(`${f.source}|${entityFactKey(f.kind, keep, f.alias)}`))
      .map(({ id: _id, ...f }) => ({ ...f, entity_id: keep, merge_id: mergeId }));
    const swap = (id: number) => (id === gone ? keep : id);
    const relationCopies = relations.map(({ id: _id, ...r }) => ({
      ...r,
      from_id: swap(r.from_id),
      to_id: swap(r.to_id),
      merge_id: mergeId,
    }));
    const removedFacts = mine.map((f) => f.id);
    const removedRelations = relations.map((r) => r.id);
    await this.retire(trx, removedFacts, removedRelations, revision);
    await this.insertFacts(trx, copies, relationCopies, revision);
    return {
      added: copies.length + relationCopies.length,
      removed: removedFacts.length + removedRelations.length,
    };
  }

  /** Retires the copies merge `mergeId` made and re-adds the originals it retired in `mergedIn`. */
  private async restoreFacts(trx: Tx, mergeId: number, gone: number, mergedIn: number, revision: number) {
    const project = this.ctx.project;
    const copies = await trx
      .selectFrom('graph_facts')
      .select('id')
      .where('merge_id', '=', mergeId)
      .where('removed_in', 'is', null)
      .execute();
    const relationCopies = await trx
      .selectFrom('graph_relations')
      .select('id')
      .where('merge_id', '=', mergeId)
      .where('removed_in', 'is', null)
      .execute();
    const originals = await trx
      .selectFrom('graph_facts')
      .selectAll()
      .where('project', '=', project)
      .where('entity_id', '=', gone)
      .where('removed_in', '=', mergedIn)
      .execute();
    const originalRelations = await trx
      .selectFrom('graph_relations')
      .selectAll()
      .where('project', '=', project)
      .where('removed_in', '=', mergedIn)
      .where((eb) => eb.or([eb('from_id', '=', gone), eb('to_id', '=', gone)]))
      .execute();
    await this.retire(
      trx,
      copies.map((c) => c.id),
      relationCopies.map((c) => c.id),
      revision,
    );
    const again = <T extends { id: number }>({ id: _id, ...row }: T) => ({ ...row, removed_in: null });
    await this.insertFacts(trx, originals.map(again), originalRelations.map(again), revision);
    return {
      added: originals.length + originalRelations.length,
      removed: copies.length + relationCopies.length,
    };
  }

  private async recordRevision(
    trx: Tx,
    kind: 'merge' | 'unmerge',
    actor: string,
    revision: number,
    counts: { added: number; removed: number },
  ): Promise<void> {
    await trx
      .insertInto('graph_revisions')
      .values({
        project: this.ctx.project,
        number: revision,
        kind,
        source: null,
        mode: null,
        asserted_by: actor,
        created_at: this.ctx.now().toISOString(),
        ...counts,
      })
      .execute();
  }

  // ---- shared ---------------------------------------------------------------------------------

  private async latest(db: Tx): Promise<number> {
    const row = await db
      .selectFrom('graph_revisions')
      .select((eb) => eb.fn.max('number').as('number'))
      .where('project', '=', this.ctx.project)
      .executeTakeFirst();
    return Number(row?.number ?? 0);
  }

  private async revisionOrLatest(revision: number | undefined): Promise<number> {
    const latest = await this.latest(this.ctx.db);
    if (latest === 0)
      throw notFound(
        'the knowledge graph is empty: ingest something first (promptops graph ingest FILE)',
        {},
      );
    if (revision === undefined) return latest;
    if (revision < 1 || revision > latest) {
      throw notFound(`revision ${revision} does not exist (the latest is ${latest})`, { revision, latest });
    }
    return revision;
  }

  /** The entity id `ref` names at revision `r`: by key, then by a live alias, then its merge survivor. */
  private async resolveAt(text: string, r: number, db: Tx = this.ctx.db): Promise<number> {
    const { type, key } = parseRef(text);
    const byKey = await db
      .selectFrom('graph_entities')
      .select('id')
      .where('project', '=', this.ctx.project)
      .where('type', '=', type)
      .where('key', '=', key)
      .executeTakeFirst();
    const byAlias = byKey
      ? undefined
      : await db
          .selectFrom('graph_facts as f')
          .innerJoin('graph_entities as e', 'e.id', 'f.entity_id')
          .select('e.id')
          .where('f.project', '=', this.ctx.project)
          .where('f.alias', '=', key)
          .where('e.type', '=', type)
          .where(liveAt('f', r))
          .executeTakeFirst();
    const id = byKey?.id ?? byAlias?.id;
    if (id === undefined)
      throw notFound(`${text} is not in the knowledge graph at revision ${r}`, { ref: text, revision: r });
    const merge = await db
      .selectFrom('graph_merges')
      .select('survivor_id')
      .where('project', '=', this.ctx.project)
      .where('merged_id', '=', id)
      .where('revision', '<=', r)
      .where((eb) => eb.or([eb('unmerged_in', 'is', null), eb('unmerged_in', '>', r)]))
      .executeTakeFirst();
    return merge?.survivor_id ?? id;
  }

  /** The entities among `ids` that exist at revision `r`, with their facts. */
  private async entitiesAt(db: Tx, ids: readonly number[], r: number): Promise<GraphEntity[]> {
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
}

/**
 * The entity `input` is: its own key's identity (or that identity's merge survivor), else the
 * entity one of its names is a key or alias of (same type), else a new identity. `isOwnKey` false:
 * found under another key, so the key it came with becomes an alias.
 */
function resolveOrCreate(
  resolver: Resolver,
  input: GraphEntityInput,
  project: string,
): { id: number; isOwnKey: boolean } {
  const own = resolver.byKey.get(typed(input.type, input.key));
  if (own !== undefined) return { id: live(resolver, own), isOwnKey: true };
  for (const name of [input.key, ...(input.aliases ?? [])]) {
    const found =
      resolver.byKey.get(typed(input.type, name)) ?? resolver.byAlias.get(typed(input.type, name));
    if (found !== undefined) return { id: live(resolver, found), isOwnKey: false };
  }
  const id = resolver.nextId++;
  resolver.byKey.set(typed(input.type, input.key), id);
  resolver.keyOf.set(id, `${input.type}:${input.key}`);
  resolver.created.push({ id, project, type: input.type, key: input.key });
  return { id: live(resolver, id), isOwnKey: true };
}

/** `id`'s merge survivor (or `id`), now live: the batch asserts it. */
function live(resolver: Resolver, id: number): number {
  const survivor = resolver.survivorOf.get(id) ?? id;
  resolver.live.add(survivor);
  return survivor;
}

/** The live entity a relation's endpoint names, or the dangling-relation error. */
function resolveLive(resolver: Resolver, text: string, relation: string): number {
  const { type, key } = parseRef(text);
  const found = resolver.byKey.get(typed(type, key)) ?? resolver.byAlias.get(typed(type, key));
  const id = found === undefined ? undefined : (resolver.survivorOf.get(found) ?? found);
  if (id === undefined || !resolver.live.has(id)) {
    throw new PromptOpsError(
      'PO_ERR_GRAPH_INVALID',
      `a "${relation}" relation points at ${text}, which is in neither the graph nor this batch: add the entity to the batch or fix the reference; nothing was written`,
      { relation, endpoint: text },
    );
  }
  return id;
}

/** Ids of live rows to retire: those the batch restates differently, and (complete) those it omits. */
function stale(
  live: Map<string, { id: number; signature: string }>,
  wanted: Map<string, Omit<GraphFactColumns, 'id'>>,
  complete: boolean,
): number[] {
  const ids: number[] = [];
  for (const [key, row] of live) {
    const want = wanted.get(key);
    if (want ? factSignature(want) !== row.signature : complete) ids.push(row.id);
  }
  return ids;
}

/** Wanted rows the source does not assert yet, or asserts differently. */
function fresh<T extends Omit<GraphFactColumns, 'id'>>(
  live: Map<string, { signature: string }>,
  wanted: Map<string, T>,
): T[] {
  return [...wanted]
    .filter(([key, row]) => live.get(key)?.signature !== factSignature(row))
    .map(([, row]) => row);
}

/** An attribute set removed and re-added for one subject and source is one change. */
function pairChanges(
  from: number,
  to: number,
  facts: readonly (DiffFact & { isAdded: boolean })[],
): GraphDiff {
  const pairKey = (f: DiffFact) => `${f.kind}|${f.subject}|${f.source}`;
  const removedAttrs = new Map(
    facts.filter((f) => !f.isAdded && f.kind !== 'entity' && f.kind !== 'alias').map((f) => [pairKey(f), f]),
  );
  const changed: GraphDiff['changed'] = [];
  const paired = new Set<string>();
  for (const f of facts) {
    const before = f.isAdded ? removedAttrs.get(pairKey(f)) : undefined;
    if (!before) continue;
    changed.push({ subject: f.subject, source: f.source, before: before.value, after: f.value });
    paired.add(pairKey(f));
  }
  const strip = ({ isAdded: _a, ...f }: DiffFact & { isAdded: boolean }): DiffFact => f;
  const unpaired = facts.filter((f) => !paired.has(pairKey(f)));
  return {
    from,
    to,
    added: unpaired.filter((f) => f.isAdded).map(strip),
    removed: unpaired.filter((f) => !f.isAdded).map(strip),
    changed,
  };
}

function provenanceOf(row: Omit<GraphFactColumns, 'id'>): Provenance {
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

function relationOf(row: RelationRow): GraphRelation {
  return {
    id: Number(row.id),
    type: row.type,
    from: Number(row.from_id),
    to: Number(row.to_id),
    attributes: (parseJson(row.attributes) ?? {}) as Record<string, unknown>,
    provenance: provenanceOf(row),
  };
}

const ref = (e: GraphEntity) => `${e.type}:${e.key}`;

function notFound(message: string, details: Record<string, unknown>): PromptOpsError {
  return new PromptOpsError('PO_ERR_GRAPH_NOT_FOUND', message, details);
}

async function nextId(trx: Tx, table: 'graph_facts' | 'graph_relations' | 'graph_merges'): Promise<number> {
  const row = await trx
    .selectFrom(table)
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0) + 1;
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += CHUNK) yield items.slice(i, i + CHUNK);
}
