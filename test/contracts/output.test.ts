import { describe, expect, it } from 'vitest';
import { checkOutput, compileOutputContract, extractJson } from '../../src/contracts/output.js';

const schema = {
  type: 'object',
  properties: {
    reply: { type: 'string' },
    escalate: { type: 'boolean' },
    category: { enum: ['billing', 'other'] },
  },
  required: ['reply', 'escalate', 'category'],
  additionalProperties: false,
};

describe('the output contract', () => {
  it('finds JSON in a fence, bare, or inside prose', () => {
    expect(extractJson('```json\n{"a":1}\n```')).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJson('  [1,2]  ')).toEqual({ ok: true, value: [1, 2] });
    expect(extractJson('Sure! Here it is: {"a":{"b":"}"}} hope it helps')).toEqual({
      ok: true,
      value: { a: { b: '}' } },
    });
    expect(extractJson('no json here').ok).toBe(false);
    expect(extractJson('{"a": 1').ok).toBe(false);
    expect(extractJson('').ok).toBe(false);
  });

  it('validates JSON answers against the schema and names each problem', () => {
    const compiled = compileOutputContract('json', schema, { reasks: 1 });
    expect(checkOutput('{"reply":"hi","escalate":false,"category":"billing"}', compiled)).toEqual({
      ok: true,
      value: { reply: 'hi', escalate: false, category: 'billing' },
    });
    const bad = checkOutput('{"reply":"hi","category":"refunds","mood":"sad"}', compiled);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems).toEqual(
        expect.arrayContaining([
          'escalate is required',
          'the answer has an unexpected field "mood"',
          'category must be one of "billing", "other"',
        ]),
      );
    }
  });

  it('checks text answers against maxChars and pattern, unicode included', () => {
    const compiled = compileOutputContract('text', null, { reasks: 0, maxChars: 10, pattern: '^\\p{Lu}' });
    expect(checkOutput('Élan', compiled)).toEqual({ ok: true, value: 'Élan' });
    const bad = checkOutput('lowercase and far too long', compiled);
    expect(bad).toEqual({
      ok: false,
      problems: ['the answer is 26 characters; at most 10 are allowed', 'the answer must match /^\\p{Lu}/'],
    });
    expect(checkOutput('', compileOutputContract('text', null, { reasks: 0 }))).toEqual({
      ok: true,
      value: '',
    });
  });
});
