/**
 * An environment's snapshot as a conditional long-poll: its revision is the ETag, a matching
 * If-None-Match answers 304 (at once, or after `wait` seconds without a change), and a change made
 * meanwhile (here through the store, behind the server's back, as another server process would)
 * wakes the waiting request with the new snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promptItem } from '../store/fixtures.js';
import { PROJECT, startServer, type TestServer } from './support.js';

const SNAPSHOT = `/v1/projects/${PROJECT}/environments/production/snapshot`;

let server: TestServer;
let viewer: string;

beforeAll(async () => {
  server = await startServer();
  const { store } = server;
  const { token } = await store.createToken({ subject: 'gw@example.com', name: 'gateway' }, 'test');
  await store.grantRole('gw@example.com', 'viewer', 'test');
  viewer = token;
  await store.push([await promptItem('greet', 'Hello {{text}}')], { author: 'ada@example.com' });
  await store.push([await promptItem('greet', 'Hi {{text}}')], { author: 'ada@example.com' });
  await store.setLabel('greet', 1, 'production', 'root@example.com');
});

afterAll(async () => {
  await server?.close();
});

/** GETs `url` with the viewer's token and, when given, If-None-Match. */
async function poll(url: string, etag?: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${viewer}` };
  if (etag !== undefined) headers['if-none-match'] = etag;
  const res = await fetch(`${server.base}${url}`, { headers });
  const text = await res.text();
  return {
    status: res.status,
    etag: res.headers.get('etag'),
    text,
    json: text ? JSON.parse(text) : undefined,
  };
}

interface Snapshot {
  revision: number;
  prompts: { prompt: string; stable: { number: number } }[];
}

describe('snapshot ETag', () => {
  it('answers 200 with the revision, quoted, as its ETag', async () => {
    const reply = await poll(SNAPSHOT);
    expect(reply.status).toBe(200);
    const snapshot = reply.json as Snapshot;
    expect(snapshot.revision).toBeGreaterThan(0);
    expect(reply.etag).toBe(`"${snapshot.revision}"`);
    expect(snapshot.prompts.map((p) => [p.prompt, p.stable.number])).toEqual([['greet', 1]]);
  });

  it('answers 304 with no body at once when If-None-Match names the current revision', async () => {
    const { etag } = await poll(SNAPSHOT);
    const reply = await poll(`${SNAPSHOT}?wait=0`, etag!);
    expect(reply.status).toBe(304);
    expect(reply.text).toBe('');
    expect(reply.etag).toBe(etag);
    // An older revision is not the current one: the whole snapshot comes back.
    expect((await poll(SNAPSHOT, '"0"')).status).toBe(200);
  });

  it('holds a long-poll until a label moves, then answers 200 with the new snapshot', async () => {
    const before = await poll(SNAPSHOT);
    const waiting = poll(`${SNAPSHOT}?wait=60`, before.etag!);
    // Written straight to the database, as another server process on it would: the server learns
    // of it only by watching the revision.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.store.setLabel('greet', 2, 'production', 'root@example.com');
    const reply = await waiting;
    expect(reply.status).toBe(200);
    const snapshot = reply.json as Snapshot;
    expect(snapshot.revision).toBeGreaterThan((before.json as Snapshot).revision);
    expect(reply.etag).toBe(`"${snapshot.revision}"`);
    expect(snapshot.prompts.map((p) => [p.prompt, p.stable.number])).toEqual([['greet', 2]]);
  });

  it('answers 304 when the wait passes without a change', async () => {
    const { etag } = await poll(SNAPSHOT);
    const reply = await poll(`${SNAPSHOT}?wait=1`, etag!);
    expect(reply.status).toBe(304);
    expect(reply.etag).toBe(etag);
  });

  it.each(['61', '-1', '1.5', 'soon', ''])('refuses wait=%s', async (wait) => {
    const reply = await poll(`${SNAPSHOT}?wait=${wait}`);
    expect(reply.status).toBe(400);
    expect((reply.json as { error: { code: string } }).error.code).toBe('PO_ERR_REQUEST_INVALID');
  });
});

describe('snapshot long-poll at shutdown', () => {
  it('lets a held long-poll go with 304 when the server closes', async () => {
    const other = await startServer();
    try {
      const { token } = await other.store.createToken({ subject: 'gw@example.com', name: 'gw' }, 't');
      await other.store.grantRole('gw@example.com', 'viewer', 't');
      const auth = { authorization: `Bearer ${token}` };
      const url = `${other.base}${SNAPSHOT}`;
      const etag = (await fetch(url, { headers: auth })).headers.get('etag')!;
      const waiting = fetch(`${url}?wait=60`, { headers: { ...auth, 'if-none-match': etag } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await other.app.close();
      expect((await waiting).status).toBe(304);
    } finally {
      await other.close();
    }
  });
});
