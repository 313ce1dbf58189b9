/**
 * The store suites over HTTP: the store a suite gets is the remote client (HttpStore) of a real
 * control-plane server (buildServer on 127.0.0.1, port 0) over a SQLite registry, as
 * `promptops serve` runs it.
 *
 * The suites pass an actor to every write; the server acts as the token's subject instead. So the
 * store here is an adapter that sends each call with a token of the call's actor (created on first
 * use, straight in the registry), and reads with a token of its own. Every such subject is made an
 * admin of every project (a binding on `*`), so the server lets the call through to the store and
 * the suite sees what the store decides.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import type { Operation } from '../../src/api/operation.js';
import { OPERATIONS } from '../../src/api/operations.js';
import { buildServer, type ControlServer } from '../../src/server/app.js';
import { HttpStore } from '../../src/store/http-store.js';
import type { Store } from '../../src/store/index.js';
import { type EngineHarness, type EngineOpenOptions, execSqlite, openSqliteHarness } from './harness.js';

/** The subject the adapter reads as (a call without an actor). */
const READER = 'http-harness@promptops.test';
/** Who creates the adapter's tokens, grants and projects: in an audit chain of its own. */
const HARNESS = '~http-harness';

const BY_NAME = new Map(OPERATIONS.map((op) => [op.name as string, op]));

/** The actor argument of HttpStore's methods that compose operations. */
const COMPOSED: Operation['args'] = [{ in: 'body' }, { in: 'actor' }];

/** The actor a call acts as, if it names one. */
function actorOf(name: string, args: readonly unknown[]): string | undefined {
  const op = BY_NAME.get(name);
  const spec = op ? op.args : name === 'ensureProject' ? COMPOSED : [];
  const index = spec.findIndex((arg) => arg.in === 'actor');
  const arg = spec[index];
  if (arg?.in !== 'actor') return undefined;
  const value = args[index];
  return (arg.field ? (value as Record<string, unknown> | undefined)?.[arg.field] : value) as
    | string
    | undefined;
}

/** A server over one embedded store, listening on a free local port. */
async function serve(store: Store, opts: EngineOpenOptions): Promise<{ server: ControlServer; url: string }> {
  const server = await buildServer({
    store,
    project: opts.project,
    ...(opts.environments ? { environments: opts.environments } : {}),
  });
  const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return { server, url };
}

/**
 * A token row for `subject` with a cheap scrypt cost. Tokens made through the store cost ~50 ms of
 * scrypt to mint and as much again for the server's first check, for every subject of every test;
 * a stored hash names its own cost, so the server checks these in microseconds. Made once per
 * subject for the whole file and written straight into each test's registry.
 */
const CHEAP_TOKENS = new Map<string, { token: string; id: string; hash: string }>();
function cheapToken(subject: string): { token: string; id: string; hash: string } {
  let made = CHEAP_TOKENS.get(subject);
  if (!made) {
    const id = randomBytes(9).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16);
    const key = scryptSync(secret, salt, 32, { N: 16, r: 1, p: 1 });
    const hash = `scrypt$16$1$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    made = { token: `po_${id}_${secret}`, id, hash };
    CHEAP_TOKENS.set(subject, made);
  }
  return made;
}

/** Tokens of the subjects the suites act as, made on first use (one per subject, whatever the server). */
class Tokens {
  private readonly made = new Map<string, Promise<string>>();
  private readonly projects = new Map<string, Promise<unknown>>();

  constructor(
    private readonly registry: Store,
    private readonly harness: EngineHarness,
  ) {}

  of(subject: string): Promise<string> {
    let token = this.made.get(subject);
    if (!token) {
      token = (async () => {
        const { token, id, hash } = cheapToken(subject);
        await execSqlite(
          this.harness,
          'INSERT INTO api_tokens (id, subject, name, secret_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
          [id, subject, 'http-harness', hash, new Date().toISOString(), HARNESS],
        );
        await this.registry.forProject('*').grantRole(subject, 'admin', HARNESS);
        return token;
      })();
      this.made.set(subject, token);
    }
    return token;
  }

  /** The server answers 404 for a project without a row, where an embedded store just has an empty view. */
  project(name: string): Promise<unknown> {
    let made = this.projects.get(name);
    if (!made) {
      made = this.registry.forProject(HARNESS).ensureProject(name, HARNESS);
      this.projects.set(name, made);
    }
    return made;
  }
}

/**
 * Checks the table's `audit` field against what the store writes: the entries a call appends to its
 * chain must be actions its operation declares. Only calls that ran alone are judged, so that no
 * other call's entries are counted.
 */
class AuditWatch {
  private running = 0;
  private overlapped = new Set<object>();

  constructor(
    private readonly registry: Store,
    private readonly home: string,
  ) {}

  async around<T>(op: Operation | undefined, project: string, work: () => Promise<T>): Promise<T> {
    if (!op) return work();
    const chain = this.registry.forProject(op.path.startsWith('/projects/:project') ? project : this.home);
    const call = {};
    this.running++;
    if (this.running > 1) this.overlapped.add(call);
    const before = (await chain.listAudit({ limit: 1 }))[0]?.seq ?? 0;
    try {
      const result = await work();
      if (this.running === 1 && !this.overlapped.has(call)) {
        const added = (await chain.listAudit({ limit: 50 })).filter((e) => e.seq > before);
        for (const entry of added) {
          if (!op.audit?.includes(entry.action)) {
            throw new Error(
              `${op.name} appended a "${entry.action}" audit entry its operation does not declare`,
            );
          }
        }
      }
      return result;
    } finally {
      this.running--;
      // Calls running now overlapped this one: they cannot be judged either.
      if (this.running > 0) this.overlapped.add(call);
    }
  }
}

/** A Store whose every operation goes through the server, as the call's actor. */
function remote(url: string, project: string, tokens: Tokens, audit: AuditWatch): Store {
  let closed = false;
  const clientAs = async (subject: string) => {
    await tokens.project(project);
    return new HttpStore({ url, token: await tokens.of(subject), project });
  };
  const call =
    (name: string) =>
    async (...args: unknown[]) => {
      const client = (await clientAs(actorOf(name, args) || READER)) as unknown as Record<
        string,
        (...a: unknown[]) => Promise<unknown>
      >;
      return audit.around(BY_NAME.get(name), project, () => client[name]!(...args));
    };
  const own: Record<string, unknown> = {
    forProject: (other: string) => remote(url, other, tokens, audit),
    close: async () => {
      closed = true;
    },
    isUnavailable: () => false,
    // The API answers who a token is for only to that token itself.
    authenticate: async (token: string) => new HttpStore({ url, token, project }).authenticate(token),
  };
  return new Proxy({} as Store, {
    get: (_target, name: string) => {
      if (name === 'closed') return closed;
      if (name === 'then') return undefined;
      return own[name] ?? call(name);
    },
  });
}

/** A fresh SQLite registry served over HTTP; `store` and `reopen` are its remote clients. */
export async function openHttpHarness(opts: EngineOpenOptions): Promise<EngineHarness> {
  const local = await openSqliteHarness(opts);
  const tokens = new Tokens(local.store, local);
  const audit = new AuditWatch(local.store, opts.project);
  // The server creates its project on start; made here first, its entry stays out of the project's chain.
  await tokens.project(opts.project);
  const servers: ControlServer[] = [];
  const start = async (store: Store, options = opts) => {
    const { server, url } = await serve(store, options);
    servers.push(server);
    return url;
  };
  const url = await start(local.store);
  return {
    ...local,
    store: remote(url, opts.project, tokens, audit),
    // A project or nothing: another client of the same server. A policy, clock or environments:
    // another server, over another store of the same registry opened with them.
    reopen: async (overrides = {}) => {
      const { project, ...rest } = overrides;
      const where =
        Object.keys(rest).length === 0
          ? url
          : await start(await local.reopen(overrides), { ...opts, ...overrides });
      return remote(where, project ?? opts.project, tokens, audit);
    },
    cleanup: async () => {
      for (const server of servers) await server.app.close();
      await local.cleanup();
    },
  };
}
