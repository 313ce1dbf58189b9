// The seeded generator of benign trigger-word prompts (scripts/injection-benign-triggers.ts): the
// bench measures over-blocking on its held-out half, so the halves must not share wording and the
// output must be reproducible.
import { describe, expect, it } from 'vitest';
import { synthesizeTriggerBenign } from '../../scripts/injection-benign-triggers.js';
import { prng } from '../../scripts/injection-synth.js';

describe('benign trigger-word generator', () => {
  it('is reproducible from its seed and fills every slot', () => {
    const a = synthesizeTriggerBenign(500, prng(7));
    expect(synthesizeTriggerBenign(500, prng(7))).toEqual(a);
    expect(synthesizeTriggerBenign(500, prng(8))).not.toEqual(a);
    for (const r of a) {
      expect(r.label).toBe(0);
      expect(r.text.trim().length).toBeGreaterThan(0);
      expect(r.text).not.toMatch(/[{}]|\[[^\]]*\|/);
    }
    expect(new Set(a.map((r) => r.text)).size).toBeGreaterThan(400);
  });

  it('splits its templates into a training half and a held-out half with no text in common', () => {
    const train = new Set(synthesizeTriggerBenign(3000, prng(1), 'train').map((r) => r.text));
    const heldOut = synthesizeTriggerBenign(3000, prng(2), 'held-out').map((r) => r.text);
    const shared = heldOut.filter((t) => train.has(t));
    // Templates differ between halves; only a rare slot-less coincidence could repeat a text.
    expect(shared.length).toBeLessThan(heldOut.length * 0.01);
    expect(new Set(heldOut).size).toBeGreaterThan(1000);
    // Trigger words really are there: the point is benign text that looks like an attack.
    const triggers =
      /\b(ignore|forget|override|bypass|instructions?|rules|system|prompt|pretend|act as|mode|secret|password|vergiss|ignorier)/i;
    expect(heldOut.filter((t) => triggers.test(t)).length).toBeGreaterThan(heldOut.length * 0.3);
  });
});
