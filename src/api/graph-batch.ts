/**
 * What an ingest batch may hold, as one schema: the API validates request bodies with it and file
 * ingests validate each entry with its parts, so a file is refused for what a request would be.
 */
import Type from 'typebox';
import { closed, Str } from './schemas.js';

/** At most this many entities, and relations, in one API batch (a file ingest splits, or goes local). */
export const MAX_BATCH_ENTITIES = 10_000;
export const MAX_BATCH_RELATIONS = 50_000;

/** A type name: what promptops.yaml `graph:` declares. */
export const TypeName = Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' });
/** `type:key`. */
export const Ref = Type.String({ minLength: 3, maxLength: 600, pattern: '^[a-z][a-z0-9_-]{0,63}:.+$' });
export const Attributes = Type.Unsafe<Record<string, unknown>>({ type: 'object', maxProperties: 200 });
const Day = Type.String({ minLength: 10, maxLength: 40 });
const provenance = {
  recordId: Type.Optional(Str),
  validFrom: Type.Optional(Day),
  validTo: Type.Optional(Day),
};

/** One entity of a batch. */
export const EntityInputSchema = closed({
  type: TypeName,
  key: Str,
  aliases: Type.Optional(Type.Array(Str, { maxItems: 100 })),
  attributes: Type.Optional(Attributes),
  ...provenance,
});

/** One relation of a batch. */
export const RelationInputSchema = closed({
  type: TypeName,
  from: Ref,
  to: Ref,
  attributes: Type.Optional(Attributes),
  ...provenance,
});

/** A batch as the API takes it. */
export const BatchSchema = closed({
  source: Type.String({ minLength: 1, maxLength: 200 }),
  mode: Type.Optional(Type.Enum(['complete', 'additive'])),
  entities: Type.Optional(Type.Array(EntityInputSchema, { maxItems: MAX_BATCH_ENTITIES })),
  relations: Type.Optional(Type.Array(RelationInputSchema, { maxItems: MAX_BATCH_RELATIONS })),
});
