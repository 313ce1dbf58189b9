/**
 * What the control plane's own check runs (`POST …/change-requests/{n}/checks/run`) refuse, over real
 * HTTP on a fresh SQLite registry: a server without a project folder, a project whose catalog is not
 * the folder's, and a caller acting as the reserved `control-plane` subject. The runs themselves are
 * tested end to end in test/e2e/server-checks.test.ts.
 */
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { projectDependencies } from '../../src/compose.js';
import { CONTROL_PLANE } from '../../src/governance/policy.js';
import { openWorkspace } from '../../src/project/workspace.js';
import { controlPlaneChecks } from '../../src/server/run-checks.js';
import { EXAMPLES } from '../helpers.js';
import { promptItem } from '../store/fixtures.js';
import { errorCode, PROJECT, startServer, type TestServer } from './support.js';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server with an author's token and change request #1 open on `greet`. */
async function withChangeRequest(options: Parameters<typeof startServer>[0] = {}) {
  server = await startServer(options);
  const { store } = server;
  const { token } = await store.createToken({ subject: 'ada@example.com', name: 'test' }, 'test');
  await store.grantRole('ada@example.com', 'author', 'test');
  await store.push([await promptItem('greet', 'Hello {{text}}')], { author: 'ada@example.com' });
  await store.openChangeRequest({ prompt: 'greet' }, 'ada@example.com');
  const run = () => server!.call('POST', `/v1/projects/${PROJECT}/change-requests/1/checks/run`, { token });
  return { server, token, run };
}

describe('POST /v1/projects/:project/change-requests/:number/checks/run', () => {
  it('answers PO_ERR_CHECKS_UNAVAILABLE from a server built without a project folder', async () => {
    const { run } = await withChangeRequest();
    const reply = await run();
    expect(reply.status, reply.text).toBe(409);
    expect(errorCode(reply)).toBe('PO_ERR_CHECKS_UNAVAILABLE');
    expect(reply.text).toContain('promptops serve');
  });

  it('refuses to check a project whose catalog is not the folder’s, recording nothing', async () => {
    const ws = await openWorkspace(EXAMPLES);
    const { run } = await withChangeRequest({
      runChecks: controlPlaneChecks(ws, () => projectDependencies(ws)),
    });
    const reply = await run();
    expect(reply.status, reply.text).toBe(409);
    expect(errorCode(reply)).toBe('PO_ERR_CHECKS_UNAVAILABLE');
    expect((reply.json as { error: { message: string } }).error.message).toContain(
      `holds the catalog of project "${ws.config.project}", not of "${PROJECT}"`,
    );
    expect((await server!.store.getChangeRequest(1)).checks).toEqual([]);
  });

  it('refuses a token whose subject is control-plane (one issued before the name was reserved)', async () => {
    const { token } = await withChangeRequest();
    const db = new Sqlite(path.join(server!.dir, 'r.db'));
    db.prepare('UPDATE api_tokens SET subject = ?').run(CONTROL_PLANE);
    db.close();
    const reply = await server!.call('GET', '/v1/whoami', { token });
    expect(reply.status, reply.text).toBe(401);
    expect(errorCode(reply)).toBe('PO_ERR_UNAUTHENTICATED');
  });
});
