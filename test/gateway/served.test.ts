/**
 * What a gateway serves from its snapshots (src/gateway/served.ts): the stable version, a canary by
 * sticky key at its weight, exact versions only when released, and clear errors otherwise.
 */
import { describe, expect, it } from 'vitest';
import type { PromptSpec } from '../../src/catalog/spec.js';
import { ServedPrompts } from '../../src/gateway/served.js';
import type { EnvironmentSnapshot } from '../../src/governance/environment-snapshot.js';

const spec = (name: string, n: number) => ({ name, template: `v${n}` }) as unknown as PromptSpec;
const hash = (n: number) => String(n).repeat(64).slice(0, 64);

function snapshot(environment: string, revision: number, canaryWeight: number | null): EnvironmentSnapshot {
  return {
    environment,
    revision,
    prompts: [
      {
        prompt: 'support-reply',
        stable: { number: 1, hash: hash(1), spec: spec('support-reply', 1) },
        canary:
          canaryWeight === null
            ? null
            : { number: 2, hash: hash(2), spec: spec('support-reply', 2), weight: canaryWeight },
      },
    ],
  };
}

describe('ServedPrompts', () => {
  it('serves a canary at 20% to 20% ± 2% of 10,000 sticky keys, each key always the same arm', () => {
    const served = new ServedPrompts('acme');
    served.replace(snapshot('production', 7, 20));
    let canary = 0;
    for (let i = 0; i < 10_000; i++) {
      const first = served.pick('support-reply', 'production', `user-${i}`);
      const again = served.pick('support-reply', 'production', `user-${i}`);
      expect(again.arm).toBe(first.arm);
      expect(first.record.number).toBe(first.arm === 'canary' ? 2 : 1);
      if (first.arm === 'canary') canary++;
    }
    expect(canary / 10_000).toBeGreaterThanOrEqual(0.18);
    expect(canary / 10_000).toBeLessThanOrEqual(0.22);
  });

  it('serves the stable version alone when no canary runs, and a new snapshot at once', () => {
    const served = new ServedPrompts('acme');
    served.replace(snapshot('production', 1, null));
    expect(served.pick('support-reply', 'production', 'user-42')).toMatchObject({ arm: 'stable' });
    served.replace(snapshot('production', 2, 100));
    const pick = served.pick('support-reply', 'production', 'user-42');
    expect(pick).toMatchObject({ arm: 'canary', environment: 'production' });
    expect(pick.record).toMatchObject({ prompt: 'support-reply', number: 2, hash: hash(2) });
  });

  it('keeps the record of an unchanged version across snapshots (its compiled form stays cached)', () => {
    const served = new ServedPrompts('acme');
    served.replace(snapshot('production', 1, null));
    const before = served.pick('support-reply', 'production').record;
    served.replace(snapshot('production', 2, 10));
    expect(served.pick('support-reply', 'production', 'user-1').record).toBe(before);
  });

  it('serves an exact version only when an environment serves it', () => {
    const served = new ServedPrompts('acme');
    served.replace(snapshot('staging', 3, 50));
    expect(served.version('support-reply', 2)?.hash).toBe(hash(2));
    expect(served.version('support-reply', 3)).toBeUndefined();
    expect(served.version('other', 1)).toBeUndefined();
  });

  it('says an environment has no snapshot yet apart from a prompt it does not serve', () => {
    const served = new ServedPrompts('acme');
    expect(() => served.pick('support-reply', 'production')).toThrow(
      expect.objectContaining({ code: 'PO_ERR_GATEWAY_NOT_READY' }),
    );
    served.replace(snapshot('production', 1, null));
    expect(() => served.pick('summarize', 'production')).toThrow(
      expect.objectContaining({
        code: 'PO_ERR_PROMPT_NOT_FOUND',
        details: { prompt: 'summarize', environment: 'production' },
      }),
    );
  });
});
