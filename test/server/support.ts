/**
 * A real control-plane server on a fresh SQLite registry, listening on a free local port, for the
 * HTTP tests: requests go through `fetch`, exactly as a remote client's would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildServer, type ControlServer, type ServerOptions } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/index.js';

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
}

export interface Reply {
  status: number;
  text: string;
  /** The parsed body, or undefined when it is empty or not JSON. */
  json: unknown;
}

export interface ErrorBody {
  error: { code: string; message: string; details: Record<string, unknown> };
}

/** Starts a server on a fresh SQLite registry, or on the store `storeUrl` names (a PostgreSQL schema). */
export async function startServer(
  options: Partial<Omit<ServerOptions, 'store' | 'project'>> = {},
  storeUrl?: string,
): Promise<TestServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'promptops-server-'));
  const store = await openStore(storeUrl ?? `sqlite:${path.join(dir, 'r.db')}`, dir, {
    project: PROJECT,
    environments: ENVIRONMENTS,
  });
  const server = await buildServer({ store, project: PROJECT, environments: ENVIRONMENTS, ...options });
  const base = await server.app.listen({ port: 0, host: '127.0.0.1' });
  const call = async (method: string, url: string, opts: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = {};
    const authorization = opts.authorization ?? (opts.token ? `Bearer ${opts.token}` : undefined);
    if (authorization !== undefined) headers.authorization = authorization;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const res = await fetch(`${base}${url}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
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
