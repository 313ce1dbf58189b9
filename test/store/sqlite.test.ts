import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { promptItem, promptOpsRejection, traceRecord } from './fixtures.js';
import { openSqliteHarness } from './harness.js';
import { describeRegistryStore } from './registry-store.suite.js';
import { raceInProcesses } from './workers.js';

describeRegistryStore('sqlite', openSqliteHarness);

describe('registry store (sqlite file handling)', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'promptops-sqlite-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a trace stored before traces recorded the arm as one no gateway routed (arm null)', async () => {
    const file = path.join(dir, 'registry.db');
    await (await openStore(`sqlite:${file}`, dir, { project: 'acme' })).close();
    // Back to the database as the release before the arm left it, with one trace of that time.
    const db = new Sqlite(file);
    const { arm: _arm, ...old } = traceRecord('old-trace');
    // Later migrations go too: Kysely runs migrations in order only.
    db.exec(
      'ALTER TABLE traces DROP COLUMN arm; DROP TABLE feedback; DROP TABLE rollups; DROP TABLE canary_intervals; DROP TABLE alerts; DROP TABLE alert_deliveries; DROP TABLE drift_reports; DROP TABLE sessions; DROP TABLE graph_revisions; DROP TABLE graph_entities; DROP TABLE graph_facts; DROP TABLE graph_relations; DROP TABLE graph_merges; ' +
        'ALTER TABLE releases DROP COLUMN analysis_plan; ALTER TABLE releases DROP COLUMN analysis_id; ' +
        "DELETE FROM kysely_migration WHERE name >= '008'",
    );
    db.pragma('user_version = 7');
    db.prepare(
      `INSERT INTO traces (id, project, prompt, version_number, version_hash, environment, status,
        error_code, model, started_at, duration_ms, record) VALUES (?, 'acme', ?, 1, ?, NULL, 'ok', NULL, NULL, ?, 1, ?)`,
    ).run(old.id, old.prompt, old.version.hash, old.startedAt, JSON.stringify(old));
    db.close();

    const store = await openStore(`sqlite:${file}`, dir, { project: 'acme' });
    try {
      expect(await store.getTrace('old-trace')).toEqual(traceRecord('old-trace'));
      expect((await store.listTraces({})).map((t) => t.arm)).toEqual([null]);
      expect(await store.listTraces({ arm: 'stable' })).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('creates the database file and its folder on first use, relative to the project root', async () => {
    const store = await openStore('sqlite:.promptops/registry.db', dir, { project: 'acme' });
    try {
      await store.push([await promptItem('summarize', 'Summarize.')], { author: 'ada@acme.example' });
    } finally {
      await store.close();
    }
    const header = await readFile(path.join(dir, '.promptops', 'registry.db'));
    expect(header.subarray(0, 15).toString('latin1')).toBe('SQLite format 3');
  });

  it('a path that is a directory fails with PO_ERR_STORE_UNAVAILABLE naming the file', async () => {
    const folder = path.join(dir, 'registry.db');
    await mkdir(folder);
    const err = await promptOpsRejection(openStore(`sqlite:${folder}`, dir, { project: 'acme' }));
    expect(err.code).toBe('PO_ERR_STORE_UNAVAILABLE');
    expect(err.message).toContain(folder);
  });

  it('a file of random bytes fails with PO_ERR_STORE_UNAVAILABLE, and the file is left untouched', async () => {
    const file = path.join(dir, 'registry.db');
    const garbage = randomBytes(8192);
    await writeFile(file, garbage);
    const err = await promptOpsRejection(openStore(`sqlite:${file}`, dir, { project: 'acme' }));
    expect(err.code).toBe('PO_ERR_STORE_UNAVAILABLE');
    expect(err.message).toContain(file);
    expect(await readFile(file)).toEqual(garbage);
  });

  it('a path under a regular file fails with PO_ERR_STORE_UNAVAILABLE', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const err = await promptOpsRejection(
      openStore(`sqlite:${blocker}/registry.db`, dir, { project: 'acme' }),
    );
    expect(err.code).toBe('PO_ERR_STORE_UNAVAILABLE');
  });

  it('a SQLite database belonging to something else fails with PO_ERR_STORE_UNAVAILABLE naming the migration', async () => {
    const file = path.join(dir, 'other.db');
    const other = new Sqlite(file);
    other.exec('CREATE TABLE prompts (id INTEGER PRIMARY KEY, body TEXT)');
    other.close();
    const err = await promptOpsRejection(openStore(`sqlite:${file}`, dir, { project: 'acme' }));
    expect(err.code).toBe('PO_ERR_STORE_UNAVAILABLE');
    expect(err.message).toContain('001-catalog');
  });

  it('several processes opening a brand-new registry at once all succeed and push without losing a version', async () => {
    // Each process races on several fresh files in turn, all starting each file at the same moment:
    // every file is one more chance for two processes to create the schema at once.
    const files = Array.from({ length: 12 }, (_, i) => path.join(dir, `fresh-${i}.db`));
    const items = await Promise.all(
      Array.from({ length: 6 }, (_, i) => promptItem('summarize', `Summarize, process ${i}.`)),
    );

    const reports = await raceInProcesses(
      items.map((item, i) => ({
        urls: files.map((file) => `sqlite:${file}`),
        root: dir,
        project: 'acme',
        phase: 'wait-then-open' as const,
        spacingMs: 200,
        op: 'push' as const,
        items: [item],
        author: `process-${i}@acme.example`,
      })),
    );

    for (const r of reports.flat()) expect(r.ok, r.ok ? '' : `${r.name} ${r.code}: ${r.message}`).toBe(true);
    for (const file of files) {
      const store = await openStore(`sqlite:${file}`, dir, { project: 'acme' });
      try {
        const versions = await store.listVersions('summarize');
        expect(versions.map((v) => v.number)).toEqual(items.map((_, i) => i + 1));
        expect(new Set(versions.map((v) => v.hash))).toEqual(new Set(items.map((i) => i.hash)));
      } finally {
        await store.close();
      }
    }
  });
});
