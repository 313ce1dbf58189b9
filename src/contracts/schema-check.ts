import type { JsonSchema } from '../catalog/spec.js';
import { jsonSchemaDraft7 } from '../generated/validators.js';
import { didYouMean } from '../suggest.js';
import { describeAjvErrors } from './schema-errors.js';

/**
 * Keywords of JSON Schema 2020-12 and draft-07 (validation and annotation), and OpenAPI's
 * `nullable` (Ajv applies it; Gemini-style schemas use it). Anything else is a typo.
 */
const KEYWORDS = new Set([
  '$id',
  '$schema',
  '$ref',
  '$comment',
  'title',
  'description',
  'default',
  'examples',
  'readOnly',
  'writeOnly',
  'type',
  'enum',
  'const',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'contentMediaType',
  'contentEncoding',
  'items',
  'additionalItems',
  'maxItems',
  'minItems',
  'uniqueItems',
  'contains',
  'maxProperties',
  'minProperties',
  'required',
  'properties',
  'patternProperties',
  'additionalProperties',
  'dependencies',
  'propertyNames',
  'if',
  'then',
  'else',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'definitions',
  '$defs',
  '$anchor',
  '$dynamicRef',
  '$dynamicAnchor',
  '$vocabulary',
  'deprecated',
  'prefixItems',
  'minContains',
  'maxContains',
  'dependentRequired',
  'dependentSchemas',
  'unevaluatedItems',
  'unevaluatedProperties',
  'contentSchema',
  'nullable',
]);
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'];
const SCHEMA_VALUES = [
  'unevaluatedItems',
  'unevaluatedProperties',
  'additionalProperties',
  'additionalItems',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'not',
];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];

/**
 * Checks that a value is a valid draft-07 JSON Schema with no unknown keywords (a misspelt
 * `requried` would otherwise silently validate nothing). Returns one message per problem.
 * Uses a validator compiled at build time, so no schema compiler loads on the lint path.
 */
export function checkJsonSchema(schema: JsonSchema): string[] {
  if (!jsonSchemaDraft7(schema)) {
    return describeAjvErrors(jsonSchemaDraft7.errors, 'schema').map((p) => p.message);
  }
  const problems: string[] = [];
  eachSchema(schema, 'schema', (node, path) => {
    if (Array.isArray(node.items)) {
      problems.push(
        `${path}.items is a list (a draft-07 tuple); contracts are JSON Schema 2020-12: write the list as prefixItems`,
      );
    }
    for (const key of Object.keys(node)) {
      if (!KEYWORDS.has(key))
        problems.push(`${path} has unknown keyword "${key}"${didYouMean(key, KEYWORDS)}`);
    }
  });
  for (const pattern of collectPatterns(schema)) {
    try {
      new RegExp(pattern, 'u');
    } catch (err) {
      problems.push(`pattern ${JSON.stringify(pattern)} does not compile: ${(err as Error).message}`);
    }
  }
  return problems;
}

/**
 * A copy of a schema with draft-07's tuple spelling in 2020-12's, which Ajv2020 compiles: `items:
 * [..]` becomes `prefixItems`, and `additionalItems: X` beside a tuple becomes `items: X` (draft-07
 * ignores it without one, 2020-12 always). Versions pushed before contracts became 2020-12 hold
 * draft-07 tuples; without this they would not compile, and `additionalItems: false` after
 * `prefixItems` would limit nothing. Idempotent; a 2020-12 schema comes back equal.
 */
export function toDraft2020(schema: JsonSchema): JsonSchema {
  const copy = structuredClone(schema);
  eachSchema(copy, 'schema', (node) => {
    const tuple = Array.isArray(node.items) ? node.items : undefined;
    if (tuple) {
      node.prefixItems = tuple;
      delete node.items;
    }
    if (!('additionalItems' in node)) return;
    if (node.prefixItems !== undefined && node.items === undefined) node.items = node.additionalItems;
    delete node.additionalItems;
  });
  return copy;
}

/** Calls `visit` on `node` and every schema nested in it, with its path (`schema.properties.a`). */
function eachSchema(
  node: unknown,
  path: string,
  visit: (schema: Record<string, unknown>, path: string) => void,
): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return;
  const schema = node as Record<string, unknown>;
  visit(schema, path);
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (map && typeof map === 'object') {
      for (const [name, child] of Object.entries(map)) eachSchema(child, `${path}.${key}.${name}`, visit);
    }
  }
  for (const key of SCHEMA_VALUES) eachSchema(schema[key], `${path}.${key}`, visit);
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) {
      for (const [i, child] of list.entries()) eachSchema(child, `${path}.${key}[${i}]`, visit);
    }
  }
  const items = schema.items;
  if (Array.isArray(items)) {
    for (const [i, child] of items.entries()) eachSchema(child, `${path}.items[${i}]`, visit);
  } else {
    eachSchema(items, `${path}.items`, visit);
  }
}

/**
 * The formats the contracts check (ajv-formats' full set, as createAjv adds it; a test keeps the
 * two equal). Listed here so linting loads no schema compiler.
 */
export const KNOWN_FORMATS = new Set([
  'date',
  'time',
  'date-time',
  'iso-time',
  'iso-date-time',
  'duration',
  'uri',
  'uri-reference',
  'uri-template',
  'url',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'regex',
  'uuid',
  'json-pointer',
  'json-pointer-uri-fragment',
  'relative-json-pointer',
  'byte',
  'int32',
  'int64',
  'float',
  'double',
  'password',
  'binary',
]);

/**
 * One message per `format` no contract checks (`format: phone`): the validator ignores it, so
 * the field would take any string while the schema reads as if it were checked.
 */
export function unknownFormats(schema: JsonSchema): string[] {
  const problems: string[] = [];
  eachSchema(schema, 'schema', (node, path) => {
    if (typeof node.format !== 'string' || KNOWN_FORMATS.has(node.format)) return;
    problems.push(
      `${path} has format "${node.format}", which nothing checks${didYouMean(node.format, KNOWN_FORMATS)}; use a known format (${[...KNOWN_FORMATS].join(', ')}) or a pattern`,
    );
  });
  return problems;
}

function collectPatterns(node: unknown, out: string[] = []): string[] {
  if (typeof node !== 'object' || node === null) return out;
  if (Array.isArray(node)) {
    for (const child of node) collectPatterns(child, out);
    return out;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern' && typeof value === 'string') out.push(value);
    else if (key === 'patternProperties' && value && typeof value === 'object') {
      out.push(...Object.keys(value));
      collectPatterns(Object.values(value), out);
    } else collectPatterns(value, out);
  }
  return out;
}
