import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePrompt } from '../../src/catalog/parse.js';
import type { JsonSchema, PromptSpec } from '../../src/catalog/spec.js';
import {
  type ContractViolation,
  compileInputContract,
  enforceInput,
  INPUT_LIMITS,
} from '../../src/contracts/input.js';
import { PromptOpsError } from '../../src/errors.js';
import { defaultProjectConfig } from '../../src/project/config.js';
import { parseContext } from '../../src/project/parse-context.js';
import { EXAMPLES } from '../helpers.js';

async function exampleSpec(name: string): Promise<PromptSpec> {
  const source = await readFile(path.join(EXAMPLES, 'prompts', `${name}.prompt`), 'utf8');
  const result = await parsePrompt(
    source,
    `${name}.prompt`,
    parseContext(defaultProjectConfig(), new Map([['tone', 'x']])),
  );
  return result.spec!;
}

function contractOf(spec: PromptSpec, policy?: 'reject' | 'coerce') {
  const contract = policy ? { ...spec.promptops.contract, policy } : spec.promptops.contract;
  return compileInputContract(spec.input.schema, spec.input.default, contract);
}

function violationsOf(fn: () => unknown): ContractViolation[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PromptOpsError);
    expect((err as PromptOpsError).code).toBe('PO_ERR_CONTRACT_VIOLATION');
    return (err as PromptOpsError).details.violations as ContractViolation[];
  }
  throw new Error('expected a contract violation');
}

const support = await exampleSpec('support-reply');
const refund = await exampleSpec('refund-decision');
const extractor = await exampleSpec('contract-extractor');
const validSupport = () => ({
  customer: { name: 'Dana', tier: 'pro' },
  message: 'Charged twice',
  history: [{ role: 'agent', text: 'hi' }],
});

describe('the input contract under reject', () => {
  const compiled = contractOf(support, 'reject');

  it('accepts a valid input and fills declared defaults, recording them', () => {
    const { value, mutations } = enforceInput(validSupport(), compiled, 'support-reply@1');
    expect(value.channel).toBe('email');
    expect(mutations).toEqual([{ path: 'channel', rule: 'default', before: undefined, after: 'email' }]);
  });

  it('names every failing field with what was expected and what it got', () => {
    const violations = violationsOf(() =>
      enforceInput(
        { customer: { name: 'Dana', tier: 'gold' }, channel: 'fax', history: [{ role: 'bot', text: 3 }] },
        compiled,
        'support-reply@1',
      ),
    );
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'message', rule: 'required' }),
        expect.objectContaining({
          path: 'customer.tier',
          rule: 'enum',
          expected: ['free', 'pro', 'enterprise'],
          got: '"gold"',
        }),
        expect.objectContaining({ path: 'channel', rule: 'enum' }),
        expect.objectContaining({ path: 'history.0.role', rule: 'enum' }),
        expect.objectContaining({ path: 'history.0.text', rule: 'type', got: '3' }),
      ]),
    );
  });

  it('rejects unknown fields when the schema closes the object', () => {
    const violations = violationsOf(() =>
      enforceInput({ ...validSupport(), coupon: 'FREE' }, compiled, 'support-reply@1'),
    );
    expect(violations).toEqual([expect.objectContaining({ path: 'coupon', rule: 'unknown-field' })]);
  });

  it('does not coerce types: "45" is not an integer', () => {
    const violations = violationsOf(() =>
      enforceInput(
        { orderId: 'A', product: 'p', daysSincePurchase: '45', amount: 1, reason: 'r' },
        contractOf(refund),
        'refund-decision@1',
      ),
    );
    expect(violations).toEqual([
      expect.objectContaining({ path: 'daysSincePurchase', rule: 'type', expected: 'integer' }),
    ]);
  });

  it('enforces maxChars, notBlank and maxInputChars', () => {
    const long = 'x'.repeat(4001);
    const violations = violationsOf(() =>
      enforceInput({ ...validSupport(), message: long }, compiled, 'support-reply@1'),
    );
    expect(violations).toEqual([
      expect.objectContaining({ path: 'message', rule: 'maxChars', expected: 4000, got: 4001 }),
    ]);
    expect(violationsOf(() => enforceInput({ document: '   ' }, contractOf(extractor), 'x'))).toEqual([
      expect.objectContaining({ path: 'document', rule: 'notBlank' }),
    ]);
    const big = violationsOf(() =>
      enforceInput({ document: 'y'.repeat(60_001) }, contractOf(extractor), 'x'),
    );
    expect(big).toEqual([expect.objectContaining({ rule: 'maxInputChars', expected: 60_000 })]);
  });

  it('never changes the caller’s object', () => {
    const input = { customer: { name: ' Dana ', tier: 'pro' }, message: '  hi  ' };
    const copy = structuredClone(input);
    enforceInput(input, contractOf(support, 'coerce'), 'support-reply@1');
    expect(input).toEqual(copy);
  });

  it('says what is wrong with an input that is not an object', () => {
    for (const bad of [null, 'text', 42, [1, 2]]) {
      expect(violationsOf(() => enforceInput(bad, compiled, 'x'))).toEqual([
        expect.objectContaining({ path: '', rule: 'type' }),
      ]);
    }
  });
});

describe('formats in an input schema', () => {
  const schema = {
    type: 'object',
    properties: { email: { type: 'string', format: 'email' }, at: { type: 'string', format: 'date-time' } },
    required: ['email'],
  };

  it('checks them, with nothing printed on stderr', () => {
    const written: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => written.push(args.join(' '));
    try {
      const compiled = compileInputContract(schema, {}, { ...support.promptops.contract, policy: 'reject' });
      expect(
        enforceInput({ email: 'dana@example.com', at: '2026-12-07T10:00:00Z' }, compiled, 'x').value,
      ).toEqual({
        email: 'dana@example.com',
        at: '2026-12-07T10:00:00Z',
      });
      expect(
        violationsOf(() => enforceInput({ email: 'not an address', at: 'yesterday' }, compiled, 'x')),
      ).toEqual([
        expect.objectContaining({ path: 'email', rule: 'format' }),
        expect.objectContaining({ path: 'at', rule: 'format' }),
      ]);
    } finally {
      console.warn = warn;
    }
    expect(written).toEqual([]);
  });
});

describe('violations read the way a person would say them', () => {
  const schema = {
    type: 'object',
    properties: {
      maxWords: { type: ['integer', 'null'] },
      count: { type: 'integer', minimum: 1, maximum: 10 },
      code: { type: 'string', minLength: 3, maxLength: 5, pattern: '^[A-Z]+$' },
      tags: { type: 'array', minItems: 1, uniqueItems: true },
    },
  };
  const compiled = compileInputContract(schema, {}, { ...support.promptops.contract, policy: 'reject' });
  const messages = (input: unknown) =>
    violationsOf(() => enforceInput(input, compiled, 'x')).map((v) => `${v.path} ${v.message}`);

  it('names types, bounds, lengths and patterns in words', () => {
    expect(messages({ maxWords: 'ten', count: 0, code: 'ab', tags: [] })).toEqual([
      'maxWords must be an integer or null (got "ten")',
      'count must be at least 1 (got 0)',
      'code must be at least 3 characters long (got "ab")',
      'code must match the pattern ^[A-Z]+$ (got "ab")',
      'tags must have at least 1 item (got an array of 0)',
    ]);
    expect(messages({ count: 11, code: 'ABCDEF', tags: ['a', 'a'] })).toEqual([
      'count must be at most 10 (got 11)',
      'code must be at most 5 characters long (got "ABCDEF")',
      'tags must not repeat items (items 0 and 1 are the same) (got an array of 2)',
    ]);
  });
});

describe('the input contract under coerce', () => {
  const compiled = contractOf(support, 'coerce');

  it('repairs what it can and records each mutation with path, before, after and rule', () => {
    const { value, mutations } = enforceInput(
      { customer: { name: 'Dana', tier: 'pro', vip: true }, message: `  ${'m'.repeat(5000)}  `, extra: 1 },
      compiled,
      'support-reply@1',
    );
    expect((value.message as string).length).toBe(4000);
    expect(value).not.toHaveProperty('extra');
    expect(value.customer).toEqual({ name: 'Dana', tier: 'pro' });
    expect(mutations).toEqual([
      { path: 'channel', rule: 'default', before: undefined, after: 'email' },
      { path: 'message', rule: 'trim', before: `  ${'m'.repeat(5000)}  `, after: 'm'.repeat(5000) },
      { path: 'message', rule: 'truncate', before: '5000 chars', after: '4000 chars' },
      { path: 'customer.vip', rule: 'remove-unknown', before: true, after: undefined },
      { path: 'extra', rule: 'remove-unknown', before: 1, after: undefined },
    ]);
  });

  it('coerces types safely and records it', () => {
    const { value, mutations } = enforceInput(
      { orderId: 'A', product: 'p', daysSincePurchase: '45', amount: '12.5', reason: 'r' },
      contractOf(refund, 'coerce'),
      'refund-decision@1',
    );
    expect(value.daysSincePurchase).toBe(45);
    expect(value.amount).toBe(12.5);
    expect(mutations).toEqual([
      { path: 'daysSincePurchase', rule: 'coerce-type', before: '45', after: 45 },
      { path: 'amount', rule: 'coerce-type', before: '12.5', after: 12.5 },
    ]);
  });

  it('lists every violation it cannot repair, not only the first', () => {
    const violations = violationsOf(() =>
      enforceInput({ customer: { name: 'D', tier: 'gold' }, message: 'x', channel: 'fax' }, compiled, 'x'),
    );
    expect(violations.map((v) => `${v.path} ${v.rule}`)).toEqual(['customer.tier enum', 'channel enum']);
  });

  it('still rejects what cannot be repaired', () => {
    const violations = violationsOf(() =>
      enforceInput({ customer: { name: 'D', tier: 'gold' }, message: 'x' }, compiled, 'support-reply@1'),
    );
    expect(violations).toEqual([expect.objectContaining({ path: 'customer.tier', rule: 'enum' })]);
  });
});

describe('hostile input', () => {
  const compiled = contractOf(support, 'reject');

  it('rejects a 1 MB input cleanly', () => {
    const violations = violationsOf(() =>
      enforceInput({ ...validSupport(), message: 'z'.repeat(1_048_576) }, compiled, 'x'),
    );
    expect(violations[0]).toMatchObject({ rule: 'maxSize' });
  });

  it('rejects deep nesting without overflowing the stack', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`);
    const violations = violationsOf(() => enforceInput(deep, compiled, 'x'));
    expect(violations[0]).toMatchObject({ rule: 'maxDepth' });
  });

  it('keeps __proto__ and constructor keys as harmless data', () => {
    const hostile = JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"customer":{"name":"D","tier":"pro","__proto__":{"isAdmin":true}},"message":"hi"}',
    );
    const violations = violationsOf(() => enforceInput(hostile, compiled, 'x'));
    expect(violations.map((v) => v.path).sort()).toEqual(['__proto__', 'constructor', 'customer.__proto__']);
    const { value, mutations } = enforceInput(hostile, contractOf(support, 'coerce'), 'x');
    expect(
      mutations
        .filter((m) => m.rule === 'remove-unknown')
        .map((m) => m.path)
        .sort(),
    ).toEqual(['__proto__', 'constructor', 'customer.__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(value.customer)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe('field rules and limits at their edges', () => {
  type Fields = PromptSpec['promptops']['contract']['fields'];
  const contract = (policy: 'reject' | 'coerce', fields: Fields, maxInputChars?: number) => ({
    policy,
    fields,
    output: support.promptops.contract.output,
    ...(maxInputChars === undefined ? {} : { maxInputChars }),
  });
  const open = { type: 'object', properties: { message: { type: 'string' } } };
  const closed = { ...open, additionalProperties: false };
  const rules = { message: { maxChars: 10, truncate: true, trim: true, notBlank: true } };

  it('accepts a value exactly at maxChars and rejects one character more, naming both lengths', () => {
    const compiled = compileInputContract(open, {}, contract('reject', rules));
    expect(enforceInput({ message: 'x'.repeat(10) }, compiled, 'x')).toEqual({
      value: { message: 'x'.repeat(10) },
      mutations: [],
    });
    expect(violationsOf(() => enforceInput({ message: 'x'.repeat(11) }, compiled, 'x'))).toEqual([
      {
        path: 'message',
        rule: 'maxChars',
        message: 'is 11 characters; the limit is 10',
        expected: 10,
        got: 11,
      },
    ]);
  });

  it('does not truncate under reject even when the rule says truncate', () => {
    const compiled = compileInputContract(open, {}, contract('reject', rules));
    expect(violationsOf(() => enforceInput({ message: 'y'.repeat(12) }, compiled, 'x'))).toEqual([
      expect.objectContaining({ path: 'message', rule: 'maxChars' }),
    ]);
  });

  it('measures maxChars after trimming, and leaves a value at the limit untouched under coerce', () => {
    const compiled = compileInputContract(open, {}, contract('coerce', rules));
    const { value, mutations } = enforceInput({ message: `  ${'z'.repeat(10)}  ` }, compiled, 'x');
    expect(value).toEqual({ message: 'z'.repeat(10) });
    expect(mutations).toEqual([
      { path: 'message', rule: 'trim', before: `  ${'z'.repeat(10)}  `, after: 'z'.repeat(10) },
    ]);
  });

  it('applies a rule on a nested field at its dotted path, and skips it when the field is absent', () => {
    const schema = { type: 'object', properties: { customer: { type: 'object' } } };
    const compiled = compileInputContract(
      schema,
      {},
      contract('reject', { 'customer.name': { trim: true, notBlank: true } }),
    );
    expect(enforceInput({ customer: { name: ' Dana ' } }, compiled, 'x').value).toEqual({
      customer: { name: 'Dana' },
    });
    expect(enforceInput({ customer: {} }, compiled, 'x').value).toEqual({ customer: {} });
    expect(violationsOf(() => enforceInput({ customer: { name: ' ' } }, compiled, 'x'))).toEqual([
      { path: 'customer.name', rule: 'notBlank', message: 'must not be blank' },
    ]);
  });

  it('does not let a null become an empty string that slips past notBlank under coerce', () => {
    // Ajv's coercion turns null into "" for a string field; notBlank must still refuse it.
    const compiled = compileInputContract(open, {}, contract('coerce', rules));
    expect(violationsOf(() => enforceInput({ message: null }, compiled, 'x'))).toEqual([
      { path: 'message', rule: 'notBlank', message: 'must not be blank' },
    ]);
  });

  it('holds a number coerced to text to maxChars, truncating it when the rule says so', () => {
    const strictLength = compileInputContract(open, {}, contract('coerce', { message: { maxChars: 3 } }));
    expect(violationsOf(() => enforceInput({ message: 123456 }, strictLength, 'x'))).toEqual([
      expect.objectContaining({ path: 'message', rule: 'maxChars', expected: 3, got: 6 }),
    ]);
    const truncating = compileInputContract(open, {}, contract('coerce', rules));
    const { value, mutations } = enforceInput({ message: 123456789012 }, truncating, 'x');
    expect(value).toEqual({ message: '1234567890' });
    expect(mutations).toEqual([
      { path: 'message', rule: 'coerce-type', before: 123456789012, after: '123456789012' },
      { path: 'message', rule: 'truncate', before: '12 chars', after: '10 chars' },
    ]);
  });

  it('keeps a null in a field that allows null under coerce', () => {
    const nullable = { type: 'object', properties: { note: { type: ['string', 'null'] } } };
    const compiled = compileInputContract(nullable, {}, contract('coerce', { note: { notBlank: true } }));
    expect(enforceInput({ note: null }, compiled, 'x')).toEqual({ value: { note: null }, mutations: [] });
  });

  it('keeps unknown fields of an open schema under coerce, and removes them from a closed one', () => {
    const input = { message: 'hi', extra: { deep: 1 } };
    const kept = enforceInput(input, compileInputContract(open, {}, contract('coerce', {})), 'x');
    expect(kept).toEqual({ value: input, mutations: [] });
    const removed = enforceInput(input, compileInputContract(closed, {}, contract('coerce', {})), 'x');
    expect(removed).toEqual({
      value: { message: 'hi' },
      mutations: [{ path: 'extra', rule: 'remove-unknown', before: { deep: 1 }, after: undefined }],
    });
  });

  it('removes unknown fields inside array items under coerce, naming the item', () => {
    const { value, mutations } = enforceInput(
      {
        ...validSupport(),
        history: [
          { role: 'agent', text: 'hi' },
          { role: 'customer', text: 'yo', at: 1 },
        ],
      },
      contractOf(support, 'coerce'),
      'x',
    );
    expect(value.history).toEqual([
      { role: 'agent', text: 'hi' },
      { role: 'customer', text: 'yo' },
    ]);
    expect(mutations).toContainEqual({
      path: 'history[1].at',
      rule: 'remove-unknown',
      before: 1,
      after: undefined,
    });
  });

  it('records a type coercion inside an array item at its path', () => {
    const { value, mutations } = enforceInput(
      { ...validSupport(), history: [{ role: 'agent', text: 42 }] },
      contractOf(support, 'coerce'),
      'x',
    );
    expect(value.history).toEqual([{ role: 'agent', text: '42' }]);
    expect(mutations).toContainEqual({
      path: 'history[0].text',
      rule: 'coerce-type',
      before: 42,
      after: '42',
    });
  });

  it('accepts input exactly at maxInputChars and rejects one character more', () => {
    // maxInputChars counts the characters of the input's JSON text: keys and string values.
    const compiled = compileInputContract(open, {}, contract('reject', {}, 17));
    expect(enforceInput({ message: 'x'.repeat(10) }, compiled, 'x').value).toEqual({
      message: 'x'.repeat(10),
    });
    expect(violationsOf(() => enforceInput({ message: 'x'.repeat(11) }, compiled, 'x'))).toEqual([
      {
        path: '',
        rule: 'maxInputChars',
        message: 'holds 18 characters of text; the limit is 17',
        expected: 17,
        got: 18,
      },
    ]);
  });

  it('gives each filled default its own copy, so one request cannot change the next one’s default', () => {
    const schema = { type: 'object', properties: { tags: { type: 'array' } } };
    const compiled = compileInputContract(schema, { tags: ['a'] }, contract('reject', {}));
    const first = enforceInput({}, compiled, 'x').value;
    (first.tags as string[]).push('changed');
    expect(enforceInput({}, compiled, 'x').value).toEqual({ tags: ['a'] });
    expect(enforceInput({ tags: ['b'] }, compiled, 'x')).toEqual({ value: { tags: ['b'] }, mutations: [] });
  });
});

describe('hostile input at the limits', () => {
  const noRules = { policy: 'reject' as const, fields: {}, output: support.promptops.contract.output };
  const free = compileInputContract(null, {}, noRules);
  const nested = (levels: number): unknown => {
    let node: unknown = 'leaf';
    for (let i = 0; i < levels; i++) node = { a: node };
    return node;
  };

  it('accepts nesting exactly maxDepth deep and rejects one level more, saying how deep', () => {
    expect(enforceInput(nested(INPUT_LIMITS.maxDepth), free, 'x').value).toEqual(
      nested(INPUT_LIMITS.maxDepth),
    );
    expect(violationsOf(() => enforceInput(nested(INPUT_LIMITS.maxDepth + 1), free, 'x'))).toEqual([
      {
        path: '',
        rule: 'maxDepth',
        message: 'is nested 33 levels deep; the limit is 32',
        expected: 32,
      },
    ]);
  });

  it('accepts exactly maxChars characters and rejects one more, saying how many', () => {
    // One character of key plus the value: the count covers everything the caller sent.
    const atLimit = { m: 'x'.repeat(INPUT_LIMITS.maxChars - 1) };
    expect(enforceInput(atLimit, free, 'x').value.m).toHaveLength(INPUT_LIMITS.maxChars - 1);
    expect(violationsOf(() => enforceInput({ m: `${atLimit.m}x` }, free, 'x'))).toEqual([
      {
        path: '',
        rule: 'maxSize',
        message: 'holds 1000001 characters; the limit is 1000000',
        expected: 1_000_000,
      },
    ]);
  });

  it('counts the strings in arrays but not their positions', () => {
    const compiled = compileInputContract(null, {}, { ...noRules, maxInputChars: 5 });
    expect(enforceInput({ l: ['ab', 'cd'] }, compiled, 'x').value).toEqual({ l: ['ab', 'cd'] });
  });
});

describe('what a violation says', () => {
  const compiled = contractOf(support, 'reject');

  it('joins every violation into one message naming the prompt', () => {
    expect(() => enforceInput({ customer: { tier: 'pro' } }, compiled, 'support-reply@2')).toThrow(
      'input for support-reply@2 breaks its contract: message is required but missing; customer.name is required but missing',
    );
    expect(() => enforceInput([], compiled, 'support-reply@2')).toThrow(
      'input for support-reply@2 breaks its contract: (input) must be a JSON object of named inputs',
    );
  });

  it('describes what it got without echoing long text', () => {
    const got = (input: unknown) => violationsOf(() => enforceInput(input, compiled, 'x'))[0]?.got;
    expect(got(null)).toBe('null');
    expect(got('text')).toBe('"text"');
    expect(got(42)).toBe('42');
    expect(got([1, 2])).toBe('an array of 2');
    const typed = (message: unknown) =>
      violationsOf(() => enforceInput({ ...validSupport(), customer: message }, compiled, 'x'));
    expect(typed('s'.repeat(40))[0]).toMatchObject({ got: JSON.stringify('s'.repeat(40)) });
    expect(typed('s'.repeat(41))[0]).toMatchObject({
      got: 'a 41-character string',
      message: 'must be an object (got a 41-character string)',
    });
    expect(typed(null)[0]).toMatchObject({ got: 'null' });
    expect(typed([])[0]).toMatchObject({ got: 'an array of 0' });
    expect(typed(true)[0]).toMatchObject({ got: 'true' });
  });

  it('names an unknown nested field and a missing one at their dotted paths', () => {
    const violations = violationsOf(() =>
      enforceInput({ ...validSupport(), customer: { tier: 'pro', vip: true } }, compiled, 'x'),
    );
    expect(violations).toEqual([
      { path: 'customer.name', rule: 'required', message: 'is required but missing' },
      { path: 'customer.vip', rule: 'unknown-field', message: 'is not an input of this prompt' },
    ]);
  });

  it('names fields whose names hold "/" or "~" as written', () => {
    const schema = {
      type: 'object',
      properties: {
        'a/b': { type: 'string' },
        'c~d': { type: 'object', properties: { e: { type: 'string' } } },
      },
    };
    const odd = compileInputContract(schema, {}, { ...support.promptops.contract, policy: 'reject' });
    expect(
      violationsOf(() => enforceInput({ 'a/b': 1, 'c~d': { e: 2 } }, odd, 'x')).map((v) => v.path),
    ).toEqual(['a/b', 'c~d.e']);
  });

  it('lists the alternatives of anyOf, not the anyOf itself', () => {
    const schema = {
      type: 'object',
      properties: { id: { anyOf: [{ type: 'string' }, { type: 'integer' }] } },
    };
    const either = compileInputContract(schema, {}, { ...support.promptops.contract, policy: 'reject' });
    expect(violationsOf(() => enforceInput({ id: true }, either, 'x')).map((v) => v.rule)).toEqual([
      'type',
      'type',
    ]);
  });
});

describe('the input contract in detail', () => {
  const contract = (
    policy: 'reject' | 'coerce',
    fields: PromptSpec['promptops']['contract']['fields'] = {},
  ) => ({
    policy,
    fields,
    output: support.promptops.contract.output,
  });
  const violationsFor = (schema: JsonSchema, input: unknown, policy: 'reject' | 'coerce' = 'reject') =>
    violationsOf(() => enforceInput(input, compileInputContract(schema, {}, contract(policy)), 'x'));

  it('reports a blank or too long value once under coerce', () => {
    const compiled = compileInputContract(
      { type: 'object', properties: { message: { type: 'string' }, title: { type: 'string' } } },
      {},
      contract('coerce', { message: { notBlank: true }, title: { maxChars: 3 } }),
    );
    expect(violationsOf(() => enforceInput({ message: ' ', title: 'long' }, compiled, 'x'))).toEqual([
      { path: 'message', rule: 'notBlank', message: 'must not be blank' },
      expect.objectContaining({ path: 'title', rule: 'maxChars' }),
    ]);
  });

  it('records a default from the schema filled in under coerce as a default', () => {
    const schema = {
      type: 'object',
      properties: {
        options: { type: 'object', default: { tone: 'warm' } },
        n: { type: 'integer', default: 3 },
      },
    };
    const { value, mutations } = enforceInput({}, compileInputContract(schema, {}, contract('coerce')), 'x');
    expect(value).toEqual({ options: { tone: 'warm' }, n: 3 });
    expect(mutations).toEqual([
      { path: 'options', rule: 'default', before: undefined, after: { tone: 'warm' } },
      { path: 'n', rule: 'default', before: undefined, after: 3 },
    ]);
  });

  it('leaves the objects in an array without an items schema alone under coerce', () => {
    const schema = { type: 'object', properties: { list: { type: 'array' } }, additionalProperties: false };
    const compiled = compileInputContract(schema, {}, contract('coerce'));
    expect(enforceInput({ list: [{ a: 1 }] }, compiled, 'x')).toEqual({
      value: { list: [{ a: 1 }] },
      mutations: [],
    });
  });

  it('lists the broken branches of oneOf and if/then, not the combinators themselves', () => {
    const schema = {
      type: 'object',
      properties: {
        id: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
        kind: { type: 'string' },
        ref: { type: 'string' },
      },
      if: { properties: { kind: { const: 'link' } }, required: ['kind'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then, never awaited
      then: { required: ['ref'] },
    };
    expect(violationsFor(schema, { id: true, kind: 'link' }).map((v) => `${v.path} ${v.rule}`)).toEqual([
      'ref required',
      'id type',
      'id type',
    ]);
  });

  it('names the allowed values of an enum in its message', () => {
    expect(
      violationsFor({ type: 'object', properties: { tier: { enum: ['free', 'pro'] } } }, { tier: 'gold' }),
    ).toEqual([
      {
        path: 'tier',
        rule: 'enum',
        message: 'must be one of "free", "pro" (got "gold")',
        expected: ['free', 'pro'],
        got: '"gold"',
      },
    ]);
  });

  it('names a nested bound and a whole-input bound at their paths, with what they got', () => {
    const schema = {
      type: 'object',
      minProperties: 2,
      properties: { customer: { type: 'object', properties: { name: { type: 'string', minLength: 2 } } } },
    };
    expect(violationsFor(schema, { customer: { name: 'D' } })).toEqual([
      expect.objectContaining({ path: '', rule: 'minProperties', got: 'an object' }),
      expect.objectContaining({ path: 'customer.name', rule: 'minLength', got: '"D"' }),
    ]);
  });

  it('says it got nothing, or an object, where that is what was sent', () => {
    expect(violationsOf(() => enforceInput(undefined, contractOf(support), 'x'))[0]?.got).toBe('nothing');
    expect(
      violationsFor({ type: 'object', properties: { m: { type: 'string' } } }, { m: {} })[0],
    ).toMatchObject({
      got: 'an object',
      message: 'must be a string (got an object)',
    });
  });

  it('does not count a number or boolean at the deepest level as one more level', () => {
    let node: unknown = 1;
    for (let i = 0; i < INPUT_LIMITS.maxDepth; i++) node = { a: node };
    const free = compileInputContract(null, {}, contract('reject'));
    expect(enforceInput(node, free, 'x').value).toEqual(node);
  });
});
