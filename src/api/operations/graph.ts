/** The knowledge graph's operations (store/graph-store.ts): ingest, revisions, reads, diffs, merges. */
import Type from 'typebox';
import type { GraphStore } from '../../store/graph-store.js';
import { Attributes, BatchSchema, Ref } from '../graph-batch.js';
import type { OperationTable, ServedBy } from '../operation.js';
import { closed, Limit, wholeNumberText } from '../schemas.js';
import { filterOf } from '../wire.js';
import { actor, body, field, filter, list, P, path, queryField } from './shorthand.js';

const Num = Type.Integer();
const Nullable = (schema: ReturnType<typeof Type.String>) => Type.Union([schema, Type.Null()]);
const ProvenanceSchema = Type.Object({
  source: Type.String(),
  recordId: Nullable(Type.String()),
  ingestedAt: Type.String(),
  validFrom: Nullable(Type.String()),
  validTo: Nullable(Type.String()),
  assertedBy: Type.String(),
  addedIn: Num,
});
const EntitySchema = Type.Object({
  id: Num,
  type: Type.String(),
  key: Type.String(),
  aliases: Type.Array(Type.String()),
  attributes: Attributes,
  facts: Type.Array(
    Type.Object({
      id: Num,
      kind: Type.Enum(['entity', 'alias', 'attributes']),
      alias: Type.Optional(Type.String()),
      attributes: Type.Optional(Attributes),
      provenance: ProvenanceSchema,
    }),
  ),
});
const RelationSchema = Type.Object({
  id: Num,
  type: Type.String(),
  from: Num,
  to: Num,
  attributes: Attributes,
  provenance: ProvenanceSchema,
  depth: Num,
});
const MergeSchema = Type.Object({
  id: Num,
  survivor: Type.String(),
  merged: Type.String(),
  mergedBy: Type.String(),
  mergedAt: Type.String(),
  revision: Num,
  unmergedIn: Type.Union([Num, Type.Null()]),
});
const DiffFactSchema = Type.Object({
  kind: Type.String(),
  subject: Type.String(),
  value: Type.Unknown(),
  source: Type.String(),
  revision: Num,
});

const Revision = wholeNumberText('^[1-9][0-9]{0,8}$');
const neighbourhoodQuery = closed({
  root: Ref,
  relations: Type.Optional(Type.String({ maxLength: 2000, pattern: '^[a-z0-9_,-]*$' })),
  direction: Type.Optional(Type.Enum(['out', 'in', 'both'])),
  depth: Type.Optional(wholeNumberText('^[1-8]$')),
  limit: Type.Optional(Limit),
  revision: Type.Optional(Revision),
});

/** The knowledge graph's entries in the operation table. */
export const GRAPH_OPERATIONS: OperationTable<ServedBy<typeof GraphStore>> = {
  ingestGraph: {
    method: 'POST',
    path: `${P}/graph/ingest`,
    // Facts prompts are grounded in: the same standing as pushing what prompts say.
    permission: 'version.push',
    tag: 'graph',
    summary:
      'Ingest a batch of entities and relations from one source as a new graph revision (none when nothing changed)',
    body: BatchSchema,
    output: Type.Object({
      revision: Type.Union([Num, Type.Null()]),
      latest: Num,
      added: Num,
      removed: Num,
      entities: Num,
      relations: Num,
    }),
    audit: ['graph.ingest'],
    args: [body, actor],
  },
  listGraphRevisions: {
    method: 'GET',
    path: `${P}/graph/revisions`,
    permission: 'read',
    tag: 'graph',
    summary: 'The graph revisions, newest first: what made each and how many facts it added and removed',
    output: list(
      Type.Object({
        number: Num,
        kind: Type.String(),
        source: Type.Union([Type.String(), Type.Null()]),
        mode: Type.Union([Type.String(), Type.Null()]),
        assertedBy: Type.String(),
        createdAt: Type.String(),
        added: Num,
        removed: Num,
      }),
    ),
    args: [],
  },
  getGraphEntity: {
    method: 'GET',
    path: `${P}/graph/entities/:ref`,
    permission: 'read',
    tag: 'graph',
    summary:
      'An entity (TYPE:KEY, or an alias for the key) at a revision (default the latest), each fact with its provenance',
    query: closed({ revision: Type.Optional(Revision) }),
    output: EntitySchema,
    args: [path('ref'), queryField('revision')],
    decode: ({ params, query }) => [params.ref, query.revision ? Number(query.revision) : undefined],
  },
  graphNeighbourhood: {
    method: 'GET',
    path: `${P}/graph/neighbourhood`,
    permission: 'read',
    tag: 'graph',
    summary:
      'What lies around an entity: relations of the given types followed out, in or both ways to a depth, with their endpoints and provenance',
    query: neighbourhoodQuery,
    output: Type.Object({
      revision: Num,
      root: EntitySchema,
      entities: list(EntitySchema),
      relations: list(RelationSchema),
      truncated: Type.Boolean(),
    }),
    args: [filter],
    encode: ([given]) => {
      const { relations, ...rest } = given as { relations?: string[] };
      return {
        query: {
          ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v === undefined ? v : String(v)])),
          relations: relations?.length ? relations.join(',') : undefined,
        },
      };
    },
    decode: ({ query }) => {
      const { relations, ...rest } = filterOf(neighbourhoodQuery, query) as { relations?: string };
      return [{ ...rest, ...(relations ? { relations: relations.split(',').filter(Boolean) } : {}) }];
    },
  },
  diffGraph: {
    method: 'GET',
    path: `${P}/graph/diff`,
    permission: 'read',
    tag: 'graph',
    summary: 'What changed between two graph revisions: facts added, removed, and attribute sets changed',
    query: closed({ from: Revision, to: Revision, limit: Type.Optional(Limit) }),
    output: Type.Object({
      from: Num,
      to: Num,
      truncated: Type.Boolean(),
      added: list(DiffFactSchema),
      removed: list(DiffFactSchema),
      changed: list(
        Type.Object({
          subject: Type.String(),
          source: Type.String(),
          before: Type.Unknown(),
          after: Type.Unknown(),
        }),
      ),
    }),
    args: [queryField('from'), queryField('to'), queryField('limit')],
    decode: ({ query }) => [
      Number(query.from),
      Number(query.to),
      ...(query.limit === undefined ? [] : [Number(query.limit)]),
    ],
  },
  mergeGraphEntities: {
    method: 'POST',
    path: `${P}/graph/merges`,
    permission: 'version.push',
    tag: 'graph',
    summary:
      'Merge one entity into another of its type (recorded, reversible): reads of it resolve to the survivor',
    status: 201,
    body: closed({ survivor: Ref, merged: Ref }),
    output: MergeSchema,
    audit: ['graph.merge'],
    args: [field('survivor'), field('merged'), actor],
  },
  unmergeGraphEntities: {
    method: 'POST',
    path: `${P}/graph/unmerges`,
    permission: 'version.push',
    tag: 'graph',
    summary: 'Reverse the merge of an entity: its facts return to it in a new revision',
    body: closed({ merged: Ref }),
    output: MergeSchema,
    audit: ['graph.unmerge'],
    args: [field('merged'), actor],
  },
};
