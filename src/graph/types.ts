/**
 * The knowledge graph's shapes: what an ingest sends (a batch of entities and relations from one
 * source), what the project declares (`graph:` in promptops.yaml) and what reads answer (entities,
 * relations and neighbourhoods, every fact with its provenance and revision).
 */

/** An entity as a source sends it: a type and a key (unique per type), aliases and attributes. */
export interface GraphEntityInput {
  type: string;
  key: string;
  aliases?: string[];
  attributes?: Record<string, unknown>;
  /** The source's own id of the record this came from (a row number, a CRM id). */
  recordId?: string;
  /** The fact's real-world validity (ISO dates or date-times). */
  validFrom?: string;
  validTo?: string;
}

/** A relation as a source sends it: endpoints as `type:key` (or an alias in place of the key). */
export interface GraphRelationInput {
  type: string;
  from: string;
  to: string;
  attributes?: Record<string, unknown>;
  recordId?: string;
  validFrom?: string;
  validTo?: string;
}

/** One ingest: what `source` asserts now. */
export interface GraphBatch {
  source: string;
  /**
   * `complete`: the batch is everything the source asserts, so its facts not sent are removed;
   * `additive` (the default): the batch adds and updates facts, removing none.
   */
  mode?: 'complete' | 'additive';
  entities?: GraphEntityInput[];
  relations?: GraphRelationInput[];
}

/** The project's declared types (promptops.yaml `graph:`); null or empty lists: any type is allowed. */
export interface GraphSchema {
  entityTypes: readonly string[];
  relationTypes: readonly string[];
  /** Relation types whose edges may not form a cycle (`parent_of`). */
  acyclic: readonly string[];
}

/** Where a fact came from and when the graph held it. */
export interface Provenance {
  source: string;
  recordId: string | null;
  ingestedAt: string;
  validFrom: string | null;
  validTo: string | null;
  /** The subject (or `system`) that asserted it. */
  assertedBy: string;
  /** The revision that added it. */
  addedIn: number;
}

/** One fact about an entity: that it exists, an alias, or an attribute set. */
export interface EntityFact {
  id: number;
  kind: 'entity' | 'alias' | 'attributes';
  alias?: string;
  attributes?: Record<string, unknown>;
  provenance: Provenance;
}

/** An entity as a revision sees it. */
export interface GraphEntity {
  id: number;
  type: string;
  key: string;
  aliases: string[];
  /** Every source's attributes, the later revision's value winning a key both set. */
  attributes: Record<string, unknown>;
  facts: EntityFact[];
}

/** A relation as a revision sees it. */
export interface GraphRelation {
  id: number;
  type: string;
  from: number;
  to: number;
  attributes: Record<string, unknown>;
  provenance: Provenance;
}

/** Which way a traversal follows relations: along them, against them (impact), or both. */
export type Direction = 'out' | 'in' | 'both';

/** What a neighbourhood read follows. */
export interface NeighbourhoodQuery {
  /** The start: `type:key` (or an alias in place of the key). */
  root: string;
  /** Relation types to follow (empty or absent: every type). */
  relations?: string[];
  direction?: Direction;
  /** Hops from the root (1 to 8; default 1). */
  depth?: number;
  /** At most this many relations (1 to 10000; default 100). */
  limit?: number;
  /** The revision to read (default the latest). */
  revision?: number;
}

/** A relation reached by a traversal, with its hop count from the root. */
export interface ReachedRelation extends GraphRelation {
  depth: number;
}

/** What a traversal reached: the root, the relations followed (by depth) and their endpoints. */
export interface Neighbourhood {
  revision: number;
  root: GraphEntity;
  entities: GraphEntity[];
  relations: ReachedRelation[];
  /** The limit cut the walk short. */
  truncated: boolean;
}

/** A graph revision: one ingest, merge or unmerge that changed something. */
export interface GraphRevision {
  number: number;
  kind: 'ingest' | 'merge' | 'unmerge';
  source: string | null;
  mode: 'complete' | 'additive' | null;
  assertedBy: string;
  createdAt: string;
  added: number;
  removed: number;
}

/** What an ingest did: the revision it made (null when nothing changed) and its counts. */
export interface IngestOutcome {
  /** The new revision, or null: the batch changed nothing and no revision was made. */
  revision: number | null;
  /** The latest revision after the ingest. */
  latest: number;
  added: number;
  removed: number;
  entities: number;
  relations: number;
}

/** A fact in a diff: which entity or relation it is about, and what it says. */
export interface DiffFact {
  kind: 'entity' | 'alias' | 'attributes' | 'relation';
  /** `type:key` of the entity, or `type:key -relation-> type:key`. */
  subject: string;
  value: unknown;
  source: string;
  revision: number;
}

/** What changed between two revisions: facts added, removed, and attribute sets that changed. */
export interface GraphDiff {
  from: number;
  to: number;
  /** More facts changed than the diff's limit: it holds the first ones (by when they were written). */
  truncated: boolean;
  added: DiffFact[];
  removed: DiffFact[];
  changed: { subject: string; source: string; before: unknown; after: unknown }[];
}

/** A recorded merge. */
export interface GraphMerge {
  id: number;
  survivor: string;
  merged: string;
  mergedBy: string;
  mergedAt: string;
  revision: number;
  unmergedIn: number | null;
}
