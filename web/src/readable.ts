/** Values shown for people to read (pure; tested in test/web/readable.test.ts). */

/** A value for people to read: text as it is, anything else as indented JSON, nothing as a dash. */
export function readable(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}
