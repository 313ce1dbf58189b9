/**
 * The pure rules of the knowledge graph: how `type:key` references read, what makes two facts the
 * same (so a re-ingest changes nothing), and whether a relation type's edges form a cycle.
 */
import { PromptOpsError } from '../errors.js';
import type { GraphSchema } from './types.js';

/** `type:key` split at its first colon (keys may hold colons). */
export function parseRef(ref: string): { type: string; key: string } {
  const colon = ref.indexOf(':');
  if (colon <= 0 || colon === ref.length - 1) {
    throw new PromptOpsError(
      'PO_ERR_GRAPH_INVALID',
      `"${ref}" is not an entity reference: write TYPE:KEY, e.g. customer:c-1001`,
      { ref },
    );
  }
  return { type: ref.slice(0, colon), key: ref.slice(colon + 1) };
}

/** JSON with object keys sorted, so equal values compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** What a fact says beyond its identity: an ingest that says the same again changes nothing. */
export function factSignature(fact: {
  attributes: string | null;
  record_id: string | null;
  valid_from: string | null;
  valid_to: string | null;
}): string {
  return `${fact.attributes ?? ''}\u0000${fact.record_id ?? ''}\u0000${fact.valid_from ?? ''}\u0000${fact.valid_to ?? ''}`;
}

/**
 * A fact's identity within its source: the entity it is about, its kind, and the name it names (an
 * alias) or was asserted under (the key the source sent), so two records a merge made one entity
 * stay two facts and the source sending both again changes nothing.
 */
export function entityFactKey(kind: string, entityId: number, name: string | null): string {
  return `${kind}|${entityId}|${name}`;
}

export function relationFactKey(type: string, from: number, to: number): string {
  return `r|${type}|${from}|${to}`;
}

/** Refuses a type the project does not declare (when it declares any). */
export function checkDeclared(schema: GraphSchema | null, what: 'entity' | 'relation', type: string): void {
  const declared = what === 'entity' ? schema?.entityTypes : schema?.relationTypes;
  if (!declared || declared.length === 0 || declared.includes(type)) return;
  throw new PromptOpsError(
    'PO_ERR_GRAPH_INVALID',
    `unknown ${what} type "${type}": promptops.yaml graph.${what}Types declares ${declared.join(', ')}; declare it there or fix the record`,
    { type, declared },
  );
}

/**
 * A cycle among `edges` (from → to), as the entity ids along it, or null. Kahn's algorithm: the
 * nodes left once every node without incoming edges is peeled off lie on or behind a cycle.
 */
export function findCycle(edges: readonly (readonly [number, number])[]): number[] | null {
  const out = new Map<number, number[]>();
  const indegree = new Map<number, number>();
  for (const [from, to] of edges) {
    (out.get(from) ?? out.set(from, []).get(from)!).push(to);
    indegree.set(to, (indegree.get(to) ?? 0) + 1);
    if (!indegree.has(from)) indegree.set(from, 0);
  }
  const ready = [...indegree].filter(([, n]) => n === 0).map(([node]) => node);
  while (ready.length > 0) {
    const node = ready.pop()!;
    indegree.delete(node);
    for (const next of out.get(node) ?? []) {
      const left = indegree.get(next)! - 1;
      indegree.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (indegree.size === 0) return null;
  // Every node left has an incoming edge from another node left (its in-degree never reached 0),
  // though not always an outgoing one (it may only lie behind a cycle): walk backward along
  // incoming edges inside the remainder until a node repeats; that stretch, reversed, is a cycle.
  const into = new Map<number, number>();
  for (const [from, to] of edges) if (indegree.has(from) && indegree.has(to)) into.set(to, from);
  const seen: number[] = [];
  let node = indegree.keys().next().value as number;
  while (!seen.includes(node)) {
    seen.push(node);
    node = into.get(node)!;
  }
  const cycle = seen.slice(seen.indexOf(node)).reverse();
  return [...cycle, cycle[0]!];
}
