// The corpus the differential test (dotprompt-diff.test.ts) runs through promptops and through
// Google's `dotprompt` package: hand-written cases for each feature and each verdict, and templates
// generated from fragments with a seeded generator (the same corpus on every run).
import type { Message } from '@promptops/client/render';

export interface DiffCase {
  name: string;
  source: string;
  input?: Record<string, unknown>;
  history?: Message[];
  context?: Record<string, unknown>;
  partials?: Record<string, string>;
  /** Named schemas, as JSON Schema (promptops: the schemas/ folder; Dotprompt: `schemas`). */
  schemas?: Record<string, Record<string, unknown>>;
  /**
   * A deliberate difference: the rule promptops reports where Dotprompt accepts (docs/catalog.md,
   * "Differences from Dotprompt"). Absent: both accept, or both refuse.
   */
  stricter?: string;
  /** Both refuse the file. */
  refused?: true;
}

const HEAD = '---\nname: sample\nmodel: offline/echo\n';
const HISTORY: Message[] = [
  { role: 'user', content: [{ text: 'Earlier question' }] },
  { role: 'model', content: [{ text: 'Earlier answer' }], metadata: { turn: 1 } },
];
const IMAGE = 'https://example.com/cat.png';
const DATA_URL = 'data:image/png;base64,iVBORw0KGgo=';

/** Hand-written cases: one per feature of the template language, and each verdict. */
export const HAND_WRITTEN: DiffCase[] = [
  { name: 'plain text', source: `${HEAD}---\nHello.` },
  {
    name: 'a variable',
    source: `${HEAD}input:\n  schema:\n    who: string\n---\nHello {{who}}.`,
    input: { who: 'Dana' },
  },
  {
    name: 'values are not HTML-escaped',
    source: `${HEAD}input:\n  schema:\n    text: string\n---\n{{text}}`,
    input: { text: '<b>"Tom & Jerry"</b>' },
  },
  {
    name: 'json helper with indent',
    source: `${HEAD}input:\n  schema:\n    data: any\n---\n{{json data indent=2}}`,
    input: { data: { a: [1, 2], b: null } },
  },
  {
    name: 'system, user and model roles',
    source: `${HEAD}---\n{{role "system"}}Be brief.\n{{role "user"}}Hi\n{{role "model"}}Hello!`,
  },
  {
    name: 'a tool role keeps its name',
    source: `${HEAD}---\n{{role "user"}}Weather?\n{{role "tool"}}sunny`,
  },
  {
    name: 'an unknown role is refused (Dotprompt passes it through)',
    source: `${HEAD}---\n{{role "bot"}}Hi`,
    stricter: 'unknown-role',
  },
  {
    name: 'a role marker with nothing before it renames the first message',
    source: `${HEAD}---\n\n{{role "system"}}\n\nRules.`,
  },
  {
    name: 'two role markers in a row',
    source: `${HEAD}---\n{{role "system"}}{{role "user"}}Only user.`,
  },
  {
    name: 'media part by URL',
    source: `${HEAD}input:\n  schema:\n    photo: string\n---\nWhat is in {{media url=photo}} this picture?`,
    input: { photo: IMAGE },
  },
  {
    name: 'media part with a content type',
    source: `${HEAD}input:\n  schema:\n    photo: string\n---\n{{media url=photo contentType="image/png"}}`,
    input: { photo: DATA_URL },
  },
  {
    name: 'media in a system message and a user message',
    source: `${HEAD}input:\n  schema:\n    a: string\n    b: string\n---\n{{role "system"}}Look: {{media url=a}}\n{{role "user"}}And {{media url=b contentType="image/jpeg"}}`,
    input: { a: IMAGE, b: 'https://example.com/dog.jpg' },
  },
  {
    name: 'sections become pending parts',
    source: `${HEAD}---\nBefore {{section "context"}} after {{section "output"}}`,
  },
  {
    name: 'history inserted before the last user message',
    source: `${HEAD}---\n{{role "system"}}Rules.\n{{role "user"}}Now?`,
    history: HISTORY,
  },
  {
    name: 'history at the {{history}} marker, with purpose metadata',
    source: `${HEAD}---\n{{role "system"}}Rules.\n{{history}}\n{{role "user"}}Now?`,
    history: HISTORY,
  },
  {
    name: 'history marker without history',
    source: `${HEAD}---\n{{role "system"}}Rules.\n{{history}}\n{{role "user"}}Now?`,
  },
  {
    name: 'history appended when the last message is the model',
    source: `${HEAD}---\n{{role "system"}}Rules.\n{{role "model"}}Ready.`,
    history: HISTORY,
  },
  {
    name: '@metadata.prompt.name and model',
    source: `${HEAD}---\nI am {{@metadata.prompt.name}} on {{@metadata.prompt.model}}.`,
  },
  {
    name: '@metadata.prompt.config',
    source: `${HEAD}config:\n  temperature: 0.2\n---\nt={{@metadata.prompt.config.temperature}}`,
  },
  {
    name: '@metadata.messages sees the history',
    source: `${HEAD}---\n{{#each @metadata.messages}}[{{role}}]{{/each}} now`,
    history: HISTORY,
  },
  {
    name: '@state and @auth from the context',
    source: `${HEAD}---\nStep {{@state.step}} for {{@auth.uid}}.`,
    context: { state: { step: 3 }, auth: { uid: 'u-1' } },
  },
  {
    name: '@state absent renders empty',
    source: `${HEAD}---\nStep {{@state.step}}.`,
  },
  {
    name: 'each with @index and @last',
    source: `${HEAD}input:\n  schema:\n    items(array): string\n---\n{{#each items}}{{@index}}:{{this}}{{#unless @last}}, {{/unless}}{{/each}}`,
    input: { items: ['a', 'b', 'c'] },
  },
  {
    name: 'ifEquals and unlessEquals',
    source: `${HEAD}input:\n  schema:\n    tier: string\n---\n{{#ifEquals tier "gold"}}VIP{{else}}std{{/ifEquals}} {{#unlessEquals tier "gold"}}upsell{{/unlessEquals}}`,
    input: { tier: 'silver' },
  },
  {
    name: 'with block',
    source: `${HEAD}input:\n  schema:\n    customer:\n      name: string\n---\n{{#with customer}}Dear {{name}}{{/with}}`,
    input: { customer: { name: 'Lee' } },
  },
  {
    name: 'a partial',
    source: `${HEAD}---\n{{> tone}} Then answer.`,
    partials: { tone: 'Be kind.' },
  },
  {
    name: 'Picoschema with optional fields, enums, descriptions and wildcards',
    source: `${HEAD}input:\n  schema:\n    name: string, the name\n    age?: integer\n    tier?(enum): [free, pro]\n    tags?(array): string\n    extra?(object):\n      (*): string\n---\n{{name}}{{age}}{{tier}}{{#each tags}}{{this}}{{/each}}`,
    input: { name: 'x', age: 3 },
  },
  {
    name: 'Picoschema nested objects',
    source: `${HEAD}input:\n  schema:\n    order(object, the order):\n      id: string\n      lines(array):\n        sku: string\n        qty: integer\n---\n{{order.id}}{{#each order.lines}}{{sku}}x{{qty}}{{/each}}`,
    input: { order: { id: 'A', lines: [{ sku: 's', qty: 2 }] } },
  },
  {
    name: 'named schemas in input and output',
    source: `${HEAD}input:\n  schema:\n    who: Person\n    friends?(array): Person\noutput:\n  schema: Person\n---\n{{who.name}}`,
    input: { who: { name: 'Ann' } },
    schemas: { Person: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } },
  },
  {
    name: 'output format jsonl with an array-of-objects schema',
    source: `${HEAD}output:\n  format: jsonl\n  schema:\n    type: array\n    items:\n      type: object\n---\nOne object a line.`,
  },
  {
    name: 'a JSON Schema 2020-12 input with $defs and nullable',
    source: `${HEAD}input:\n  schema:\n    type: object\n    properties:\n      a: { $ref: "#/$defs/A" }\n      b: { type: string, nullable: true }\n    $defs:\n      A: { type: string, format: email }\n---\n{{a}}{{b}}`,
    input: { a: 'x@y.example' },
  },
  {
    name: 'a JSON Schema input',
    source: `${HEAD}input:\n  schema:\n    type: object\n    properties:\n      q:\n        type: string\n    required: [q]\n---\n{{q}}`,
    input: { q: 'why' },
  },
  {
    name: 'an undeclared variable is refused (Dotprompt renders it empty)',
    source: `${HEAD}input:\n  schema:\n    who: string\n---\nHello {{whom}} {{who}}.`,
    input: { who: 'x' },
    stricter: 'undeclared-variable',
  },
  {
    name: 'an unknown helper is refused by both',
    source: `${HEAD}---\n{{shout "hi"}}`,
    refused: true,
  },
  {
    name: 'an unclosed block is refused by both',
    source: `${HEAD}---\n{{#if x}}open`,
    refused: true,
  },
  {
    name: 'an unknown partial is refused by both',
    source: `${HEAD}---\n{{> missing}}`,
    refused: true,
  },
  {
    name: 'a file ending at its closing fence is refused (Dotprompt renders the whole file as text)',
    source: `${HEAD}---`,
    stricter: 'empty-template',
  },
  {
    name: 'an empty template is refused (Dotprompt renders no messages)',
    source: `${HEAD}---\n\n`,
    stricter: 'empty-template',
  },
  {
    name: 'a file without frontmatter',
    source: 'Just text, no frontmatter.',
  },
  {
    name: 'whitespace-only message between roles is dropped',
    source: `${HEAD}---\n{{role "system"}}   \n{{role "user"}}Hi`,
  },
];

/** One building block of a generated template: its text, what it declares, what it is given. */
interface Fragment {
  text: string;
  schema?: Record<string, string>;
  input?: Record<string, unknown>;
}

function fragments(i: number): Fragment[] {
  return [
    { text: `Plain line ${i}.\n` },
    { text: `Hello {{who${i}}}! `, schema: { [`who${i}`]: 'string' }, input: { [`who${i}`]: `name ${i}` } },
    { text: '{{role "system"}}' },
    { text: '{{role "user"}}' },
    { text: '{{role "model"}}' },
    { text: '{{role "tool"}}' },
    { text: `{{media url=img${i}}}`, schema: { [`img${i}`]: 'string' }, input: { [`img${i}`]: IMAGE } },
    {
      text: `{{media url=img${i} contentType="image/png"}}`,
      schema: { [`img${i}`]: 'string' },
      input: { [`img${i}`]: DATA_URL },
    },
    { text: `{{section "s${i}"}}` },
    { text: '{{history}}' },
    { text: `{{json d${i}}}`, schema: { [`d${i}`]: 'any' }, input: { [`d${i}`]: { n: i, ok: i % 2 === 0 } } },
    {
      text: `{{#each xs${i}}}- {{this}}\n{{/each}}`,
      schema: { [`xs${i}(array)`]: 'string' },
      input: { [`xs${i}`]: ['a', `b${i}`] },
    },
    {
      text: `{{#if f${i}}}yes{{else}}no{{/if}} `,
      schema: { [`f${i}`]: 'boolean' },
      input: { [`f${i}`]: i % 3 === 0 },
    },
    {
      text: `{{#ifEquals t${i} "gold"}}VIP{{/ifEquals}}`,
      schema: { [`t${i}`]: 'string' },
      input: { [`t${i}`]: i % 2 ? 'gold' : 'tin' },
    },
    { text: '{{@state.step}} {{@auth.uid}}' },
    { text: '{{@metadata.prompt.name}}' },
    { text: '\n\n' },
    { text: '   ' },
  ];
}

/** A small seeded generator (mulberry32): the same corpus on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` templates of 2–8 fragments each, some with history and context. */
/** How many generated templates the differential test runs. */
export const GENERATED_COUNT = 100;

export function generated(count: number, seed = 20): DiffCase[] {
  const next = random(seed);
  const cases: DiffCase[] = [];
  for (let n = 0; n < count; n++) {
    const size = 2 + Math.floor(next() * 7);
    const chosen: Fragment[] = [];
    for (let k = 0; k < size; k++) {
      const pool = fragments(k);
      chosen.push(pool[Math.floor(next() * pool.length)]!);
    }
    const schema = Object.assign({}, ...chosen.map((f) => f.schema ?? {}));
    const input = Object.assign({}, ...chosen.map((f) => f.input ?? {}));
    const schemaYaml = Object.entries(schema)
      .map(([key, type]) => `    ${key}: ${type}`)
      .join('\n');
    const template = `Start ${n}. ${chosen.map((f) => f.text).join('')}`;
    cases.push({
      name: `generated #${n}`,
      source: `${HEAD}${schemaYaml ? `input:\n  schema:\n${schemaYaml}\n` : ''}---\n${template}`,
      input,
      ...(next() < 0.4 ? { history: HISTORY } : {}),
      ...(next() < 0.5 ? { context: { state: { step: n }, auth: { uid: `u${n}` } } } : {}),
    });
  }
  return cases;
}
