import Handlebars from 'handlebars/dist/cjs/handlebars.js';
for (const t of ['Hi\nthere\n  {{#if a}}x{{/each}}', 'Hi\n\n{{#if a}}\nx\n{{/each}}']) {
  try { Handlebars.parse(t); console.log('ok', t) } catch (e: any) { console.log(JSON.stringify(e.message), e.lineNumber, e.column) }
}
import { parsePrompt } from '../src/catalog/parse.js';
import { defaultProjectConfig } from '../src/project/config.js';
const config = defaultProjectConfig();
const cases: Record<string,string> = {
crlf: `---\r\nname: x\r\nmodel: offline/echo\r\n---\r\n\r\nHello\r\nWorld\r\n`,
crlf2: `---\r\nmodel: offline/echo\r\nname: x\r\ninput:\r\n  schema:\r\n    a: string\r\n---\r\n{{a}}\r\n{{b}}\r\n`,
mism: `---\ninput:\n  schema:\n    a: string\n---\nHi\nthere\n  {{#if a}}x{{/each}}`,
};
for (const [k, src] of Object.entries(cases)) {
  const r = await parsePrompt(src, `${k}.prompt`, { config });
  console.log(`== ${k} spec=${!!r.spec} ${JSON.stringify(r.spec?.name)}`);
  for (const d of r.diagnostics) console.log(`  ${d.line}:${d.col} ${d.severity} ${d.rule}: ${d.message}`);
}
