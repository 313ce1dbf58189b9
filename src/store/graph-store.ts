import { sql } from 'kysely';
import { PromptOpsError } from '../errors.js';
import { checkDeclared, parseRef } from '../graph/facts.js';
import type {
  DiffFact,
  GraphBatch,
  GraphDiff,
  GraphEntity,
  GraphMerge,
  GraphRevision,
  GraphSchema,
  IngestOutcome,
  Neighbourhood,
  NeighbourhoodQuery,
  ReachedRelation,
} from '../graph/types.js';
import type { AuditLog } from './audit-log.js';
import {
  fresh,
  liveFactsOf,
  loadResolver,
  refuseAmbiguousAliases,
  refuseCycles,
  refuseRetiredEndpoints,
  stale,
  wantedFacts,
} from './graph-ingest.js';
import { moveFacts, restoreFacts } from './graph-merges.js';
import {
  chunks,
  entitiesAt,
  insertFacts,
  latestRevision,
  liveAt,
  nextId,
  notFound,
  type RelationRow,
  relationOf,
  resolveAt,
  retire,
} from './graph-rows.js';
import { parseJson, type StoreContext, type Tx } from './store-context.js';

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
    private readonly audit: AuditLog,
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
      const resolver = await loadResolver(trx, this.ctx.project);
      const ingestedAt = this.ctx.now().toISOString();
      const base = {
        project: this.ctx.project,
        source: batch.source,
        ingested_at: ingestedAt,
        asserted_by: actor,
      };
      const wanted = wantedFacts(this.ctx.project, batch, resolver, base);
      const live = await liveFactsOf(trx, this.ctx.project, batch.source);
      const complete = batch.mode === 'complete';
      const removeFacts = stale(live.facts, wanted.facts, complete);
      const removeRelations = stale(live.relations, wanted.relations, complete);
      refuseRetiredEndpoints(resolver, live, removeFacts, wanted.relations.values());
      const addFacts = fresh(live.facts, wanted.facts);
      refuseAmbiguousAliases(resolver, removeFacts, addFacts);
      const addRelations = fresh(live.relations, wanted.relations);
      const counts = {
        entities: batch.entities?.length ?? 0,
        relations: batch.relations?.length ?? 0,
      };
      const added = addFacts.length + addRelations.length;
      const removed = removeFacts.length + removeRelations.length;
      if (added + removed === 0) return { revision: null, latest, added, removed, ...counts };
      await refuseCycles(trx, this.ctx.project, this.schema, addRelations, removeRelations, resolver);
      const revision = latest + 1;
      const mode = complete ? 'complete' : 'additive';
      await this.recordRevision(trx, {
        kind: 'ingest',
        actor,
        revision,
        at: ingestedAt,
        counts: { added, removed },
        details: { source: batch.source, mode },
      });
      for (const rows of chunks(resolver.created))
        await trx.insertInto('graph_entities').values(rows).execute();
      await retire(trx, removeFacts, removeRelations, revision);
      await insertFacts(trx, addFacts, addRelations, revision);
      return { revision, latest: revision, added, removed, ...counts };
    });
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
    const id = await resolveAt(this.ctx.db, this.ctx.project, ref, r);
    const [entity] = await entitiesAt(this.ctx.db, [id], r);
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
    const rootId = await resolveAt(this.ctx.db, this.ctx.project, query.root, r);
    const depth = query.depth ?? 1;
    const limit = query.limit ?? 100;
    const types = query.relations ?? [];
    const direction = query.direction ?? 'out';
    // The walk yields a relation once per hop level and end it is reached from (at most 2 × depth
    // times), so this many rows hold limit + 1 distinct relations whenever the walk reaches that many.
    const rows = await this.walk(rootId, r, direction, depth, (limit + 1) * depth * 2, types);
    const reached = new Map<number, ReachedRelation>();
    for (const row of rows) {
      if (!reached.has(row.id)) reached.set(row.id, { ...relationOf(row), depth: Number(row.depth) });
    }
    const relations = [...reached.values()].slice(0, limit);
    const ids = new Set([rootId, ...relations.flatMap((x) => [x.from, x.to])]);
    const entities = await entitiesAt(this.ctx.db, [...ids], r);
    const root = entities.find((e) => e.id === rootId);
    if (!root)
      throw notFound(`${query.root} is not in the knowledge graph at revision ${r}`, { ref: query.root });
    return {
      revision: r,
      root,
      entities: entities.filter((e) => e.id !== rootId),
      relations,
      truncated: reached.size > limit,
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
    // The walk's rows drive the join (CROSS JOIN fixes SQLite's join order): with the limit bound
    // as a parameter its planner would otherwise scan every relation against a bloom filter.
    // UNION, not UNION ALL: a relation reached again at one level along another path is one row,
    // so a walk through cycles stays bounded by the relations it reaches.
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
        union
        select e.id, e.far, w.depth + 1 from walk w join (${edges}) e on e.near = w.node
        where w.depth < ${depth} and e.id <> w.id and ${liveAt('e', r)}${typeFilter}
      )
      select g.*, w.depth from (select id, depth from walk limit ${limit}) w
      cross join graph_relations g where g.id = w.id`.execute(this.ctx.db);
    return result.rows.sort((a, b) => Number(a.depth) - Number(b.depth));
  }

  /**
   * What changed from revision `from` to revision `to`: added, removed and changed facts, at most
   * `limit` of them (`truncated` says when there were more).
   */
  async diffGraph(from: number, to: number, limit = DIFF_LIMIT): Promise<GraphDiff> {
    const [a, b] = from <= to ? [from, to] : [to, from];
    const latest = await this.latest(this.ctx.db);
    if (b > latest) throw notFound(`revision ${b} does not exist (the latest is ${latest})`, { revision: b });
    const window = (t: string) =>
      // Bracketed whole: Kysely joins it to the project filter with a bare `and`, which binds tighter.
      sql<boolean>`((${sql.ref(`${t}.added_in`)} > ${a} and ${sql.ref(`${t}.added_in`)} <= ${b} and (${sql.ref(`${t}.removed_in`)} is null or ${sql.ref(`${t}.removed_in`)} > ${b}))
        or (${sql.ref(`${t}.removed_in`)} > ${a} and ${sql.ref(`${t}.removed_in`)} <= ${b} and ${sql.ref(`${t}.added_in`)} <= ${a}))`;
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
      .limit(limit + 1)
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
      .limit(Math.max(limit + 1 - facts.length, 0))
      .execute();
    const truncated = facts.length + relations.length > limit;
    const all: Paired[] = [
      ...facts.map((f) => ({
        kind: f.kind,
        subject: `${f.type}:${f.key}`,
        value: f.kind === 'alias' ? f.alias : f.kind === 'attributes' ? parseJson(f.attributes) : true,
        source: f.source,
        revision: f.added_in > a ? f.added_in : f.removed_in!,
        isAdded: f.added_in > a,
        under: f.alias,
      })),
      ...relations.map((f) => ({
        kind: 'relation' as const,
        subject: `${f.from_type}:${f.from_key} -${f.type}-> ${f.to_type}:${f.to_key}`,
        value: parseJson(f.attributes) ?? {},
        source: f.source,
        revision: f.added_in > a ? f.added_in : f.removed_in!,
        isAdded: f.added_in > a,
        under: null,
      })),
    ];
    return { ...pairChanges(a, b, all.slice(0, limit)), truncated };
  }

  // ---- merges ---------------------------------------------------------------------------------

  /**
   * Merges entity `merged` into `survivor` (same type) as `actor`: a revision that moves every live
   * fact and relation of `merged` onto `survivor`; reads of `merged` resolve to `survivor` from then.
   */
  async mergeGraphEntities(survivor: string, merged: string, actor: string): Promise<GraphMerge> {
    return this.ctx.transact(async (trx) => {
      const latest = await this.latest(trx);
      const keep = await resolveAt(trx, this.ctx.project, survivor, latest);
      const gone = await resolveAt(trx, this.ctx.project, merged, latest);
      const [a, b] = await entitiesAt(trx, [keep, gone], latest);
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
      const moved = await moveFacts(trx, this.ctx.project, gone, keep, mergeId, revision);
      const at = this.ctx.now().toISOString();
      await this.recordRevision(trx, {
        kind: 'merge',
        actor,
        revision,
        at,
        counts: moved,
        details: { survivor: ref(a), merged: ref(b) },
      });
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
      await this.refuseLaterMerge(
        trx,
        merged,
        `${merge.survivor_type}:${merge.survivor_key}`,
        merge.survivor_id,
      );
      const revision = (await this.latest(trx)) + 1;
      const counts = await restoreFacts(
        trx,
        this.ctx.project,
        merge.id,
        merge.merged_id,
        merge.revision,
        revision,
      );
      const at = this.ctx.now().toISOString();
      await this.recordRevision(trx, {
        kind: 'unmerge',
        actor,
        revision,
        at,
        counts,
        details: { survivor: `${merge.survivor_type}:${merge.survivor_key}`, merged },
      });
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

  /** Merges undo in reverse order: the survivor's facts (the merged copies among them) moved on since. */
  private async refuseLaterMerge(
    trx: Tx,
    merged: string,
    survivor: string,
    survivorId: number,
  ): Promise<void> {
    const later = await trx
      .selectFrom('graph_merges as m')
      .innerJoin('graph_entities as s', 's.id', 'm.survivor_id')
      .select(['s.type', 's.key'])
      .where('m.project', '=', this.ctx.project)
      .where('m.merged_id', '=', survivorId)
      .where('m.unmerged_in', 'is', null)
      .executeTakeFirst();
    if (!later) return;
    throw new PromptOpsError(
      'PO_ERR_GRAPH_INVALID',
      `${merged} was merged into ${survivor}, which has since been merged into ${later.type}:${later.key}: unmerge ${survivor} first (merges undo in reverse order)`,
      { merged, survivor, mergedInto: `${later.type}:${later.key}` },
    );
  }

  /**
   * A new revision: its row in graph_revisions and its audit entry (`graph.ingest`, `graph.merge`,
   * `graph.unmerge`), in the caller's transaction. An ingest names its source and mode; a merge
   * or an unmerge, the two entities.
   */
  private async recordRevision(
    trx: Tx,
    revision: {
      kind: 'ingest' | 'merge' | 'unmerge';
      actor: string;
      revision: number;
      at: string;
      counts: { added: number; removed: number };
      details: { source: string; mode: 'complete' | 'additive' } | { survivor: string; merged: string };
    },
  ): Promise<void> {
    const { kind, actor, at, counts, details } = revision;
    await this.audit.audited(
      trx,
      {
        actor,
        action: `graph.${kind}`,
        target: `graph:r${revision.revision}`,
        before: { revision: revision.revision - 1 },
        after: { revision: revision.revision, ...details, ...counts },
        at,
      },
      async () => {},
    );
    await trx
      .insertInto('graph_revisions')
      .values({
        project: this.ctx.project,
        number: revision.revision,
        kind,
        source: 'source' in details ? details.source : null,
        mode: 'mode' in details ? details.mode : null,
        asserted_by: actor,
        created_at: at,
        ...counts,
      })
      .execute();
  }

  // ---- shared ---------------------------------------------------------------------------------

  private latest(db: Tx): Promise<number> {
    return latestRevision(db, this.ctx.project);
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
}

/** Facts a diff reads by default (the API takes up to 10 000). */
const DIFF_LIMIT = 1000;

/** A diffed fact before pairing: added or removed, and the name (key or alias) it was asserted under. */
type Paired = DiffFact & { isAdded: boolean; under: string | null };

/**
 * An attribute set removed and re-added for one subject, source and asserted-under name is one
 * change (a source may hold two for one entity, sent under its key and under an alias).
 */
function pairChanges(from: number, to: number, facts: readonly Paired[]): Omit<GraphDiff, 'truncated'> {
  const pairKey = (f: Paired) => `${f.kind}|${f.subject}|${f.source}|${f.under}`;
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
  const strip = ({ isAdded: _a, under: _u, ...f }: Paired): DiffFact => f;
  const unpaired = facts.filter((f) => !paired.has(pairKey(f)));
  return {
    from,
    to,
    added: unpaired.filter((f) => f.isAdded).map(strip),
    removed: unpaired.filter((f) => !f.isAdded).map(strip),
    changed,
  };
}

const ref = (e: GraphEntity) => `${e.type}:${e.key}`;
