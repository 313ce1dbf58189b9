import { describe, expect, it } from 'vitest';
import { compileInputContract, enforceInput } from '../../src/contracts/input.js';
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
});
