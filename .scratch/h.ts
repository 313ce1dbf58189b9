import { parsePrompt } from '../src/catalog/parse.js';
import { diffSpecs } from '../src/catalog/diff.js';
import { defaultProjectConfig } from '../src/project/config.js';
const config = defaultProjectConfig();
async function spec(fm: string, tpl = '{{a}}') {
  const r = await parsePrompt(`---\nname: p\n${fm}\n---\n${tpl}`, 'p.prompt', { config });
  if (!r.spec) throw new Error(JSON.stringify(r.diagnostics));
  return r.spec;
}
const IN = (s: string) => `input:\n  schema:\n${s.split('\n').map(l => '    ' + l).join('\n')}`;
const pairs: [string, string, string, string?, string?][] = [
 ['newreq', IN('a: string'), IN('a: string\nb: string'), '{{a}}', '{{a}}{{b}}'],
 ['newopt', IN('a: string'), IN('a: string\nb?: string'), '{{a}}', '{{a}}{{b}}'],
 ['opt2req', IN('a: string\nb?: string'), IN('a: string\nb: string'), '{{a}}{{b}}', '{{a}}{{b}}'],
 ['removed', IN('a: string\nb?: string'), IN('a: string'), '{{a}}{{b}}', '{{a}}'],
 ['type', IN('a: string'), IN('a: number')],
 ['enumN', IN('a(enum): [x, y, z]'), IN('a(enum): [x, y]')],
 ['enumW', IN('a(enum): [x, y]'), IN('a(enum): [x, y, z]')],
 ['enumOptN', IN('a?(enum): [x, y, z]'), IN('a?(enum): [x, y]')],
 ['maxLen', `input:\n  schema:\n    type: object\n    properties:\n      a: { type: string, maxLength: 100 }`, `input:\n  schema:\n    type: object\n    properties:\n      a: { type: string, maxLength: 50 }`],
 ['outRemoved', 'output:\n  schema:\n    r: string\n    s: string', 'output:\n  schema:\n    r: string', 'x', 'x'],
 ['outOpt', 'output:\n  schema:\n    r: string', 'output:\n  schema:\n    r?: string', 'x', 'x'],
 ['outEnumW', 'output:\n  schema:\n    r(enum): [a, b]', 'output:\n  schema:\n    r(enum): [a, b, c]', 'x', 'x'],
 ['outEnumN', 'output:\n  schema:\n    r(enum): [a, b, c]', 'output:\n  schema:\n    r(enum): [a, b]', 'x', 'x'],
 ['outAdd', 'output:\n  schema:\n    r: string', 'output:\n  schema:\n    r: string\n    s?: string', 'x', 'x'],
 ['fmt', 'output:\n  schema:\n    r: string', 'output:\n  format: text', 'x', 'x'],
 ['maxIC', 'promptops.contract:\n  maxInputChars: 1000', 'promptops.contract:\n  maxInputChars: 500', 'x', 'x'],
 ['maxICup', 'promptops.contract:\n  maxInputChars: 500', 'promptops.contract:\n  maxInputChars: 1000', 'x', 'x'],
 ['policy', 'promptops.contract:\n  policy: coerce', 'promptops.contract:\n  policy: reject', 'x', 'x'],
 ['policy2', 'promptops.contract:\n  policy: reject', 'promptops.contract:\n  policy: coerce', 'x', 'x'],
 ['tpl', IN('a: string'), IN('a: string'), 'Hello {{a}}', 'Hi {{a}}'],
 ['model', 'model: offline/echo\nconfig:\n  temperature: 0', 'model: offline/scripted\nconfig:\n  temperature: 0.5', 'x', 'x'],
 ['arrItems', IN('a(array): string'), IN('a(array): number')],
 ['nested', IN('c:\n  n: string'), IN('c:\n  n: string\n  m: string'), '{{c.n}}', '{{c.n}}{{c.m}}'],
];
for (const [k, a, b, ta, tb] of pairs) {
  const d = diffSpecs(await spec(a, ta ?? '{{a}}'), await spec(b, tb ?? '{{a}}'));
  console.log(`== ${k} tpl=${d.isTemplateChanged}`);
  for (const c of d.changes) console.log('   change', JSON.stringify(c));
  for (const c of d.breaking) console.log('   BREAK', JSON.stringify(c));
}
