/**
 * `/v1/session`: the web console signs in with an API token and gets a session cookie (server
 * routes, like /healthz, not operations of the table: no CLI command or remote store uses them).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { RoleSchema } from '../api/schemas.js';
import type { Access } from './access.js';
import { retryAfterSeconds } from './auth.js';
import {
  csrfTokenOf,
  isHttps,
  type OpenedSession,
  requireCsrfToken,
  requireOwnOrigin,
  SESSION_COOKIE,
  type Sessions,
  sessionCookieOf,
} from './sessions.js';

const SignInSchema = Type.Object(
  {
    token: Type.String({
      minLength: 1,
      maxLength: 256,
      pattern: '^[A-Za-z0-9_-]+$',
      description: 'An API token (as `promptops token create` prints it)',
    }),
  },
  { additionalProperties: false },
);

/** What `/v1/session` answers: who the session acts for, and the CSRF token its changes must carry. */
export const SessionSchema = Type.Object({
  subject: Type.String(),
  tokenId: Type.String({ description: 'The token the session was made from; it ends with it' }),
  project: Type.String({ description: "The server's project" }),
  roles: Type.Array(RoleSchema, { description: "The subject's roles in the server's project" }),
  csrfToken: Type.String({
    description: 'Send it as the `x-csrf-token` header with every change made with the session cookie',
  }),
  expiresAt: Type.String({ format: 'date-time', description: 'When the session ends, at the latest' }),
});

const API_PATH = /^\/v1(\/|\?|$)/;
const NoContent = { description: 'No content', type: 'null' } as const;
const tags = ['session'];
const cookieAuth = [{ session: [] }];

export interface SessionRouteDeps {
  sessions: Sessions;
  access: Access;
  /** The server's own project: a session acts there, and its roles are the subject's there. */
  home: string;
}

/** Registers `POST`, `GET` and `DELETE /v1/session`. */
export function registerSessionRoutes(app: FastifyInstance, deps: SessionRouteDeps): void {
  registerSignIn(app, deps);
  registerCurrent(app, deps);
  registerSignOut(app, deps);
}

/**
 * Marks every `/v1` answer `nosniff`, and every one a session cookie authenticated `no-store`: what
 * a signed-in browser read stays out of caches (shared or its own) after sign-out. Bearer-token
 * answers keep their own caching (the gateway's immutable prompt versions); an ETag long-poll still
 * answers 304 to the `If-None-Match` its client sends.
 */
export function registerSessionHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply) => {
    if (!API_PATH.test(request.url)) return;
    reply.header('x-content-type-options', 'nosniff');
    if (sessionCookieOf(request) !== undefined) reply.header('cache-control', 'no-store');
  });
}

/** The answer of the session routes; it holds the CSRF token, so no cache keeps it. */
async function sessionAnswer(
  deps: SessionRouteDeps,
  reply: FastifyReply,
  id: string,
  session: { subject: string; tokenId: string; expiresAt: string },
) {
  reply.header('cache-control', 'no-store');
  return {
    subject: session.subject,
    tokenId: session.tokenId,
    project: deps.home,
    roles: await deps.access.rolesIn(deps.home, session.subject),
    csrfToken: csrfTokenOf(id),
    expiresAt: session.expiresAt,
  };
}

function registerSignIn(app: FastifyInstance, deps: SessionRouteDeps): void {
  app.post<{ Body: { token: string } }>(
    '/v1/session',
    {
      schema: {
        summary: 'Sign in to the web console: exchange an API token for a session cookie',
        tags,
        security: [],
        body: SignInSchema,
        response: {
          201: {
            description: `Signed in; the session id is in the \`${SESSION_COOKIE}\` cookie (HttpOnly, SameSite=Strict)`,
            ...SessionSchema,
          },
        },
      },
    },
    async (request, reply) => {
      // Nothing ambient authenticates this call, but a page of another origin may not sign a
      // browser in (as someone else) either.
      requireOwnOrigin(request);
      // The session this browser held ends first: a sign-in never leaves an older id alive.
      await deps.sessions.closeIfLive(cookieOf(request));
      let opened: OpenedSession;
      try {
        opened = await deps.sessions.open(request.body.token, request.ip);
      } catch (err) {
        const wait = retryAfterSeconds(err);
        if (wait !== undefined) reply.header('retry-after', String(wait));
        throw err;
      }
      const { id, session } = opened;
      reply.setCookie(SESSION_COOKIE, id, {
        ...cookieOptions(request),
        maxAge: Math.max(
          0,
          Math.floor((Date.parse(session.expiresAt) - Date.parse(session.createdAt)) / 1000),
        ),
      });
      request.log.info({ subject: session.subject, tokenId: session.tokenId }, 'console session opened');
      return reply.status(201).send(await sessionAnswer(deps, reply, id, session));
    },
  );
}

function registerCurrent(app: FastifyInstance, deps: SessionRouteDeps): void {
  app.get(
    '/v1/session',
    {
      schema: {
        summary: 'The console session the cookie names: who it acts for, and its CSRF token',
        tags,
        security: cookieAuth,
        response: { 200: { description: 'Signed in', ...SessionSchema } },
      },
    },
    async (request, reply) => {
      const id = cookieOf(request);
      const session = await deps.sessions.find(id);
      return sessionAnswer(deps, reply, id ?? '', session);
    },
  );
}

function registerSignOut(app: FastifyInstance, deps: SessionRouteDeps): void {
  app.delete(
    '/v1/session',
    {
      schema: {
        summary: 'Sign out of the web console (needs the x-csrf-token header)',
        tags,
        security: cookieAuth,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      const id = cookieOf(request);
      const session = await deps.sessions.find(id);
      // find() refused a missing cookie: `id` is the session's.
      requireCsrfToken(request, id as string);
      await deps.sessions.close(id as string, session.subject);
      request.log.info({ subject: session.subject, tokenId: session.tokenId }, 'console session closed');
      reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
      return reply.status(204).send();
    },
  );
}

/** The session cookie's attributes: script-proof, same-site only, Secure over https. */
function cookieOptions(request: FastifyRequest) {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure: isHttps(request) } as const;
}

function cookieOf(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}
