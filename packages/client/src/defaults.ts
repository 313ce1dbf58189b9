type JsonObject = Record<string, unknown>;

/**
 * The input with the prompt's defaults filled in where it has no value: the declared input
 * defaults, then the schema's `default`s, object by object, as the gateway's input contract fills
 * them. Nothing is checked: a rendering from the last-known-good prompt trusts its caller.
 */
export function withDefaults(
  input: unknown,
  declared: { schema: JsonObject | null; default: JsonObject },
): JsonObject {
  const value = isObject(input) ? structuredClone(input) : {};
  for (const [key, fallback] of Object.entries(declared.default)) {
    if (value[key] === undefined) value[key] = structuredClone(fallback);
  }
  if (declared.schema) fillSchemaDefaults(value, declared.schema);
  return value;
}

function fillSchemaDefaults(value: JsonObject, schema: JsonObject): void {
  const properties = schema.properties;
  if (!isObject(properties)) return;
  for (const [key, property] of Object.entries(properties)) {
    if (!isObject(property)) continue;
    if (value[key] === undefined && property.default !== undefined) {
      value[key] = structuredClone(property.default);
    }
    const nested = value[key];
    if (isObject(nested)) fillSchemaDefaults(nested, property);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
