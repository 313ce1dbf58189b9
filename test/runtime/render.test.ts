import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChatMessage } from '@promptops/client';
import { compileRenderer, textOf } from '@promptops/client/render';
import { Dotprompt } from 'dotprompt';
import { describe, expect, it } from 'vitest';
import { parsePrompt } from '../../src/catalog/parse.js';
import { defaultProjectConfig } from '../../src/project/config.js';
import { parseContext } from '../../src/project/parse-context.js';
import { EXAMPLES } from '../helpers.js';

const tone = (await readFile(path.join(EXAMPLES, 'prompts', '_tone.prompt'), 'utf8')).trim();
const knowledge = {
  policy: { id: 'policy:refund-policy-2026', effectiveFrom: '2026-01-01', text: 'Returns within 30 days.' },
  productLine: { name: 'Acme hardware', warrantyMonths: 24 },
};

const cases: [string, Record<string, unknown>][] = [
  [
    'support-reply',
    {
      customer: { name: 'Dana', tier: 'enterprise' },
      channel: 'chat',
      message: 'Everything is down!',
      history: [
        { role: 'customer', text: 'Hello?' },
        { role: 'agent', text: 'Hi, how can I help?' },
      ],
    },
  ],
  ['support-reply', { customer: { name: 'Lee', tier: 'free' }, channel: 'email', message: 'Cancel please' }],
  [
    'refund-decision',
    { orderId: 'A-1', product: 'x', daysSincePurchase: 3, amount: 10, reason: 'broken', ...knowledge },
  ],
  ['contract-extractor', { document: 'Agreement between A and B.', jurisdiction: 'DE' }],
  ['contract-extractor', { document: 'Agreement between A and B.' }],
];

async function dotpromptMessages(source: string, variables: Record<string, unknown>) {
  const dp = new Dotprompt({ partials: { tone } });
  const rendered = await dp.render(source, { input: variables });
  return rendered.messages;
}

describe('the renderer', () => {
  it.each(cases)('renders %s exactly as Dotprompt does', async (name, variables) => {
    const source = await readFile(path.join(EXAMPLES, 'prompts', `${name}.prompt`), 'utf8');
    const { spec } = await parsePrompt(
      source,
      `${name}.prompt`,
      parseContext(defaultProjectConfig(), new Map([['tone', tone]])),
    );
    expect(spec).not.toBeNull();
    const ours = compileRenderer(spec!)(variables);
    expect(ours).toEqual(await dotpromptMessages(source, variables));
    expect(ours[0]?.role).toBe('system');
  });

  it('renders {{role "assistant"}} of versions pushed before lint asked for model as the model\'s turn', () => {
    const render = compileRenderer({ name: 'old', template: '{{role "user"}}Hi{{role "assistant"}}Hello!' });
    expect(render({}).map((m) => m.role)).toEqual(['user', 'model']);
  });

  it('still takes the history list itself as the second argument (the signature before RenderData)', () => {
    const render = compileRenderer({
      name: 'chat',
      template: '{{role "system"}}Be brief.\n{{role "user"}}now?',
    });
    // The deprecated alias still names what callers typed their history with.
    const history: ChatMessage[] = [
      { role: 'user', content: 'earlier question' },
      { role: 'assistant', content: 'earlier answer' },
    ];
    expect(render({}, history).map((m) => [m.role, textOf(m)])).toEqual([
      ['system', 'Be brief.\n'],
      ['user', 'earlier question'],
      ['model', 'earlier answer'],
      ['user', 'now?'],
    ]);
  });

  it('inserts conversation history before the last user turn, and at {{history}} when the template says so', async () => {
    const { spec } = await parsePrompt(
      '---\nname: chat\ninput:\n  schema:\n    q: string\n---\n{{role "system"}}Be brief.\n{{role "user"}}{{q}}',
      'chat.prompt',
      parseContext(defaultProjectConfig()),
    );
    const history = [
      { role: 'user' as const, content: 'earlier question' },
      { role: 'assistant' as const, content: 'earlier answer' },
    ];
    expect(compileRenderer(spec!)({ q: 'now?' }, { history }).map(textOf)).toEqual([
      'Be brief.\n',
      'earlier question',
      'earlier answer',
      'now?',
    ]);
    const placed = await parsePrompt(
      '---\nname: chat2\ninput:\n  schema:\n    q: string\n---\n{{role "system"}}Be brief.\n{{history}}\n{{role "user"}}{{q}}',
      'chat2.prompt',
      parseContext(defaultProjectConfig()),
    );
    const roles = compileRenderer(placed.spec!)({ q: 'now?' }, { history }).map((m) => [m.role, m.metadata]);
    expect(roles).toEqual([
      ['system', undefined],
      ['user', { purpose: 'history' }],
      ['model', { purpose: 'history' }],
      ['user', undefined],
    ]);
  });

  it('does not HTML-escape values and renders {{json}} like Dotprompt', async () => {
    const source =
      '---\nname: raw\ninput:\n  schema:\n    text: string\n    data: any\n---\n{{text}} {{json data}}';
    const { spec } = await parsePrompt(source, 'raw.prompt', parseContext(defaultProjectConfig()));
    const vars = { text: '<b>"Tom & Jerry"</b>', data: { a: [1, 2] } };
    const ours = compileRenderer(spec!)(vars);
    expect(ours).toEqual([{ role: 'user', content: [{ text: '<b>"Tom & Jerry"</b> {"a":[1,2]}' }] }]);
    expect(ours).toEqual(await dotpromptMessages(source, vars));
  });
});
