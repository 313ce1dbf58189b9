import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePrompt } from '../../src/catalog/parse.js';
import type { PromptSpec } from '../../src/catalog/spec.js';
import { type ContractViolation, compileInputContract, enforceInput } from '../../src/contracts/input.js';
import { PromptOpsError } from '../../src/errors.js';
import { defaultProjectConfig } from '../../src/project/config.js';
import { EXAMPLES } from '../helpers.js';

async function exampleSpec(name: string): Promise<PromptSpec> {
  const source = await readFile(path.join(EXAMPLES, 'prompts', `${name}.prompt`), 'utf8');
  const result = await parsePrompt(source, `${name}.prompt`, {
    config: defaultProjectConfig(),
    partials: new Map([['tone', 'x']]),
  });
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
