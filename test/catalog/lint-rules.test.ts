import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/catalog/diagnostics.js';
import { lintSources } from '../../src/catalog/lint.js';
import { decodePromptBytes, MAX_PROMPT_BYTES } from '../../src/catalog/parse.js';
import { KNOWN_FORMATS } from '../../src/contracts/schema-check.js';
import { defaultProjectConfig, type ProjectConfig, parseProjectConfig } from '../../src/project/config.js';
import { parseContext } from '../../src/project/parse-context.js';
import { only, parse, promptSource } from './support.js';

interface Expected {
  rule: string;
  line: number;
  /** Left out when only a range can be asserted (checked by the caller). */
  col?: number;
  severity?: 'error' | 'warning';
  /** Every pattern must match the message: what is wrong and how to fix it. */
  message: RegExp[];
}

/** Parses `source` and checks it gives exactly one diagnostic of `expected.rule`, where and as expected. */
async function expectDiagnostic(
  source: string,
  expected: Expected,
  options: { file?: string; config?: ProjectConfig; partials?: ReadonlyMap<string, string> } = {},
): Promise<Diagnostic> {
  const file = options.file ?? 'prompts/sample.prompt';
  const result = await parse(source, file, options);
  const diagnostic = only(result.diagnostics, expected.rule);
  expect(diagnostic).toMatchObject({
    file,
    rule: expected.rule,
    severity: expected.severity ?? 'error',
    line: expected.line,
    ...(expected.col === undefined ? {} : { col: expected.col }),
  });
  for (const pattern of expected.message) expect(diagnostic.message).toMatch(pattern);
  if ((expected.severity ?? 'error') === 'error') expect(result.spec).toBeNull();
  return diagnostic;
}

const SCHEMA_A = 'input:\n  schema:\n    a: string';

describe('a valid prompt', () => {
  it('produces no diagnostics at all and a spec', async () => {
    const source = promptSource(
      [
        'name: clean',
        'model: offline/echo',
        'input:',
        '  schema:',
        '    customer:',
        '      name: string',
        '    items(array):',
        '      sku: string',
        'output:',
        '  schema:',
        '    answer: string',
        'promptops.owner: team@acme.example',
        'promptops.risk: high',
        'promptops.guardrails:',
        '  input: [prompt-injection]',
        '  output: [pii]',
      ].join('\n'),
      '{{role "system"}}Hello {{customer.name}}.\n{{#each items}}- {{sku}} ({{@index}}) for {{@root.customer.name}}{{/each}}',
    );
    const result = await parse(source);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.name).toBe('clean');
  });
});

describe('file-level rules', () => {
  it('reports a frontmatter that is opened and never closed (frontmatter-unclosed)', async () => {
    await expectDiagnostic('---\nname: x\nHello {{a}}\n', {
      rule: 'frontmatter-unclosed',
      line: 1,
      col: 1,
      message: [/never closed/, /add a '---' line/],
    });
  });

  it('reports invalid YAML with the line and column of the mistake (yaml-syntax)', async () => {
    await expectDiagnostic('---\nname: x\ninput: [a\n---\nHi', {
      rule: 'yaml-syntax',
      line: 3,
      col: 10,
      message: [/invalid YAML in frontmatter/, /end with a \]/],
    });
  });

  it('reports a key written twice as a YAML error on the second one (yaml-syntax)', async () => {
    await expectDiagnostic('---\nname: x\nname: y\n---\nHi', {
      rule: 'yaml-syntax',
      line: 3,
      col: 1,
      message: [/keys must be unique/i],
    });
  });

  it('reports a frontmatter that is a list instead of a mapping (frontmatter-shape)', async () => {
    await expectDiagnostic('---\n- name\n- model\n---\nHi', {
      rule: 'frontmatter-shape',
      line: 2,
      col: 1,
      message: [/must be a YAML mapping of keys/, /name:, model:/],
    });
  });

  it('reports a bare scalar frontmatter as the wrong shape (frontmatter-shape)', async () => {
    await expectDiagnostic('---\njust words\n---\nHi', {
      rule: 'frontmatter-shape',
      line: 2,
      col: 1,
      message: [/YAML mapping/],
    });
  });

  it('reports a file name that cannot be a prompt name when the frontmatter has none (name-invalid)', async () => {
    await expectDiagnostic(
      'Hello',
      {
        rule: 'name-invalid',
        line: 1,
        col: 1,
        message: [/"bad name!"/, /letters, digits, '-' and '_'/, /rename the file or set name:/],
      },
      { file: 'prompts/bad name!.prompt' },
    );
  });

  it('reports a file name longer than the API can serve (name-invalid, at most 64 characters)', async () => {
    await expectDiagnostic(
      'Hello',
      { rule: 'name-invalid', line: 1, col: 1, message: [/at most 64 characters/] },
      { file: `prompts/${'a'.repeat(65)}.prompt` },
    );
    const longest = await parse('Hello', `prompts/${'a'.repeat(64)}.prompt`);
    expect(longest.spec?.name).toBe('a'.repeat(64));
  });

  it('reports a name in the frontmatter longer than 64 characters (frontmatter-invalid)', async () => {
    const result = await parse(promptSource(`name: ${'a'.repeat(65)}`, 'Hello'), 'prompts/x.prompt');
    expect(result.spec).toBeNull();
    expect(only(result.diagnostics, 'frontmatter-invalid').line).toBe(2);
  });

  it('reports a variant from the file name that cannot be a variant (name-invalid)', async () => {
    await expectDiagnostic(
      'Hello',
      { rule: 'name-invalid', line: 1, col: 1, message: [/variant "formal.v2"/, /rename the file/] },
      { file: 'prompts/reply.formal.v2.prompt' },
    );
  });

  it('reports a NUL character written as a YAML escape, which the registry cannot keep (spec-invalid)', async () => {
    await expectDiagnostic(promptSource('description: "before\\0after"', 'Hello'), {
      rule: 'spec-invalid',
      line: 1,
      col: 1,
      message: [/spec\.description contains a NUL character/],
    });
  });

  it('accepts a file name that is not a valid prompt name when the frontmatter names the prompt', async () => {
    const result = await parse(promptSource('name: good-name', 'Hello'), 'prompts/bad name!.prompt');
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.name).toBe('good-name');
  });
});

describe('frontmatter keys', () => {
  it('explains that promptops settings are flat keys when they are nested under promptops: (unknown-key)', async () => {
    await expectDiagnostic(promptSource('name: x\npromptops:\n  owner: me', 'Hi'), {
      rule: 'unknown-key',
      line: 3,
      col: 1,
      message: [/"promptops"/, /write extension keys flat/, /"promptops\.owner:"/],
    });
  });

  it('suggests the key a typo was meant to be, e.g. modle → model (unknown-key)', async () => {
    await expectDiagnostic(promptSource('name: x\nmodle: offline/echo', 'Hi'), {
      rule: 'unknown-key',
      line: 3,
      col: 1,
      message: [/unknown frontmatter key "modle"/, /did you mean "model"\?/, /namespace/],
    });
  });

  it('suggests the promptops key a typo was meant to be and lists them all (unknown-key)', async () => {
    await expectDiagnostic(promptSource('promptops.ownr: me', 'Hi'), {
      rule: 'unknown-key',
      line: 2,
      col: 1,
      message: [/did you mean "promptops\.owner"\?/, /promptops\.risk/, /promptops\.guardrails/],
    });
  });

  it('lets other tools keep their own namespaced keys', async () => {
    const result = await parse(promptSource('genkit.flow: summarize\nmytool.level: 3', 'Hi'));
    expect(result.diagnostics).toEqual([]);
  });

  it('reports a value outside the allowed set and lists the allowed ones (frontmatter-invalid)', async () => {
    await expectDiagnostic(promptSource('promptops.risk: extreme', 'Hi'), {
      rule: 'frontmatter-invalid',
      line: 2,
      col: 17,
      message: [/"promptops\.risk" must be one of "low", "medium", "high", "critical"/],
    });
  });

  it('reports a value of the wrong type at the value itself (frontmatter-invalid)', async () => {
    await expectDiagnostic(promptSource('name: x\npromptops.tags: support', 'Hi'), {
      rule: 'frontmatter-invalid',
      line: 3,
      col: 17,
      message: [/"promptops\.tags" must be an array/],
    });
  });

  it('still checks the template when a frontmatter key is wrong, so both are fixed in one pass', async () => {
    const result = await parse(promptSource(`${SCHEMA_A}\nmodle: offline/echo`, 'Hi {{#if a}}'));
    expect(result.diagnostics.map((d) => d.rule).sort()).toEqual(['template-syntax', 'unknown-key']);
  });
});

describe('schemas', () => {
  it('reports a Picoschema field with an unknown type at the schema (schema-invalid)', async () => {
    await expectDiagnostic(promptSource('input:\n  schema:\n    a: strin', '{{a}}'), {
      rule: 'schema-invalid',
      line: 4,
      col: 5,
      message: [/input\.schema is not valid Picoschema/, /'strin'/],
    });
  });

  it('suggests the Picoschema type a typo was meant to be', async () => {
    const result = await parse(promptSource('input:\n  schema:\n    a: strin', '{{a}}'));
    expect(only(result.diagnostics, 'schema-invalid').message).toMatch(
      /did you mean "string"|string, number, integer, boolean/,
    );
  });

  it('reports a misspelt JSON Schema keyword such as requried (schema-invalid)', async () => {
    const source = promptSource(
      [
        'input:',
        '  schema:',
        '    type: object',
        '    properties:',
        '      a: { type: string }',
        '    requried: [a]',
      ].join('\n'),
      '{{a}}',
    );
    await expectDiagnostic(source, {
      rule: 'schema-invalid',
      line: 4,
      col: 5,
      message: [/input\.schema is not a valid JSON Schema/, /unknown keyword "requried"/],
    });
  });

  it('suggests the JSON Schema keyword a typo was meant to be (requried → required)', async () => {
    const source = promptSource(
      'input:\n  schema:\n    type: object\n    properties:\n      a: { type: string }\n    requried: [a]',
      '{{a}}',
    );
    const result = await parse(source);
    expect(only(result.diagnostics, 'schema-invalid').message).toMatch(/did you mean "required"/);
  });

  it('reports an output schema problem under output.schema (schema-invalid)', async () => {
    await expectDiagnostic(promptSource('output:\n  schema:\n    verdict(enum): maybe', 'Decide'), {
      rule: 'schema-invalid',
      line: 4,
      col: 5,
      message: [
        /output\.schema is not a valid JSON Schema/,
        /"schema\.properties\.verdict\.enum" must be an array/,
      ],
    });
  });

  it('warns about a format no contract checks, such as phone (unknown-format)', async () => {
    const source = promptSource(
      [
        'input:',
        '  schema:',
        '    type: object',
        '    properties:',
        '      number: { type: string, format: phone }',
      ].join('\n'),
      '{{number}}',
    );
    const diagnostic = await expectDiagnostic(source, {
      rule: 'unknown-format',
      severity: 'warning',
      line: 4,
      col: 5,
      message: [
        /input\.schema: schema\.properties\.number has format "phone", which nothing checks/,
        /or a pattern/,
      ],
    });
    expect(diagnostic.message).toContain('email');
    expect((await parse(source)).spec).not.toBeNull();
  });

  it('suggests the format a typo was meant to be, in an output schema too (emial → email)', async () => {
    const source = promptSource(
      'output:\n  schema:\n    type: object\n    properties:\n      to: { type: string, format: emial }',
      'Write',
    );
    const result = await parse(source);
    expect(only(result.diagnostics, 'unknown-format').message).toMatch(
      /^output\.schema: .*did you mean "email"/,
    );
  });

  it('takes every format the contracts check (unknown-format knows the same ones as the validator)', async () => {
    const { createAjv } = await import('../../src/contracts/json-schema.js');
    expect([...KNOWN_FORMATS].sort()).toEqual(Object.keys(createAjv().formats).sort());
    const source = promptSource(
      'input:\n  schema:\n    type: object\n    properties:\n      at: { type: string, format: date-time }',
      '{{at}}',
    );
    expect((await parse(source)).diagnostics).toEqual([]);
  });

  it('does not also blame the template for reading fields of an input schema that failed to parse', async () => {
    const result = await parse(promptSource('input:\n  schema:\n    a: strin\n    b: string', '{{a}} {{b}}'));
    expect(result.diagnostics.map((d) => d.rule)).toEqual(['schema-invalid']);
  });
});

describe('templates', () => {
  it('reports a block that is never closed (template-syntax)', async () => {
    await expectDiagnostic(promptSource(SCHEMA_A, 'Hi\n{{#if a}}'), {
      rule: 'template-syntax',
      line: 7,
      col: 1,
      message: [/ends inside an open block/, /add the missing \{\{\/\.\.\.\}\} closing tag/],
    });
  });

  it('reports a block closed by the wrong tag on the line where it happens (template-syntax)', async () => {
    const diagnostic = await expectDiagnostic(promptSource(SCHEMA_A, 'Hi\n\n{{#if a}}x{{/each}}'), {
      rule: 'template-syntax',
      line: 8,
      message: [/block \{\{#if\}\} is closed by \{\{\/each\}\}/, /close it with \{\{\/if\}\}/],
    });
    expect(diagnostic.col).toBeGreaterThanOrEqual(1);
    expect(diagnostic.col).toBeLessThanOrEqual(5);
  });

  it('reports a malformed tag (template-syntax)', async () => {
    await expectDiagnostic(promptSource(SCHEMA_A, 'Hi\n{{a}\nbye'), {
      rule: 'template-syntax',
      line: 7,
      col: 1,
      message: [/malformed Handlebars tag/, /missing '\}\}'/],
    });
  });

  it('reports a closing tag without an opening block (template-syntax)', async () => {
    await expectDiagnostic(promptSource(SCHEMA_A, '{{a}}\n{{/if}}'), {
      rule: 'template-syntax',
      line: 7,
      col: 1,
      message: [/has no matching opening block/, /remove it or open the block/],
    });
  });

  it('reports a helper Dotprompt does not have and suggests the close one (unknown-helper)', async () => {
    await expectDiagnostic(promptSource(SCHEMA_A, 'Data:\n  {{jsn a}}'), {
      rule: 'unknown-helper',
      line: 7,
      col: 3,
      message: [/"jsn" is not a known helper/, /did you mean "json"\?/],
    });
  });

  it('warns about {{role "assistant"}}, which versions pushed before the rule use, and keeps the spec (unknown-role)', async () => {
    await expectDiagnostic(promptSource(SCHEMA_A, '{{a}}\n{{role "assistant"}}Hi'), {
      rule: 'unknown-role',
      severity: 'warning',
      line: 7,
      col: 1,
      message: [/"assistant" is OpenAI's name for Dotprompt's "model"/, /write \{\{role "model"\}\}/],
    });
  });

  it('refuses any other role a provider has no turn for (unknown-role)', async () => {
    await expectDiagnostic(promptSource(SCHEMA_A, '{{a}}\n{{role "modle"}}Hi'), {
      rule: 'unknown-role',
      line: 7,
      col: 1,
      message: [/role "modle" is not a Dotprompt role/, /did you mean "model"\?/],
    });
  });

  it('reports a partial that does not exist and says which file to create (unknown-partial)', async () => {
    await expectDiagnostic(promptSource(SCHEMA_A, '{{a}}\n{{> tone}}'), {
      rule: 'unknown-partial',
      line: 7,
      col: 1,
      message: [/partial "tone" does not exist/, /create _tone\.prompt/],
    });
  });

  it('accepts a partial given in the catalog', async () => {
    const result = await parse(promptSource(SCHEMA_A, '{{a}}\n{{> tone}}'), 'x.prompt', {
      partials: new Map([['tone', 'Be kind.']]),
    });
    expect(result.diagnostics).toEqual([]);
  });
});

describe('template variables against the input schema', () => {
  it('reports a template variable the input schema does not declare, with its line and column', async () => {
    await expectDiagnostic(promptSource(SCHEMA_A, 'Hello {{a}} and {{b}}'), {
      rule: 'undeclared-variable',
      line: 6,
      col: 19,
      message: [/reads "b"/, /declare it under input\.schema or fix the name/],
    });
  });

  it('suggests the declared field a misspelt variable was meant to be', async () => {
    const source = promptSource('input:\n  schema:\n    message: string', '{{mesage}}');
    await expectDiagnostic(source, {
      rule: 'undeclared-variable',
      line: 6,
      col: 3,
      message: [/reads "mesage"/, /did you mean "message"\?/],
    });
  });

  it('reports a misspelt nested path such as customer.emial', async () => {
    const source = promptSource(
      'input:\n  schema:\n    customer:\n      email: string\n      name: string',
      'To: {{customer.name}}\n<{{customer.emial}}>',
    );
    await expectDiagnostic(source, {
      rule: 'undeclared-variable',
      line: 9,
      col: 4,
      message: [/reads "customer\.emial"/, /declare it under input\.schema/],
    });
  });

  it('suggests the nested field a misspelt nested path was meant to be, not its parent', async () => {
    const source = promptSource(
      'input:\n  schema:\n    customer:\n      email: string\n      name: string',
      '{{customer.name}} <{{customer.emial}}>',
    );
    const result = await parse(source);
    expect(only(result.diagnostics, 'undeclared-variable').message).toMatch(
      /did you mean "(customer\.)?email"\?/,
    );
  });

  it('reports a prompt that reads variables without any input schema, with an example declaration', async () => {
    await expectDiagnostic(promptSource('name: x', 'Hi {{who}}'), {
      rule: 'undeclared-variable',
      line: 4,
      col: 6,
      message: [/no input schema/, /for example "who: string"/],
    });
  });

  it('reports each undeclared path once even when the template reads it several times', async () => {
    const result = await parse(promptSource(SCHEMA_A, '{{a}} {{b}}\n{{b}} {{b}}'));
    expect(result.diagnostics.filter((d) => d.rule === 'undeclared-variable')).toHaveLength(1);
  });

  describe('inside #each and #with', () => {
    const schema = [
      'input:',
      '  schema:',
      '    title: string',
      '    items(array):',
      '      sku: string',
      '      qty: integer',
      '    customer:',
      '      name: string',
    ].join('\n');

    it('accepts item fields, ../ and @root paths that the schema declares', async () => {
      const result = await parse(
        promptSource(
          schema,
          '{{#each items}}{{sku}} x{{qty}} {{this.sku}} {{../title}} {{@root.title}} {{@index}} {{@first}}{{/each}}\n' +
            '{{#with customer}}{{name}} in {{../title}}{{/with}}',
        ),
      );
      expect(result.diagnostics).toEqual([]);
    });

    it('reports an item field the array items do not declare', async () => {
      await expectDiagnostic(promptSource(schema, '{{title}}\n{{#each items}}{{sku}} {{skuu}}{{/each}}'), {
        rule: 'undeclared-variable',
        line: 12,
        col: 26,
        message: [/reads "items\[\]\.skuu"/],
      });
    });

    it('resolves ../ against the enclosing context and reports what it does not declare', async () => {
      await expectDiagnostic(
        promptSource(schema, '{{title}} {{#each items}}{{sku}}{{qty}}{{../titel}}{{/each}}'),
        {
          rule: 'undeclared-variable',
          line: 11,
          col: 42,
          message: [/reads "titel"/, /did you mean "title"\?/],
        },
      );
    });

    it('resolves @root paths from the input root and reports what it does not declare', async () => {
      await expectDiagnostic(
        promptSource(schema, '{{title}}\n{{#each items}}{{sku}}{{qty}}\n  {{@root.customer.nam}}{{/each}}'),
        {
          rule: 'undeclared-variable',
          line: 13,
          col: 5,
          message: [/reads "customer\.nam"/],
        },
      );
    });

    it('accepts block parameters of #each and #with (as |item|) that name declared fields', async () => {
      const result = await parse(
        promptSource(
          schema,
          '{{title}} {{#each items as |item|}}{{item.sku}} {{item.qty}}{{/each}} {{#with customer as |c|}}{{c.name}}{{/with}}',
        ),
      );
      expect(result.diagnostics).toEqual([]);
    });
  });

  it('does not treat names inherited from Object.prototype as declared fields', async () => {
    await expectDiagnostic(promptSource(SCHEMA_A, '{{a}} {{constructor}}'), {
      rule: 'undeclared-variable',
      line: 6,
      col: 9,
      message: [/reads "constructor"/],
    });
  });

  it('accepts variables exposed by knowledge references (as:)', async () => {
    const source = promptSource(
      `${SCHEMA_A}\npromptops.knowledge:\n  - { entity: "policy:refunds", as: policy }`,
      '{{a}} {{policy.text}} {{policy.effectiveFrom}}',
    );
    expect((await parse(source)).diagnostics).toEqual([]);
  });

  it('warns about a required input the template never uses, at that field, and still builds the spec', async () => {
    const source = promptSource('input:\n  schema:\n    a: string\n    b: string\n    c?: string', '{{a}}');
    const result = await parse(source);
    const warning = only(result.diagnostics, 'unused-input');
    expect(warning).toMatchObject({ severity: 'warning', line: 5, col: 5 });
    expect(warning.message).toMatch(/required input "b" is never used/);
    expect(warning.message).toMatch(/make it optional \(b\?\) or remove it/);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.spec?.name).toBe('sample');
  });

  it('does not warn about unused inputs when the template hands over the whole input ({{json this}})', async () => {
    const result = await parse(
      promptSource('input:\n  schema:\n    a: string\n    b: string', '{{json this}}'),
    );
    expect(result.diagnostics).toEqual([]);
  });
});

describe('models', () => {
  it('reports a default model that is not written provider/model (model-invalid)', async () => {
    const base = defaultProjectConfig();
    const config: ProjectConfig = { ...base, defaults: { ...base.defaults, model: 'gpt-4o' } };
    await expectDiagnostic(
      'Hello',
      {
        rule: 'model-invalid',
        line: 1,
        col: 1,
        message: [/model "gpt-4o" must be written provider\/model/, /openai\/gpt-4o-mini or offline\/echo/],
      },
      { config },
    );
  });

  it('reports a frontmatter model without a provider as model-invalid, with an example', async () => {
    await expectDiagnostic(promptSource('model: gpt-4o', 'Hello'), {
      rule: 'model-invalid',
      line: 2,
      col: 8,
      message: [/provider\/model/, /offline\/echo/],
    });
  });

  it('checks fallback models like the main model, each on its own line', async () => {
    await expectDiagnostic(promptSource('promptops.fallbackModels:\n  - offline/echo\n  - gpt-4o', 'Hello'), {
      rule: 'model-invalid',
      line: 4,
      col: 5,
      message: [/model "gpt-4o" must be written provider\/model/],
    });
  });

  it('reports a provider that is not configured and suggests the close one (unknown-provider)', async () => {
    await expectDiagnostic(promptSource('model: opnai/gpt-4o', 'Hello'), {
      rule: 'unknown-provider',
      line: 2,
      col: 8,
      message: [/provider "opnai"/, /did you mean "openai"\?/, /add it under providers: in promptops\.yaml/],
    });
  });

  it('reports a model the offline provider does not have (unknown-model)', async () => {
    await expectDiagnostic(promptSource('model: offline/foo', 'Hello'), {
      rule: 'unknown-model',
      line: 2,
      col: 8,
      message: [/no model "foo"/, /use offline\/echo or offline\/scripted/],
    });
  });

  it('reports an unknown provider in the fallback models at that list item (unknown-provider)', async () => {
    await expectDiagnostic(
      promptSource('model: offline/echo\npromptops.fallbackModels:\n  - offline/scripted\n  - nope/x', 'Hi'),
      { rule: 'unknown-provider', line: 5, col: 5, message: [/provider "nope"/] },
    );
  });

  it.each(['constructor', 'toString', '__proto__'])(
    'does not accept "%s", inherited from Object.prototype, as a provider',
    async (provider) => {
      await expectDiagnostic(promptSource(`model: ${provider}/foo`, 'Hello'), {
        rule: 'unknown-provider',
        line: 2,
        col: 8,
        message: [new RegExp(`provider "${provider}"`), /add it under providers:/],
      });
    },
  );

  it('accepts a provider declared in promptops.yaml', async () => {
    const { config } = parseProjectConfig(
      'providers:\n  local:\n    type: openai-compatible\n    baseUrl: http://127.0.0.1:8000/v1',
      'promptops.yaml',
    );
    const result = await parse(promptSource('model: local/llama-3', 'Hi'), 'x.prompt', { config: config! });
    expect(result.diagnostics).toEqual([]);
  });
});

describe('ownership', () => {
  it('requires an owner for a high-risk prompt, pointing at the risk (owner-required)', async () => {
    await expectDiagnostic(promptSource('name: x\npromptops.risk: high', 'Hi'), {
      rule: 'owner-required',
      line: 3,
      col: 17,
      message: [/high-risk prompt needs an owner/, /add "promptops\.owner: <team or person>"/],
    });
  });

  it('requires an owner from the risk tier the project sets, also when the risk comes from the defaults', async () => {
    const { config } = parseProjectConfig(
      'defaults:\n  risk: medium\npolicy:\n  ownerRequiredFrom: medium',
      'promptops.yaml',
    );
    await expectDiagnostic(
      'Hello',
      { rule: 'owner-required', line: 1, col: 1, message: [/medium-risk/, /promptops\.owner/] },
      { config: config! },
    );
  });

  it('does not require an owner below the threshold', async () => {
    expect((await parse(promptSource('promptops.risk: medium', 'Hi'))).diagnostics).toEqual([]);
  });
});

describe('guardrails', () => {
  it('reports an unknown guardrail and suggests the close one (unknown-guardrail)', async () => {
    await expectDiagnostic(promptSource('promptops.guardrails:\n  input:\n    - pi', 'Hi'), {
      rule: 'unknown-guardrail',
      line: 4,
      col: 7,
      message: [/unknown guardrail "pi"/, /did you mean "pii"\?/, /guardrails\.custom in promptops\.yaml/],
    });
  });

  it.each(['constructor', 'toString'])(
    'does not accept "%s", inherited from Object.prototype, as a custom guardrail',
    async (name) => {
      await expectDiagnostic(promptSource(`promptops.guardrails:\n  input:\n    - ${name}`, 'Hi'), {
        rule: 'unknown-guardrail',
        line: 4,
        col: 7,
        message: [new RegExp(`unknown guardrail "${name}"`)],
      });
    },
  );

  it('accepts a custom guardrail declared in promptops.yaml', async () => {
    const { config } = parseProjectConfig('guardrails:\n  custom:\n    toxicity: ./tox.js', 'promptops.yaml');
    const result = await parse(
      promptSource('promptops.guardrails:\n  output: [toxicity]', 'Hi'),
      'x.prompt',
      {
        config: config!,
      },
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.promptops.guardrails.output).toEqual([
      { name: 'toxicity', action: 'block', options: {} },
    ]);
  });

  it('reports a guardrail placed on a stage it cannot check (guardrail-stage)', async () => {
    await expectDiagnostic(promptSource('promptops.guardrails:\n  output:\n    - prompt-injection', 'Hi'), {
      rule: 'guardrail-stage',
      line: 4,
      col: 7,
      message: [/"prompt-injection" checks input only/, /move it to promptops\.guardrails\.input/],
    });
  });

  it('reports reask on an input guardrail (guardrail-action)', async () => {
    await expectDiagnostic(
      promptSource('promptops.guardrails:\n  input:\n    - { name: pii, action: reask }', 'Hi'),
      {
        rule: 'guardrail-action',
        line: 4,
        col: 7,
        message: [/"reask"/, /only applies to output guardrails/, /use block, flag or escalate/],
      },
    );
  });

  it('reports redact on a guardrail that finds no spans of text (guardrail-action)', async () => {
    await expectDiagnostic(
      promptSource(
        'promptops.guardrails:\n  output:\n    - name: length\n      action: redact\n      options: { max: 5 }',
        'Hi',
      ),
      {
        rule: 'guardrail-action',
        line: 4,
        col: 7,
        message: [/"length" does not find spans/, /cannot redact/, /use block, flag or fallback/],
      },
    );
  });

  it('reports fallback without the fallback text (guardrail-action)', async () => {
    await expectDiagnostic(
      promptSource('promptops.guardrails:\n  output:\n    - { name: pii, action: fallback }', 'Hi'),
      {
        rule: 'guardrail-action',
        line: 4,
        col: 7,
        message: [/action "fallback" for "pii"/, /add fallback: "<text>"/],
      },
    );
  });

  it('reports a guardrail option outside its allowed values, at the value (guardrail-options)', async () => {
    await expectDiagnostic(
      promptSource(
        'promptops.guardrails:\n  output:\n    - name: pii\n      options: { entities: [emial] }',
        'Hi',
      ),
      {
        rule: 'guardrail-options',
        line: 5,
        col: 29,
        message: [/"pii options\.entities\[0\]" must be one of "email", "phone"/],
      },
    );
  });

  it('reports pii placeholder, an option nothing ever read (guardrail-options)', async () => {
    // It was accepted and silently ignored (placeholders are always [TYPE_N]); now lint says so.
    await expectDiagnostic(
      promptSource(
        'promptops.guardrails:\n  output:\n    - name: pii\n      options: { placeholder: "[X]" }',
        'Hi',
      ),
      { rule: 'guardrail-options', line: 5, col: 18, message: [/placeholder/] },
    );
  });

  it('reports a missing required guardrail option (guardrail-options)', async () => {
    await expectDiagnostic(
      promptSource(
        'promptops.guardrails:\n  output:\n    - name: banned-terms\n      options: { caseSensitive: true }',
        'Hi',
      ),
      { rule: 'guardrail-options', line: 5, col: 16, message: [/missing the required key "terms"/] },
    );
  });

  it('reports a regex guardrail whose pattern does not compile, at the pattern (guardrail-options)', async () => {
    await expectDiagnostic(
      promptSource(
        'promptops.guardrails:\n  output:\n    - name: regex\n      options: { pattern: "a(b" }',
        'Hi',
      ),
      {
        rule: 'guardrail-options',
        line: 5,
        col: 27,
        message: [/regex options\.pattern does not compile/, /Unterminated group/],
      },
    );
  });
});

describe('contracts', () => {
  it('reports a contract rule for a field the input schema does not declare, at its key (contract-field-unknown)', async () => {
    await expectDiagnostic(
      promptSource(
        'input:\n  schema:\n    message: string\npromptops.contract:\n  fields:\n    mesage: { maxChars: 5 }',
        '{{message}}',
      ),
      {
        rule: 'contract-field-unknown',
        line: 7,
        col: 5,
        message: [/contract rule for "mesage"/, /fix the path or declare the field/],
      },
    );
  });

  it('checks nested contract paths against the nested schema (contract-field-unknown)', async () => {
    await expectDiagnostic(
      promptSource(
        'input:\n  schema:\n    customer:\n      email: string\npromptops.contract:\n  fields:\n    customer.email: { redact: true }\n    customer.emial: { redact: true }',
        '{{customer.email}}',
      ),
      { rule: 'contract-field-unknown', line: 9, col: 5, message: [/"customer\.emial"/] },
    );
  });

  it('reports an output pattern that does not compile (contract-invalid)', async () => {
    await expectDiagnostic(promptSource('promptops.contract:\n  output:\n    pattern: "([a-z]"', 'Hi'), {
      rule: 'contract-invalid',
      line: 4,
      col: 14,
      message: [/promptops\.contract\.output\.pattern does not compile/],
    });
  });
});

describe('file coordinates', () => {
  it('reports template diagnostics on the file line, offset by the frontmatter length', async () => {
    const short = await parse(promptSource(SCHEMA_A, 'line one\n  {{zz}}'));
    const long = await parse(
      promptSource(
        `${SCHEMA_A}\nmodel: offline/echo\ndescription: three\nconfig:\n  temperature: 0`,
        'line one\n  {{zz}}',
      ),
    );
    const a = only(short.diagnostics, 'undeclared-variable');
    const b = only(long.diagnostics, 'undeclared-variable');
    expect(a).toMatchObject({ line: 7, col: 5 });
    expect(b).toMatchObject({ line: 11, col: 5 });
  });

  it('offsets the column on the first template line by the blank space Dotprompt trims', async () => {
    const result = await parse(promptSource(SCHEMA_A, '\n\n   {{a}} {{zz}}'));
    expect(only(result.diagnostics, 'undeclared-variable')).toMatchObject({ line: 8, col: 12 });
  });

  it('reports template lines of a file without frontmatter from line 1', async () => {
    const result = await parse('Hello\n\n{{who}}');
    expect(only(result.diagnostics, 'undeclared-variable')).toMatchObject({ line: 3, col: 3 });
  });

  it('reports positions in a file saved with Windows line endings on the right lines', async () => {
    const source = '---\r\ninput:\r\n  schema:\r\n    a: string\r\n---\r\n{{a}}\r\n{{b}}\r\n';
    const result = await parse(source);
    expect(result.diagnostics.map((d) => [d.rule, d.line, d.col])).toEqual([['undeclared-variable', 7, 3]]);
  });
});

describe('catalog-wide rules', () => {
  it('reports two prompts with the same name on the second file, naming the first (duplicate-name)', async () => {
    const result = await lintSources(
      [
        { file: 'prompts/a/welcome.prompt', text: 'Hello' },
        { file: 'prompts/b/other.prompt', text: promptSource('name: welcome', 'Hi') },
      ],
      parseContext(defaultProjectConfig()),
    );
    expect(result.entries.map((e) => e.file)).toEqual(['prompts/a/welcome.prompt']);
    const diagnostic = only(result.diagnostics, 'duplicate-name');
    expect(diagnostic).toMatchObject({ file: 'prompts/b/other.prompt', line: 1, col: 1, severity: 'error' });
    expect(diagnostic.message).toMatch(/"welcome" is already used by prompts\/a\/welcome\.prompt/);
    expect(diagnostic.message).toMatch(/make it a variant: name\.variant\.prompt/);
  });

  it('lets a prompt and its variant live side by side', async () => {
    const result = await lintSources(
      [
        { file: 'prompts/welcome.prompt', text: 'Hello' },
        { file: 'prompts/welcome.formal.prompt', text: 'Good day' },
      ],
      parseContext(defaultProjectConfig()),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.entries.map((e) => e.spec.name)).toEqual(['welcome', 'welcome.formal']);
  });

  it('reports every file’s problems in one run, sorted by file and position', async () => {
    const result = await lintSources(
      [
        { file: 'z.prompt', text: promptSource('modle: x', 'Hi') },
        { file: 'a.prompt', text: promptSource(SCHEMA_A, '{{b}}\n{{c}}') },
      ],
      parseContext(defaultProjectConfig()),
    );
    expect(result.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}:${d.rule}`)).toEqual([
      'a.prompt:4:5:unused-input',
      'a.prompt:6:3:undeclared-variable',
      'a.prompt:7:3:undeclared-variable',
      'z.prompt:2:1:unknown-key',
    ]);
    expect(result.entries).toEqual([]);
  });
});

describe('reading files (decodePromptBytes)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'promptops-lint-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function roundTrip(name: string, bytes: Uint8Array) {
    const file = path.join(dir, name);
    await writeFile(file, bytes);
    return decodePromptBytes(new Uint8Array(await readFile(file)), name);
  }

  it('refuses a file over 1 MB and says where large text belongs (file-too-large)', async () => {
    const result = await roundTrip('big.prompt', new Uint8Array(MAX_PROMPT_BYTES + 1).fill(0x61));
    expect(result).toEqual({
      diagnostic: expect.objectContaining({
        file: 'big.prompt',
        line: 1,
        col: 1,
        severity: 'error',
        rule: 'file-too-large',
      }),
    });
    if (!('diagnostic' in result)) throw new Error('expected a diagnostic');
    expect(result.diagnostic.message).toMatch(/at most 1 MB/);
    expect(result.diagnostic.message).toMatch(/knowledge entities or input variables/);
  });

  it('accepts a file of exactly 1 MB', async () => {
    const result = await roundTrip('edge.prompt', new Uint8Array(MAX_PROMPT_BYTES).fill(0x61));
    expect('text' in result && result.text.length).toBe(MAX_PROMPT_BYTES);
  });

  it('refuses a file with NUL bytes as binary (file-encoding)', async () => {
    const result = await roundTrip('nul.prompt', new TextEncoder().encode('---\nname: x\n---\nHi\0there'));
    expect(result).toEqual({
      diagnostic: expect.objectContaining({ rule: 'file-encoding', line: 1, col: 1, severity: 'error' }),
    });
    if (!('diagnostic' in result)) throw new Error('expected a diagnostic');
    expect(result.diagnostic.message).toMatch(/NUL bytes/);
  });

  it('refuses a file that is not UTF-8 and says to re-save it (file-encoding)', async () => {
    const latin1 = new Uint8Array([0x48, 0xe9, 0x6c, 0x6c, 0x6f]); // "Héllo" in Latin-1
    const result = await roundTrip('latin1.prompt', latin1);
    expect(result).toEqual({
      diagnostic: expect.objectContaining({ rule: 'file-encoding', line: 1, col: 1 }),
    });
    if (!('diagnostic' in result)) throw new Error('expected a diagnostic');
    expect(result.diagnostic.message).toMatch(/re-save it as UTF-8/);
  });

  it('drops a UTF-8 byte order mark so the frontmatter fence is still recognised', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('---\nname: bom\n---\nHi ✓')]);
    const result = await roundTrip('bom.prompt', bom);
    if (!('text' in result)) throw new Error(`expected text, got ${JSON.stringify(result)}`);
    expect(result.text).toBe('---\nname: bom\n---\nHi ✓');
    expect((await parse(result.text)).spec?.name).toBe('bom');
  });

  it('hands the file diagnostic through lintSources unchanged', async () => {
    const decoded = await roundTrip('nul2.prompt', new Uint8Array([0x68, 0x00]));
    if (!('diagnostic' in decoded)) throw new Error('expected a diagnostic');
    const result = await lintSources(
      [{ file: 'nul2.prompt', diagnostic: decoded.diagnostic }],
      parseContext(defaultProjectConfig()),
    );
    expect(result.diagnostics).toEqual([decoded.diagnostic]);
    expect(result.entries).toEqual([]);
  });
});
