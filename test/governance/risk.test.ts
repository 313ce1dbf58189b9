import { describe, expect, it } from 'vitest';
import { assessRisk, levelOfScore, maxTier, weakenedGuardrails } from '../../src/governance/risk.js';
import { guard, spec } from './specs.js';

function points(result: ReturnType<typeof assessRisk>): Record<string, number> {
  return Object.fromEntries(result.factors.map((f) => [f.factor, f.points]));
}

/** `base` with `n` new required string fields added to its input. */
function withRequired(n: number) {
  const fields = Array.from({ length: n }, (_, i) => `field${i}`);
  return spec({
    input: {
      schema: {
        type: 'object',
        properties: {
          text: { type: 'string' },
          ...Object.fromEntries(fields.map((f) => [f, { type: 'string' }])),
        },
        required: ['text', ...fields],
        additionalProperties: false,
      },
      default: {},
    },
  });
}

describe('levelOfScore', () => {
  it.each([
    [0, 'low'],
    [19, 'low'],
    [20, 'medium'],
    [44, 'medium'],
    [45, 'high'],
    [69, 'high'],
    [70, 'critical'],
    [100, 'critical'],
  ] as const)('%i is %s', (score, level) => {
    expect(levelOfScore(score)).toBe(level);
  });
});

describe('maxTier', () => {
  it('is the higher of two tiers, in either order', () => {
    expect(maxTier('low', 'high')).toBe('high');
    expect(maxTier('critical', 'medium')).toBe('critical');
    expect(maxTier('medium', 'medium')).toBe('medium');
  });
});

describe('assessRisk', () => {
  it('an unchanged spec at low tier scores 0 with no factors', () => {
    expect(assessRisk({ base: spec(), candidate: spec() })).toEqual({
      score: 0,
      scoreLevel: 'low',
      tier: 'low',
      level: 'low',
      factors: [],
    });
  });

  it('a first release adds new-prompt (10) and nothing compared with a base', () => {
    const result = assessRisk({ base: null, candidate: spec({ model: 'openai/gpt-4o' }) });
    expect(result.factors).toEqual([
      { factor: 'new-prompt', points: 10, detail: expect.stringContaining('first release') },
    ]);
    expect(result.score).toBe(10);
  });

  it.each([
    ['low', 0],
    ['medium', 10],
    ['high', 25],
    ['critical', 40],
  ] as const)('tier %s adds %i points', (tier, expected) => {
    const result = assessRisk({ base: spec({ risk: tier }), candidate: spec({ risk: tier }) });
    expect(result.score).toBe(expected);
    expect(points(result).tier).toBe(expected === 0 ? undefined : expected);
  });

  it("the tier is a floor on the level: a critical prompt's unchanged spec scores medium but is critical", () => {
    const result = assessRisk({ base: spec({ risk: 'critical' }), candidate: spec({ risk: 'critical' }) });
    expect(result).toMatchObject({ score: 40, scoreLevel: 'medium', tier: 'critical', level: 'critical' });
  });

  it('a high score raises the level above a low tier', () => {
    const result = assessRisk({
      base: spec(),
      candidate: { ...withRequired(1), template: 'Something else entirely.' },
      evalDelta: { passRateDelta: -0.3, regressed: 5 },
    });
    // breaking 20 + template 15 + eval 20 + regressed 10
    expect(result).toMatchObject({ score: 65, scoreLevel: 'high', tier: 'low', level: 'high' });
  });

  it.each([
    [1, 20],
    [2, 25],
    [3, 30],
    [4, 35],
    [6, 35],
  ])('%i breaking change(s) add %i points', (n, expected) => {
    const result = assessRisk({ base: spec(), candidate: withRequired(n) });
    expect(points(result)['breaking-contract']).toBe(expected);
    expect(result.factors[0]?.detail).toContain(`${n} breaking contract change(s)`);
  });

  it('adding an optional input field is not breaking', () => {
    const candidate = spec({
      input: {
        schema: {
          type: 'object',
          properties: { text: { type: 'string' }, tone: { type: 'string' } },
          required: ['text'],
          additionalProperties: false,
        },
        default: {},
      },
    });
    expect(assessRisk({ base: spec(), candidate }).factors).toEqual([]);
  });

  describe('guardrails', () => {
    const base = spec({
      inputGuardrails: [guard('prompt-injection', 'block')],
      outputGuardrails: [guard('pii', 'block'), guard('banned-terms', 'fallback', { terms: ['a', 'b'] })],
    });

    it('a removed guardrail adds 15', () => {
      const candidate = spec({
        inputGuardrails: base.promptops.guardrails.input,
        outputGuardrails: [base.promptops.guardrails.output[1]!],
      });
      const result = assessRisk({ base, candidate });
      expect(result.factors).toEqual([
        { factor: 'guardrails-weakened', points: 15, detail: 'output guardrail pii removed' },
      ]);
    });

    it('a downgraded action adds 15; an upgrade or a same-strength change adds nothing', () => {
      const downgraded = spec({
        inputGuardrails: [guard('prompt-injection', 'flag')],
        outputGuardrails: base.promptops.guardrails.output,
      });
      expect(assessRisk({ base, candidate: downgraded }).factors).toEqual([
        {
          factor: 'guardrails-weakened',
          points: 15,
          detail: 'input guardrail prompt-injection: block → flag',
        },
      ]);
      const sideways = spec({
        inputGuardrails: base.promptops.guardrails.input,
        outputGuardrails: [guard('pii', 'block'), guard('banned-terms', 'escalate', { terms: ['a', 'b'] })],
      });
      expect(assessRisk({ base, candidate: sideways }).factors).toEqual([]);
      expect(assessRisk({ base: downgraded, candidate: base }).factors).toEqual([]);
    });

    it('changed options add 5 (they may loosen the guardrail)', () => {
      const candidate = spec({
        inputGuardrails: base.promptops.guardrails.input,
        outputGuardrails: [guard('pii', 'block'), guard('banned-terms', 'fallback', { terms: ['a'] })],
      });
      expect(assessRisk({ base, candidate }).factors).toEqual([
        {
          factor: 'guardrails-weakened',
          points: 5,
          detail: 'output guardrail banned-terms: options changed',
        },
      ]);
    });

    it('the points add up per guardrail and are capped at 30', () => {
      const two = spec({ outputGuardrails: base.promptops.guardrails.output });
      expect(points(assessRisk({ base, candidate: two }))['guardrails-weakened']).toBe(15);
      const none = spec();
      const result = assessRisk({ base, candidate: none });
      expect(points(result)['guardrails-weakened']).toBe(30);
      expect(result.factors[0]?.detail.split('; ')).toHaveLength(3);
    });

    it('weakenedGuardrails tells removals and downgrades (weaker) from option changes, per stage', () => {
      const moved = spec({
        inputGuardrails: [],
        outputGuardrails: [
          guard('prompt-injection', 'block'),
          guard('pii', 'redact'),
          guard('banned-terms', 'fallback', { terms: ['b', 'a'] }),
        ],
      });
      expect(weakenedGuardrails(base, moved)).toEqual([
        { detail: 'input guardrail prompt-injection removed', weaker: true },
        { detail: 'output guardrail pii: block → redact', weaker: true },
        { detail: 'output guardrail banned-terms: options changed', weaker: false },
      ]);
      expect(weakenedGuardrails(base, base)).toEqual([]);
      // Added guardrails never weaken anything.
      expect(weakenedGuardrails(spec(), base)).toEqual([]);
    });

    it('the action strength order is block > fallback = escalate > redact > reask > flag', () => {
      const order = ['block', 'fallback', 'redact', 'reask', 'flag'] as const;
      for (let i = 0; i < order.length; i++) {
        for (let j = 0; j < order.length; j++) {
          const weaker = weakenedGuardrails(
            spec({ outputGuardrails: [guard('x', order[i]!)] }),
            spec({ outputGuardrails: [guard('x', order[j]!)] }),
          );
          expect(weaker.length, `${order[i]} → ${order[j]}`).toBe(j > i ? 1 : 0);
        }
      }
    });
  });

  describe('model', () => {
    it('another model of the same provider adds 10; another provider adds 15', () => {
      const same = assessRisk({ base: spec(), candidate: spec({ model: 'offline/scripted' }) });
      expect(same.factors).toEqual([
        { factor: 'model-change', points: 10, detail: 'model offline/echo → offline/scripted' },
      ]);
      const other = assessRisk({ base: spec(), candidate: spec({ model: 'openai/gpt-4o' }) });
      expect(other.factors).toEqual([
        {
          factor: 'model-change',
          points: 15,
          detail: 'model offline/echo → openai/gpt-4o (another provider)',
        },
      ]);
    });

    it('a missing model reads as (default)', () => {
      const result = assessRisk({
        base: spec({ model: undefined }),
        candidate: spec({ model: 'openai/gpt-4o' }),
      });
      expect(result.factors[0]?.detail).toBe('model (default) → openai/gpt-4o (another provider)');
    });

    it('a config change alone adds 3; with a model change only the model change counts', () => {
      const tuned = spec({ config: { temperature: 0.9 } });
      expect(assessRisk({ base: spec(), candidate: tuned }).factors).toEqual([
        { factor: 'model-config', points: 3, detail: 'model configuration changed' },
      ]);
      const both = spec({ model: 'offline/scripted', config: { temperature: 0.9 } });
      expect(Object.keys(points(assessRisk({ base: spec(), candidate: both })))).toEqual(['model-change']);
      // Key order is not a change.
      expect(
        assessRisk({ base: spec({ config: { a: 1, b: 2 } }), candidate: spec({ config: { b: 2, a: 1 } }) })
          .factors,
      ).toEqual([]);
    });
  });

  describe('template change ratio', () => {
    it('a completely rewritten template adds 15', () => {
      const result = assessRisk({ base: spec(), candidate: spec({ template: 'Something else.' }) });
      expect(result.factors).toEqual([
        { factor: 'template-change', points: 15, detail: '100% of template lines changed' },
      ]);
    });

    it('counts changed lines against all lines of both versions', () => {
      const base = spec({ template: 'l1\nl2\nl3\nl4' });
      // One line replaced: 1 removed + 1 added out of 3 kept + 2 = 40%.
      const result = assessRisk({ base, candidate: spec({ template: 'l1\nl2\nl3\nX' }) });
      expect(result.factors).toEqual([
        { factor: 'template-change', points: 6, detail: '40% of template lines changed' },
      ]);
    });

    it('line endings alone are no change; partials count as template', () => {
      const base = spec({ template: 'a\nb\n' });
      expect(assessRisk({ base, candidate: spec({ template: 'a\r\nb\r\n' }) }).factors).toEqual([]);
      const withPartial = spec({ template: 'a\nb\n', partials: { tone: 'Be brief.' } });
      const changedPartial = spec({ template: 'a\nb\n', partials: { tone: 'Be verbose.' } });
      expect(
        points(assessRisk({ base: withPartial, candidate: changedPartial }))['template-change'],
      ).toBeGreaterThan(0);
    });
  });

  describe('checks', () => {
    it('an untested candidate adds no-tests (10)', () => {
      expect(assessRisk({ base: spec(), candidate: spec(), untested: true }).factors).toEqual([
        { factor: 'no-tests', points: 10, detail: 'the prompt has no test suite' },
      ]);
      expect(points(assessRisk({ base: null, candidate: spec(), untested: true }))).toEqual({
        'new-prompt': 10,
        'no-tests': 10,
      });
    });

    it('a pass-rate drop adds a point per percentage point up to 20, and 2 per regressed case up to 10', () => {
      const result = assessRisk({
        base: spec(),
        candidate: spec(),
        evalDelta: { passRateDelta: -0.2, regressed: 3 },
      });
      expect(result.factors).toEqual([
        { factor: 'eval-regression', points: 20, detail: 'pass rate -20 pts vs production' },
        { factor: 'regressed-cases', points: 6, detail: '3 case(s) regressed' },
      ]);
      expect(result.score).toBe(26);
      expect(
        points(
          assessRisk({ base: spec(), candidate: spec(), evalDelta: { passRateDelta: -0.07, regressed: 0 } }),
        ),
      ).toEqual({
        'eval-regression': 7,
      });
      expect(
        points(
          assessRisk({ base: spec(), candidate: spec(), evalDelta: { passRateDelta: -0.9, regressed: 40 } }),
        ),
      ).toEqual({
        'eval-regression': 20,
        'regressed-cases': 10,
      });
    });

    it('an improvement adds nothing', () => {
      expect(
        assessRisk({ base: spec(), candidate: spec(), evalDelta: { passRateDelta: 0.05, regressed: 0 } })
          .factors,
      ).toEqual([]);
    });
  });

  it('the score is capped at 100', () => {
    const result = assessRisk({
      base: spec({ risk: 'critical', outputGuardrails: [guard('a', 'block'), guard('b', 'block')] }),
      candidate: {
        ...withRequired(5),
        model: 'openai/gpt-4o',
        template: 'Other.',
        promptops: { ...withRequired(5).promptops, risk: 'critical' },
      },
      untested: true,
      evalDelta: { passRateDelta: -0.5, regressed: 9 },
    });
    const sum = result.factors.reduce((s, f) => s + f.points, 0);
    expect(sum).toBeGreaterThan(100);
    expect(result).toMatchObject({ score: 100, scoreLevel: 'critical', level: 'critical' });
  });
});
