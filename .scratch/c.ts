import Handlebars from 'handlebars/dist/cjs/handlebars.js';
for (const t of ['Hi\n  {{a}\n', 'Hi\n{{#if a}}\nx', 'x {{#if a}}x{{/each}}', 'abc {{/if}}', 'a {{{b}}']) {
  try { Handlebars.parse(t); console.log('ok', t) } catch (e: any) { console.log(JSON.stringify(e.message), e.lineNumber, e.column, Object.keys(e), e.hash) }
}
import { parsePrompt } from '../src/catalog/parse.js';
import { defaultProjectConfig } from '../src/project/config.js';
import { Dotprompt } from 'dotprompt';
const config = defaultProjectConfig();
const cases: Record<string,string> = {
bp: `---\ninput:\n  schema:\n    items(array):\n      sku: string\n---\n{{#each items as |item|}}{{item.sku}}{{/each}}`,
bp2: `---\ninput:\n  schema:\n    customer:\n      name: string\n---\n{{#with customer as |c|}}{{c.name}}{{/with}}`,
thisx: `---\ninput:\n  schema:\n    tags(array): string\n---\n{{#each tags}}{{this}} {{@index}}{{/each}}`,
nofm: `Hello there\n\n`,
crlf: `---\r\nname: x\r\n---\r\n\r\nHello\r\nWorld\r\n`,
firstline: `---\ninput:\n  schema:\n    a: string\n---\n\n   {{a}} {{zz}}`,
empty: ``,
dashes: `---`,
dashes2: `---\n---\n`,
};
for (const [k, src] of Object.entries(cases)) {
  const r = await parsePrompt(src, `${k}.prompt`, { config });
  console.log(`== ${k} spec=${!!r.spec} tpl=${JSON.stringify(r.spec?.template)} dp=${JSON.stringify(new Dotprompt().parse(src).template)}`);
  for (const d of r.diagnostics) console.log(`  ${d.line}:${d.col} ${d.severity} ${d.rule}: ${d.message}`);
}
