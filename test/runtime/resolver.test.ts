import { describe, expect, it } from 'vitest';
import type { VersionRef } from '../../src/catalog/ref.js';
import { VersionResolver } from '../../src/runtime/resolver.js';
import type { RegistryStore, VersionRecord } from '../../src/store/index.js';

/** A registry stand-in that counts reads; the real store is covered by test/store. */
function countingStore(versions: Record<string, number>) {
  const reads: string[] = [];
  let failing = false;
  const store = {
    async resolve(ref: VersionRef) {
      const key =
        ref.selector.kind === 'label'
          ? `${ref.prompt}:${ref.selector.label}`
          : ref.selector.kind === 'number'
            ? `${ref.prompt}@${ref.selector.number}`
            : ref.prompt;
      reads.push(key);
      if (failing) throw new Error('store down');
      const number = versions[key] ?? 1;
      return { prompt: ref.prompt, number, hash: `h${number}` } as VersionRecord;
    },
  } as unknown as RegistryStore;
  const fail = (v: boolean) => {
    failing = v;
  };
  return { store, reads, versions, fail };
}

const label = (prompt: string, l: string): VersionRef => ({ prompt, selector: { kind: 'label', label: l } });

describe('the version resolver cache', () => {
  it('keys by the exact reference: labels of one prompt and similar names never collide', async () => {
    const { store } = countingStore({
      'support:production': 3,
      'support:staging': 4,
      'support-v2:production': 9,
    });
    const resolver = new VersionResolver(store, 1000);
    expect((await resolver.resolve(label('support', 'production'))).number).toBe(3);
    expect((await resolver.resolve(label('support', 'staging'))).number).toBe(4);
    expect((await resolver.resolve(label('support-v2', 'production'))).number).toBe(9);
  });

  it('serves a label from cache, then stale while one refresh runs, then the new version', async () => {
    let now = 0;
    const fake = countingStore({ 'p:prod': 1 });
    const resolver = new VersionResolver(fake.store, 100, () => now);
    await resolver.resolve(label('p', 'prod'));
    await resolver.resolve(label('p', 'prod'));
    expect(fake.reads).toEqual(['p:prod']);
    fake.versions['p:prod'] = 2;
    now = 150;
    const stale = await Promise.all([
      resolver.resolve(label('p', 'prod')),
      resolver.resolve(label('p', 'prod')),
    ]);
    expect(stale.map((r) => r.number)).toEqual([1, 1]);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await resolver.resolve(label('p', 'prod'))).number).toBe(2);
    expect(fake.reads).toEqual(['p:prod', 'p:prod']);
  });

  it('keeps serving the last known good version when the store is down', async () => {
    let now = 0;
    const fake = countingStore({ 'p:prod': 5 });
    const resolver = new VersionResolver(fake.store, 100, () => now);
    await resolver.resolve(label('p', 'prod'));
    fake.fail(true);
    now = 500;
    expect((await resolver.resolve(label('p', 'prod'))).number).toBe(5);
    await new Promise((resolve) => setImmediate(resolve));
    expect((await resolver.resolve(label('p', 'prod'))).number).toBe(5);
  });

  it('caches numbered versions for good and invalidates exactly one reference', async () => {
    let now = 0;
    const fake = countingStore({});
    const resolver = new VersionResolver(fake.store, 100, () => now);
    const exact: VersionRef = { prompt: 'p', selector: { kind: 'number', number: 2 } };
    await resolver.resolve(exact);
    now = 1_000_000;
    await resolver.resolve(exact);
    expect(fake.reads).toEqual(['p@2']);
    await resolver.resolve(label('p', 'prod'));
    resolver.invalidate(label('p', 'prod'));
    await resolver.resolve(label('p', 'prod'));
    await resolver.resolve(exact);
    expect(fake.reads).toEqual(['p@2', 'p:prod', 'p:prod']);
  });
});
