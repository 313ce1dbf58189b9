/**
 * `GET …/environments`: the server's environments in promotion order, for the console's release
 * form and any remote client; readable by every role, nothing for a caller without one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpStore } from '../../src/store/http-store.js';
import { ENVIRONMENTS, errorCode, PROJECT, startServer, type TestServer } from './support.js';

describe('the environments operation', () => {
  let server: TestServer;
  let viewer: string;
  let stranger: string;

  beforeAll(async () => {
    server = await startServer();
    viewer = (await server.store.createToken({ subject: 'vic@example.com', name: 't' }, 'test')).token;
    await server.store.grantRole('vic@example.com', 'viewer', 'test');
    stranger = (await server.store.createToken({ subject: 'nobody@example.com', name: 't' }, 'test')).token;
  });
  afterAll(async () => server?.close());

  it('answers the configured environments in promotion order, to a viewer and to the remote client', async () => {
    const reply = await server.call('GET', `/v1/projects/${PROJECT}/environments`, { token: viewer });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual([...ENVIRONMENTS]);
    const remote = new HttpStore({ url: server.base, token: viewer, project: PROJECT });
    expect(await remote.listEnvironments()).toEqual([...ENVIRONMENTS]);
  });

  it('refuses a caller with no role in the project', async () => {
    const reply = await server.call('GET', `/v1/projects/${PROJECT}/environments`, { token: stranger });
    expect(reply.status).toBe(403);
    expect(errorCode(reply)).toBe('PO_ERR_FORBIDDEN');
  });

  it('answers an empty list on a server where any name is an environment', async () => {
    const open = await startServer({ environments: [] });
    try {
      const token = (await open.store.createToken({ subject: 'vic@example.com', name: 't' }, 'test')).token;
      await open.store.grantRole('vic@example.com', 'viewer', 'test');
      const reply = await open.call('GET', `/v1/projects/${PROJECT}/environments`, { token });
      expect(reply.json).toEqual([]);
    } finally {
      await open.close();
    }
  });
});
