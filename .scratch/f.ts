import { parsePrompt } from '../src/catalog/parse.js';
import { defaultProjectConfig } from '../src/project/config.js';
const config = defaultProjectConfig();
const cases: Record<string,string> = {
gproto: `---\npromptops.guardrails:\n  input: [constructor, toString]\n---\nHi`,
mproto: `---\nmodel: constructor/foo\n---\nHi`,
mproto2: `---\nmodel: __proto__/foo\n---\nHi`,
kproto: `---\n__proto__: {name: x}\n---\nHi`,
tplproto: `---\ninput:\n  schema:\n    a: string\n---\n{{a}} {{constructor}} {{a.length}}`,
};
for (const [k, src] of Object.entries(cases)) {
  const r = await parsePrompt(src, `${k}.prompt`, { config });
  console.log(`== ${k} spec=${!!r.spec} ${JSON.stringify(r.spec?.promptops.guardrails ?? r.spec?.model)}`);
  for (const d of r.diagnostics) console.log(`  ${d.line}:${d.col} ${d.severity} ${d.rule}: ${d.message.slice(0,200)}`);
}
