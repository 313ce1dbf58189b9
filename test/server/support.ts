/**
 * A real control-plane server on a fresh SQLite registry, listening on a free local port, for the
 * HTTP tests: requests go through `fetch`, exactly as a remote client's would.
 */

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildServer, type ControlServer, type ServerOptions } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/index.js';
import { DATABASE_URL, reachableEngines, withClient, withSchema } from '../store/harness.js';

export const PROJECT = 'acme';
export const ENVIRONMENTS = ['staging', 'production'] as const;

export interface TestServer extends ControlServer {
  store: Store;
  /** The temporary folder of the server (its SQLite file r.db unless a store URL was given), removed by close(). */
  dir: string;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Sends a request; `body` is JSON-encoded (a string is sent as is, with a JSON content type). */
  call: (method: string, url: string, options?: CallOptions) => Promise<Reply>;
  close: () => Promise<void>;
}

export interface CallOptions {
  token?: string;
  /** The whole Authorization header (wins over `token`). */
  authorization?: string;
  body?: unknown;
  /** More request headers (a cookie, an Origin, Accept…), names in lower case. */
  headers?: Record<string, string>;
  /**
   * The local address the request leaves from (any of 127.0.0.0/8 reaches the server on Linux), so a
   * test can play several clients: the server sees it as `request.ip`. Default 127.0.0.1.
   */
  from?: string;
}

export interface Reply {
  status: number;
  text: string;
  /** The parsed body, or undefined when it is empty or not JSON. */
  json: unknown;
  /** Response headers, names in lower case. */
  headers: Record<string, string>;
}

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** A registry engine a server test runs on: SQLite (`url` undefined), or a fresh PostgreSQL schema. */
export interface ServerEngine {
  name: string;
  url: string | undefined;
  /** The PostgreSQL schema, null on SQLite. */
  schema: string | null;
  /** Drops the PostgreSQL schema (nothing on SQLite, whose file goes with the server's folder). */
  drop: () => Promise<void>;
}

/** The engines a server test runs on (PostgreSQL when reachable), its schema named `prefix_<random>`. */
export function serverEngines(prefix: string): ServerEngine[] {
  const schema = `${prefix}_${randomBytes(5).toString('hex')}`;
  return reachableEngines([
    { name: 'sqlite', url: undefined, schema: null, drop: async () => {} },
    {
      name: 'postgres',
      url: withSchema(DATABASE_URL, schema),
      schema,
      drop: () =>
        withClient(null, (c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).then(() => {}),
    },
  ]);
}

/**
 * Starts a server on a fresh SQLite registry, or on the store `storeUrl` names (a PostgreSQL schema).
 * `wrapStore` lets a test hand the server a view of the store (to count calls); `store` stays the real one.
 */
export async function startServer(
  options: Partial<Omit<ServerOptions, 'store' | 'project'>> = {},
  storeUrl?: string,
  wrapStore: (store: Store) => Store = (store) => store,
): Promise<TestServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'promptops-server-'));
  const store = await openStore(storeUrl ?? `sqlite:${path.join(dir, 'r.db')}`, dir, {
    project: PROJECT,
    environments: ENVIRONMENTS,
  });
  const server = await buildServer({
    store: wrapStore(store),
    project: PROJECT,
    environments: ENVIRONMENTS,
    ...options,
  });
  const base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  const call = async (method: string, url: string, opts: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...opts.headers };
    const authorization = opts.authorization ?? (opts.token ? `Bearer ${opts.token}` : undefined);
    if (authorization !== undefined) headers.authorization = authorization;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    let status: number;
    let text: string;
    let replyHeaders: Record<string, string>;
    if (opts.from) {
      ({
        status,
        text,
        headers: replyHeaders,
      } = await sendFrom(opts.from, `${base}${url}`, method, headers, body));
    } else {
      const res = await fetch(`${base}${url}`, { method, headers, ...(body !== undefined ? { body } : {}) });
      status = res.status;
      text = await res.text();
      replyHeaders = Object.fromEntries(res.headers);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status, text, json, headers: replyHeaders };
  };
  return {
    ...server,
    store,
    dir,
    base,
    call,
    close: async () => {
      await server.app.close();
      // A test may have closed the store already, to make it fail under the server.
      await store.close().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One request through node:http, which (unlike fetch) can choose the local address it leaves from. */
function sendFrom(
  localAddress: string,
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; text: string; headers: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: flat });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The error code of a reply in the standard error body (undefined when the body is not one). */
export function errorCode(reply: Reply): string | undefined {
  return (reply.json as ErrorBody | undefined)?.error?.code;
}

/** True when `reply` carries exactly the standard error body: `{"error": {code, message, details}}`. */
export function isErrorBody(reply: Reply): boolean {
  const body = reply.json as ErrorBody | undefined;
  if (!body || typeof body !== 'object' || Object.keys(body).join() !== 'error') return false;
  const { code, message, details } = body.error;
  return (
    typeof code === 'string' &&
    /^PO_ERR_[A-Z_]+$/.test(code) &&
    typeof message === 'string' &&
    message.length > 0 &&
    typeof details === 'object' &&
    details !== null
  );
}
