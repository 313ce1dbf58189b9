/**
 * The composition root: which registry a project talks to, decided from the environment in one
 * place, and the dependencies the SDK, the runner and the server share, built from the project.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  databaseTarget,
  openProjectStore,
  projectDependencies,
  serverDependencies,
  storeTarget,
} from '../../src/compose.js';
import { openWorkspace, type Workspace } from '../../src/project/workspace.js';
import { tempDir } from '../helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let ws: Workspace;
const savedConfigHome = process.env.XDG_CONFIG_HOME;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  // No token saved by `promptops login` on this machine can leak into the tests.
  process.env.XDG_CONFIG_HOME = dir;
  await writeFile(
    path.join(dir, 'promptops.yaml'),
    'project: composed\ncatalog: prompts\nstore:\n  url: sqlite:registry.db\nproviders:\n  offline: {}\n',
  );
  ws = await openWorkspace(dir);
});

afterEach(async () => {
  if (savedConfigHome === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = savedConfigHome;
  await cleanup();
});

describe('storeTarget', () => {
  it("opens the project's database, or the one PROMPTOPS_DATABASE_URL names", async () => {
    expect(await storeTarget(ws, {})).toMatchObject({
      kind: 'database',
      url: 'sqlite:registry.db',
      root: ws.root,
      project: 'composed',
    });
    const env = { PROMPTOPS_DATABASE_URL: 'postgres://db/other' };
    expect(await storeTarget(ws, env)).toMatchObject({ kind: 'database', url: 'postgres://db/other' });
  });

  it('talks to a server when PROMPTOPS_URL is set, with its token and project', async () => {
    const env = { PROMPTOPS_URL: 'http://127.0.0.1:1', PROMPTOPS_TOKEN: 't0k', PROMPTOPS_PROJECT: 'theirs' };
    expect(await storeTarget(ws, env)).toEqual({
      kind: 'remote',
      url: 'http://127.0.0.1:1',
      token: 't0k',
      project: 'theirs',
    });
    await expect(storeTarget(ws, { PROMPTOPS_URL: 'http://127.0.0.1:1' })).rejects.toMatchObject({
      code: 'PO_ERR_UNAUTHENTICATED',
    });
  });

  it('never sends a server to another server: its database is always local', () => {
    const env = { PROMPTOPS_URL: 'http://127.0.0.1:1', PROMPTOPS_TOKEN: 't0k' };
    expect(databaseTarget(ws, env)).toMatchObject({ kind: 'database', url: 'sqlite:registry.db' });
  });
});

describe('openProjectStore and projectDependencies', () => {
  it('opens a working registry and providers from the project', async () => {
    const store = await openProjectStore(ws, {});
    try {
      expect(await store.listPrompts()).toEqual([]);
    } finally {
      await store.close();
    }
    const deps = await projectDependencies(ws, { env: {}, retry: { maxAttempts: 1 } });
    expect(deps.project).toBe('composed');
    expect(deps.retry.maxAttempts).toBe(1);
    expect(deps.lookup('offline/echo').model).toBe('echo');
    expect(() => deps.lookup('nowhere/model')).toThrow(/not configured/);
  });
});

describe('serverDependencies', () => {
  it("serves the project's own database, whatever PROMPTOPS_URL says, with dependencies for its runs", async () => {
    const server = await serverDependencies(ws, { PROMPTOPS_URL: 'http://127.0.0.1:1' });
    try {
      expect(server).toMatchObject({ url: 'sqlite:registry.db', project: 'composed' });
      expect(await server.store.listPrompts()).toEqual([]);
      const [a, b] = [await server.dependencies(), await server.dependencies()];
      expect(a.lookup).not.toBe(b.lookup);
    } finally {
      await server.store.close();
    }
  });
});
