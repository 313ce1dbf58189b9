import { describe, expect, it } from 'vitest';
import { diffSpecs, findBreakingChanges } from '../../src/catalog/diff.js';
import type { PromptSpec } from '../../src/catalog/spec.js';
import { promptSource, specOf } from './support.js';

/** A spec named `p` from frontmatter lines and a template (parsed for real, so schemas are real Picoschema output). */
function spec(frontmatter: string, template = 'Go.'): Promise<PromptSpec> {
  return specOf(promptSource(`name: p\n${frontmatter}`, template), 'p.prompt');
}

/** An `input.schema` frontmatter block from Picoschema lines. */
const input = (...lines: string[]) => ['input:', '  schema:', ...lines.map((l) => `    ${l}`)].join('\n');
/** An `output.schema` frontmatter block from Picoschema lines. */
const output = (...lines: string[]) => ['output:', '  schema:', ...lines.map((l) => `    ${l}`)].join('\n');

describe('input changes', () => {
  it('flags a new required input field as breaking: existing callers do not send it', async () => {
    const a = await spec(input('topic: string'), '{{topic}}');
    const b = await spec(input('topic: string', 'locale: string'), '{{topic}} {{locale}}');
    expect(findBreakingChanges(a, b)).toEqual([
      { area: 'input', path: 'input.locale', reason: expect.stringMatching(/new required field/) },
    ]);
  });

  it('accepts a new optional input field as non-breaking', async () => {
    const a = await spec(input('topic: string'), '{{topic}}');
    const b = await spec(input('topic: string', 'locale?: string'), '{{topic}} {{locale}}');
    const diff = diffSpecs(a, b);
    expect(diff.breaking).toEqual([]);
    expect(diff.changes).toContainEqual({
      path: 'input.schema.properties.locale',
      kind: 'added',
      after: { type: ['string', 'null'] },
    });
  });

  it('flags an optional field becoming required as breaking', async () => {
    const a = await spec(input('topic: string', 'locale?: string'), '{{topic}} {{locale}}');
    const b = await spec(input('topic: string', 'locale: string'), '{{topic}} {{locale}}');
    const breaking = findBreakingChanges(a, b);
    expect(breaking).toContainEqual({
      area: 'input',
      path: 'input.locale',
      reason: expect.stringMatching(/became required/),
    });
    expect(breaking.every((c) => c.path === 'input.locale')).toBe(true);
  });

  it('accepts a required field becoming optional as non-breaking', async () => {
    const a = await spec(input('topic: string', 'locale: string'), '{{topic}} {{locale}}');
    const b = await spec(input('topic: string', 'locale?: string'), '{{topic}} {{locale}}');
    expect(findBreakingChanges(a, b)).toEqual([]);
  });

  it('flags a removed input field as breaking when unknown fields are rejected', async () => {
    const a = await spec(input('topic: string', 'tone?: string'), '{{topic}} {{tone}}');
    const b = await spec(input('topic: string'), '{{topic}}');
    expect(b.input.schema?.additionalProperties).toBe(false);
    expect(findBreakingChanges(a, b)).toEqual([
      {
        area: 'input',
        path: 'input.tone',
        reason: expect.stringMatching(/field removed while unknown fields are rejected/),
      },
    ]);
  });

  it('accepts a removed input field when the new schema still allows unknown fields', async () => {
    const jsonSchema = (extra: string) =>
      [
        'input:',
        '  schema:',
        '    type: object',
        '    properties:',
        '      topic: { type: string }',
        extra,
      ].join('\n');
    const a = await spec(jsonSchema('      tone: { type: string }'), '{{topic}}');
    const b = await spec(jsonSchema(''), '{{topic}}');
    expect(findBreakingChanges(a, b)).toEqual([]);
  });

  it('flags an input type change (string → number) as breaking, naming both types', async () => {
    const a = await spec(input('count: string'), '{{count}}');
    const b = await spec(input('count: number'), '{{count}}');
    expect(findBreakingChanges(a, b)).toEqual([
      { area: 'input', path: 'input.count', reason: expect.stringMatching(/from string to number/) },
    ]);
  });

  it('accepts an input type widening (integer → number)', async () => {
    const a = await spec(input('count: integer'), '{{count}}');
    const b = await spec(input('count: number'), '{{count}}');
    expect(findBreakingChanges(a, b)).toEqual([]);
  });

  it('flags a type change of array items as breaking at the items path', async () => {
    const a = await spec(input('ids(array): string'), '{{ids}}');
    const b = await spec(input('ids(array): integer'), '{{ids}}');
    expect(findBreakingChanges(a, b)).toEqual([
      { area: 'input', path: 'input.ids[]', reason: expect.stringMatching(/from string to integer/) },
    ]);
  });

  it('flags a narrowed input enum as breaking, naming the removed values', async () => {
    const a = await spec(input('tier(enum): [free, pro, enterprise]'), '{{tier}}');
    const b = await spec(input('tier(enum): [free, pro]'), '{{tier}}');
    expect(findBreakingChanges(a, b)).toEqual([
      {
        area: 'input',
        path: 'input.tier',
        reason: expect.stringMatching(/allowed values removed: "enterprise"/),
      },
    ]);
  });

  it('accepts a widened input enum', async () => {
    const a = await spec(input('tier(enum): [free, pro]'), '{{tier}}');
    const b = await spec(input('tier(enum): [free, pro, enterprise]'), '{{tier}}');
    expect(findBreakingChanges(a, b)).toEqual([]);
  });

  it('flags a narrowed enum on an optional field too', async () => {
    const a = await spec(input('channel?(enum): [email, chat, phone]'), '{{channel}}');
    const b = await spec(input('channel?(enum): [email, chat]'), '{{channel}}');
    expect(findBreakingChanges(a, b)).toEqual([
      { area: 'input', path: 'input.channel', reason: expect.stringMatching(/"phone"/) },
    ]);
  });

  it('flags a tightened maxLength as breaking and accepts a loosened one', async () => {
    const withMax = (max: number) =>
      spec(
        [
          'input:',
          '  schema:',
          '    type: object',
          '    properties:',
          `      text: { type: string, maxLength: ${max} }`,
          '    required: [text]',
        ].join('\n'),
        '{{text}}',
      );
    const long = await withMax(200);
    const short = await withMax(100);
    expect(findBreakingChanges(long, short)).toEqual([
      { area: 'input', path: 'input.text', reason: 'maxLength tightened from 200 to 100' },
    ]);
    expect(findBreakingChanges(short, long)).toEqual([]);
  });

  it('flags a new nested required field at its nested path', async () => {
    const a = await spec(input('customer:', '  name: string'), '{{customer.name}}');
    const b = await spec(
      input('customer:', '  name: string', '  email: string'),
      '{{customer.name}} {{customer.email}}',
    );
    expect(findBreakingChanges(a, b)).toEqual([
      { area: 'input', path: 'input.customer.email', reason: expect.stringMatching(/new required field/) },
    ]);
  });
});

describe('output changes', () => {
  it('flags a removed output field as breaking: consumers reading it break', async () => {
    const a = await spec(output('reply: string', 'score: number'));
    const b = await spec(output('reply: string'));
    expect(findBreakingChanges(a, b)).toEqual([
      { area: 'output', path: 'output.score', reason: expect.stringMatching(/output field removed/) },
    ]);
  });

  it('flags an output field becoming optional as breaking', async () => {
    const a = await spec(output('reply: string'));
    const b = await spec(output('reply?: string'));
    const breaking = findBreakingChanges(a, b);
    expect(breaking).toContainEqual({
      area: 'output',
      path: 'output.reply',
      reason: expect.stringMatching(/became optional/),
    });
    expect(breaking.every((c) => c.area === 'output' && c.path === 'output.reply')).toBe(true);
  });

  it('accepts a new optional output field', async () => {
    const a = await spec(output('reply: string'));
    const b = await spec(output('reply: string', 'reason?: string'));
    expect(findBreakingChanges(a, b)).toEqual([]);
  });

  it('flags a widened output enum as breaking, naming the new values', async () => {
    const a = await spec(output('decision(enum): [approve, deny]'));
    const b = await spec(output('decision(enum): [approve, deny, needs-review]'));
    expect(findBreakingChanges(a, b)).toEqual([
      { area: 'output', path: 'output.decision', reason: expect.stringMatching(/"needs-review"/) },
    ]);
  });

  it('accepts a narrowed output enum', async () => {
    const a = await spec(output('decision(enum): [approve, deny, needs-review]'));
    const b = await spec(output('decision(enum): [approve, deny]'));
    expect(findBreakingChanges(a, b)).toEqual([]);
  });

  it('flags an output type change as breaking', async () => {
    const a = await spec(output('score: integer'));
    const b = await spec(output('score: string'));
    expect(findBreakingChanges(a, b)).toEqual([
      { area: 'output', path: 'output.score', reason: expect.stringMatching(/from integer to string/) },
    ]);
  });

  it('flags a format change from json to text as breaking', async () => {
    const a = await spec(output('reply: string'));
    const b = await spec('output:\n  format: text');
    expect(a.output.format).toBe('json');
    expect(findBreakingChanges(a, b)).toEqual([
      { area: 'output', path: 'output.format', reason: 'output format changed from json to text' },
    ]);
  });

  it('flags a removed output schema as breaking even when the format stays json', async () => {
    const a = await spec(output('reply: string'));
    const b = await spec('output:\n  format: json');
    expect(findBreakingChanges(a, b)).toEqual([
      { area: 'output', path: 'output.schema', reason: expect.stringMatching(/output schema was removed/) },
    ]);
  });
});

describe('contract changes', () => {
  it('flags a lowered maxInputChars as breaking and accepts a raised one', async () => {
    const high = await spec('promptops.contract:\n  maxInputChars: 8000');
    const low = await spec('promptops.contract:\n  maxInputChars: 4000');
    expect(findBreakingChanges(high, low)).toEqual([
      {
        area: 'contract',
        path: 'promptops.contract.maxInputChars',
        reason: 'maxInputChars tightened from 8000 to 4000',
      },
    ]);
    expect(findBreakingChanges(low, high)).toEqual([]);
  });

  it('flags a switch from the coerce policy to reject as breaking, and not the reverse', async () => {
    const coerce = await spec('promptops.contract:\n  policy: coerce');
    const reject = await spec('promptops.contract:\n  policy: reject');
    expect(findBreakingChanges(coerce, reject)).toEqual([
      {
        area: 'contract',
        path: 'promptops.contract.policy',
        reason: expect.stringMatching(/coerce to reject/),
      },
    ]);
    expect(findBreakingChanges(reject, coerce)).toEqual([]);
  });

  it('flags a tightened field maxChars, unless the coerce policy truncates it', async () => {
    const rule = (policy: string, maxChars: number, truncate: boolean) =>
      spec(
        `${input('message: string')}\npromptops.contract:\n  policy: ${policy}\n  fields:\n    message: { maxChars: ${maxChars}, truncate: ${truncate} }`,
        '{{message}}',
      );
    expect(findBreakingChanges(await rule('reject', 4000, false), await rule('reject', 2000, false))).toEqual(
      [
        {
          area: 'contract',
          path: 'promptops.contract.fields.message',
          reason: 'maxChars tightened from 4000 to 2000',
        },
      ],
    );
    expect(findBreakingChanges(await rule('coerce', 4000, true), await rule('coerce', 2000, true))).toEqual(
      [],
    );
  });
});

describe('diffSpecs', () => {
  it('reports a pure template edit as a template change with a patch and nothing breaking', async () => {
    const a = await spec(input('topic: string'), 'Write about {{topic}}.\nBe brief.');
    const b = await spec(input('topic: string'), 'Write about {{topic}}.\nBe very brief.');
    const diff = diffSpecs(a, b, { a: 'p@1', b: 'p@2' });
    expect(diff.isTemplateChanged).toBe(true);
    expect(diff.changes).toEqual([]);
    expect(diff.breaking).toEqual([]);
    expect(diff.templatePatch).toContain('--- p@1');
    expect(diff.templatePatch).toContain('+++ p@2');
    expect(diff.templatePatch).toContain('-Be brief.');
    expect(diff.templatePatch).toContain('+Be very brief.');
  });

  it('reports a change of an included partial as a template change', async () => {
    const source = promptSource('name: p', 'Hi. {{> tone}}');
    const a = await specOf(source, 'p.prompt', { partials: new Map([['tone', 'Be warm.']]) });
    const b = await specOf(source, 'p.prompt', { partials: new Map([['tone', 'Be cold.']]) });
    const diff = diffSpecs(a, b);
    expect(diff.isTemplateChanged).toBe(true);
    expect(diff.templatePatch).toContain('+Be cold.');
    expect(diff.changes).toEqual([]);
  });

  it('reports nothing at all for two identical specs', async () => {
    const a = await spec(input('topic: string'), '{{topic}}');
    const b = await spec(input('topic: string'), '{{topic}}');
    expect(diffSpecs(a, b)).toEqual({
      isTemplateChanged: false,
      templatePatch: '',
      changes: [],
      breaking: [],
    });
  });

  it('lists model and config changes with before and after, without calling them breaking', async () => {
    const a = await spec('model: offline/echo\nconfig:\n  temperature: 0\n  maxOutputTokens: 100');
    const b = await spec('model: offline/scripted\nconfig:\n  temperature: 0.7');
    const diff = diffSpecs(a, b);
    expect(diff.isTemplateChanged).toBe(false);
    expect(diff.breaking).toEqual([]);
    expect(diff.changes).toEqual([
      { path: 'config.maxOutputTokens', kind: 'removed', before: 100 },
      { path: 'config.temperature', kind: 'changed', before: 0, after: 0.7 },
      { path: 'model', kind: 'changed', before: 'offline/echo', after: 'offline/scripted' },
    ]);
  });

  it('lists an added and a removed tag as a change of the tag list', async () => {
    const a = await spec('promptops.tags: [a, b]');
    const b = await spec('promptops.tags: [a, c]');
    expect(diffSpecs(a, b).changes).toEqual([
      { path: 'promptops.tags', kind: 'changed', before: ['a', 'b'], after: ['a', 'c'] },
    ]);
  });

  it('lists a model set for the first time as added', async () => {
    const a = await spec('description: x');
    const b = await spec('description: x\nmodel: offline/echo');
    expect(diffSpecs(a, b).changes).toEqual([{ path: 'model', kind: 'added', after: 'offline/echo' }]);
  });

  it('never lists a change whose both sides are missing', async () => {
    const a = await spec(input('channel?(enum): [email, chat, phone]'), '{{channel}}');
    const b = await spec(input('channel?(enum): [email, chat]'), '{{channel}}');
    const diff = diffSpecs(a, b);
    expect(diff.changes).toEqual([
      {
        path: 'input.schema.properties.channel.enum',
        kind: 'changed',
        before: ['email', 'chat', 'phone', null],
        after: ['email', 'chat', null],
      },
    ]);
  });

  it('includes the breaking changes of findBreakingChanges', async () => {
    const a = await spec(output('reply: string', 'score: number'));
    const b = await spec(output('reply: string'));
    expect(diffSpecs(a, b).breaking).toEqual(findBreakingChanges(a, b));
    expect(diffSpecs(a, b).breaking).toHaveLength(1);
  });
});

/** A spec whose input (or JSON output) is one required field `v` with the given JSON Schema (YAML flow text). */
function oneField(area: 'input' | 'output', schema: string): Promise<PromptSpec> {
  const head = area === 'input' ? ['input:', '  schema:'] : ['output:', '  format: json', '  schema:'];
  const body = ['    type: object', '    properties:', `      v: ${schema}`, '    required: [v]'];
  return spec([...head, ...body].join('\n'), area === 'input' ? '{{v}}' : 'Go.');
}

describe('input changes that narrow what callers may send', () => {
  const field = (schema: string) => oneField('input', schema);
  const breakingOf = async (before: string, after: string) =>
    findBreakingChanges(await field(before), await field(after));

  for (const [key, low, high] of [
    ['minLength', 1, 5],
    ['minItems', 1, 3],
    ['minimum', 0, 10],
    ['exclusiveMinimum', 0, 10],
    ['minProperties', 1, 2],
  ] as const) {
    const type = key.endsWith('Items')
      ? 'array'
      : key.endsWith('Properties')
        ? 'object'
        : key === 'minLength'
          ? 'string'
          : 'number';
    it(`flags a raised ${key} as breaking, a lowered one as safe, and a new one as breaking`, async () => {
      expect(
        await breakingOf(`{ type: ${type}, ${key}: ${low} }`, `{ type: ${type}, ${key}: ${high} }`),
      ).toEqual([{ area: 'input', path: 'input.v', reason: `${key} tightened from ${low} to ${high}` }]);
      expect(
        await breakingOf(`{ type: ${type}, ${key}: ${high} }`, `{ type: ${type}, ${key}: ${low} }`),
      ).toEqual([]);
      expect(
        await breakingOf(`{ type: ${type}, ${key}: ${high} }`, `{ type: ${type}, ${key}: ${high} }`),
      ).toEqual([]);
      expect(await breakingOf(`{ type: ${type} }`, `{ type: ${type}, ${key}: ${low} }`)).toEqual([
        { area: 'input', path: 'input.v', reason: `${key} tightened from none to ${low}` },
      ]);
    });
  }

  for (const [key, low, high] of [
    ['maxItems', 2, 5],
    ['maximum', 10, 100],
    ['exclusiveMaximum', 10, 100],
    ['maxProperties', 2, 4],
  ] as const) {
    const type = key.endsWith('Items') ? 'array' : key.endsWith('Properties') ? 'object' : 'number';
    it(`flags a lowered ${key} as breaking, a raised one as safe, and a new one as breaking`, async () => {
      expect(
        await breakingOf(`{ type: ${type}, ${key}: ${high} }`, `{ type: ${type}, ${key}: ${low} }`),
      ).toEqual([{ area: 'input', path: 'input.v', reason: `${key} tightened from ${high} to ${low}` }]);
      expect(
        await breakingOf(`{ type: ${type}, ${key}: ${low} }`, `{ type: ${type}, ${key}: ${high} }`),
      ).toEqual([]);
      expect(
        await breakingOf(`{ type: ${type}, ${key}: ${low} }`, `{ type: ${type}, ${key}: ${low} }`),
      ).toEqual([]);
      expect(await breakingOf(`{ type: ${type} }`, `{ type: ${type}, ${key}: ${high} }`)).toEqual([
        { area: 'input', path: 'input.v', reason: `${key} tightened from none to ${high}` },
      ]);
    });
  }

  it('flags an added or changed pattern as breaking, and a removed or unchanged one as safe', async () => {
    expect(await breakingOf('{ type: string }', "{ type: string, pattern: '^[A-Z]+$' }")).toEqual([
      {
        area: 'input',
        path: 'input.v',
        reason: 'pattern changed to ^[A-Z]+$; values matching the old pattern may be rejected',
      },
    ]);
    expect(
      await breakingOf("{ type: string, pattern: '^[A-Z]+$' }", "{ type: string, pattern: '^[A-Z]{2}$' }"),
    ).toEqual([
      expect.objectContaining({ path: 'input.v', reason: expect.stringMatching(/^pattern changed/) }),
    ]);
    expect(await breakingOf("{ type: string, pattern: '^[A-Z]+$' }", '{ type: string }')).toEqual([]);
    expect(
      await breakingOf("{ type: string, pattern: '^[A-Z]+$' }", "{ type: string, pattern: '^[A-Z]+$' }"),
    ).toEqual([]);
  });

  it('flags narrowing ["string","null"] to "string" as breaking: callers sending null are rejected', async () => {
    expect(await breakingOf('{ type: [string, "null"] }', '{ type: string }')).toEqual([
      {
        area: 'input',
        path: 'input.v',
        reason: 'type changed from null|string to string; callers sending null|string are rejected',
      },
    ]);
    expect(await breakingOf('{ type: string }', '{ type: [string, "null"] }')).toEqual([]);
  });

  it('flags a type set on a field that accepted anything, and accepts a type dropped', async () => {
    expect(await breakingOf('{ description: anything }', '{ type: string }')).toEqual([
      {
        area: 'input',
        path: 'input.v',
        reason: 'type changed from any to string; callers sending any are rejected',
      },
    ]);
    expect(await breakingOf('{ type: string }', '{ description: anything }')).toEqual([]);
  });

  it('flags an enum put on a free field, naming the values now allowed', async () => {
    expect(await breakingOf('{ type: string }', '{ type: string, enum: [a, b] }')).toEqual([
      { area: 'input', path: 'input.v', reason: 'now restricted to "a", "b"' },
    ]);
    expect(await breakingOf('{ type: string, enum: [a, b] }', '{ type: string }')).toEqual([]);
  });

  it('stops at a changed type instead of also comparing the bounds under it', async () => {
    expect(await breakingOf('{ type: string, minLength: 1 }', '{ type: integer, minimum: 5 }')).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/^type changed from string to integer/) }),
    ]);
  });

  it('compares array items: a tighter item is breaking at the items path', async () => {
    expect(
      await breakingOf(
        '{ type: array, items: { type: string } }',
        '{ type: array, items: { type: string, minLength: 2 } }',
      ),
    ).toEqual([{ area: 'input', path: 'input.v[]', reason: 'minLength tightened from none to 2' }]);
  });

  it('compares nested fields under their parent’s path', async () => {
    expect(
      await breakingOf(
        '{ type: object, properties: { w: { type: string, maxLength: 9 } } }',
        '{ type: object, properties: { w: { type: string, maxLength: 3 } } }',
      ),
    ).toEqual([{ area: 'input', path: 'input.v.w', reason: 'maxLength tightened from 9 to 3' }]);
  });

  it('names a field that became required and one that is new and required differently', async () => {
    const a = await spec(input('topic: string', 'tone?: string'), '{{topic}} {{tone}}');
    const b = await spec(
      input('topic: string', 'tone: string', 'locale: string'),
      '{{topic}} {{tone}} {{locale}}',
    );
    expect(findBreakingChanges(a, b)).toEqual(
      expect.arrayContaining([
        {
          area: 'input',
          path: 'input.tone',
          reason: 'field became required; callers that omit it are rejected',
        },
        {
          area: 'input',
          path: 'input.locale',
          reason: 'new required field; existing callers do not send it',
        },
      ]),
    );
  });
});

describe('output changes that break what consumers read', () => {
  const out = (schema: string) =>
    spec(['output:', '  format: json', '  schema:', ...schema.split('\n').map((l) => `    ${l}`)].join('\n'));
  const breakingOf = async (before: string, after: string) =>
    findBreakingChanges(await out(before), await out(after));

  it('flags a change of output array items as breaking at the items path', async () => {
    expect(
      await breakingOf(
        'type: object\nproperties:\n  tags: { type: array, items: { type: string } }\nrequired: [tags]',
        'type: object\nproperties:\n  tags: { type: array, items: { type: integer } }\nrequired: [tags]',
      ),
    ).toEqual([
      {
        area: 'output',
        path: 'output.tags[]',
        reason: 'type changed from string to integer; consumers expecting string break',
      },
    ]);
  });

  it('flags a field removed from output array items', async () => {
    const a = await spec(output('items(array):', '  sku: string', '  qty: integer'));
    const b = await spec(output('items(array):', '  sku: string'));
    expect(findBreakingChanges(a, b)).toEqual([
      {
        area: 'output',
        path: 'output.items[].qty',
        reason: 'output field removed; consumers reading it break',
      },
    ]);
  });

  it('flags an output that may now be null, and accepts one that no longer can', async () => {
    const field = (type: string) =>
      `type: object\nproperties:\n  reply: { type: ${type} }\nrequired: [reply]`;
    expect(await breakingOf(field('string'), field('[string, "null"]'))).toEqual([
      {
        area: 'output',
        path: 'output.reply',
        reason: 'type changed from string to null|string; consumers expecting string break',
      },
    ]);
    expect(await breakingOf(field('[string, "null"]'), field('string'))).toEqual([]);
  });

  it('flags an output enum dropped altogether, and accepts one put on a free field', async () => {
    const field = (extra: string) =>
      `type: object\nproperties:\n  kind: { type: string${extra} }\nrequired: [kind]`;
    expect(await breakingOf(field(', enum: [a, b]'), field(''))).toEqual([
      { area: 'output', path: 'output.kind', reason: 'no longer restricted to a fixed set of values' },
    ]);
    expect(await breakingOf(field(''), field(', enum: [a, b]'))).toEqual([]);
  });

  it('names the new output values exactly', async () => {
    const a = await spec(output('decision(enum): [approve, deny]'));
    const b = await spec(output('decision(enum): [approve, deny, escalate]'));
    expect(findBreakingChanges(a, b)).toEqual([
      { area: 'output', path: 'output.decision', reason: 'new values consumers do not expect: "escalate"' },
    ]);
  });

  it('accepts an output schema added where there was none, and a format change from text to json is flagged', async () => {
    const text = await spec('output:\n  format: text');
    const json = await spec(output('reply: string'));
    expect(findBreakingChanges(await spec('output:\n  format: json'), json)).toEqual([]);
    expect(findBreakingChanges(text, json)).toEqual([
      { area: 'output', path: 'output.format', reason: 'output format changed from text to json' },
    ]);
  });
});

describe('contract changes at their edges', () => {
  const withRules = (policy: string, rules: string) =>
    spec(
      `${input('message: string')}\npromptops.contract:\n  policy: ${policy}\n  fields:\n    message: ${rules}`,
      '{{message}}',
    );

  it('flags a field becoming notBlank as breaking, and not when it already was', async () => {
    const free = await withRules('reject', '{ trim: true }');
    const notBlank = await withRules('reject', '{ notBlank: true }');
    expect(findBreakingChanges(free, notBlank)).toEqual([
      {
        area: 'contract',
        path: 'promptops.contract.fields.message',
        reason: 'blank values are now rejected',
      },
    ]);
    expect(findBreakingChanges(notBlank, notBlank)).toEqual([]);
    expect(findBreakingChanges(notBlank, free)).toEqual([]);
  });

  it('flags a new maxChars, or one that truncates only under reject, and accepts a raised one', async () => {
    expect(
      findBreakingChanges(
        await withRules('reject', '{ trim: true }'),
        await withRules('reject', '{ maxChars: 50 }'),
      ),
    ).toEqual([
      {
        area: 'contract',
        path: 'promptops.contract.fields.message',
        reason: 'maxChars tightened from none to 50',
      },
    ]);
    expect(
      findBreakingChanges(
        await withRules('reject', '{ maxChars: 100, truncate: true }'),
        await withRules('reject', '{ maxChars: 50, truncate: true }'),
      ),
    ).toEqual([expect.objectContaining({ reason: 'maxChars tightened from 100 to 50' })]);
    expect(
      findBreakingChanges(
        await withRules('coerce', '{ maxChars: 100 }'),
        await withRules('coerce', '{ maxChars: 50 }'),
      ),
    ).toEqual([expect.objectContaining({ reason: 'maxChars tightened from 100 to 50' })]);
    expect(
      findBreakingChanges(
        await withRules('reject', '{ maxChars: 50 }'),
        await withRules('reject', '{ maxChars: 100 }'),
      ),
    ).toEqual([]);
    expect(
      findBreakingChanges(
        await withRules('reject', '{ maxChars: 50 }'),
        await withRules('reject', '{ maxChars: 50 }'),
      ),
    ).toEqual([]);
  });

  it('flags a maxInputChars set for the first time, and accepts one removed or unchanged', async () => {
    const none = await spec('promptops.contract:\n  policy: reject');
    const some = await spec('promptops.contract:\n  policy: reject\n  maxInputChars: 500');
    expect(findBreakingChanges(none, some)).toEqual([
      {
        area: 'contract',
        path: 'promptops.contract.maxInputChars',
        reason: 'maxInputChars tightened from none to 500',
      },
    ]);
    expect(findBreakingChanges(some, none)).toEqual([]);
    expect(findBreakingChanges(some, some)).toEqual([]);
  });
});

describe('diffSpecs in detail', () => {
  it('labels the template patch a and b when no names are given', async () => {
    const diff = diffSpecs(await spec('description: x', 'One.'), await spec('description: x', 'Two.'));
    expect(diff.templatePatch).toContain('--- a');
    expect(diff.templatePatch).toContain('+++ b');
    expect(diff.templatePatch).toContain('-One.');
  });

  it('does not call partials listed in another order a template change', async () => {
    const a = await specOf(promptSource('name: p', '{{> x}} {{> y}}'), 'p.prompt', {
      partials: new Map([
        ['x', 'X'],
        ['y', 'Y'],
      ]),
    });
    const b = { ...a, partials: { y: 'Y', x: 'X' } };
    expect(diffSpecs(a, b).isTemplateChanged).toBe(false);
    expect(diffSpecs(a, { ...a, partials: { x: 'Y', y: 'X' } }).isTemplateChanged).toBe(true);
  });

  it('lists a nested change at its full dotted path, and a removed key as removed', async () => {
    const a = await spec(input('topic: string', 'tone?: string'), '{{topic}} {{tone}}');
    const b = await spec(input('topic: string'), '{{topic}}');
    expect(diffSpecs(a, b).changes).toEqual([
      { path: 'input.schema.properties.tone', kind: 'removed', before: { type: ['string', 'null'] } },
    ]);
  });
});

describe('array items described on one side only', () => {
  const field = (schema: string, area: 'input' | 'output') => oneField(area, schema);

  it('flags input items typed for the first time: callers sending other items are rejected', async () => {
    const any = await field('{ type: array }', 'input');
    const strings = await field('{ type: array, items: { type: string } }', 'input');
    expect(findBreakingChanges(any, strings)).toEqual([
      {
        area: 'input',
        path: 'input.v[]',
        reason: 'type changed from any to string; callers sending any are rejected',
      },
    ]);
    expect(findBreakingChanges(strings, any)).toEqual([]);
    const nullable = await field('{ type: [array, "null"] }', 'input');
    const nullableStrings = await field('{ type: [array, "null"], items: { type: string } }', 'input');
    expect(findBreakingChanges(nullable, nullableStrings)).toEqual([
      expect.objectContaining({
        path: 'input.v[]',
        reason: expect.stringMatching(/^type changed from any to string/),
      }),
    ]);
  });

  it('flags output items no longer described: consumers expecting them break', async () => {
    const any = await field('{ type: array }', 'output');
    const strings = await field('{ type: array, items: { type: string } }', 'output');
    expect(findBreakingChanges(strings, any)).toEqual([
      {
        area: 'output',
        path: 'output.v[]',
        reason: 'type changed from string to any; consumers expecting string break',
      },
    ]);
    expect(findBreakingChanges(any, strings)).toEqual([]);
  });
});

describe('breaking changes worded in full', () => {
  it('lists every removed input value and every new output value, comma-separated', async () => {
    const a = await spec(input('tier(enum): [free, pro, team, enterprise]'), '{{tier}}');
    const b = await spec(input('tier(enum): [free, pro]'), '{{tier}}');
    expect(findBreakingChanges(a, b)).toEqual([
      { area: 'input', path: 'input.tier', reason: 'allowed values removed: "team", "enterprise"' },
    ]);
    const c = await spec(output('decision(enum): [approve]'));
    const d = await spec(output('decision(enum): [approve, deny, escalate]'));
    expect(findBreakingChanges(c, d)).toEqual([
      {
        area: 'output',
        path: 'output.decision',
        reason: 'new values consumers do not expect: "deny", "escalate"',
      },
    ]);
  });

  it('flags rules given to a field that had none: maxChars and notBlank', async () => {
    const none = await spec(
      `${input('message: string')}\npromptops.contract:\n  policy: reject`,
      '{{message}}',
    );
    const ruled = await spec(
      `${input('message: string')}\npromptops.contract:\n  policy: reject\n  fields:\n    message: { maxChars: 50, notBlank: true }`,
      '{{message}}',
    );
    expect(findBreakingChanges(none, ruled)).toEqual([
      {
        area: 'contract',
        path: 'promptops.contract.fields.message',
        reason: 'maxChars tightened from none to 50',
      },
      {
        area: 'contract',
        path: 'promptops.contract.fields.message',
        reason: 'blank values are now rejected',
      },
    ]);
  });
});

describe('the structural changes diffSpecs lists', () => {
  it('shows a template patch with its two names and three lines of context', async () => {
    const lines = (changed: string) => ['1', '2', '3', '4', changed, '6', '7', '8', '9'].join('\n');
    const diff = diffSpecs(
      await spec('description: x', lines('5')),
      await spec('description: x', lines('five')),
      {
        a: 'p@1',
        b: 'p@2',
      },
    );
    expect(diff.templatePatch).toBe(
      [
        '===================================================================',
        '--- p@1\t',
        '+++ p@2\t',
        '@@ -2,7 +2,7 @@',
        ' 2',
        ' 3',
        ' 4',
        '-5',
        '+five',
        ' 6',
        ' 7',
        ' 8',
        '',
      ].join('\n'),
    );
  });

  it('shows a change in one of several partials as that partial’s lines, nothing else', async () => {
    const source = promptSource('name: p', 'Hi. {{> a}} {{> b}}');
    const partials = (b: string) =>
      new Map([
        ['a', 'A'],
        ['b', b],
      ]);
    const before = await specOf(source, 'p.prompt', { partials: partials('Be warm.') });
    const after = await specOf(source, 'p.prompt', { partials: partials('Be cold.') });
    const patch = diffSpecs(before, after).templatePatch;
    expect(patch).toContain(
      [' {{!-- partial a --}}', ' A', ' {{!-- partial b --}}', '-Be warm.', '+Be cold.', ''].join('\n'),
    );
  });

  it('lists a value that changes shape (false → a schema) as one change', async () => {
    const schema = (extra: string) =>
      ['input:', '  schema:', '    type: object', '    properties:', '      a: { type: string }', extra].join(
        '\n',
      );
    const a = await spec(schema('    additionalProperties: false'), '{{a}}');
    const b = await spec(schema('    additionalProperties: { type: string }'), '{{a}}');
    expect(diffSpecs(a, b).changes).toEqual([
      {
        path: 'input.schema.additionalProperties',
        kind: 'changed',
        before: false,
        after: { type: 'string' },
      },
    ]);
  });

  it('lists an output schema given for the first time as a change from none', async () => {
    const a = await spec('output:\n  format: json');
    const b = await spec(output('reply: string'));
    expect(a.output.schema).toBeNull();
    expect(diffSpecs(a, b).changes).toEqual([
      expect.objectContaining({ path: 'output.schema', kind: 'changed', before: null }),
    ]);
  });

  it('treats a key set to undefined as absent', async () => {
    const a = await spec('description: x');
    const unset = { ...a, description: undefined, model: 'offline/scripted' };
    expect(diffSpecs({ ...a, description: undefined }, unset).changes).toEqual([
      expect.objectContaining({ path: 'model', kind: expect.any(String) }),
    ]);
    expect(diffSpecs({ ...a, description: undefined }, a).changes).toEqual([
      { path: 'description', kind: 'added', after: 'x' },
    ]);
    expect(diffSpecs(a, { ...a, description: undefined }).changes).toEqual([
      { path: 'description', kind: 'removed', before: 'x' },
    ]);
  });
});
