import type { VersionRef } from '../catalog/ref.js';
import { formatVersionRef } from '../catalog/ref.js';
import type { RegistryStore, VersionRecord } from '../store/index.js';

interface Entry {
  record: VersionRecord;
  fetchedAt: number;
  refreshing: boolean;
}

/**
 * Resolves references to versions with a cache keyed by the exact reference (`name@3`,
 * `name:production`, `name`), never by prefix. A numbered version is immutable and cached for
 * good; a label or `latest` is served from cache for `ttlMs`, then served stale while one
 * background refresh runs; if the refresh fails the last known good version keeps being served.
 */
export class VersionResolver {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: RegistryStore,
    private readonly ttlMs = 2_000,
    private readonly now: () => number = Date.now,
  ) {}

  async resolve(ref: VersionRef): Promise<VersionRecord> {
    const key = formatVersionRef(ref);
    const entry = this.entries.get(key);
    if (entry) {
      const isMoving = ref.selector.kind !== 'number';
      if (isMoving && !entry.refreshing && this.now() - entry.fetchedAt > this.ttlMs) {
        entry.refreshing = true;
        this.store
          .resolve(ref)
          .then((record) => this.entries.set(key, { record, fetchedAt: this.now(), refreshing: false }))
          .catch(() => {
            entry.refreshing = false;
            entry.fetchedAt = this.now();
          });
      }
      return entry.record;
    }
    const record = await this.store.resolve(ref);
    this.entries.set(key, { record, fetchedAt: this.now(), refreshing: false });
    return record;
  }

  /** Drops exactly one reference (after a label move made here), so the next call reads the store. */
  invalidate(ref: VersionRef): void {
    this.entries.delete(formatVersionRef(ref));
  }
}
