import { describe, expect, it } from 'vitest';
import { PromptOpsError } from '../../src/errors.js';
import {
  ASSERTION_TYPES,
  ASSERTIONS,
  type AssertionContext,
  type AssertionSpec,
  gradeCase,
  runAssertion,
} from '../../src/eval/assertions/index.js';
import { gradedKey } from '../../src/eval/assertions/model-graded.js';

const ctx = (output: string, extra: Partial<AssertionContext> = {}): AssertionContext => ({
  output,
  vars: {},
  ...extra,
});
const run = (spec: AssertionSpec, output: string, extra: Partial<AssertionContext> = {}) =>
  runAssertion(spec, ctx(output, extra));

const schema = {
  type: 'object',
  properties: { reply: { type: 'string' }, escalate: { type: 'boolean' } },
  required: ['reply', 'escalate'],
  additionalProperties: false,
};

const measured = { latencyMs: 120, costUsd: 0.002 };
const guard = {
  blocked: true,
  guardrails: [
    { name: 'pii', isViolation: true, action: 'redact' },
    { name: 'secrets', isViolation: true, action: 'block' },
    { name: 'injection', isViolation: false, action: 'block' },
  ],
};

/** One passing and one failing case for every type; `not-` must flip each. */
const CASES: {
  spec: AssertionSpec;
  pass: [string, Partial<AssertionContext>?];
  fail: [string, Partial<AssertionContext>?];
}[] = [
  { spec: { type: 'equals', value: 'Hello' }, pass: ['Hello'], fail: ['hello'] },
  { spec: { type: 'equals', value: { a: [1, 2] } }, pass: ['{"a":[1,2]}'], fail: ['{"a":[2,1]}'] },
  { spec: { type: 'contains', value: 'refund' }, pass: ['your refund is on its way'], fail: ['your Refund'] },
  { spec: { type: 'icontains', value: 'REFUND' }, pass: ['your Refund'], fail: ['no money back'] },
  { spec: { type: 'contains-any', value: ['cat', 'dog'] }, pass: ['a dog'], fail: ['a bird'] },
  { spec: { type: 'contains-all', value: ['cat', 'dog'] }, pass: ['cat and dog'], fail: ['a cat'] },
  { spec: { type: 'icontains-any', value: 'Cat, Dog' }, pass: ['A DOG'], fail: ['a bird'] },
  { spec: { type: 'icontains-all', value: ['Cat', 'DOG'] }, pass: ['CAT and dog'], fail: ['CAT'] },
  { spec: { type: 'starts-with', value: 'Dear' }, pass: ['Dear Ana,'], fail: [' Dear Ana'] },
  { spec: { type: 'regex', value: '^\\d{3}-\\d{4}$' }, pass: ['555-1234'], fail: ['555-12345'] },
  { spec: { type: 'is-json' }, pass: [' {"a":1} '], fail: ['here: {"a":1}'] },
  {
    spec: { type: 'is-json', value: schema },
    pass: ['{"reply":"hi","escalate":false}'],
    fail: ['{"reply":"hi"}'],
  },
  { spec: { type: 'contains-json' }, pass: ['Sure! {"a":1} done'], fail: ['no json here'] },
  {
    spec: { type: 'contains-json', value: schema },
    pass: ['```json\n{"reply":"hi","escalate":true}\n```'],
    fail: ['```json\n{"reply":1,"escalate":true}\n```'],
  },
  {
    spec: { type: 'json-schema', value: schema },
    pass: ['{"reply":"x","escalate":true}'],
    fail: ['{"reply":"x","extra":1}'],
  },
  { spec: { type: 'javascript', value: 'output.length < 5' }, pass: ['abc'], fail: ['abcdef'] },
  { spec: { type: 'levenshtein', value: 'kitten', threshold: 3 }, pass: ['sitting'], fail: ['puppies'] },
  {
    spec: { type: 'rouge-n', value: 'the cat sat on the mat' },
    pass: ['the cat sat on a mat'],
    fail: ['a dog ran'],
  },
  {
    spec: { type: 'similar', value: 'the quick brown fox' },
    pass: ['the quick brown fox jumps'],
    fail: ['lorem ipsum'],
  },
  { spec: { type: 'latency', threshold: 200 }, pass: ['x', measured], fail: ['x', { latencyMs: 500 }] },
  { spec: { type: 'cost', threshold: 0.01 }, pass: ['x', measured], fail: ['x', { costUsd: 0.5 }] },
  {
    spec: { type: 'guardrail', value: { blocked: true, guardrail: 'secrets' } },
    pass: ['', guard],
    fail: ['', {}],
  },
  {
    spec: { type: 'llm-rubric', value: 'is polite' },
    pass: [
      'x',
      { graded: { [gradedKey('llm-rubric', 'is polite')]: { pass: true, score: 0.9, reason: 'polite' } } },
    ],
    fail: [
      'x',
      { graded: { [gradedKey('llm-rubric', 'is polite')]: { pass: false, score: 0.1, reason: 'rude' } } },
    ],
  },
  {
    spec: { type: 'g-eval', value: 'coherent' },
    pass: [
      'x',
      { graded: { [gradedKey('g-eval', 'coherent')]: { pass: true, score: 0.8, reason: 'coherent' } } },
    ],
    fail: [
      'x',
      { graded: { [gradedKey('g-eval', 'coherent')]: { pass: true, score: 0.5, reason: 'rambling' } } },
    ],
  },
];

const failingScore = (spec: AssertionSpec, [output, extra]: [string, Partial<AssertionContext>?]) =>
  run(spec, output, extra).score;

describe('every assertion type', () => {
  it('has a case here for every registered type', () => {
    const covered = new Set(CASES.map((c) => c.spec.type));
    expect([...ASSERTIONS.keys()].filter((t) => !covered.has(t))).toEqual([]);
  });

  for (const { spec, pass, fail } of CASES) {
    const label = `${spec.type} ${JSON.stringify(spec.value ?? spec.threshold ?? '')}`.slice(0, 80);
    it(`${label}: passes and fails, and not- inverts both`, () => {
      const ok = run(spec, pass[0], pass[1]);
      expect(ok.pass).toBe(true);
      expect(ok.score).toBeGreaterThan(failingScore(spec, fail));
      expect(ok.reason).toBeTruthy();
      const bad = run(spec, fail[0], fail[1]);
      expect(bad.pass).toBe(false);
      expect(bad.score).toBeLessThan(1);

      const negated = { ...spec, type: `not-${spec.type}` };
      const notOk = run(negated, pass[0], pass[1]);
      expect(notOk.pass).toBe(false);
      expect(notOk.score).toBeCloseTo(1 - ok.score);
      expect(notOk.reason).toMatch(/^not: /);
      const notBad = run(negated, fail[0], fail[1]);
      expect(notBad.pass).toBe(true);
      expect(notBad.score).toBeCloseTo(1 - bad.score);
    });
  }
});

describe('text assertions', () => {
  it('treats precomposed and decomposed accents as the same text', () => {
    expect(run({ type: 'equals', value: 'café' }, 'cafe\u0301').pass).toBe(true);
    expect(run({ type: 'icontains', value: 'ÉCOLE' }, "l'e\u0301cole").pass).toBe(true);
    expect(run({ type: 'contains', value: '🎉' }, 'party 🎉!').pass).toBe(true);
  });

  it('handles an empty answer', () => {
    expect(run({ type: 'contains', value: 'x' }, '').pass).toBe(false);
    expect(run({ type: 'equals', value: '' }, '').pass).toBe(true);
    expect(run({ type: 'regex', value: '^$' }, '').pass).toBe(true);
  });

  it('matches unicode patterns with the u flag and still accepts legacy escapes', () => {
    expect(run({ type: 'regex', value: '^\\p{Lu}' }, 'Élan').pass).toBe(true);
    expect(run({ type: 'regex', value: '^.$' }, '😀').pass).toBe(true);
    expect(run({ type: 'regex', value: 'a\\-b' }, 'a-b').pass).toBe(true);
  });

  it('names what is missing from contains-all', () => {
    expect(run({ type: 'contains-all', value: ['a', 'zz', 'yy'] }, 'abc').reason).toContain('["zz","yy"]');
  });

  it('rejects malformed values with a usage error', () => {
    expect(() => run({ type: 'regex', value: '(' }, 'x')).toThrow(/invalid pattern/);
    expect(() => run({ type: 'contains', value: { a: 1 } }, 'x')).toThrow(/needs a string/);
    expect(() => run({ type: 'contains-any', value: [] }, 'x')).toThrow(/non-empty list/);
    expect(() => run({ type: 'contains' }, 'x')).toThrow(PromptOpsError);
  });

  it('accepts numbers as text values', () => {
    expect(run({ type: 'contains', value: 42 }, 'the answer is 42').pass).toBe(true);
  });
});

describe('JSON assertions', () => {
  it('reports invalid JSON', () => {
    expect(run({ type: 'is-json' }, '{"a":').reason).toMatch(/not valid JSON/);
    expect(run({ type: 'is-json' }, '').pass).toBe(false);
    expect(run({ type: 'json-schema', value: schema }, 'nope').reason).toMatch(/no valid JSON/);
  });

  it('explains schema mismatches with the output contract messages', () => {
    const r = run({ type: 'json-schema', value: schema }, '{"reply":"x"}');
    expect(r.reason).toContain('escalate is required');
  });

  it('validates the run’s parsed value when there is one', () => {
    const r = run({ type: 'json-schema', value: schema }, 'prose', {
      parsed: { reply: 'x', escalate: false },
    });
    expect(r.pass).toBe(true);
  });

  it('rejects a missing or invalid schema', () => {
    expect(() => run({ type: 'json-schema' }, '{}')).toThrow(/JSON Schema object/);
    expect(() => run({ type: 'json-schema', value: { type: 'nonsense' } }, '{}')).toThrow(
      /invalid JSON Schema/,
    );
  });
});

describe('javascript assertions', () => {
  it('accepts a function body with return and sees the context', () => {
    const spec = {
      type: 'javascript',
      value: 'const n = Number(output);\nreturn n === context.vars.expected;',
    };
    expect(runAssertion(spec, { output: '7', vars: { expected: 7 } }).pass).toBe(true);
    expect(run({ type: 'javascript', value: 'context.latencyMs < 100' }, 'x', { latencyMs: 50 }).pass).toBe(
      true,
    );
  });

  it('reads a number as the score, passing above 0 or at the threshold', () => {
    expect(run({ type: 'javascript', value: '0.3' }, 'x')).toMatchObject({ pass: true, score: 0.3 });
    expect(run({ type: 'javascript', value: '0' }, 'x')).toMatchObject({ pass: false, score: 0 });
    expect(run({ type: 'javascript', value: '0.3', threshold: 0.5 }, 'x')).toMatchObject({
      pass: false,
      score: 0.3,
    });
    expect(run({ type: 'javascript', value: 'output.length / 10', threshold: 0.5 }, 'hello').pass).toBe(true);
  });

  it('accepts a grading result object', () => {
    const r = run({ type: 'javascript', value: "({ pass: false, score: 0.25, reason: 'too short' })" }, 'x');
    expect(r).toEqual({ pass: false, score: 0.25, reason: 'too short' });
  });

  it('stops an endless loop at its time limit with a failed result', () => {
    // The reason proves the 100 ms limit stopped it; without the limit the test would never return.
    const r = run({ type: 'javascript', value: 'while(true){}' }, 'x');
    expect(r.pass).toBe(false);
    expect(r.reason).toMatch(/longer than 100 ms/);
    // An ungradable result fails in the negated form too.
    expect(run({ type: 'not-javascript', value: 'while(true){}' }, 'x').pass).toBe(false);
  });

  it('does not count time the machine spent elsewhere against the 100 ms limit', () => {
    // Atomics.wait holds the script for 300 ms of wall-clock time using no CPU, as a busy machine
    // that does not schedule the process does.
    const held = 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300), 0.5';
    expect(run({ type: 'javascript', value: held }, 'x')).toMatchObject({ pass: true, score: 0.5 });
    // A script held for ever is still stopped, and fails.
    const forever = run(
      { type: 'javascript', value: 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)' },
      'x',
    );
    expect(forever.pass).toBe(false);
    expect(forever.reason).toMatch(/longer than 100 ms/);
  }, 60_000);

  it('stops an endless loop hidden in a getter or a promise', () => {
    const getter = run({ type: 'javascript', value: '({ get pass() { for(;;){} } })' }, 'x');
    expect(getter.pass).toBe(false);
    const micro = run(
      { type: 'javascript', value: 'Promise.resolve().then(() => { for(;;){} }), true' },
      'x',
    );
    expect(micro.pass).toBe(false);
  });

  it('cannot reach require, process or the host realm', () => {
    for (const code of [
      "typeof require === 'undefined' && typeof process === 'undefined' && typeof globalThis.process === 'undefined'",
    ])
      expect(run({ type: 'javascript', value: code }, 'x').pass).toBe(true);
    for (const code of [
      'require("fs")',
      'process.exit(1)',
      "context.constructor.constructor('return process')().exit(1)",
      "output.constructor.constructor('return process')()",
      "eval('1')",
    ]) {
      const r = run({ type: 'javascript', value: code }, 'x');
      expect(r.pass).toBe(false);
      expect(r.reason).toMatch(/threw/);
    }
  });

  it('turns errors and odd results into failed results, never a crash', () => {
    expect(run({ type: 'javascript', value: 'throw new Error("boom")' }, 'x').reason).toContain('boom');
    expect(run({ type: 'javascript', value: 'output.' }, 'x').reason).toMatch(/does not compile/);
    expect(run({ type: 'javascript', value: "'a string'" }, 'x').reason).toMatch(/returned string/);
    expect(run({ type: 'javascript', value: 'undefined' }, 'x').pass).toBe(false);
    expect(run({ type: 'javascript', value: '0/0' }, 'x').reason).toMatch(/not finite/);
    expect(run({ type: 'javascript', value: 'throw { get message() { for(;;){} } }' }, 'x').pass).toBe(false);
  });

  it('does not expand templates in code; vars arrive as data', () => {
    const r = runAssertion(
      { type: 'javascript', value: "'{{x}}' === '{{x}}' && context.vars.x === 'a'" },
      { output: '', vars: { x: 'a' } },
    );
    expect(r.pass).toBe(true);
  });
});

describe('similarity assertions', () => {
  it('levenshtein defaults to a distance of 5 and counts an emoji as one edit', () => {
    expect(run({ type: 'levenshtein', value: 'abcdefgh' }, 'abc').pass).toBe(true);
    expect(run({ type: 'levenshtein', value: 'abcdefghi' }, 'abc').pass).toBe(false);
    expect(run({ type: 'levenshtein', value: 'hi 😀', threshold: 1 }, 'hi 😃').pass).toBe(true);
    expect(run({ type: 'levenshtein', value: 'x', threshold: 1 }, '').pass).toBe(true);
  });

  it('rouge-n scores unigram recall against a threshold (default 0.75)', () => {
    const r = run({ type: 'rouge-n', value: 'one two three four' }, 'one two three');
    expect(r).toMatchObject({ pass: true, score: 0.75 });
    expect(run({ type: 'rouge-n', value: 'one two three four', threshold: 0.8 }, 'one two three').pass).toBe(
      false,
    );
    expect(run({ type: 'rouge-n', value: 'Große Straße' }, 'die große straße').pass).toBe(true);
    expect(run({ type: 'rouge-n', value: 'a b' }, '').score).toBe(0);
  });

  it('similar is lexical cosine similarity', () => {
    expect(run({ type: 'similar', value: 'b a' }, 'a b').score).toBe(1);
    expect(run({ type: 'similar', value: 'a b', threshold: 0.7 }, 'a c').score).toBe(0.5);
    expect(run({ type: 'similar', value: 'a b' }, '').pass).toBe(false);
    expect(run({ type: 'similar', value: '東京 大阪' }, '東京 大阪').pass).toBe(true);
  });

  it('fails in either form when the expected text has no words', () => {
    for (const type of ['rouge-n', 'not-rouge-n', 'similar', 'not-similar'])
      expect(run({ type, value: '!!!' }, 'hello').pass).toBe(false);
  });
});

describe('performance assertions', () => {
  it('passes at exactly the threshold', () => {
    expect(run({ type: 'latency', threshold: 120 }, '', { latencyMs: 120 }).pass).toBe(true);
    expect(run({ type: 'cost', threshold: 0.002 }, '', { costUsd: 0.002 }).pass).toBe(true);
  });

  it('fails in either form when the measurement is missing', () => {
    expect(run({ type: 'latency', threshold: 10 }, '').reason).toMatch(/no latency measurement/);
    expect(run({ type: 'not-latency', threshold: 10 }, '').pass).toBe(false);
    expect(run({ type: 'cost', threshold: 1 }, '', { costUsd: null }).reason).toMatch(/no cost measurement/);
    expect(run({ type: 'not-cost', threshold: 1 }, '', { costUsd: null }).pass).toBe(false);
  });

  it('requires a threshold', () => {
    expect(() => run({ type: 'latency' }, '', { latencyMs: 1 })).toThrow(/needs a threshold/);
  });
});

describe('guardrail assertions', () => {
  it('with no value, passes when the run was not blocked', () => {
    expect(run({ type: 'guardrail' }, '').pass).toBe(true);
    expect(run({ type: 'guardrail' }, '', guard).pass).toBe(false);
  });

  it('checks a named guardrail fired, and that it blocked when blocked is true', () => {
    expect(run({ type: 'guardrail', value: { guardrail: 'pii' } }, '', guard).pass).toBe(true);
    expect(run({ type: 'guardrail', value: { guardrail: 'injection' } }, '', guard).pass).toBe(false);
    const r = run({ type: 'guardrail', value: { blocked: true, guardrail: 'pii' } }, '', guard);
    expect(r.reason).toMatch(/did not block/);
    expect(run({ type: 'not-guardrail', value: { guardrail: 'injection' } }, '', guard).pass).toBe(true);
  });

  it('rejects a malformed value', () => {
    expect(() => run({ type: 'guardrail', value: { blockd: true } }, '')).toThrow(/blocked\?: boolean/);
    expect(() => run({ type: 'guardrail', value: 'pii' }, '')).toThrow(PromptOpsError);
  });
});

describe('thresholds', () => {
  it('are refused on types that do not use one', () => {
    expect(() => run({ type: 'contains', value: 'a', threshold: 0.5 }, 'a')).toThrow(/takes no threshold/);
    expect(() => run({ type: 'similar', value: 'a', threshold: Number.NaN }, 'a')).toThrow(/finite number/);
  });
});

describe('templates in values', () => {
  it('expands {{name}} and {{a.b}} with the case vars', () => {
    const vars = { name: 'Ana', user: { city: 'Lisboa', n: 3 }, list: ['x'] };
    expect(
      runAssertion({ type: 'contains', value: 'Hello {{ name }}' }, { output: 'Hello Ana!', vars }).pass,
    ).toBe(true);
    expect(
      runAssertion({ type: 'equals', value: '{{user.city}}/{{user.n}}' }, { output: 'Lisboa/3', vars }).pass,
    ).toBe(true);
    expect(
      runAssertion(
        { type: 'contains-all', value: ['{{name}}', '{{user.city}}'] },
        { output: 'Ana, Lisboa', vars },
      ).pass,
    ).toBe(true);
    expect(runAssertion({ type: 'equals', value: '{{list}}' }, { output: '["x"]', vars }).pass).toBe(true);
    expect(
      runAssertion(
        { type: 'guardrail', value: { guardrail: '{{g}}' } },
        { output: '', vars: { g: 'pii' }, ...guard },
      ).pass,
    ).toBe(true);
  });

  it('leaves an unknown placeholder as written and never reads prototypes', () => {
    const r = runAssertion(
      { type: 'equals', value: '{{missing}} {{constructor}}' },
      { output: 'x', vars: {} },
    );
    expect(r.reason).toContain('{{missing}} {{constructor}}');
  });
});

describe('unknown types', () => {
  it('throws a usage error with a suggestion', () => {
    let error: unknown;
    try {
      run({ type: 'contians', value: 'x' }, 'x');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PromptOpsError);
    expect((error as PromptOpsError).code).toBe('PO_ERR_USAGE');
    expect((error as PromptOpsError).message).toContain('did you mean "contains"?');
    expect(() => run({ type: 'not-icontain' }, 'x')).toThrow(/did you mean "not-icontains"/);
    expect(() => run({ type: 'not-' }, 'x')).toThrow(/unknown assertion type/);
  });

  it('lists every type and its negation for lint', () => {
    expect(ASSERTION_TYPES).toContain('rouge-n');
    expect(ASSERTION_TYPES).toContain('not-rouge-n');
    expect(ASSERTION_TYPES.length).toBe(ASSERTIONS.size * 2);
  });
});

describe('grading a case', () => {
  it('weights scores and passes only when every counted assertion passes', () => {
    const g = gradeCase(
      [
        { type: 'contains', value: 'a', weight: 3, metric: 'content' },
        { type: 'contains', value: 'zzz' },
        { type: 'contains', value: 'zzz', weight: 0 },
      ],
      ctx('abc'),
    );
    expect(g.score).toBe(0.75);
    expect(g.pass).toBe(false);
    expect(g.results).toHaveLength(3);
    expect(g.results[0]).toMatchObject({ type: 'contains', weight: 3, metric: 'content', pass: true });
    expect(g.results[1]).not.toHaveProperty('metric');
  });

  it('reports weight-0 assertions without letting them fail the case', () => {
    const g = gradeCase(
      [
        { type: 'contains', value: 'a' },
        { type: 'contains', value: 'zzz', weight: 0 },
      ],
      ctx('abc'),
    );
    expect(g).toMatchObject({ pass: true, score: 1 });
    expect(g.results[1]?.pass).toBe(false);
  });

  it('passes a case with nothing counted', () => {
    expect(gradeCase([], ctx('x'))).toEqual({ pass: true, score: 1, results: [] });
  });

  it('rejects a negative weight', () => {
    expect(() => gradeCase([{ type: 'contains', value: 'a', weight: -1 }], ctx('a'))).toThrow(
      /weight of 0 or more/,
    );
  });

  it('uses partial scores from graded types', () => {
    const g = gradeCase(
      [
        { type: 'rouge-n', value: 'one two three four', threshold: 0.5 },
        { type: 'javascript', value: '1' },
      ],
      ctx('one two'),
    );
    expect(g).toMatchObject({ pass: true, score: 0.75 });
  });
});

describe('text assertions in detail', () => {
  it('keeps contains, contains-any and contains-all case-sensitive, and says so only for the i- forms', () => {
    expect(run({ type: 'contains', value: 'Refund' }, 'your refund')).toEqual({
      pass: false,
      score: 0,
      reason: 'the answer does not contain "Refund"',
    });
    expect(run({ type: 'icontains', value: 'Refund' }, 'no money')).toMatchObject({
      pass: false,
      reason: 'the answer does not contain "Refund" (ignoring case)',
    });
    expect(run({ type: 'contains-any', value: ['Cat', 'Dog'] }, 'a cat and a dog')).toEqual({
      pass: false,
      score: 0,
      reason: 'the answer contains none of ["Cat","Dog"]',
    });
    expect(run({ type: 'icontains-any', value: ['Cat', 'Dog'] }, 'a bird')).toMatchObject({
      pass: false,
      reason: 'the answer contains none of ["Cat","Dog"] (ignoring case)',
    });
    expect(run({ type: 'contains-all', value: ['Cat', 'dog'] }, 'a cat and a dog')).toEqual({
      pass: false,
      score: 0,
      reason: 'the answer is missing ["Cat"]',
    });
    expect(run({ type: 'icontains-all', value: ['Cat', 'Dog'] }, 'a cat')).toMatchObject({
      pass: false,
      reason: 'the answer is missing ["Dog"] (ignoring case)',
    });
  });

  it('says which value it found, and that it found all', () => {
    expect(run({ type: 'contains', value: 'dog' }, 'a dog').reason).toBe('the answer contains "dog"');
    expect(run({ type: 'contains-any', value: ['cat', 'dog'] }, 'a dog').reason).toBe(
      'the answer contains "dog"',
    );
    expect(run({ type: 'contains-all', value: ['cat', 'dog'] }, 'cat, dog').reason).toBe(
      'the answer contains all of ["cat","dog"]',
    );
  });

  it('reads a comma-separated list, ignoring blanks around and between the items', () => {
    expect(run({ type: 'contains-all', value: ' cat , ,dog, ' }, 'cat and dog').pass).toBe(true);
    expect(run({ type: 'contains-all', value: 'cat,dog' }, 'cat').reason).toBe(
      'the answer is missing ["dog"]',
    );
    expect(() => run({ type: 'contains-all', value: ' , ' }, 'x')).toThrow(/non-empty list/);
    expect(() => run({ type: 'contains-any', value: 42 }, 'x')).toThrow(/non-empty list/);
    expect(() => run({ type: 'contains-any', value: [{}] }, 'x')).toThrow(/needs a string/);
    expect(run({ type: 'contains-any', value: [7] }, 'room 7').pass).toBe(true);
  });

  it('finds listed values written with decomposed accents', () => {
    expect(run({ type: 'contains-all', value: ['cafe\u0301', 'the'] }, 'the café').pass).toBe(true);
    expect(run({ type: 'contains-any', value: ['cafe\u0301'] }, 'un café').pass).toBe(true);
    expect(run({ type: 'starts-with', value: 'cafe\u0301' }, 'café au lait').pass).toBe(true);
  });

  it('compares equals exactly, naming what it expected and what it got', () => {
    expect(run({ type: 'equals', value: 'Hello' }, 'Hello ')).toEqual({
      pass: false,
      score: 0,
      reason: 'expected "Hello", got "Hello "',
    });
    expect(run({ type: 'equals', value: 'Hello' }, 'Hello').reason).toBe('the answer equals "Hello"');
  });

  it('compares a JSON value with the run’s parsed value first, then with the answer', () => {
    expect(run({ type: 'equals', value: { a: 1 } }, 'prose', { parsed: { a: 1 } }).pass).toBe(true);
    expect(run({ type: 'equals', value: { a: 1 } }, '{"a":1}', { parsed: { a: 2 } })).toEqual({
      pass: false,
      score: 0,
      reason: 'expected the JSON {"a":1}, got {"a":2}',
    });
    expect(run({ type: 'equals', value: [1] }, 'not json')).toEqual({
      pass: false,
      score: 0,
      reason: 'expected the JSON [1], but the answer is not JSON',
    });
    expect(run({ type: 'equals', value: { a: 1 } }, '{"a":1}').reason).toBe(
      'the answer equals the expected JSON',
    );
    expect(() => run({ type: 'equals', value: null }, 'null')).toThrow(/needs a string/);
  });

  it('shows how the answer starts when starts-with fails', () => {
    expect(run({ type: 'starts-with', value: 'Dear' }, 'Hello there, Ana, how are you')).toEqual({
      pass: false,
      score: 0,
      reason: 'the answer does not start with "Dear"; it starts with "Hello there, A"',
    });
    expect(run({ type: 'starts-with', value: 'Dear' }, 'Dear Ana').reason).toBe(
      'the answer starts with "Dear"',
    );
  });

  it('names the pattern in a regex verdict and applies it anywhere in the answer', () => {
    expect(run({ type: 'regex', value: '\\d+' }, 'order 66 done')).toEqual({
      pass: true,
      score: 1,
      reason: 'the answer matches /\\d+/',
    });
    expect(run({ type: 'regex', value: '^\\d+$' }, 'order 66')).toEqual({
      pass: false,
      score: 0,
      reason: 'the answer does not match /^\\d+$/',
    });
    expect(run({ type: 'regex', value: '\\d' }, 'x').pass).toBe(false);
    expect(run({ type: 'regex', value: '\\d' }, 'x').pass).toBe(false);
    expect(() => run({ type: 'regex', value: '[' }, 'x')).toThrow(
      'assertion "regex" has an invalid pattern /[/',
    );
  });
});

describe('JSON assertions in detail', () => {
  it('gives json-schema a failing verdict, not only a reason, when the JSON does not match', () => {
    expect(run({ type: 'json-schema', value: schema }, '{"reply":"x"}')).toEqual({
      pass: false,
      score: 0,
      reason: expect.stringMatching(/^the JSON does not match the schema: .*escalate is required/),
    });
    expect(run({ type: 'json-schema', value: schema }, '{"reply":"x","escalate":true}')).toEqual({
      pass: true,
      score: 1,
      reason: 'the answer is JSON and matches the schema',
    });
  });

  it('checks the run’s parsed value rather than the text when there is one', () => {
    expect(
      run({ type: 'json-schema', value: schema }, '{"reply":"x","escalate":true}', { parsed: { reply: 'x' } })
        .pass,
    ).toBe(false);
  });

  it('finds the JSON in a fenced answer for json-schema and contains-json', () => {
    const fenced = 'Here you go:\n```json\n{"reply":"x","escalate":false}\n```';
    expect(run({ type: 'json-schema', value: schema }, fenced).pass).toBe(true);
    expect(run({ type: 'contains-json', value: schema }, fenced)).toEqual({
      pass: true,
      score: 1,
      reason: 'the answer contains JSON and matches the schema',
    });
    expect(run({ type: 'contains-json', value: schema }, 'Sure: {"reply":1}')).toMatchObject({
      pass: false,
      reason: expect.stringMatching(/^the JSON does not match the schema/),
    });
    expect(run({ type: 'contains-json' }, 'Sure: {"a":1}').reason).toBe('the answer contains JSON');
  });

  it('checks is-json against a schema when one is given', () => {
    expect(run({ type: 'is-json', value: schema }, '{"reply":"x","escalate":true}').reason).toBe(
      'the answer is valid JSON and matches the schema',
    );
    expect(run({ type: 'is-json', value: schema }, '{"reply":"x"}').pass).toBe(false);
    expect(run({ type: 'is-json' }, '[1]').reason).toBe('the answer is valid JSON');
  });

  it('says what is wrong with a schema that is not an object, naming the assertion', () => {
    expect(() => run({ type: 'is-json', value: [1] }, '{}')).toThrow(
      'assertion "is-json" needs a JSON Schema object as its value',
    );
    expect(() => run({ type: 'contains-json', value: 'x' }, '{}')).toThrow(
      /"contains-json" needs a JSON Schema/,
    );
    expect(() => run({ type: 'json-schema', value: null }, '{}')).toThrow(/JSON Schema object/);
    expect(() => run({ type: 'contains-json', value: { type: 'nonsense' } }, '{}')).toThrow(
      'assertion "contains-json" has an invalid JSON Schema',
    );
  });

  it('reuses one schema object across cases with the same verdicts', () => {
    const shared = { type: 'object', required: ['a'] };
    expect(run({ type: 'is-json', value: shared }, '{"a":1}').pass).toBe(true);
    expect(run({ type: 'is-json', value: shared }, '{"b":1}').pass).toBe(false);
    expect(run({ type: 'is-json', value: shared }, '{"a":2}').pass).toBe(true);
  });
});

describe('what a JSON or text assertion says when it cannot be graded', () => {
  it('fails json-schema when the answer holds no JSON', () => {
    expect(run({ type: 'json-schema', value: schema }, 'no json at all')).toMatchObject({
      pass: false,
      score: 0,
    });
  });

  it('lists every schema problem, separated', () => {
    expect(run({ type: 'json-schema', value: schema }, '{"extra":1}').reason).toBe(
      'the JSON does not match the schema: reply is required; escalate is required; the answer has an unexpected field "extra"',
    );
  });

  it('treats is-json without a schema (or with null) as a plain JSON check', () => {
    expect(run({ type: 'is-json', value: null }, '{"b":1}')).toEqual({
      pass: true,
      score: 1,
      reason: 'the answer is valid JSON',
    });
  });

  it('counts JSON wrapped in a byte-order mark or non-breaking spaces as JSON', () => {
    expect(run({ type: 'is-json' }, '\uFEFF{"a":1}\u00A0').pass).toBe(true);
    expect(run({ type: 'is-json', value: { type: 'object' } }, '\u00A0{"a":1}\u00A0').pass).toBe(true);
  });

  it('names the assertion whose value is malformed, with what it got', () => {
    expect(() => run({ type: 'json-schema', value: 'x' }, '{}')).toThrow(
      'assertion "json-schema" needs a JSON Schema object as its value, got "x"',
    );
    expect(() => run({ type: 'json-schema' }, '{}')).toThrow(
      'assertion "json-schema" needs a JSON Schema object as its value, got nothing',
    );
    for (const type of ['equals', 'starts-with', 'regex', 'contains', 'icontains']) {
      expect(() => run({ type }, 'x')).toThrow(
        `assertion "${type}" needs a string as its value, got nothing`,
      );
    }
    for (const type of ['contains-any', 'contains-all', 'icontains-any', 'icontains-all']) {
      expect(() => run({ type, value: [] }, 'x')).toThrow(
        `assertion "${type}" needs a non-empty list of strings (or a comma-separated string) as its value, got []`,
      );
    }
  });

  it('puts the assertion type and the bad pattern or schema in the error details', () => {
    const thrown = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err as PromptOpsError;
      }
      throw new Error('expected an error');
    };
    expect(thrown(() => run({ type: 'regex', value: '(' }, 'x'))).toMatchObject({
      code: 'PO_ERR_USAGE',
      details: { type: 'regex', value: '(' },
    });
    expect(thrown(() => run({ type: 'is-json', value: { type: 'nonsense' } }, '{}'))).toMatchObject({
      code: 'PO_ERR_USAGE',
      details: { type: 'is-json' },
    });
  });
});
