/**
 * The console's one way to the server: the public `/v1` API, authenticated by the session cookie
 * (httpOnly, so this code never sees it) and, on every call that changes something, the session's
 * CSRF token in `x-csrf-token`. The token the user signed in with is never kept: not here, not in
 * storage.
 */

/** An error the API answered, with the catalog's code (`PO_ERR_…`), its message and details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** Set on sign-in (and when a session is found on load); cleared on sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any call answers 401: the session ended (expired, revoked, signed out elsewhere). */
let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

export type Method = 'GET' | 'POST' | 'DELETE';

/** Query values; undefined and empty ones are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** Calls `method path` (below the origin, e.g. `/v1/whoami`) and answers the parsed JSON (undefined for 204). */
export async function api<T>(method: Method, path: string, options: { body?: unknown; query?: Query } = {}) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(withQuery(path, options.query), {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed = text ? safeJson(text) : undefined;
  if (!response.ok) {
    const error = (
      parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } }
    )?.error;
    if (response.status === 401 && !path.startsWith('/v1/session')) onUnauthenticated();
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? `${method} ${path} answered ${response.status}`,
      error?.details ?? {},
    );
  }
  return parsed as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The path of a project operation: `/v1/projects/{project}{rest}`, each name escaped. */
export function projectPath(project: string, rest: string): string {
  return `/v1/projects/${encodeURIComponent(project)}${rest}`;
}

/** One path segment, escaped (a prompt name, a label, an id). */
export const seg = encodeURIComponent;
