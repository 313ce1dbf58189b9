/**
 * Web console sessions: an API token exchanged (`POST /v1/session`) for an HttpOnly, SameSite=Strict
 * cookie naming a random session id. The store keeps the id's SHA-256, never the id; a session acts
 * as the token it was made from (same subject, same token id, so authorisation is unchanged) and ends
 * with it. A cookie is an ambient credential, so every request it authenticates that changes
 * something must carry the session's CSRF token in `x-csrf-token`, and must not come from a page of
 * another origin. The CSRF token is derived from the session id, never stored.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { PromptOpsError } from '../errors.js';
import type { SessionRecord, SessionStore } from '../store/session-store.js';
import type { Caller, TokenChecker } from './auth.js';
import { TtlCache } from './ttl-cache.js';

/** The cookie that carries the session id. */
export const SESSION_COOKIE = 'promptops_session';
/** The header a cookie-authenticated change carries the session's CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';
/** A session's absolute lifetime unless the server says otherwise; never beyond its token's expiry. */
export const DEFAULT_SESSION_MS = 12 * 60 * 60_000;

/** Methods that change nothing: a cookie alone may call them. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

export interface SessionOptions {
  store: SessionStore;
  tokens: TokenChecker;
  /** How long a looked-up session is cached (ms); ending its token through the API clears it at once. */
  cacheMs: number;
  /** A session's absolute lifetime (ms). */
  lifetimeMs: number;
  now?: () => number;
}

/** A session just opened: the id goes into the cookie once, and is kept nowhere else. */
export interface OpenedSession {
  id: string;
  session: SessionRecord;
}

/** The digest the store keys a session by. */
function hashOf(id: string): string {
  return createHash('sha256').update(id).digest('hex');
}

/** The session's CSRF token: derived from its id (a secret), so nothing more is stored. */
export function csrfTokenOf(id: string): string {
  return createHash('sha256').update(`csrf:${id}`).digest('base64url');
}

/** Whether `presented` is `expected`, in time that does not depend on where they differ. */
function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function signedOut(): PromptOpsError {
  return new PromptOpsError(
    'PO_ERR_UNAUTHENTICATED',
    'no live console session: it expired, was signed out, or its token was revoked; sign in again with an API token (POST /v1/session)',
  );
}

function csrfRefused(message: string): PromptOpsError {
  return new PromptOpsError('PO_ERR_CSRF', message, { header: CSRF_HEADER });
}

/** Opens, finds and ends sessions, caching live ones like verified tokens. */
export class Sessions {
  private readonly now: () => number;
  private readonly cache: TtlCache<SessionRecord>;

  constructor(private readonly options: SessionOptions) {
    this.now = options.now ?? Date.now;
    this.cache = new TtlCache(options.cacheMs, this.now);
  }

  /**
   * Signs in with an API token, checked (and throttled) as a bearer token would be from `address`.
   * Throws 401 for a token that is not valid.
   */
  async open(token: string, address: string): Promise<OpenedSession> {
    const caller = await this.options.tokens.check(`Bearer ${token}`, address);
    const id = randomBytes(32).toString('base64url');
    const now = this.now();
    const session = await this.options.store.createSession({
      idHash: hashOf(id),
      subject: caller.subject,
      tokenId: caller.tokenId,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.options.lifetimeMs).toISOString(),
    });
    // Revoked between the (cached) check and now.
    if (!session) throw signedOut();
    this.remember(id, session);
    return { id, session };
  }

  /** The live session `id` names, or 401. */
  async find(id: string | undefined): Promise<SessionRecord> {
    if (!id) throw signedOut();
    const key = hashOf(id);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const found = await this.options.store.findSession(key, new Date(this.now()).toISOString());
    if (!found) throw signedOut();
    this.remember(id, found);
    return found;
  }

  /** Signs out: the session ends in the store and in this server's cache. */
  async close(id: string, actor: string): Promise<void> {
    const key = hashOf(id);
    this.cache.delete(key);
    await this.options.store.deleteSession(key, actor);
  }

  /**
   * Ends the live session `id` names, if there is one: signing in again replaces the session the
   * browser held (an id someone else planted or saw does not outlive the sign-in).
   */
  async closeIfLive(id: string | undefined): Promise<void> {
    if (!id) return;
    const key = hashOf(id);
    this.cache.delete(key);
    const found = await this.options.store.findSession(key, new Date(this.now()).toISOString());
    if (found) await this.options.store.deleteSession(key, found.subject);
  }

  /** Drops the cached sessions of a revoked token: their next request finds them ended. */
  forget(tokenId: string): void {
    this.cache.deleteWhere((_key, session) => session.tokenId === tokenId);
  }

  /**
   * The caller of an API request: its bearer token when it has an `Authorization` header (or no
   * session cookie), else its session, which must pass the CSRF checks when the method changes
   * something.
   */
  async callerOf(request: FastifyRequest): Promise<Caller> {
    const id = sessionCookieOf(request);
    if (id === undefined) return this.options.tokens.check(request.headers.authorization, request.ip);
    const session = await this.find(id);
    if (!SAFE_METHODS.has(request.method)) requireCsrfToken(request, id);
    return { subject: session.subject, tokenId: session.tokenId };
  }

  private remember(id: string, session: SessionRecord): void {
    this.cache.set(hashOf(id), session, Date.parse(session.expiresAt));
  }
}

/**
 * Refuses (403 PO_ERR_CSRF) a cookie-authenticated change without the session's CSRF token, or
 * from a page of another origin.
 */
export function requireCsrfToken(request: FastifyRequest, id: string): void {
  requireOwnOrigin(request);
  const presented = request.headers[CSRF_HEADER];
  if (typeof presented !== 'string' || !sameSecret(presented, csrfTokenOf(id))) {
    throw csrfRefused(
      `a change made with the console's session cookie needs the session's CSRF token in the ${CSRF_HEADER} header (the csrfToken of GET /v1/session); scripts send a bearer token instead`,
    );
  }
}

/**
 * The session id of a request the console's cookie authenticates: it has the cookie and no
 * `Authorization` header (a bearer token wins). Undefined for any other request.
 */
export function sessionCookieOf(request: FastifyRequest): string | undefined {
  return request.headers.authorization === undefined ? request.cookies[SESSION_COOKIE] : undefined;
}

/** `Sec-Fetch-Site` values of a request the user made on this server's own pages (or typed in). */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

/**
 * Refuses (403 PO_ERR_CSRF) a request a page of another origin made: its `Sec-Fetch-Site` header
 * (sent by browsers) says `cross-site` or `same-site`, or its `Origin` header names another host, or
 * another scheme than the request came over when that is known. A request with neither header (a
 * script, an old browser's same-origin form) passes: the cookie is SameSite=Strict.
 */
export function requireOwnOrigin(request: FastifyRequest): void {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && !OWN_FETCH_SITES.has(String(site))) {
    throw csrfRefused(
      `a request a page of another site made (Sec-Fetch-Site: ${String(site).slice(0, 40)}) may not use the console's session; open the console from this server`,
    );
  }
  const origin = request.headers.origin;
  if (origin === undefined) return;
  if (!isOwnOrigin(origin, request)) {
    throw csrfRefused(
      `a request from a page of another origin (${origin.slice(0, 200)}) may not use the console's session; open the console from this server`,
    );
  }
}

/** Whether `origin` is this server as the request reached it: the same host, and scheme when known. */
function isOwnOrigin(origin: string, request: FastifyRequest): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.host !== request.headers.host) return false;
  const scheme = schemeOf(request);
  return scheme === undefined || url.protocol === `${scheme}:`;
}

/**
 * The scheme the browser used, when the server can tell: https over TLS, or what a proxy's
 * `X-Forwarded-Proto` says. Plain HTTP without that header may be a proxy's hop after TLS: unknown.
 */
function schemeOf(request: FastifyRequest): 'http' | 'https' | undefined {
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  if (first === 'http' || first === 'https') return first;
  return request.protocol === 'https' ? 'https' : undefined;
}

/** Whether the request came over HTTPS (directly, or through a proxy that says so). */
export function isHttps(request: FastifyRequest): boolean {
  return schemeOf(request) === 'https';
}
