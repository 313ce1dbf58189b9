import { Dotprompt } from 'dotprompt';
import { describe, expect, it } from 'vitest';
import { parseProjectConfig } from '../../src/project/config.js';
import { loadExamples, parse, promptSource, specOf } from './support.js';

const customConfig = () => {
  const { config, diagnostics } = parseProjectConfig(
    [
      'project: acme',
      'defaults:',
      '  model: offline/scripted',
      '  risk: medium',
      '  contract: { policy: coerce, maxInputChars: 5000 }',
    ].join('\n'),
    'promptops.yaml',
  );
  expect(diagnostics).toEqual([]);
  return config!;
};

describe('naming', () => {
  it('takes the prompt name from the frontmatter over the file name', async () => {
    const spec = await specOf(promptSource('name: greeting', 'Hello'), 'prompts/whatever.prompt');
    expect(spec.name).toBe('greeting');
    expect(spec.variant).toBeUndefined();
  });

  it('names a prompt after its file stem when the frontmatter has no name', async () => {
    const spec = await specOf(
      promptSource('model: offline/echo', 'Hello'),
      'prompts/nested/welcome-mail.prompt',
    );
    expect(spec.name).toBe('welcome-mail');
    expect(spec.variant).toBeUndefined();
  });

  it('reads a variant from a name.variant.prompt file name and registers it as name.variant', async () => {
    const spec = await specOf(promptSource('model: offline/echo', 'Hello'), 'prompts/welcome.formal.prompt');
    expect(spec.name).toBe('welcome.formal');
    expect(spec.variant).toBe('formal');
  });

  it('reads a variant declared in the frontmatter', async () => {
    const spec = await specOf(promptSource('name: welcome\nvariant: casual', 'Hi'), 'x.prompt');
    expect(spec.name).toBe('welcome.casual');
    expect(spec.variant).toBe('casual');
  });

  it('understands Windows path separators when taking the name from the file', async () => {
    const spec = await specOf('Hello', 'C:\\catalog\\prompts\\billing.short.prompt');
    expect(spec.name).toBe('billing.short');
  });
});

describe('Picoschema to JSON Schema', () => {
  const source = promptSource(
    [
      'input:',
      '  schema:',
      '    customer:',
      '      name: string, the display name',
      '      tier(enum, the plan): [free, pro, enterprise]',
      '    channel?(enum): [email, chat]',
      '    message: string',
      '    tags?(array): string',
      '    lines(array, order lines):',
      '      sku: string',
      '      qty?: integer',
      '    urgent?: boolean',
    ].join('\n'),
    '{{customer.name}} {{customer.tier}} {{channel}} {{message}} {{tags}} {{#each lines}}{{sku}} {{qty}}{{/each}} {{urgent}}',
  );

  it('lists required fields and leaves `field?` ones out of `required`', async () => {
    const schema = (await specOf(source)).input.schema!;
    expect(schema.type).toBe('object');
    expect([...(schema.required as string[])].sort()).toEqual(['customer', 'lines', 'message']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('makes optional fields nullable and keeps field descriptions', async () => {
    const properties = (await specOf(source)).input.schema!.properties as Record<
      string,
      Record<string, unknown>
    >;
    expect(properties.urgent).toEqual({ type: ['boolean', 'null'] });
    expect(properties.message).toEqual({ type: 'string' });
    const customer = properties.customer!;
    expect((customer.properties as Record<string, unknown>).name).toEqual({
      type: 'string',
      description: 'the display name',
    });
  });

  it('turns (enum) fields into enums, adding null to optional ones', async () => {
    const properties = (await specOf(source)).input.schema!.properties as Record<
      string,
      Record<string, unknown>
    >;
    const customer = properties.customer!.properties as Record<string, Record<string, unknown>>;
    expect(customer.tier).toEqual({ enum: ['free', 'pro', 'enterprise'], description: 'the plan' });
    expect(properties.channel!.enum).toEqual(['email', 'chat', null]);
  });

  it('turns (array) fields into arrays of scalars or of objects', async () => {
    const properties = (await specOf(source)).input.schema!.properties as Record<
      string,
      Record<string, unknown>
    >;
    expect(properties.tags).toEqual({ type: ['array', 'null'], items: { type: 'string' } });
    expect(properties.lines).toMatchObject({
      type: 'array',
      description: 'order lines',
      items: {
        type: 'object',
        properties: { sku: { type: 'string' }, qty: { type: ['integer', 'null'] } },
        required: ['sku'],
        additionalProperties: false,
      },
    });
  });

  it('passes a JSON Schema written in the frontmatter through unchanged', async () => {
    const spec = await specOf(
      promptSource(
        [
          'input:',
          '  schema:',
          '    type: object',
          '    properties:',
          '      text: { type: string, maxLength: 200 }',
          '    required: [text]',
        ].join('\n'),
        '{{text}}',
      ),
    );
    expect(spec.input.schema).toEqual({
      type: 'object',
      properties: { text: { type: 'string', maxLength: 200 } },
      required: ['text'],
    });
  });

  it('keeps input defaults', async () => {
    const spec = await specOf(
      promptSource('input:\n  schema:\n    lang?: string\n  default:\n    lang: en', '{{lang}}'),
    );
    expect(spec.input.default).toEqual({ lang: 'en' });
  });
});

describe('output format', () => {
  it('defaults to json when the prompt declares an output schema', async () => {
    const spec = await specOf(promptSource('output:\n  schema:\n    answer: string', 'Answer'));
    expect(spec.output.format).toBe('json');
    expect(spec.output.schema).toMatchObject({
      properties: { answer: { type: 'string' } },
      required: ['answer'],
    });
  });

  it('defaults to text when there is no output schema', async () => {
    const spec = await specOf('Just talk');
    expect(spec.output).toEqual({ format: 'text', schema: null });
  });

  it('keeps an explicit text format even with a schema', async () => {
    const spec = await specOf(promptSource('output:\n  format: text\n  schema:\n    answer: string', 'x'));
    expect(spec.output.format).toBe('text');
  });
});

describe('defaults from promptops.yaml', () => {
  it('applies the default model, risk and contract policy when the prompt sets none', async () => {
    const spec = await specOf('Hello', 'hello.prompt', { config: customConfig() });
    expect(spec.model).toBe('offline/scripted');
    expect(spec.promptops.risk).toBe('medium');
    expect(spec.promptops.contract.policy).toBe('coerce');
    expect(spec.promptops.contract.maxInputChars).toBe(5000);
  });

  it('lets the prompt override every default', async () => {
    const spec = await specOf(
      promptSource(
        [
          'model: offline/echo',
          'promptops.risk: low',
          'promptops.contract:',
          '  policy: reject',
          '  maxInputChars: 10',
        ].join('\n'),
        'Hello',
      ),
      'hello.prompt',
      { config: customConfig() },
    );
    expect(spec.model).toBe('offline/echo');
    expect(spec.promptops.risk).toBe('low');
    expect(spec.promptops.contract).toMatchObject({ policy: 'reject', maxInputChars: 10 });
  });

  it('uses low risk, the reject policy and no model with the built-in defaults', async () => {
    const spec = await specOf('Hello');
    expect(spec.model).toBeUndefined();
    expect(spec.promptops.risk).toBe('low');
    expect(spec.promptops.contract.policy).toBe('reject');
    expect(spec.promptops.contract.maxInputChars).toBeUndefined();
    expect(spec.promptops.contract.fields).toEqual({});
  });
});

describe('promptops extension keys', () => {
  it('sorts tags and drops duplicates', async () => {
    const spec = await specOf(promptSource('promptops.tags: [support, billing, support, alpha]', 'x'));
    expect(spec.promptops.tags).toEqual(['alpha', 'billing', 'support']);
  });

  it('expands guardrail shorthand strings with each guardrail’s default action', async () => {
    const spec = await specOf(
      promptSource(
        [
          'promptops.guardrails:',
          '  input: [prompt-injection, pii, secrets]',
          '  output: [json-schema, pii, system-prompt-leak]',
        ].join('\n'),
        'x',
      ),
    );
    expect(spec.promptops.guardrails.input).toEqual([
      { name: 'prompt-injection', action: 'block', options: {} },
      { name: 'pii', action: 'redact', options: {} },
      { name: 'secrets', action: 'block', options: {} },
    ]);
    expect(spec.promptops.guardrails.output).toEqual([
      { name: 'json-schema', action: 'reask', options: {} },
      { name: 'pii', action: 'redact', options: {} },
      { name: 'system-prompt-leak', action: 'block', options: {} },
    ]);
  });

  it('keeps explicit guardrail actions, options and fallback text', async () => {
    const spec = await specOf(
      promptSource(
        [
          'promptops.guardrails:',
          '  output:',
          '    - name: banned-terms',
          '      action: fallback',
          '      options: { terms: [lawsuit] }',
          '      fallback: "We will get back to you."',
        ].join('\n'),
        'x',
      ),
    );
    expect(spec.promptops.guardrails.output).toEqual([
      {
        name: 'banned-terms',
        action: 'fallback',
        options: { terms: ['lawsuit'] },
        fallback: 'We will get back to you.',
      },
    ]);
    expect(spec.promptops.guardrails.input).toEqual([]);
  });

  it('normalises knowledge strings to {entity} and keeps full references as written', async () => {
    const spec = await specOf(
      promptSource(
        [
          'promptops.knowledge:',
          '  - policy:refunds-2026',
          '  - { entity: "product-line:hardware", as: productLine, relations: [covered_by] }',
        ].join('\n'),
        '{{productLine.name}}',
      ),
    );
    expect(spec.promptops.knowledge).toEqual([
      { entity: 'policy:refunds-2026' },
      { entity: 'product-line:hardware', as: 'productLine', relations: ['covered_by'] },
    ]);
  });

  it('records the owner and the contract field rules', async () => {
    const spec = await specOf(
      promptSource(
        [
          'input:',
          '  schema:',
          '    message: string',
          'promptops.owner: team@acme.example',
          'promptops.risk: high',
          'promptops.contract:',
          '  fields:',
          '    message: { maxChars: 10, truncate: true }',
        ].join('\n'),
        '{{message}}',
      ),
    );
    expect(spec.promptops.owner).toBe('team@acme.example');
    expect(spec.promptops.risk).toBe('high');
    expect(spec.promptops.contract.fields).toEqual({ message: { maxChars: 10, truncate: true } });
  });

  it('inlines the partials the template includes so they are part of the spec', async () => {
    const spec = await specOf(promptSource('model: offline/echo', 'Hi. {{> tone}}'), 'x.prompt', {
      partials: new Map([
        ['tone', 'Be warm.'],
        ['unused', 'Never included.'],
      ]),
    });
    expect(spec.partials).toEqual({ tone: 'Be warm.' });
  });

  it('has no partials entry when the template includes none', async () => {
    const spec = await specOf('Hi', 'x.prompt', { partials: new Map([['tone', 'Be warm.']]) });
    expect(spec.partials).toBeUndefined();
  });
});

describe('the example catalog', () => {
  it('parses every example prompt without errors or warnings', async () => {
    const { prompts, partials } = await loadExamples();
    expect(prompts.map((p) => p.file)).toEqual([
      'prompts/contract-extractor.prompt',
      'prompts/refund-decision.prompt',
      'prompts/rubric-grader.prompt',
      'prompts/support-reply.prompt',
    ]);
    for (const prompt of prompts) {
      const result = await parse(prompt.text, prompt.file, { partials });
      expect(result.diagnostics, prompt.file).toEqual([]);
      expect(result.spec?.name).toBe(prompt.file.slice('prompts/'.length, -'.prompt'.length));
    }
  });
});

describe('the template is the one Dotprompt renders', () => {
  const dotprompt = new Dotprompt();

  it('matches Dotprompt’s template for every example prompt', async () => {
    const { prompts, partials } = await loadExamples();
    for (const prompt of prompts) {
      const spec = (await parse(prompt.text, prompt.file, { partials })).spec;
      expect(spec?.template, prompt.file).toBe(dotprompt.parse(prompt.text).template);
    }
  });

  it('matches Dotprompt’s template when the body has leading and trailing blank lines', async () => {
    const source = promptSource('model: offline/echo', '\n\n  Hello there.\n\nBye.  \n\n');
    expect((await specOf(source)).template).toBe(dotprompt.parse(source).template);
  });

  it('matches Dotprompt’s template for a file saved with Windows line endings', async () => {
    const source = '---\r\nname: windows\r\nmodel: offline/echo\r\n---\r\n\r\nHello\r\nWorld\r\n';
    const spec = await specOf(source, 'windows.prompt');
    expect(spec.template).toBe(dotprompt.parse(source).template);
    expect(spec.template).toBe('Hello\r\nWorld');
  });

  it('matches Dotprompt’s template for a file without frontmatter', async () => {
    const source = 'Say hello.\n';
    expect((await specOf(source, 'plain.prompt')).template).toBe(dotprompt.parse(source).template);
  });
});
