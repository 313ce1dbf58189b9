/**
 * A JSON Schema as people read it: one row per field (dotted path, `[]` for array items) with its
 * type, whether it is required and its constraints. Pure; the prompt page renders it as a table.
 */
import type { JsonSchema } from '../../../src/catalog/spec.js';

export interface SchemaRow {
  /** `customer.email`, `items[]`, `items[].sku`; `(root)` for a schema that is not an object. */
  path: string;
  type: string;
  isRequired: boolean;
  /** `maxLength 200`, `one of: "en", "fr"`, `pattern ^[a-z]+$`, … */
  constraints: string[];
  description: string | null;
}

/** The keywords shown as constraints, in this order, each as `keyword value`. */
const CONSTRAINT_KEYWORDS = [
  'format',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
] as const;

/** Deeper than this a schema is shown as its raw JSON only (and a cyclic one cannot loop). */
const MAX_DEPTH = 8;

/** The rows of `schema`: its fields, nested ones after their parent; none for an empty schema. */
export function schemaRows(schema: JsonSchema | null | undefined): SchemaRow[] {
  if (!schema || Object.keys(schema).length === 0) return [];
  const rows: SchemaRow[] = [];
  if (hasFields(schema)) addFields(schema, '', rows, 0);
  else rows.push(rowOf('(root)', schema, true));
  return rows;
}

function hasFields(schema: JsonSchema): boolean {
  return isSchema(schema.properties) || isSchema(itemsOf(schema));
}

function addFields(schema: JsonSchema, prefix: string, rows: SchemaRow[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const properties = isSchema(schema.properties) ? (schema.properties as Record<string, unknown>) : {};
  for (const [name, child] of Object.entries(properties)) {
    if (!isSchema(child)) continue;
    const path = prefix ? `${prefix}.${name}` : name;
    rows.push(rowOf(path, child, required.has(name)));
    addFields(child, path, rows, depth + 1);
  }
  const items = itemsOf(schema);
  if (isSchema(items) && Object.keys(items).length > 0) {
    const path = `${prefix || ''}[]`;
    // An array's items are shown as their own row only when they are not plain objects of fields.
    if (!isSchema(items.properties)) rows.push(rowOf(path, items, true));
    addFields(items, path, rows, depth + 1);
  }
}

function rowOf(path: string, schema: JsonSchema, isRequired: boolean): SchemaRow {
  return {
    path,
    type: typeOf(schema),
    isRequired,
    constraints: constraintsOf(schema),
    description: typeof schema.description === 'string' ? schema.description : null,
  };
}

/** `string`, `string | null`, `array of string`, `any`. */
export function typeOf(schema: JsonSchema): string {
  const type = schema.type;
  const names = typeof type === 'string' ? [type] : Array.isArray(type) ? (type as string[]) : [];
  if (names.length === 0) {
    if (schema.const !== undefined) return 'const';
    if (Array.isArray(schema.enum)) return 'enum';
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const options = schema[key];
      if (Array.isArray(options)) return `${key}: ${options.filter(isSchema).map(typeOf).join(', ')}`;
    }
    return 'any';
  }
  return names
    .map((name) => {
      const items = itemsOf(schema);
      return name === 'array' && isSchema(items) && items.type !== undefined
        ? `array of ${typeOf(items)}`
        : name;
    })
    .join(' | ');
}

function constraintsOf(schema: JsonSchema): string[] {
  const out: string[] = [];
  if (Array.isArray(schema.enum)) out.push(`one of: ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (schema.const !== undefined) out.push(`equals ${JSON.stringify(schema.const)}`);
  for (const keyword of CONSTRAINT_KEYWORDS) {
    const value = schema[keyword];
    if (value !== undefined)
      out.push(`${keyword} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  if (schema.additionalProperties === false) out.push('no other fields');
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}

function itemsOf(schema: JsonSchema): unknown {
  return schema.items;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
