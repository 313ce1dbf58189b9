/**
 * Merging entities as rows: a merge retires the merged entity's live rows and copies them onto the
 * survivor (each copy marked with the merge); an unmerge retires the copies and restores the rows.
 */
import { entityFactKey, relationFactKey } from '../graph/facts.js';
import { insertFacts, retire } from './graph-rows.js';
import type { Tx } from './store-context.js';

/** Moves `gone`'s live rows onto `keep` (copies marked with the merge), skipping facts and relations `keep` has. */
export async function moveFacts(
  trx: Tx,
  project: string,
  gone: number,
  keep: number,
  mergeId: number,
  revision: number,
) {
  const live = (t: 'graph_facts' | 'graph_relations') =>
    trx.selectFrom(t).selectAll().where('project', '=', project).where('removed_in', 'is', null);
  const facts = await live('graph_facts').where('entity_id', 'in', [gone, keep]).execute();
  const touching = await live('graph_relations')
    .where((eb) => eb.or([eb('from_id', 'in', [gone, keep]), eb('to_id', 'in', [gone, keep])]))
    .execute();
  const relations = touching.filter((r) => r.from_id === gone || r.to_id === gone);
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
  // A relation `keep` already has from the same source is not copied: two live rows of one fact
  // would leave the source unable to remove it.
  const relationKey = (r: { source: string; type: string; from_id: number; to_id: number }) =>
    `${r.source}|${relationFactKey(r.type, swap(r.from_id), swap(r.to_id))}`;
  const heldRelations = new Set(
    touching.filter((r) => r.from_id !== gone && r.to_id !== gone).map(relationKey),
  );
  const relationCopies = relations
    .filter((r) => !heldRelations.has(relationKey(r)))
    .map(({ id: _id, ...r }) => ({
      ...r,
      from_id: swap(r.from_id),
      to_id: swap(r.to_id),
      merge_id: mergeId,
    }));
  const removedFacts = mine.map((f) => f.id);
  const removedRelations = relations.map((r) => r.id);
  await retire(trx, removedFacts, removedRelations, revision);
  await insertFacts(trx, copies, relationCopies, revision);
  return {
    added: copies.length + relationCopies.length,
    removed: removedFacts.length + removedRelations.length,
  };
}

/** Retires the copies merge `mergeId` made and re-adds the originals it retired in `mergedIn`. */
export async function restoreFacts(
  trx: Tx,
  project: string,
  mergeId: number,
  gone: number,
  mergedIn: number,
  revision: number,
) {
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
  await retire(
    trx,
    copies.map((c) => c.id),
    relationCopies.map((c) => c.id),
    revision,
  );
  const again = <T extends { id: number }>({ id: _id, ...row }: T) => ({ ...row, removed_in: null });
  await insertFacts(trx, originals.map(again), originalRelations.map(again), revision);
  return {
    added: originals.length + originalRelations.length,
    removed: copies.length + relationCopies.length,
  };
}
