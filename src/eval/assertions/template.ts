const PLACEHOLDER = /\{\{\s*([A-Za-z_$][\w$]*(?:\.[\w$]+)*)\s*\}\}/g;

/**
 * Expands `{{name}}` and `{{a.b}}` in every string of an assertion value with the case's vars.
 * A placeholder with no matching var is left as written, so the failure shows what was missing.
 * Returns the same reference when nothing changed (compiled schemas are cached by identity).
 */
export function expandTemplates(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') return value.includes('{{') ? expandString(value, vars) : value;
  if (Array.isArray(value)) {
    const items = value.map((v) => expandTemplates(v, vars));
    return items.some((v, i) => v !== value[i]) ? items : value;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value).map(([k, v]) => [k, expandTemplates(v, vars)] as const);
    const source = value as Record<string, unknown>;
    return entries.some(([k, v]) => v !== source[k]) ? Object.fromEntries(entries) : value;
  }
  return value;
}

function expandString(text: string, vars: Record<string, unknown>): string {
  return text.replace(PLACEHOLDER, (whole, path: string) => {
    let current: unknown = vars;
    for (const key of path.split('.')) {
      // Own properties only: `{{constructor}}` must not reach into prototypes.
      if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return whole;
      current = (current as Record<string, unknown>)[key];
    }
    if (current === undefined) return whole;
    if (typeof current === 'string') return current;
    return typeof current === 'object' && current !== null ? JSON.stringify(current) : String(current);
  });
}
