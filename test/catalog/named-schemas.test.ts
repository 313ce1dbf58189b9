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
});
