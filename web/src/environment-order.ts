/** The usual promotion order of environment names, shared by every page that lists them. Pure. */

/** Environment names as projects usually call them, in promotion order (development before production). */
const ENVIRONMENT_ORDER = ['development', 'dev', 'test', 'staging', 'canary', 'production', 'prod'];

/** `names` with the usual environments first, in promotion order, then the rest alphabetically. */
export function inEnvironmentOrder(names: Iterable<string>): string[] {
  const rank = (name: string) => {
    const at = ENVIRONMENT_ORDER.indexOf(name);
    return at === -1 ? ENVIRONMENT_ORDER.length : at;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
