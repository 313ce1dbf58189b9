import { parsePrompt } from '../src/catalog/parse.js';
import { defaultProjectConfig } from '../src/project/config.js';
const config = defaultProjectConfig();
const cases: Record<string,string> = {
unclosed: `---\nname: x\nHello`,
yaml: `---\nname: x\ninput: [a\n---\nHi`,
yaml2: `---\nname: x\nname: y\n---\nHi`,
shape: `---\n- a\n- b\n---\nHi`,
shape2: `---\njust a string\n---\nHi`,
nested: `---\nname: x\npromptops:\n  owner: me\n---\nHi`,
modle: `---\nname: x\nmodle: offline/echo\n---\nHi`,
pokey: `---\npromptops.ownr: me\n---\nHi`,
risk: `---\npromptops.risk: extreme\n---\nHi`,
pico: `---\ninput:\n  schema:\n    a: strin\n---\n{{a}}`,
requried: `---\ninput:\n  schema:\n    type: object\n    properties:\n      a: { type: string }\n    requried: [a]\n---\n{{a}}`,
tpl: `---\ninput:\n  schema:\n    a: string\n---\nHi\n{{#if a}}\nx`,
tpl2: `---\ninput:\n  schema:\n    a: string\n---\nHi\n{{#if a}}x{{/each}}`,
tpl3: `---\ninput:\n  schema:\n    a: string\n---\nHi\n  {{a}\n`,
helper: `---\ninput:\n  schema:\n    a: string\n---\nHi\n  {{upper a}}`,
partial: `---\ninput:\n  schema:\n    a: string\n---\n{{a}}\n{{> tone}}`,
undecl: `---\ninput:\n  schema:\n    a: string\n    customer:\n      email: string\n---\n{{a}} {{b}}\n{{customer.emial}} {{customer.email}}`,
each: `---\ninput:\n  schema:\n    title: string\n    items(array):\n      sku: string\n---\n{{title}}\n{{#each items}}{{sku}} {{skuu}} {{../title}} {{../nope}} {{@root.title}} {{@root.zz}} {{@index}}{{/each}}`,
noschema: `---\nname: x\n---\nHi {{who}}`,
unused: `---\ninput:\n  schema:\n    a: string\n    b: string\n---\n{{a}}`,
modelinv: `---\nmodel: gpt4\n---\nHi`,
prov: `---\nmodel: opnai/gpt-4o\n---\nHi`,
unkmodel: `---\nmodel: offline/foo\n---\nHi`,
owner: `---\nname: x\npromptops.risk: high\n---\nHi`,
gr: `---\npromptops.guardrails:\n  input:\n    - pi\n    - prompt-injektion\n---\nHi`,
stage: `---\npromptops.guardrails:\n  output:\n    - prompt-injection\n---\nHi`,
reask: `---\npromptops.guardrails:\n  input:\n    - { name: pii, action: reask }\n---\nHi`,
redact: `---\npromptops.guardrails:\n  output:\n    - { name: length, action: redact, options: { max: 5 } }\n---\nHi`,
fallback: `---\npromptops.guardrails:\n  output:\n    - { name: pii, action: fallback }\n---\nHi`,
opts: `---\npromptops.guardrails:\n  output:\n    - name: pii\n      options: { entities: [emial] }\n    - name: length\n      options: { maxx: 5 }\n---\nHi`,
regex: `---\npromptops.guardrails:\n  output:\n    - name: regex\n      options: { pattern: "a(b" }\n---\nHi`,
cfield: `---\ninput:\n  schema:\n    message: string\npromptops.contract:\n  fields:\n    mesage: { maxChars: 5 }\n---\n{{message}}`,
nameinv: `---\nmodel: offline/echo\n---\nHi`,
};
for (const [k, src] of Object.entries(cases)) {
  const file = k === 'nameinv' ? 'bad name!.prompt' : `${k}.prompt`;
  const r = await parsePrompt(src, file, { config });
  console.log(`== ${k} spec=${!!r.spec}`);
  for (const d of r.diagnostics) console.log(`  ${d.line}:${d.col} ${d.severity} ${d.rule}: ${d.message}`);
}
