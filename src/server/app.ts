import swagger from '@fastify/swagger';
import type { FastifyReply } from 'fastify';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { findUnstorable } from '../catalog/check-spec.js';
import { type ErrorCode, isPromptOpsError, PromptOpsError } from '../errors.js';
import { allows, type Permission, ROLES, type Role } from '../governance/rbac.js';
import type { Store } from '../store/index.js';
import { type Caller, retryAfterSeconds, TokenChecker } from './auth.js';
import { MAX_TEXT_LENGTH, ROUTES, type RouteDef } from './routes.js';
import { TtlCache } from './ttl-cache.js';

/** What the control-plane server is built from. */
export interface ServerOptions {
  /** The store; every project is a view of it (`forProject`). */
  store: Store;
  /** The server's own project: identities are managed here and it is created on start. */
  project: string;
  /** Pino logger settings, or false for none (tests); `stream` receives the JSON log lines. */
  logger?: boolean | { level: string; stream?: { write: (line: string) => void } };
  /** How long a verified token and a subject's roles are cached (ms). Revocations through the API clear it at once. */
  authCacheMs?: number;
  /** The clock of the token and role caches and the throttling of failed token checks (tests move it). */
  now?: () => number;
  version?: string;
  /** Environment names: their labels move only through releases (or by an admin). */
  environments?: readonly string[];
}

/** The roles that grant `permission`, for telling a refused caller what to ask for. */
function rolesGranting(permission: Permission): Role[] {
  return ROLES.filter((role) => allows([role], permission));
}

function errorBody(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
  return { error: { code, message, details } };
}

/** A built server and the switch that starts draining it. */
export interface ControlServer {
  app: FastifyInstance;
  /** Marks the server as shutting down: readiness fails so load balancers stop sending requests. */
  drain: () => void;
}

/**
 * The control-plane HTTP API. Every `/v1` route needs a bearer token; each route names the
 * permission the caller's roles in the route's project must grant. Errors have one body shape,
 * `{"error": {"code", "message", "details"}}`, with the status the error catalog assigns.
 */
export async function buildServer(options: ServerOptions): Promise<ControlServer> {
  const { store } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 16 * 1024 * 1024,
    // Every name the API accepts (a prompt name, a subject, an id) must fit in a path parameter.
    routerOptions: { maxParamLength: MAX_TEXT_LENGTH },
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true } },
    // Errors the router meets before any route runs (a malformed %-escape, an over-long parameter)
    // get the same body as every other error.
    frameworkErrors: (err, _request, reply: FastifyReply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      reply.status(status).send(errorBody('PO_ERR_REQUEST_INVALID', err.message, { reason: err.code }));
    },
  });
  const ttl = options.authCacheMs ?? 5_000;
  const tokens = new TokenChecker({
    verify: (token) => store.authenticate(token),
    cacheMs: ttl,
    ...(options.now ? { now: options.now } : {}),
    onBackgroundError: (err) => app.log.warn({ err }, 'background token check failed'),
  });
  const roles = new TtlCache<Role[]>(ttl, options.now);
  const projects = new Set<string>();
  let draining = false;

  await store.ensureProject(options.project, 'promptops-server');
  projects.add(options.project);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'PromptOps control plane',
        version: options.version ?? '0',
        description:
          'Versioned prompts, change requests with risk-scored review gates, releases, rollback and a tamper-evident audit log.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isPromptOpsError(err)) return reply.status(err.status).send(err.toJSON());
    if (err.validation) {
      return reply.status(400).send(
        errorBody('PO_ERR_REQUEST_INVALID', `invalid request: ${err.message}`, {
          validation: err.validation,
        }),
      );
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send(errorBody('PO_ERR_REQUEST_INVALID', err.message));
    }
    // A lost, shut-down or damaged database (or a store closed by a shutdown under the request) is
    // retryable elsewhere or later, as /readyz says; the engine's error stays in the server log.
    if (store.isUnavailable(err)) {
      request.log.error({ err }, 'store unavailable');
      return reply
        .status(503)
        .send(
          errorBody('PO_ERR_STORE_UNAVAILABLE', 'the registry database is unavailable; try again shortly'),
        );
    }
    request.log.error({ err }, 'unexpected error');
    return reply
      .status(500)
      .send(
        errorBody(
          'PO_ERR_INTERNAL',
          `internal error (request ${request.id}); the server log has the details`,
        ),
      );
  });
  // Whatever a route's schema says, no request brings in a value one of the engines cannot store
  // (a NUL character, a lone surrogate, a number JSON cannot hold): refused here, not failed in SQL.
  app.addHook('preHandler', async (request) => {
    for (const [part, value] of [
      ['path', request.params],
      ['query', request.query],
      ['body', request.body],
    ] as const) {
      const problem = findUnstorable(value, part);
      if (problem) {
        throw new PromptOpsError('PO_ERR_REQUEST_INVALID', `invalid request: ${problem}`, { part });
      }
    }
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send(errorBody('PO_ERR_ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  async function rolesIn(project: string, subject: string): Promise<Role[]> {
    const key = `${project}\u0000${subject}`;
    let found = roles.get(key);
    if (!found) {
      found = await store.forProject(project).rolesOf(subject);
      roles.set(key, found);
    }
    return found;
  }

  async function requireProject(project: string): Promise<void> {
    if (projects.has(project)) return;
    if ((await store.listProjects()).some((p) => p.name === project)) {
      projects.add(project);
      return;
    }
    throw new PromptOpsError(
      'PO_ERR_PROJECT_NOT_FOUND',
      `project "${project}" does not exist on this server; an admin creates it with POST /v1/projects`,
      { project },
    );
  }

  const invalidate = (what: { subject?: string; tokenId?: string }) => {
    if (what.subject) roles.deleteWhere((key) => key.endsWith(`\u0000${what.subject}`));
    if (what.tokenId) tokens.forget(what.tokenId);
  };

  const callers = new WeakMap<FastifyRequest, Caller>();
  const register = (route: RouteDef) => {
    app.route({
      method: route.method,
      url: `/v1${route.url}`,
      schema: {
        summary: route.summary,
        tags: [route.tag],
        ...(route.schema ?? {}),
      },
      // Authentication comes before the body is parsed or validated, and authorization before it is
      // validated: a caller without a token (or without the permission) gets 401 (or 403), never a
      // 400 that describes the route's schema.
      onRequest: async (request, reply) => {
        try {
          callers.set(request, await tokens.check(request.headers.authorization, request.ip));
        } catch (err) {
          const wait = retryAfterSeconds(err);
          if (wait !== undefined) reply.header('retry-after', String(wait));
          throw err;
        }
      },
      preValidation: async (request) => {
        const caller = callers.get(request)!;
        const params = request.params as Record<string, string>;
        const project = params.project ?? options.project;
        if (route.permission !== null) {
          // Permission first: a caller without roles learns nothing, not even whether the project exists.
          const held = await rolesIn(project, caller.subject);
          if (!allows(held, route.permission)) {
            throw new PromptOpsError(
              'PO_ERR_FORBIDDEN',
              `${caller.subject} may not ${route.permission} in project "${project}" (roles: ${held.join(', ') || 'none'}); an admin can grant ${rolesGranting(route.permission).join(' or ')} with "promptops role grant ${caller.subject} ROLE"`,
              { permission: route.permission, project, roles: held },
            );
          }
          await requireProject(project);
          // Forcing a release or rollback past the contract re-validation is a policy exception.
          if (/\/releases(\/rollback)?$/.test(route.url) && (request.body as { force?: unknown })?.force) {
            if (!allows(held, 'policy.override')) {
              throw new PromptOpsError(
                'PO_ERR_FORBIDDEN',
                'only an admin may force a release or a rollback',
                {
                  permission: 'policy.override',
                  project,
                },
              );
            }
          }
          if (
            route.permission === 'label.set' &&
            isEnvironmentLabel(params.label) &&
            !allows(held, 'admin.manage')
          ) {
            throw new PromptOpsError(
              'PO_ERR_FORBIDDEN',
              `"${params.label}" is an environment: it moves through releases ("promptops release"), or by an admin`,
              { label: params.label, project },
            );
          }
        }
      },
      handler: async (request, reply) => {
        const caller = callers.get(request)!;
        const params = request.params as Record<string, string>;
        const project = params.project ?? options.project;
        const result = await route.handler({
          store: store.forProject(project),
          actor: caller.subject,
          tokenId: caller.tokenId,
          params,
          query: (request.query ?? {}) as Record<string, string | undefined>,
          body: (request.body ?? {}) as Record<string, unknown>,
          invalidate,
        });
        reply.status(route.status ?? 200);
        return route.status === 204 ? reply.send() : reply.send(result ?? null);
      },
    });
  };
  const environments = new Set(options.environments ?? []);
  const isEnvironmentLabel = (label: string | undefined) => label !== undefined && environments.has(label);
  for (const route of ROUTES) register(route);

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (draining) return reply.status(503).send({ status: 'draining' });
    try {
      await store.listProjects();
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'store unavailable' });
    }
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  return {
    app,
    drain: () => {
      draining = true;
    },
  };
}
