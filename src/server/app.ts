import fastifyCookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { ServerContext } from '../api/operation.js';
import { MAX_TEXT_LENGTH } from '../api/schemas.js';
import { findUnstorable } from '../catalog/check-spec.js';
import { type ErrorCode, isPromptOpsError, PromptOpsError } from '../errors.js';
import { requirePermission } from '../gateway/callers.js';
import { CONTROL_PLANE } from '../governance/policy.js';
import type { Permission } from '../governance/rbac.js';
import type { Store } from '../store/index.js';
import { Access } from './access.js';
import { TokenChecker } from './auth.js';
import { consolePage, registerConsole } from './console-routes.js';
import { registerGatewayRoutes, type ServedGateway } from './gateway-routes.js';
import { type MetricsRouteOptions, registerMetrics } from './metrics-route.js';
import { RevisionWatch } from './revision-watch.js';
import { registerOperations } from './routes.js';
import { registerSessionHeaders, registerSessionRoutes } from './session-routes.js';
import { DEFAULT_SESSION_MS, SESSION_COOKIE, Sessions } from './sessions.js';

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
  /**
   * Runs a change request's checks as the control plane (`POST …/checks/run`); `serve` builds it on
   * its project folder (src/server/run-checks.ts). Without it that route answers PO_ERR_CHECKS_UNAVAILABLE.
   */
  runChecks?: ServerContext['runChecks'];
  /**
   * The project's canary plan (promptops.yaml `canary:`): a canary released over the API without a
   * plan of its own (the console's release form) carries it, as the CLI's `release --canary` does.
   */
  canaryPlan?: ServerContext['canaryPlan'];
  /** A gateway served beside the API (`serve` embeds one): its routes answer on the same port. */
  gateway?: ServedGateway;
  /** `/metrics` without a token (`metrics.public` in promptops.yaml); by default it needs `read`. */
  metricsPublic?: boolean;
  /**
   * The built web console (index.html and assets/), served at `/`; `serve` passes the package's
   * dist/web. Absent or null: no console.
   */
  consoleDir?: string | null;
  /** A console session's absolute lifetime (ms; default 12 hours), never beyond its token's expiry. */
  sessionMs?: number;
}

/** The review queue's depth is counted up to this many (a queue that deep is an incident anyway). */
const PENDING_REVIEWS_COUNTED = 10_000;

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
 * The control-plane HTTP API. Every `/v1` route is an operation of the table (src/api/operations.ts)
 * and needs a bearer token (or the web console's session cookie, src/server/sessions.ts); each names
 * the permission the caller's roles in its project must grant. `consoleDir` adds the console at `/`.
 * Errors have one body shape, `{"error": {"code", "message", "details"}}`, with the status the error
 * catalog assigns.
 */
export async function buildServer(options: ServerOptions): Promise<ControlServer> {
  const { store } = options;
  const app = createApp(options);
  const { tokens, sessions, access } = callers(options, app);
  // A project's revision is its audit head: the newest entry's sequence number, 0 before any.
  const revisions = new RevisionWatch({
    read: async (project) => (await store.forProject(project).listAudit({ limit: 1 }))[0]?.seq ?? 0,
    onError: (err) => app.log.warn({ err }, 'reading a revision failed'),
  });
  // Before the server stops taking connections: a held long-poll is let go (304), not waited for.
  app.addHook('preClose', async () => revisions.close());
  let draining = false;

  const authorizeHome = homeCallers(tokens, access, options.project);

  await store.ensureProject(options.project, 'promptops-server');
  await registerDocs(app, options.version);
  await app.register(fastifyCookie);
  registerSessionHeaders(app);
  handleErrors(
    app,
    (err) => store.isUnavailable(err),
    (request, reply) => consolePage(request, reply, options.consoleDir),
  );
  registerMetrics(app, metricsOptions(options, authorizeHome));
  registerSessionRoutes(app, { sessions, access, home: options.project });
  registerOperations(app, {
    store,
    callerOf: (request) => sessions.callerOf(request),
    access,
    revisions,
    environments: options.environments ?? [],
    ...(options.runChecks ? { runChecks: options.runChecks } : {}),
    ...(options.canaryPlan ? { canaryPlan: options.canaryPlan } : {}),
  });

  if (options.gateway) registerGatewayRoutes(app, { ...options.gateway, authorize: authorizeHome });

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
  if (options.consoleDir) await registerConsole(app, options.consoleDir);

  return {
    app,
    drain: () => {
      draining = true;
    },
  };
}

/**
 * Who may call the server: bearer tokens (checked, cached and throttled), console sessions made
 * from them, and the roles they hold. A token revoked through the API ends at once, with its sessions.
 */
function callers(options: ServerOptions, app: FastifyInstance) {
  const { store } = options;
  const cacheMs = options.authCacheMs ?? 5_000;
  const tokens = new TokenChecker({
    // The control plane's own subject acts only inside the server: a token for it (issued before it
    // was reserved) is refused like an unknown one.
    verify: async (token) => {
      const found = await store.authenticate(token);
      return found?.subject === CONTROL_PLANE ? null : found;
    },
    cacheMs,
    ...(options.now ? { now: options.now } : {}),
    onBackgroundError: (err) => app.log.warn({ err }, 'background token check failed'),
  });
  const sessionStore = store.forProject(options.project).sessions;
  if (!sessionStore) throw new Error('the control-plane server needs a database store, not a remote one');
  const sessions = new Sessions({
    store: sessionStore,
    tokens,
    cacheMs,
    lifetimeMs: options.sessionMs ?? DEFAULT_SESSION_MS,
    ...(options.now ? { now: options.now } : {}),
  });
  const access = new Access({
    store,
    home: options.project,
    environments: options.environments ?? [],
    cacheMs,
    ...(options.now ? { now: options.now } : {}),
    // A revoked token ends at once, and so do the console sessions made from it.
    forgetToken: (tokenId) => {
      tokens.forget(tokenId);
      sessions.forget(tokenId);
    },
  });
  return { tokens, sessions, access };
}

/** Checks a caller of the home project (the embedded gateway's routes and /metrics use it). */
function homeCallers(tokens: TokenChecker, access: Access, home: string) {
  return async (authorization: string | undefined, permission: Permission, address: string) => {
    const { subject } = await tokens.check(authorization, address);
    const roles = await access.rolesIn(home, subject);
    return requirePermission({ subject, roles }, permission, home);
  };
}

/** `/metrics` of the control plane: its embedded gateway's, the review queue, a token with `read` unless public. */
function metricsOptions(
  options: ServerOptions,
  authorizeHome: ReturnType<typeof homeCallers>,
): MetricsRouteOptions {
  return {
    registries: options.gateway?.metrics ? [options.gateway.metrics.registry] : [],
    authorize: options.metricsPublic
      ? null
      : (authorization, address) => authorizeHome(authorization, 'read', address),
    reviewQueue: async () =>
      (
        await options.store
          .forProject(options.project)
          .listReviews({ status: 'pending', limit: PENDING_REVIEWS_COUNTED })
      ).length,
  };
}

/** The Fastify instance with the API's limits and validation settings (the control plane's and a gateway's). */
export function createApp(options: Pick<ServerOptions, 'logger'>): FastifyInstance {
  return Fastify({
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
}

/** The OpenAPI document at /openapi.json. */
export async function registerDocs(app: FastifyInstance, version: string | undefined): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'PromptOps control plane',
        version: version ?? '0',
        description:
          'Versioned prompts, change requests with risk-scored review gates, releases, rollback and a tamper-evident audit log.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          // The web console's: changes made with it also need the x-csrf-token header.
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }],
    },
  });
}

/**
 * One error body for every failure, with the status the error catalog assigns; unknown routes are
 * 404, unless `page` answers them (the web console's pages). `isUnavailable` tells a lost database
 * (503, retry later) from a bug (500).
 */
export function handleErrors(
  app: FastifyInstance,
  isUnavailable: (err: unknown) => boolean,
  page: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined = () => undefined,
): void {
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
    if (isUnavailable(err)) {
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
  // Whatever an operation's schema says, no request brings in a value one of the engines cannot store
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
  app.setNotFoundHandler(
    (request, reply) =>
      page(request, reply) ??
      reply
        .status(404)
        .send(errorBody('PO_ERR_ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
