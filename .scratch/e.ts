import { parsePrompt, decodePromptBytes } from '../src/catalog/parse.js';
import { lintSources } from '../src/catalog/lint.js';
import { defaultProjectConfig } from '../src/project/config.js';
const config = defaultProjectConfig();
const bomb = `---\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n---\nHi`;
const deep = `---\nconfig: ${'['.repeat(5000)}${']'.repeat(5000)}\n---\nHi`;
const deep2 = `---\nconfig:\n${Array.from({length: 300}, (_, i) => ' '.repeat(i*2+2) + 'k' + i + ':').join('\n')} 1\n---\nHi`;
const cases: Record<string,string> = { bomb, deep, deep2,
types: `---\nname: 5\nmodel: [1]\ninput: "x"\noutput: 3\nconfig: []\ntools: {a: 1}\npromptops.guardrails: 3\npromptops.tags: "x"\npromptops.knowledge: {a: 1}\npromptops.contract: []\npromptops.owner: 7\npromptops.risk: 1\ndescription: [a]\nvariant: {}\nversion: []\nmetadata: x\ntoolDefs: 1\n---\nHi`,
typ2: `---\ninput:\n  schema: 5\n  default: x\noutput:\n  format: xml\n  schema: [1]\npromptops.guardrails:\n  input: [1, null, {}]\n  output: {a: 1}\npromptops.contract:\n  policy: 1\n  maxInputChars: -1\n  fields: { a: 1, b: { maxChars: 0, zz: 1 } }\npromptops.knowledge: [1, "nocolon", {entity: 1}]\n---\nHi`,
nullfm: `---\n~\n---\nHi`,
schemaStr: `---\ninput:\n  schema: string\n---\nHi {{this}}`,
schemaStr2: `---\ninput:\n  schema: Foo\n---\nHi`,
schemaArr: `---\ninput:\n  schema:\n    type: array\n---\n{{x}}`,
merge: `---\n<<: {name: x}\n---\nHi`,
keynum: `---\n1: x\n---\nHi`,
keyobj: `---\n? [a]\n: x\n---\nHi`,
tagged: `---\nname: !!binary aGVsbG8=\n---\nHi`,
tagged2: `---\nname: !foo bar\n---\nHi`,
date: `---\ndescription: 2024-01-01\n---\nHi`,
};
for (const [k, src] of Object.entries(cases)) {
  const t = Date.now();
  try {
  const r = await lintSources([{ file: `${k}.prompt`, text: src }], { config });
  console.log(`== ${k} entries=${r.entries.length} ${Date.now()-t}ms`);
  for (const d of r.diagnostics) console.log(`  ${d.line}:${d.col} ${d.severity} ${d.rule}: ${d.message.slice(0,160)}`);
  } catch (e) { console.log(`== ${k} THREW`, e) }
}
const big = new Uint8Array(10*1024*1024).fill(65);
console.log(decodePromptBytes(big, 'big.prompt'));
console.log(decodePromptBytes(new Uint8Array(1024*1024).fill(65), 'exact.prompt').hasOwnProperty('text'));
console.log(decodePromptBytes(new Uint8Array([104,105,0]), 'nul.prompt'));
console.log(decodePromptBytes(new Uint8Array([0xff,0xfe,0x41]), 'bad.prompt'));
console.log(decodePromptBytes(new Uint8Array([0xef,0xbb,0xbf,0x41]), 'bom.prompt'));
const dup = await lintSources([{file:'a/x.prompt', text:'Hi'},{file:'b/x.prompt', text:'Hello'}], {config});
console.log(dup);
