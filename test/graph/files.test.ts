import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCycle } from '../../src/graph/facts.js';
import { readIngestFile, recordsToBatch } from '../../src/graph/files.js';

/** The error reading `text` as file `name` ends in. */
async function readFails(name: string, text: string, maxBytes?: number): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'po-graph-files-'));
  try {
    const file = path.join(dir, name);
    await writeFile(file, text);
    const error = await readIngestFile(file, 'crm', null, maxBytes).then(
      () => new Error('expected the file to be refused'),
      (err: Error) => err,
    );
    return error.message.replaceAll(dir + path.sep, '');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('ingest files', () => {
  it('turns records into entities and relations by a mapping, other columns into attributes', () => {
    const batch = recordsToBatch(
      [
        { order: 'o-1', customer: 'c-1', policy: 'refund', total: '12.50' },
        { order: 'o-2', customer: '', policy: 'refund', total: '3' },
      ],
      {
        type: 'order',
        key: 'order',
        recordId: 'order',
        relations: [
          { type: 'placed', column: 'customer', from: 'customer' },
          { type: 'governed_by', column: 'policy', to: 'policy' },
        ],
      },
      'orders.csv',
    );
    expect(batch.entities).toEqual([
      { type: 'order', key: 'o-1', attributes: { total: '12.50' }, recordId: 'o-1' },
      { type: 'order', key: 'o-2', attributes: { total: '3' }, recordId: 'o-2' },
    ]);
    expect(batch.relations).toEqual([
      { type: 'placed', from: 'customer:c-1', to: 'order:o-1', recordId: 'o-1' },
      { type: 'governed_by', from: 'order:o-1', to: 'policy:refund', recordId: 'o-1' },
      { type: 'governed_by', from: 'order:o-2', to: 'policy:refund', recordId: 'o-2' },
    ]);
  });

  it('names the record without a key', () => {
    expect(() => recordsToBatch([{ id: 'a' }, { id: '' }], { type: 't', key: 'id' }, 'x.csv')).toThrow(
      'x.csv, record 2: no key (column "id")',
    );
  });

  it('finds a cycle (closed: it ends where it starts), and none in a tree', () => {
    expect(
      findCycle([
        [1, 2],
        [2, 3],
        [1, 3],
      ]),
    ).toBeNull();
    const cycle = findCycle([
      [1, 2],
      [2, 3],
      [3, 1],
      [3, 4],
    ]);
    expect(cycle?.[0]).toBe(cycle?.at(-1));
    expect(new Set(cycle)).toEqual(new Set([1, 2, 3]));
  });

  it('names the cycle, not a node behind it, when the remainder starts downstream of the cycle', () => {
    expect(
      findCycle([
        [1, 3],
        [1, 2],
        [2, 1],
      ]),
    ).toEqual([2, 1, 2]);
  });

  it('refuses in a file what the API refuses in a request, naming the file and the entry', async () => {
    expect(await readFails('a.yaml', 'entities:\n  - { type: customer, key: c-1, aliases: acme }\n')).toMatch(
      /^a\.yaml, "entities\[0\]\.aliases" .*array/,
    );
    expect(await readFails('b.yaml', 'entities:\n  - { type: Customer, key: c-1 }\n')).toMatch(
      /^b\.yaml, "entities\[0\]\.type" /,
    );
    expect(
      await readFails('c.yaml', 'relations:\n  - { type: placed, from: c-1, to: "order:o-1" }\n'),
    ).toMatch(/^c\.yaml, "relations\[0\]\.from" /);
  });

  it('names the file that does not parse', async () => {
    expect(await readFails('broken.json', '{"entities": [')).toMatch(/^broken\.json is not valid JSON: /);
    expect(await readFails('broken.yaml', 'entities: [\n')).toMatch(/^broken\.yaml is not valid YAML: /);
  });

  it('advises additive parts for a file over the size limit: a complete ingest is one batch', async () => {
    const message = await readFails('big.yaml', 'entities: []\n', 4);
    expect(message).toContain('each ingested additively');
    expect(message).not.toContain('the last one --complete');
  });
});
