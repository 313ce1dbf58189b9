import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../src/catalog/spec.js';
import { compileInputContract, enforceInput } from '../../src/contracts/input.js';
import { checkOutput, compileOutputContract } from '../../src/contracts/output.js';
import { PromptOpsError } from '../../src/errors.js';
import { parse, specOf } from '../catalog/support.js';

const SCHEMA_2020 = `---
name: signup
model: offline/echo
input:
  schema:
    type: object
    properties:
      email: { type: string, format: email }
      nickname: { type: string, nullable: true }
      address: { $ref: "#/$defs/address" }
      point: { type: array, prefixItems: [{ type: number }, { type: number }], items: false }
    required: [email]
    $defs:
      address:
        type: object
        properties: { city: { type: string } }
        required: [city]
        unevaluatedProperties: false
---
{{email}} {{nickname}} {{address.city}} {{point}}`;

function problemsOf(input: unknown, spec: Awaited<ReturnType<typeof specOf>>): string[] {
  const contract = compileInputContract(spec.input.schema, spec.input.default, spec.promptops.contract);
  try {
    enforceInput(input, contract, 'signup@1');
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(PromptOpsError);
    return ((err as PromptOpsError).details.violations as { path: string }[]).map((v) => v.path);
  }
}

describe('contracts in JSON Schema 2020-12', () => {
  it('accepts $defs, prefixItems, unevaluatedProperties and nullable, and applies them', async () => {
    const spec = await specOf(SCHEMA_2020, 'prompts/signup.prompt');
    expect(
      problemsOf({ email: 'a@b.example', nickname: null, address: { city: 'Oslo' }, point: [1, 2] }, spec),
    ).toEqual([]);
    const problems = problemsOf(
      { email: 'a@b.example', address: { city: 'Oslo', zip: 1 }, point: [1, 'x', 3] },
      spec,
    );
    expect(problems.length).toBeGreaterThanOrEqual(2);
  });

  it('checks format: email', async () => {
    const spec = await specOf(SCHEMA_2020, 'prompts/signup.prompt');
    expect(problemsOf({ email: 'not an email' }, spec)).toEqual(['email']);
  });

  it('refuses a draft-07 tuple (items as a list), naming prefixItems', async () => {
    const { diagnostics } = await parse(
      '---\nname: t\nmodel: offline/echo\ninput:\n  schema:\n    type: object\n    properties:\n      p: { type: array, items: [{ type: number }] }\n---\n{{p}}',
    );
    expect(diagnostics.map((d) => d.message).join('\n')).toMatch(/write the list as prefixItems/);
  });

  it("compiles a stored version's draft-07 tuple (items as a list, additionalItems) as 2020-12 and applies it", async () => {
    // A version pushed when contracts were draft-07: its spec is stored as it was linted then.
    const spec = await specOf(SCHEMA_2020, 'prompts/signup.prompt');
    const tuple = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'array',
      items: [{ type: 'string' }, { type: 'number' }],
      additionalItems: false,
    } as JsonSchema;
    spec.input.schema = { type: 'object', properties: { point: tuple }, required: ['point'] } as JsonSchema;
    expect(problemsOf({ point: ['a', 1] }, spec)).toEqual([]);
    expect(problemsOf({ point: ['a', 'b'] }, spec)).toEqual(['point.1']);
    expect(problemsOf({ point: ['a', 1, 2] }, spec)).toEqual(['point']);
    const output = compileOutputContract('json', tuple, { reasks: 0 });
    expect(checkOutput('["a", 1]', output).ok).toBe(true);
    expect(checkOutput('["a", 1, true]', output).ok).toBe(false);
  });

  it('limits items after prefixItems with additionalItems, which 2020-12 alone would ignore', () => {
    const schema = { type: 'array', prefixItems: [{ type: 'string' }], additionalItems: false } as JsonSchema;
    const output = compileOutputContract('json', schema, { reasks: 0 });
    expect(checkOutput('["a"]', output).ok).toBe(true);
    expect(checkOutput('["a", 1]', output).ok).toBe(false);
  });
});
