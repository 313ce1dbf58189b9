import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, openWorkspace } from '../../src/project/workspace.js';
import { useTempDir } from '../helpers.js';

const dir = useTempDir();

async function project(files: Record<string, string>) {
  await writeFile(path.join(dir(), 'promptops.yaml'), 'project: named\ncatalog: prompts\n');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir(), name)), { recursive: true });
    await writeFile(path.join(dir(), name), text);
  }
  return loadCatalog(await openWorkspace(dir()));
}

describe('named schemas from the schemas/ folder', () => {
  it('lets Picoschema name a schema (which may name another), inlined into the version', async () => {
    const { entries, diagnostics } = await project({
      'schemas/Order.yaml': 'id: string\ncustomer: Customer\n',
      'schemas/Customer.json':
        '{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}',
      'schemas/Verdict.yaml': 'approve: boolean\nreason?: string\n',
      'prompts/check.prompt':
        '---\nmodel: offline/echo\ninput:\n  schema:\n    order: Order\noutput:\n  schema: Verdict\n---\nCheck {{order.id}} for {{order.customer.name}}.',
    });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const spec = entries[0]!.spec;
    const order = (spec.input.schema!.properties as Record<string, Record<string, unknown>>).order!;
    expect(order.properties).toMatchObject({ customer: { properties: { name: { type: 'string' } } } });
    expect(spec.output.schema).toMatchObject({ properties: { approve: { type: 'boolean' } } });
    expect(spec.output.format).toBe('json');
  });

  it('reports an unknown schema name with a did-you-mean, and a broken schema file', async () => {
    const { diagnostics } = await project({
      'schemas/Customer.yaml': 'name: string\n',
      'schemas/Broken.yaml': 'name: strin\n',
      'prompts/p.prompt': '---\nmodel: offline/echo\ninput:\n  schema:\n    who: Custmer\n---\n{{who}}',
    });
    const messages = diagnostics.map((d) => `${path.basename(d.file)} ${d.rule} ${d.message}`);
    expect(messages.find((m) => m.startsWith('p.prompt'))).toMatch(/schema-invalid.*did you mean "Customer"/);
    expect(messages.find((m) => m.startsWith('Broken.yaml'))).toMatch(/schema-invalid/);
  });

  it('refuses a named schema that inlines to more than the cap (nesting that doubles per level), and those naming it', async () => {
    // L0 is about 1 KB; each Ln names L(n-1) twice, so L30 would inline to a terabyte.
    const leaf = Array.from({ length: 40 }, (_, i) => `field${i}: string`).join('\n');
    const files: Record<string, string> = { 'schemas/L0.yaml': `${leaf}\n` };
    for (let n = 1; n <= 30; n++) files[`schemas/L${n}.yaml`] = `left: L${n - 1}\nright: L${n - 1}\n`;
    files['prompts/p.prompt'] =
      '---\nmodel: offline/echo\ninput:\n  schema:\n    deep: L30\n    ok: L3\n---\n{{deep}} {{ok}}';
    const { diagnostics } = await project(files);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const tooLarge = errors.filter((d) => /a named schema may be at most 256 KB/.test(d.message));
    expect(tooLarge).toHaveLength(1);
    expect(tooLarge[0]!.message).toMatch(/naming one twice, at each level of nesting, doubles the size/);
    const first = Number(/L(\d+)\.yaml$/.exec(tooLarge[0]!.file)![1]);
    expect(first).toBeGreaterThan(3);
    expect(errors.find((d) => d.file.endsWith(`L${first + 1}.yaml`))?.message).toMatch(
      new RegExp(`L${first + 1} names L${first}, which is too large to inline`),
    );
    expect(errors.some((d) => d.file.endsWith('L3.yaml'))).toBe(false);
    expect(errors.some((d) => d.file.endsWith('p.prompt'))).toBe(true);
  });
});
