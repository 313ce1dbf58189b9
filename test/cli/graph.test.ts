/**
 * `promptops graph` as a user runs it on the example project: ingests that make revisions (or
 * none), refusals that name the record and leave the graph as it was, diffs, merges.
 */
import { truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliJson, runCli, useTempDir } from '../helpers.js';

const dir = useTempDir({ examples: true });
const cli = (...args: string[]) => runCli(args, { cwd: dir() });
const file = (name: string, text: string) => writeFile(path.join(dir(), name), text);

describe('promptops graph', () => {
  it('ingests a file as a revision, and the same file again as none', async () => {
    const first = await cli('graph', 'ingest', 'graph/customers.yaml', '--source', 'crm', '--json');
    expect(first.code, first.stderr).toBe(0);
    expect(cliJson(first)).toMatchObject({ revision: 1, added: 8, removed: 0 });
    const again = await cli('graph', 'ingest', 'graph/customers.yaml', '--source', 'crm');
    expect(again.stdout).toContain('no change: the graph stays at revision 1');
    const revisions = await cli('graph', 'revisions', '--json');
    expect(cliJson({ ...revisions, stdout: `{"list":${revisions.stdout}}` }).list).toHaveLength(1);
  });

  it('refuses a dangling relation, an undeclared type and a forbidden cycle, naming them, and keeps the revision', async () => {
    await cli('graph', 'ingest', 'graph/customers.yaml', '--source', 'crm');
    await file(
      'dangling.yaml',
      'relations:\n  - { type: placed, from: "customer:nobody", to: "policy:refund-policy-2026" }\n',
    );
    const dangling = await cli('graph', 'ingest', 'dangling.yaml');
    expect(dangling.code).toBe(2);
    expect(dangling.stderr).toContain('PO_ERR_GRAPH_INVALID');
    expect(dangling.stderr).toContain('customer:nobody');
    await file('planets.yaml', 'entities:\n  - { type: planet, key: mars }\n');
    expect((await cli('graph', 'ingest', 'planets.yaml')).stderr).toContain('unknown entity type "planet"');
    await file(
      'lines.yaml',
      [
        'entities: [{ type: product-line, key: a }, { type: product-line, key: b }]',
        'relations:',
        '  - { type: parent_of, from: "product-line:a", to: "product-line:b" }',
        '  - { type: parent_of, from: "product-line:b", to: "product-line:a" }',
        '',
      ].join('\n'),
    );
    const cycle = await cli('graph', 'ingest', 'lines.yaml');
    expect(cycle.code).toBe(2);
    expect(cycle.stderr).toContain('may not form a cycle');
    expect(cliJson({ ...(await cli('graph', 'show', 'customer:c-1001', '--json')) })).toMatchObject({
      key: 'c-1001',
    });
    const revisions = await cli('graph', 'revisions');
    expect(revisions.stdout).toContain('r1');
    expect(revisions.stdout).not.toContain('r2');
  });

  it('refuses a file over 100 MB before reading it', async () => {
    await file('huge.yaml', '');
    await truncate(path.join(dir(), 'huge.yaml'), 101 * 1024 * 1024);
    const huge = await cli('graph', 'ingest', 'huge.yaml');
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain('PO_ERR_GRAPH_TOO_LARGE');
    expect(huge.stderr).toContain('over the 100 MB');
  });

  it('diffs revisions as JSON, and merges and unmerges entities', async () => {
    await cli('graph', 'ingest', 'graph/customers.yaml', '--source', 'crm', '--complete');
    await file(
      'fewer.yaml',
      'entities:\n  - { type: customer, key: c-1001, aliases: [ada@acme.example], recordId: crm-88, attributes: { name: Ada Lovelace, tier: platinum } }\n',
    );
    expect((await cli('graph', 'ingest', 'fewer.yaml', '--source', 'crm', '--complete')).code).toBe(0);
    const diff = cliJson(await cli('graph', 'diff', 'r1', 'r2', '--json'));
    expect(diff.changed).toEqual([
      {
        subject: 'customer:c-1001',
        source: 'crm',
        before: { name: 'Ada Lovelace', tier: 'gold' },
        after: { name: 'Ada Lovelace', tier: 'platinum' },
      },
    ]);
    expect((diff.removed as { subject: string }[]).map((f) => f.subject)).toContain(
      'policy:refund-policy-2026',
    );
    await cli('graph', 'ingest', 'graph/customers.yaml', '--source', 'crm');
    const merged = await cli('graph', 'merge', 'customer:c-1001', 'customer:c-1002', '--json');
    expect(cliJson(merged)).toMatchObject({
      survivor: 'customer:c-1001',
      merged: 'customer:c-1002',
      mergedBy: 'tester@example.com',
    });
    expect((await cli('graph', 'show', 'customer:grace@acme.example')).stdout).toContain('customer:c-1001');
    expect((await cli('graph', 'unmerge', 'customer:c-1002')).code).toBe(0);
    expect((await cli('graph', 'show', 'customer:grace@acme.example')).stdout).toContain('customer:c-1002');
  });
});
