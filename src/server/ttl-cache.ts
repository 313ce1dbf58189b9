/** Timed cache entries, kept in memory; keyed by a digest of a credential, never the credential itself. */
export class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  constructor(
    private readonly ttl: number,
    private readonly now: () => number = Date.now,
    private readonly capacity = 10_000,
  ) {}

  get(key: string): T | undefined {
    return this.entry(key)?.value;
  }

  /** The live entry for `key` with the time (ms since the epoch) it expires at. */
  entry(key: string): { value: T; until: number } | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit;
  }

  /** Keeps `value` for the cache's TTL, or until `notAfter` (ms since the epoch) if that is sooner. */
  set(key: string, value: T, notAfter = Number.POSITIVE_INFINITY): void {
    this.entries.delete(key);
    // Full: drop the oldest entry (Maps iterate in insertion order), never the whole cache.
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, until: Math.min(this.now() + this.ttl, notAfter) });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  deleteWhere(match: (key: string, value: T) => boolean): void {
    for (const [key, entry] of this.entries) if (match(key, entry.value)) this.entries.delete(key);
  }
}
