/**
 * How an ingest decides what to write: its batch resolved against the graph (entities found by key
 * or alias, new ones numbered), compared fact by fact with what its source asserted before, and
 * checked for dangling relations and forbidden cycles. Writing is the store's (graph-store.ts).
 */
import { PromptOpsError } from '../errors.js';
import {
  canonicalJson,
  entityFactKey,
  factSignature,
  findCycle,
  parseRef,
  relationFactKey,
} from '../graph/facts.js';
import type { GraphBatch, GraphEntityInput, GraphSchema } from '../graph/types.js';
import type { NewFact, NewRelation } from './graph-rows.js';
import type { GraphFactColumns } from './schema.js';
import type { Tx } from './store-context.js';

/** A live row as an ingest compares it. */
export interface LiveRow {
  id: number;
  signature: string;
}

/**
 * A source's facts as the graph holds them now, by identity (facts.ts keys). A list a key: rows a
 * merge copied before it skipped what the survivor held may share one, and all must stay removable.
 */
export interface LiveFacts {
  facts: Map<string, (LiveRow & { entityId: number; kind: string })[]>;
  relations: Map<string, LiveRow[]>;
}

/** `rows` grouped by `keyOf`. */
function grouped<T, R>(
  rows: readonly T[],
  keyOf: (row: T) => string,
  value: (row: T) => R,
): Map<string, R[]> {
  const map = new Map<string, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = map.get(key);
    if (list) list.push(value(row));
    else map.set(key, [value(row)]);
  }
  return map;
}

/** What resolving references needs: identities, live aliases, live entities and active merges. */
export interface Resolver {
  byKey: Map<string, number>;
  byAlias: Map<string, number>;
  /** Live alias facts (any source) by typed alias: who holds each name. */
  aliasHolders: Map<string, { id: number; entityId: number }[]>;
  live: Set<number>;
  /** Live existence facts (any source) by entity: an entity whose count an ingest takes to 0 is retired. */
  existence: Map<number, number>;
  survivorOf: Map<number, number>;
  /** `type:key` by id, for messages. */
  keyOf: Map<number, string>;
  nextId: number;
  created: { id: number; project: string; type: string; key: string }[];
}

const typed = (type: string, name: string) => `${type}\u0000${name}`;

/** The facts `batch` asserts, by identity, resolving its entities (new ones get ids). */
export function wantedFacts(
  project: string,
  batch: GraphBatch,
  resolver: Resolver,
  base: Pick<GraphFactColumns, 'project' | 'source' | 'ingested_at' | 'asserted_by'>,
): { facts: Map<string, NewFact>; relations: Map<string, NewRelation> } {
  const facts = new Map<string, NewFact>();
  const relations = new Map<string, NewRelation>();
  // Rows are written out field by field, not spread: an ingest builds a million of them.
  const provenance = (input: { recordId?: string; validFrom?: string; validTo?: string }) => ({
    project: base.project,
    source: base.source,
    ingested_at: base.ingested_at,
    asserted_by: base.asserted_by,
    record_id: input.recordId ?? null,
    valid_from: input.validFrom ?? null,
    valid_to: input.validTo ?? null,
    added_in: 0,
    removed_in: null,
    merge_id: null,
  });
  for (const input of batch.entities ?? []) {
    const { id, isOwnKey } = resolveOrCreate(resolver, input, project);
    const fact = { ...provenance(input), entity_id: id, attributes: null };
    // Existence and attributes keep the key they were asserted under (in `alias`).
    facts.set(entityFactKey('entity', id, input.key), { ...fact, kind: 'entity', alias: input.key });
    // Found by an alias under another key: the key it came with becomes an alias too.
    const aliases = new Set([...(input.aliases ?? []), ...(isOwnKey ? [] : [input.key])]);
    for (const alias of aliases) {
      facts.set(entityFactKey('alias', id, alias), { ...fact, kind: 'alias', alias });
      resolver.byAlias.set(typed(input.type, alias), id);
    }
    if (input.attributes !== undefined) {
      const attributes = canonicalJson(input.attributes);
      facts.set(entityFactKey('attributes', id, input.key), {
        ...fact,
        kind: 'attributes',
        alias: input.key,
        attributes,
      });
    }
  }
  for (const input of batch.relations ?? []) {
    const from = resolveLive(resolver, input.from, input.type);
    const to = resolveLive(resolver, input.to, input.type);
    const attributes = input.attributes === undefined ? null : canonicalJson(input.attributes);
    const row = provenance(input) as NewRelation;
    row.type = input.type;
    row.from_id = from;
    row.to_id = to;
    row.attributes = attributes;
    relations.set(relationFactKey(input.type, from, to), row);
  }
  return { facts, relations };
}

/** Identities, live aliases and entities, and active merges of the project, at the latest revision. */
export async function loadResolver(trx: Tx, project: string): Promise<Resolver> {
  const identities = await trx
    .selectFrom('graph_entities')
    .select(['id', 'type', 'key'])
    .where('project', '=', project)
    .execute();
  const typeOf = new Map(identities.map((e) => [e.id, e.type]));
  const aliases = await trx
    .selectFrom('graph_facts')
    .select(['id', 'entity_id', 'kind', 'alias'])
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
    aliasHolders: grouped(
      aliases.filter((a) => a.kind === 'alias'),
      (a) => typed(typeOf.get(a.entity_id)!, a.alias!),
      (a) => ({ id: a.id, entityId: a.entity_id }),
    ),
    live: new Set(aliases.filter((a) => a.kind === 'entity').map((a) => a.entity_id)),
    existence: aliases
      .filter((a) => a.kind === 'entity')
      .reduce((n, a) => n.set(a.entity_id, (n.get(a.entity_id) ?? 0) + 1), new Map<number, number>()),
    survivorOf: new Map(merges.map((m) => [m.merged_id, m.survivor_id])),
    keyOf: new Map(identities.map((e) => [e.id, `${e.type}:${e.key}`])),
    nextId: Number(top?.id ?? 0) + 1,
    created: [],
  };
}

/** What `source` asserts at the latest revision, by fact identity. */
export async function liveFactsOf(trx: Tx, project: string, source: string): Promise<LiveFacts> {
  // One query per table: the same live-rows-of-a-source filter, each table's own columns.
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
    facts: grouped(
      facts,
      (f) => entityFactKey(f.kind, f.entity_id, f.alias),
      (f) => ({ id: f.id, signature: factSignature(f), entityId: f.entity_id, kind: f.kind }),
    ),
    relations: grouped(
      relations,
      (r) => relationFactKey(r.type, r.from_id, r.to_id),
      (r) => ({ id: r.id, signature: factSignature(r) }),
    ),
  };
}

/**
 * Refuses the ingest when one of its relations points at an entity it retires (a complete ingest
 * omitting the last existence fact of an entity it still relates): the relation would dangle.
 */
export function refuseRetiredEndpoints(
  resolver: Resolver,
  live: LiveFacts,
  removed: readonly number[],
  relations: Iterable<NewRelation>,
): void {
  const gone = new Set(removed);
  const left = new Map(resolver.existence);
  for (const fact of [...live.facts.values()].flat()) {
    if (fact.kind === 'entity' && gone.has(fact.id))
      left.set(fact.entityId, (left.get(fact.entityId) ?? 1) - 1);
  }
  for (const r of relations) {
    const retired = [r.from_id, r.to_id].find((id) => left.get(id) === 0);
    if (retired === undefined) continue;
    const endpoint = resolver.keyOf.get(retired) ?? String(retired);
    throw new PromptOpsError(
      'PO_ERR_GRAPH_INVALID',
      `a "${r.type}" relation points at ${endpoint}, which this complete ingest removes (the batch no longer sends it): send the entity or drop the relation; nothing was written`,
      { relation: r.type, endpoint },
    );
  }
}

/**
 * Refuses the ingest when an alias it adds would name two entities of one type (in the graph after
 * it, counting what it retires): a reference by that alias could not say which one it means.
 */
export function refuseAmbiguousAliases(
  resolver: Resolver,
  removed: readonly number[],
  added: readonly NewFact[],
): void {
  const gone = new Set(removed);
  const holders = new Map<string, Set<number>>();
  for (const fact of added) {
    if (fact.kind !== 'alias') continue;
    const { type } = parseRef(resolver.keyOf.get(fact.entity_id)!);
    const name = typed(type, fact.alias!);
    let ids = holders.get(name);
    if (!ids) {
      const kept = (resolver.aliasHolders.get(name) ?? []).filter((h) => !gone.has(h.id));
      ids = new Set(kept.map((h) => survivorOf(resolver, h.entityId)));
      holders.set(name, ids);
    }
    ids.add(fact.entity_id);
    if (ids.size < 2) continue;
    const entities = [...ids].map((id) => resolver.keyOf.get(id) ?? String(id));
    throw new PromptOpsError(
      'PO_ERR_GRAPH_INVALID',
      `the alias "${type}:${fact.alias}" would name two entities, ${entities.join(' and ')}: drop it from one of them, or merge them (promptops graph merge); nothing was written`,
      { alias: `${type}:${fact.alias}`, entities },
    );
  }
}

/** Refuses the ingest when its relations would close a cycle of a type declared acyclic. */
export async function refuseCycles(
  trx: Tx,
  project: string,
  schema: GraphSchema | null,
  added: readonly NewRelation[],
  removed: readonly number[],
  resolver: Resolver,
): Promise<void> {
  const types = [...new Set(added.map((r) => r.type))].filter((t) => schema?.acyclic.includes(t));
  if (types.length === 0) return;
  const gone = new Set(removed);
  const kept = await trx
    .selectFrom('graph_relations')
    .select(['id', 'type', 'from_id', 'to_id'])
    .where('project', '=', project)
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
  const survivor = survivorOf(resolver, id);
  resolver.live.add(survivor);
  return survivor;
}

/** The entity `id` was last merged into (through a chain of merges), or `id`. */
function survivorOf(resolver: Resolver, id: number): number {
  let survivor = id;
  while (resolver.survivorOf.has(survivor)) survivor = resolver.survivorOf.get(survivor)!;
  return survivor;
}

/** The live entity a relation's endpoint names, or the dangling-relation error. */
export function resolveLive(resolver: Resolver, text: string, relation: string): number {
  const { type, key } = parseRef(text);
  const found = resolver.byKey.get(typed(type, key)) ?? resolver.byAlias.get(typed(type, key));
  const id = found === undefined ? undefined : survivorOf(resolver, found);
  if (id === undefined || !resolver.live.has(id)) {
    throw new PromptOpsError(
      'PO_ERR_GRAPH_INVALID',
      `a "${relation}" relation points at ${text}, which is in neither the graph nor this batch: add the entity to the batch or fix the reference; nothing was written`,
      { relation, endpoint: text },
    );
  }
  return id;
}

/**
 * Ids of live rows to retire: those the batch restates differently, (complete) those it omits, and
 * every row but one that a key holds twice.
 */
export function stale(
  live: Map<string, readonly LiveRow[]>,
  wanted: Map<string, Omit<GraphFactColumns, 'id'>>,
  complete: boolean,
): number[] {
  const ids: number[] = [];
  for (const [key, rows] of live) {
    const want = wanted.get(key);
    if (!want) {
      if (complete) ids.push(...rows.map((row) => row.id));
      continue;
    }
    const signature = factSignature(want);
    const kept = rows.find((row) => row.signature === signature);
    ids.push(...rows.filter((row) => row !== kept).map((row) => row.id));
  }
  return ids;
}

/** Wanted rows the source does not assert yet, or asserts differently. */
export function fresh<T extends Omit<GraphFactColumns, 'id'>>(
  live: Map<string, readonly LiveRow[]>,
  wanted: Map<string, T>,
): T[] {
  return [...wanted]
    .filter(([key, row]) => !live.get(key)?.some((held) => held.signature === factSignature(row)))
    .map(([, row]) => row);
}
