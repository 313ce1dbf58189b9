import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { armOf, BUCKETS, bucketOf, canaryBuckets } from '../../src/gateway/canary.js';
import { REPO } from '../helpers.js';

/** The vector table of docs/gateway.md: prompt, sticky key, bucket, arm at 20 %. */
function publishedVectors(): { prompt: string; key: string; bucket: number; arm: string }[] {
  const page = readFileSync(path.join(REPO, 'docs', 'gateway.md'), 'utf8');
  return page
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim()))
    .filter((cells) => cells.length === 6 && /^\d+$/.test(cells[3]!))
    .map(([, prompt, key, bucket, arm]) => ({
      prompt: prompt!.replace(/`/g, ''),
      key: key === '(empty)' ? '' : key!.replace(/`/g, ''),
      bucket: Number(bucket),
      arm: arm!,
    }));
}

/** A small seeded generator, so a failing key can be found again. */
function keys(count: number, seed = 1): string[] {
  let state = seed;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    out.push(`user-${state.toString(36)}-${i}`);
  }
  return out;
}

describe('canary routing', () => {
  it('routes exactly as the vectors docs/gateway.md publishes', () => {
    const vectors = publishedVectors();
    expect(vectors.length).toBeGreaterThanOrEqual(8);
    for (const v of vectors) {
      expect(bucketOf(v.prompt, v.key), `${v.prompt}:${v.key}`).toBe(v.bucket);
      expect(armOf(v.prompt, v.key, 20), `${v.prompt}:${v.key}`).toBe(v.arm);
    }
  });

  it('hashes with MurmurHash3 x86 32-bit over UTF-8, as written from its specification here', () => {
    // The reference implementation below checks itself on MurmurHash3's published vectors first.
    expect(murmur3(new TextEncoder().encode(''))).toBe(0);
    expect(murmur3(new TextEncoder().encode('hello'))).toBe(0x248bfa47);
    expect(murmur3(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))).toBe(0x2e4ff723);
    expect(murmur3(new TextEncoder().encode('Hello, world!'), 0x9747b28c)).toBe(0x24884cba);
    for (const k of [...keys(1_000, 11), 'zoë', '日本語', '🙂', 'a:b']) {
      expect(bucketOf('support-reply', k), k).toBe(
        murmur3(new TextEncoder().encode(`support-reply:${k}`)) % BUCKETS,
      );
    }
  });

  it('serves 20 % ± 2 % of 10,000 sticky keys from the canary, each key always the same arm', () => {
    const all = keys(10_000);
    const canary = all.filter((k) => armOf('support-reply', k, 20) === 'canary');
    expect(canary.length / all.length).toBeGreaterThanOrEqual(0.18);
    expect(canary.length / all.length).toBeLessThanOrEqual(0.22);
    for (const k of all.slice(0, 500))
      expect(armOf('support-reply', k, 20)).toBe(armOf('support-reply', k, 20));
  });

  it('never moves a key from the canary back to stable when the weight rises', () => {
    const weights = [0, 0.01, 1, 5, 10, 20, 33.3, 50, 75, 99, 99.99, 100];
    for (const k of keys(2_000, 7)) {
      const arms = weights.map((w) => armOf('support-reply', k, w));
      const first = arms.indexOf('canary');
      if (first >= 0)
        expect(
          arms.slice(first).every((a) => a === 'canary'),
          k,
        ).toBe(true);
      expect(arms[0]).toBe('stable');
      expect(arms.at(-1)).toBe('canary');
    }
  });

  it('gives the canary the buckets below round(weight × 100), not the one at it', () => {
    expect(bucketOf('support-reply', 'user-42')).toBe(932);
    expect(armOf('support-reply', 'user-42', 9.32)).toBe('stable');
    expect(armOf('support-reply', 'user-42', 9.33)).toBe('canary');
  });

  it('splits each prompt on its own', () => {
    const all = keys(2_000, 3);
    const a = new Set(all.filter((k) => armOf('support-reply', k, 50) === 'canary'));
    const both = all.filter((k) => a.has(k) && armOf('summarize', k, 50) === 'canary').length;
    // Independent halves overlap on about a quarter of the keys, not on all or none of them.
    expect(both / all.length).toBeGreaterThan(0.2);
    expect(both / all.length).toBeLessThan(0.3);
  });

  it('gives the canary no bucket at 0 or a weight that is not a number, and all of them at 100 or more', () => {
    expect(canaryBuckets(0)).toBe(0);
    expect(canaryBuckets(-5)).toBe(0);
    expect(canaryBuckets(Number.NaN)).toBe(0);
    expect(canaryBuckets(0.01)).toBe(1);
    expect(canaryBuckets(20)).toBe(2_000);
    expect(canaryBuckets(100)).toBe(BUCKETS);
    expect(canaryBuckets(150)).toBe(BUCKETS);
  });
});

/** MurmurHash3 x86 32-bit, from Austin Appleby's specification: the independent reference. */
function murmur3(data: Uint8Array, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const mix = (k: number) => Math.imul(((Math.imul(k, c1) << 15) | (Math.imul(k, c1) >>> 17)) >>> 0, c2);
  let h = seed >>> 0;
  const tail = data.length & ~3;
  for (let i = 0; i < tail; i += 4) {
    const k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    h ^= mix(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const rest = data.length & 3;
  if (rest === 3) k ^= data[tail + 2]! << 16;
  if (rest >= 2) k ^= data[tail + 1]! << 8;
  if (rest >= 1) h ^= mix(k ^ data[tail]!);
  h ^= data.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
