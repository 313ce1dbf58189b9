/**
 * The knowledge graph every store engine must keep: idempotent ingests as immutable revisions,
 * reads at any revision, diffs, entity resolution across sources, reversible merges, neighbourhoods
 * both ways, and refused ingests that leave the graph as it was. Nothing here mocks the database.
 */
import { afterAll, afterEach, beforeEach, describe, expect } from 'vitest';
import type { GraphBatch } from '../../src/graph/types.js';
import type { Store } from '../../src/store/index.js';
import { promptOpsRejection } from './fixtures.js';
import type { EngineHarness, OpenEngine } from './harness.js';
import { type Skips, skipping } from './skips.js';

const AUTHOR = 'ada@acme.example';
const SCHEMA = {
  entityTypes: ['customer', 'order', 'policy', 'category'],
  relationTypes: ['placed', 'governed_by', 'parent_of'],
  acyclic: ['parent_of'],
};

/** The CRM's view: two customers and the refund policy; the shop's: orders placed and governed. */
function crm(overrides: Partial<GraphBatch> = {}): GraphBatch {
  return {
    source: 'crm',
    mode: 'complete',
    entities: [
      {
        type: 'customer',
        key: 'c-1',
        aliases: ['ada@x.example'],
        attributes: { tier: 'gold' },
        recordId: 'r-1',
      },
      { type: 'customer', key: 'c-2', attributes: { tier: 'standard' } },
      { type: 'policy', key: 'refund', attributes: { days: 30 }, validFrom: '2026-01-01' },
    ],
    ...overrides,
  };
}
const shop: GraphBatch = {
  source: 'shop',
  entities: [
    { type: 'order', key: 'o-1', attributes: { total: 120 } },
    { type: 'order', key: 'o-2', attributes: { total: 640 } },
  ],
  relations: [
    { type: 'placed', from: 'customer:c-1', to: 'order:o-1' },
    { type: 'placed', from: 'customer:ada@x.example', to: 'order:o-2' },
    { type: 'governed_by', from: 'order:o-1', to: 'policy:refund' },
    { type: 'governed_by', from: 'order:o-2', to: 'policy:refund' },
  ],
};

export function describeGraphStore(name: string, open: OpenEngine, skips: Skips = {}): void {
  const { it, checkSkips } = skipping(name, skips);
  afterAll(checkSkips);
  describe(`knowledge graph (${name})`, () => {
    let h: EngineHarness;
    let store: Store;
    beforeEach(async () => {
      h = await open({ project: 'acme', graph: SCHEMA });
      store = h.store;
    });
    afterEach(async () => h.cleanup());

    it('makes one revision per ingest that changes something, and none for the same facts again', async () => {
      const first = await store.ingestGraph(crm(), AUTHOR);
      expect(first).toMatchObject({ revision: 1, latest: 1, removed: 0 });
      expect(first.added).toBeGreaterThan(0);
      expect(await store.ingestGraph(crm(), AUTHOR)).toMatchObject({
        revision: null,
        latest: 1,
        added: 0,
        removed: 0,
      });
      // The same facts with their attribute keys in another order are the same facts.
      const reordered = crm();
      reordered.entities![0]!.attributes = { tier: 'gold' };
      expect((await store.ingestGraph(reordered, 'someone-else')).revision).toBeNull();
      const revisions = await store.listGraphRevisions();
      expect(revisions).toEqual([
        expect.objectContaining({
          number: 1,
          kind: 'ingest',
          source: 'crm',
          mode: 'complete',
          assertedBy: AUTHOR,
        }),
      ]);
    });

    it('reads any revision: a complete ingest removes what it no longer sends, an additive one keeps it', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      const [first, , policy] = crm().entities!;
      await store.ingestGraph(crm({ entities: [first!, policy!] }), AUTHOR);
      expect((await store.getGraphEntity('customer:c-2', 1)).attributes).toEqual({ tier: 'standard' });
      const gone = await promptOpsRejection(store.getGraphEntity('customer:c-2'));
      expect(gone.code).toBe('PO_ERR_GRAPH_NOT_FOUND');
      await store.ingestGraph({ source: 'crm', entities: [{ type: 'customer', key: 'c-3' }] }, AUTHOR);
      expect((await store.getGraphEntity('customer:c-1')).attributes).toEqual({ tier: 'gold' });
      expect((await store.getGraphEntity('customer:c-3')).key).toBe('c-3');
    });

    it('records each fact with its provenance: source, record, ingested at, validity, who asserted it, revision', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      const customer = await store.getGraphEntity('customer:ada@x.example');
      expect(customer).toMatchObject({ type: 'customer', key: 'c-1', aliases: ['ada@x.example'] });
      expect(customer.facts.map((f) => f.kind).sort()).toEqual(['alias', 'attributes', 'entity']);
      expect(customer.facts[0]!.provenance).toMatchObject({
        source: 'crm',
        recordId: 'r-1',
        assertedBy: AUTHOR,
        addedIn: 1,
      });
      const policy = await store.getGraphEntity('policy:refund');
      expect(policy.facts[0]!.provenance).toMatchObject({ validFrom: '2026-01-01', validTo: null });
      expect(Date.parse(policy.facts[0]!.provenance.ingestedAt)).not.toBeNaN();
    });

    it('diffs two revisions into facts added, removed and attribute sets changed', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      const next = crm();
      next.entities![2]!.attributes = { days: 14 };
      next.entities!.splice(1, 1);
      next.entities!.push({ type: 'customer', key: 'c-9' });
      await store.ingestGraph(next, AUTHOR);
      const diff = await store.diffGraph(1, 2);
      expect(diff.changed).toEqual([
        { subject: 'policy:refund', source: 'crm', before: { days: 30 }, after: { days: 14 } },
      ]);
      expect(diff.added).toEqual([
        { kind: 'entity', subject: 'customer:c-9', value: true, source: 'crm', revision: 2 },
      ]);
      expect(diff.removed.map((f) => `${f.kind} ${f.subject}`).sort()).toEqual([
        'attributes customer:c-2',
        'entity customer:c-2',
      ]);
      expect(await store.diffGraph(2, 2)).toMatchObject({ added: [], removed: [], changed: [] });
    });

    it('diffs each attribute set a source sent for one entity, under its key and under an alias', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      const erp = (n: number): GraphBatch => ({
        source: 'erp',
        entities: [
          { type: 'customer', key: 'c-1', attributes: { a: n } },
          { type: 'customer', key: 'E-77', aliases: ['ada@x.example'], attributes: { b: n } },
        ],
      });
      await store.ingestGraph(erp(1), AUTHOR);
      await store.ingestGraph(erp(2), AUTHOR);
      const diff = await store.diffGraph(2, 3);
      expect(diff.changed).toEqual([
        { subject: 'customer:c-1', source: 'erp', before: { a: 1 }, after: { a: 2 } },
        { subject: 'customer:c-1', source: 'erp', before: { b: 1 }, after: { b: 2 } },
      ]);
      expect(diff.added).toEqual([]);
      expect(diff.removed).toEqual([]);
    });

    it('bounds a diff and says when it holds only the first changes', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      const more = ['c-7', 'c-8', 'c-9'].map((key) => ({ type: 'customer', key }));
      await store.ingestGraph({ source: 'crm', entities: more }, AUTHOR);
      const cut = await store.diffGraph(1, 2, 2);
      expect(cut.truncated).toBe(true);
      expect(cut.added.map((f) => f.subject)).toEqual(['customer:c-7', 'customer:c-8']);
      const whole = await store.diffGraph(1, 2, 3);
      expect(whole.truncated).toBe(false);
      expect(whole.added).toHaveLength(3);
      expect((await store.diffGraph(1, 2)).truncated).toBe(false);
    });

    it('resolves an entity another source sends under an alias to the one entity, its key an alias', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      await store.ingestGraph(
        {
          source: 'erp',
          entities: [
            { type: 'customer', key: 'E-77', aliases: ['ada@x.example'], attributes: { erp: true } },
          ],
        },
        AUTHOR,
      );
      const customer = await store.getGraphEntity('customer:E-77');
      expect(customer.key).toBe('c-1');
      expect(customer.aliases.sort()).toEqual(['E-77', 'ada@x.example']);
      expect(customer.attributes).toEqual({ tier: 'gold', erp: true });
    });

    it('refuses an alias that would name two entities, and lets a complete ingest move one', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      const shared = await promptOpsRejection(
        store.ingestGraph(
          { source: 'erp', entities: [{ type: 'customer', key: 'c-2', aliases: ['ada@x.example'] }] },
          AUTHOR,
        ),
      );
      expect(shared.code).toBe('PO_ERR_GRAPH_INVALID');
      expect(shared.message).toContain('customer:c-1 and customer:c-2');
      expect((await store.getGraphEntity('customer:ada@x.example')).key).toBe('c-1');
      const [first, second, policy] = crm().entities!;
      const moved = crm({
        entities: [{ ...first!, aliases: [] }, { ...second!, aliases: ['ada@x.example'] }, policy!],
      });
      expect((await store.ingestGraph(moved, AUTHOR)).revision).toBe(2);
      expect((await store.getGraphEntity('customer:ada@x.example')).key).toBe('c-2');
    });

    it('merges one entity into another (recorded, reversible): reads and relations follow the survivor', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      await store.ingestGraph(shop, AUTHOR);
      const merge = await store.mergeGraphEntities('customer:c-1', 'customer:c-2', 'rita@acme.example');
      expect(merge).toMatchObject({
        survivor: 'customer:c-1',
        merged: 'customer:c-2',
        mergedBy: 'rita@acme.example',
        revision: 3,
        unmergedIn: null,
      });
      expect((await store.getGraphEntity('customer:c-2')).key).toBe('c-1');
      expect((await store.getGraphEntity('customer:c-2', 2)).key).toBe('c-2');
      // The merged entity's source asserting it again changes nothing: it resolves to the survivor.
      expect((await store.ingestGraph(crm(), AUTHOR)).revision).toBeNull();
      const undone = await store.unmergeGraphEntities('customer:c-2', 'rita@acme.example');
      expect(undone).toMatchObject({ revision: 3, unmergedIn: 4 });
      expect((await store.getGraphEntity('customer:c-2')).attributes).toEqual({ tier: 'standard' });
      expect((await store.getGraphEntity('customer:c-1')).attributes).toEqual({ tier: 'gold' });
      expect((await store.listGraphRevisions()).map((r) => r.kind)).toEqual([
        'unmerge',
        'merge',
        'ingest',
        'ingest',
      ]);
      expect((await promptOpsRejection(store.unmergeGraphEntities('customer:c-2', AUTHOR))).code).toBe(
        'PO_ERR_GRAPH_NOT_FOUND',
      );
      const mixed = await promptOpsRejection(
        store.mergeGraphEntities('customer:c-1', 'policy:refund', AUTHOR),
      );
      expect(mixed.code).toBe('PO_ERR_GRAPH_INVALID');
    });

    it('follows a chain of merges to the last survivor', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      await store.ingestGraph({ source: 'erp', entities: [{ type: 'customer', key: 'E-3' }] }, AUTHOR);
      await store.mergeGraphEntities('customer:c-2', 'customer:E-3', AUTHOR);
      await store.mergeGraphEntities('customer:c-1', 'customer:c-2', AUTHOR);
      expect((await store.getGraphEntity('customer:E-3')).key).toBe('c-1');
      expect(
        (await store.ingestGraph({ source: 'erp', entities: [{ type: 'customer', key: 'E-3' }] }, AUTHOR))
          .revision,
      ).toBeNull();
    });

    it('unmerges a chain of merges only in reverse order', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      await store.ingestGraph({ source: 'erp', entities: [{ type: 'customer', key: 'E-3' }] }, AUTHOR);
      await store.mergeGraphEntities('customer:c-2', 'customer:E-3', AUTHOR);
      await store.mergeGraphEntities('customer:c-1', 'customer:c-2', AUTHOR);
      const early = await promptOpsRejection(store.unmergeGraphEntities('customer:E-3', AUTHOR));
      expect(early.code).toBe('PO_ERR_GRAPH_INVALID');
      expect(early.message).toContain('unmerge customer:c-2 first');
      expect((await store.getGraphEntity('customer:E-3')).key).toBe('c-1');
      await store.unmergeGraphEntities('customer:c-2', AUTHOR);
      await store.unmergeGraphEntities('customer:E-3', AUTHOR);
      expect((await store.getGraphEntity('customer:E-3')).key).toBe('E-3');
      expect((await store.getGraphEntity('customer:c-2')).attributes).toEqual({ tier: 'standard' });
    });

    it('moves relations onto the survivor of a merge, and back on unmerge', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      await store.ingestGraph(
        {
          source: 'shop',
          entities: [{ type: 'order', key: 'o-3' }],
          relations: [{ type: 'placed', from: 'customer:c-2', to: 'order:o-3' }],
        },
        AUTHOR,
      );
      await store.mergeGraphEntities('customer:c-1', 'customer:c-2', AUTHOR);
      const around = await store.graphNeighbourhood({ root: 'order:o-3', direction: 'in' });
      expect(around.entities.map((e) => e.key)).toEqual(['c-1']);
      await store.unmergeGraphEntities('customer:c-2', AUTHOR);
      const back = await store.graphNeighbourhood({ root: 'order:o-3', direction: 'in' });
      expect(back.entities.map((e) => e.key)).toEqual(['c-2']);
    });

    it('removes a relation both merged entities had, once its source stops sending it', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      const placedBoth: GraphBatch = {
        source: 'shop',
        mode: 'complete',
        entities: [{ type: 'order', key: 'o-1' }],
        relations: [
          { type: 'placed', from: 'customer:c-1', to: 'order:o-1' },
          { type: 'placed', from: 'customer:c-2', to: 'order:o-1' },
        ],
      };
      await store.ingestGraph(placedBoth, AUTHOR);
      await store.mergeGraphEntities('customer:c-1', 'customer:c-2', AUTHOR);
      const merged = await store.graphNeighbourhood({ root: 'order:o-1', direction: 'in' });
      expect(merged.relations).toHaveLength(1);
      await store.ingestGraph({ ...placedBoth, relations: [] }, AUTHOR);
      const after = await store.graphNeighbourhood({ root: 'order:o-1', direction: 'in' });
      expect(after.relations).toEqual([]);
      await store.unmergeGraphEntities('customer:c-2', AUTHOR);
      expect((await store.getGraphEntity('customer:c-2')).key).toBe('c-2');
    });

    it('walks a neighbourhood out to a depth, over given relation types, with provenance', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      await store.ingestGraph(shop, AUTHOR);
      const around = await store.graphNeighbourhood({
        root: 'customer:c-1',
        relations: ['placed', 'governed_by'],
        depth: 2,
        limit: 50,
      });
      expect(around.revision).toBe(2);
      expect(around.root.key).toBe('c-1');
      expect(around.relations.map((r) => [r.type, r.depth])).toEqual([
        ['placed', 1],
        ['placed', 1],
        ['governed_by', 2],
        ['governed_by', 2],
      ]);
      expect(around.relations[0]!.provenance).toMatchObject({
        source: 'shop',
        addedIn: 2,
        assertedBy: AUTHOR,
      });
      expect(around.entities.map((e) => e.key).sort()).toEqual(['o-1', 'o-2', 'refund']);
      expect(around.truncated).toBe(false);
      const one = await store.graphNeighbourhood({ root: 'customer:c-1', relations: ['placed'], depth: 2 });
      expect(one.relations.every((r) => r.type === 'placed')).toBe(true);
      const cut = await store.graphNeighbourhood({ root: 'customer:c-1', depth: 2, limit: 3 });
      expect(cut).toMatchObject({ truncated: true });
      expect(cut.relations).toHaveLength(3);
      const before = await store.graphNeighbourhood({ root: 'customer:c-1', depth: 2, revision: 1 });
      expect(before.relations).toEqual([]);
    });

    it('counts relations, not paths, against the limit when a walk goes round a cycle', async () => {
      await store.ingestGraph(
        {
          source: 'loop',
          entities: ['a', 'b', 'c'].map((key) => ({ type: 'category', key })),
          relations: [
            { type: 'governed_by', from: 'category:a', to: 'category:b' },
            { type: 'governed_by', from: 'category:b', to: 'category:c' },
            { type: 'governed_by', from: 'category:c', to: 'category:a' },
          ],
        },
        AUTHOR,
      );
      const round = await store.graphNeighbourhood({ root: 'category:a', depth: 6, limit: 3 });
      expect(round.relations.map((r) => r.depth)).toEqual([1, 2, 3]);
      expect(round.truncated).toBe(false);
      const cut = await store.graphNeighbourhood({ root: 'category:a', depth: 6, limit: 2 });
      expect(cut.relations).toHaveLength(2);
      expect(cut.truncated).toBe(true);
    });

    it('walks against relations (what depends on a policy) and both ways', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      await store.ingestGraph(shop, AUTHOR);
      const impact = await store.graphNeighbourhood({ root: 'policy:refund', direction: 'in', depth: 4 });
      expect(impact.entities.map((e) => `${e.type}:${e.key}`).sort()).toEqual([
        'customer:c-1',
        'order:o-1',
        'order:o-2',
      ]);
      expect(Math.max(...impact.relations.map((r) => r.depth))).toBe(2);
      const both = await store.graphNeighbourhood({ root: 'order:o-1', direction: 'both', depth: 1 });
      expect(both.relations.map((r) => r.type).sort()).toEqual(['governed_by', 'placed']);
    });

    it('refuses an undeclared type, a dangling relation and a forbidden cycle, leaving the graph as it was', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      const unknown = await promptOpsRejection(
        store.ingestGraph({ source: 'x', entities: [{ type: 'planet', key: 'mars' }] }, AUTHOR),
      );
      expect(unknown.code).toBe('PO_ERR_GRAPH_INVALID');
      expect(unknown.message).toContain('unknown entity type "planet"');
      const dangling = await promptOpsRejection(
        store.ingestGraph(
          {
            source: 'shop',
            entities: [{ type: 'order', key: 'o-9' }],
            relations: [{ type: 'placed', from: 'customer:nobody', to: 'order:o-9' }],
          },
          AUTHOR,
        ),
      );
      expect(dangling.code).toBe('PO_ERR_GRAPH_INVALID');
      expect(dangling.message).toContain('customer:nobody');
      const tree: GraphBatch = {
        source: 'taxonomy',
        entities: ['a', 'b', 'c'].map((key) => ({ type: 'category', key })),
        relations: [
          { type: 'parent_of', from: 'category:a', to: 'category:b' },
          { type: 'parent_of', from: 'category:b', to: 'category:c' },
        ],
      };
      await store.ingestGraph(tree, AUTHOR);
      const cycle = await promptOpsRejection(
        store.ingestGraph(
          { source: 'other', relations: [{ type: 'parent_of', from: 'category:c', to: 'category:a' }] },
          AUTHOR,
        ),
      );
      expect(cycle.code).toBe('PO_ERR_GRAPH_INVALID');
      expect(cycle.message).toContain('category:a');
      expect((await store.listGraphRevisions()).map((r) => r.number)).toEqual([2, 1]);
      expect((await promptOpsRejection(store.getGraphEntity('order:o-9'))).code).toBe(
        'PO_ERR_GRAPH_NOT_FOUND',
      );
    });

    it('refuses a complete ingest whose relation points at an entity the same batch stops sending', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      const [first, , policy] = crm().entities!;
      const dangling = await promptOpsRejection(
        store.ingestGraph(
          crm({
            entities: [first!, policy!],
            relations: [{ type: 'governed_by', from: 'customer:c-1', to: 'customer:c-2' }],
          }),
          AUTHOR,
        ),
      );
      expect(dangling.code).toBe('PO_ERR_GRAPH_INVALID');
      expect(dangling.message).toContain('customer:c-2');
      expect((await store.listGraphRevisions()).map((r) => r.number)).toEqual([1]);
    });

    it('names the entities of a refused cycle even when the graph holds edges leading out of it', async () => {
      const categories = ['x', 'y', 'z'].map((key) => ({ type: 'category', key }));
      await store.ingestGraph(
        {
          source: 'taxonomy',
          entities: categories,
          relations: [{ type: 'parent_of', from: 'category:x', to: 'category:y' }],
        },
        AUTHOR,
      );
      const cycle = await promptOpsRejection(
        store.ingestGraph(
          {
            source: 'other',
            relations: [
              { type: 'parent_of', from: 'category:x', to: 'category:z' },
              { type: 'parent_of', from: 'category:z', to: 'category:x' },
            ],
          },
          AUTHOR,
        ),
      );
      expect(cycle.code).toBe('PO_ERR_GRAPH_INVALID');
      expect(cycle.message).not.toContain('undefined');
      expect(cycle.details).toMatchObject({ cycle: expect.arrayContaining(['category:x', 'category:z']) });
    });

    it('names what is missing: an empty graph, an unknown entity, a revision past the latest', async () => {
      expect((await promptOpsRejection(store.getGraphEntity('customer:c-1'))).message).toContain('empty');
      await store.ingestGraph(crm(), AUTHOR);
      expect((await promptOpsRejection(store.getGraphEntity('customer:zz'))).code).toBe(
        'PO_ERR_GRAPH_NOT_FOUND',
      );
      expect((await promptOpsRejection(store.getGraphEntity('customer:c-1', 5))).message).toContain(
        'latest is 1',
      );
      expect((await promptOpsRejection(store.diffGraph(1, 9))).code).toBe('PO_ERR_GRAPH_NOT_FOUND');
    });

    it("diffs only its own project's facts when another project's revisions overlap", async () => {
      const other = await h.reopen({ project: 'globex' });
      await other.ingestGraph(crm(), AUTHOR);
      const [first, , policy] = crm().entities!;
      await other.ingestGraph(crm({ entities: [first!, policy!] }), AUTHOR);
      await store.ingestGraph(crm(), AUTHOR);
      await store.ingestGraph({ source: 'crm', entities: [{ type: 'customer', key: 'c-3' }] }, AUTHOR);
      const diff = await store.diffGraph(1, 2);
      expect(diff.removed).toEqual([]);
      expect(diff.changed).toEqual([]);
      expect(diff.added.map((f) => `${f.kind} ${f.subject}`)).toEqual(['entity customer:c-3']);
    });

    it('keeps each project its own graph', async () => {
      await store.ingestGraph(crm(), AUTHOR);
      const other = await h.reopen({ project: 'globex' });
      expect((await promptOpsRejection(other.getGraphEntity('customer:c-1'))).code).toBe(
        'PO_ERR_GRAPH_NOT_FOUND',
      );
      expect((await other.ingestGraph(crm(), AUTHOR)).revision).toBe(1);
    });
  });
}
