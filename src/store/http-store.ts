import type { Operation, OperationName, ServerOperations } from '../api/operation.js';
import { OPERATIONS } from '../api/operations.js';
import { requestOf } from '../api/wire.js';
import { ERROR_CATALOG, type ErrorCode, PromptOpsError } from '../errors.js';
import type { ProjectRecord, Store } from './types.js';

export interface HttpStoreOptions {
  /** The server's base URL, e.g. `https://promptops.internal:4100`. */
  url: string;
  token: string;
  project: string;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
}

/**
 * The error a PromptOps server's non-2xx answer stands for: its body's catalog code, message and
 * details, else PO_ERR_REMOTE_UNAVAILABLE naming the status (a proxy's page, an unknown code).
 */
export function remoteFailure(body: unknown, status: number, base: string): PromptOpsError {
  const error = (
    body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null
  )?.error;
  const code =
    error?.code && error.code in ERROR_CATALOG ? (error.code as ErrorCode) : 'PO_ERR_REMOTE_UNAVAILABLE';
  return new PromptOpsError(
    code,
    error?.message ?? `the server at ${base} answered ${status}`,
    error?.details ?? {},
  );
}

/**
 * The store as a client of a `promptops serve` server: the same interface as the embedded engines,
 * so every CLI command runs unchanged (and prints the same) against a remote control plane. The
 * server acts as the token's subject; actor arguments passed here are ignored by it. Each method of
 * an operation in the table (src/api/operations.ts) is defined from it; the rest compose them.
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the operations' methods are defined from OPERATIONS at the end of this file
export class HttpStore implements Store {
  private readonly base: string;
  private readonly project: string;

  constructor(private readonly options: HttpStoreOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.project = options.project;
  }

  forProject(project: string): this {
    return new HttpStore({ ...this.options, project }) as this;
  }

  private async call<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, unknown>,
    timeoutMs = this.options.timeoutMs ?? 30_000,
  ): Promise<T> {
    const url = new URL(`${this.base}/v1${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new PromptOpsError(
        'PO_ERR_REMOTE_UNAVAILABLE',
        `cannot reach the PromptOps server at ${this.base}: ${(err as Error).cause ? String(((err as Error).cause as Error).message ?? (err as Error).cause) : (err as Error).message}`,
        { url: this.base },
      );
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      throw new PromptOpsError(
        'PO_ERR_REMOTE_UNAVAILABLE',
        `the server at ${this.base} answered ${response.status} with something that is not JSON; is PROMPTOPS_URL a PromptOps server?`,
        { url: this.base, status: response.status },
      );
    }
    if (!response.ok) throw remoteFailure(parsed, response.status, this.base);
    return parsed as T;
  }

  /** One operation of the table, called with the store method's arguments. */
  invoke(op: Operation, args: readonly unknown[]): Promise<unknown> {
    const answered = op.shortcut?.(args);
    if (answered) return Promise.resolve(answered.result);
    const { params, query, body } = requestOf(op, args);
    const path = op.path.replace(/:([A-Za-z_]+)/g, (_m, name: string) =>
      encodeURIComponent(name === 'project' ? this.project : params[name]!),
    );
    return this.call(op.method, path, body, query, op.timeoutMs).then((wire) =>
      op.fromWire ? op.fromWire(wire) : wire,
    );
  }

  /** Sessions are the server's own: a client of it keeps none. */
  readonly sessions = null;

  async close(): Promise<void> {}
  /** Nothing to close: every call is its own HTTP request. */
  readonly closed = false;
  /** A server that cannot be reached already fails as PO_ERR_REMOTE_UNAVAILABLE. */
  isUnavailable(_err: unknown): boolean {
    return false;
  }

  // ---- identity ----
  async ensureProject(name: string, actor: string): Promise<ProjectRecord> {
    const found = (await this.listProjects()).find((p) => p.name === name);
    return found ?? this.createProject(name, actor);
  }
  /** Asks the server who this client's token acts for; other tokens cannot be checked remotely. */
  async authenticate(
    token: string,
  ): Promise<{ subject: string; tokenId: string; expiresAt: string | null } | null> {
    if (token !== this.options.token) return null;
    try {
      const me = await this.whoami();
      return { subject: me.subject, tokenId: me.tokenId, expiresAt: null };
    } catch (err) {
      if (err instanceof PromptOpsError && err.code === 'PO_ERR_UNAUTHENTICATED') return null;
      throw err;
    }
  }
}

/** The operations' methods, which the loop below defines on the prototype from the table. */
type OperationMethods = Pick<Store, Exclude<OperationName, keyof ServerOperations>> & ServerOperations;
// The methods the interface declares are defined from OPERATIONS below.
export interface HttpStore extends OperationMethods {}

for (const op of OPERATIONS) {
  Object.defineProperty(HttpStore.prototype, op.name, {
    value: function (this: HttpStore, ...args: unknown[]) {
      return this.invoke(op, args);
    },
    writable: true,
    configurable: true,
  });
}
