/**
 * The canonical JSON form, with no Node import: the server hashes it (canonical.ts) and the web
 * console compares specs with it (diff.ts runs in the browser too).
 */

/**
 * Serialises a JSON value with object keys in code-point order and no whitespace, so that two
 * equal values always give the same bytes whatever order their keys were written in.
 * `undefined` object members are dropped (as JSON.stringify does).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new TypeError('canonicalJson: non-finite numbers have no JSON form');
    }
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The short form of a hash shown to people (like git's abbreviated commit ids). */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
