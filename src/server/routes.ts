import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Operation, ServerContext, WireRequest } from '../api/operation.js';
import { OPERATIONS } from '../api/operations.js';
import { argsOf } from '../api/wire.js';
import { isPromptOpsError, PromptOpsError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { Access } from './access.js';
import { type Caller, retryAfterSeconds, type TokenChecker } from './auth.js';

/** What the operation routes are served with. */
export interface RouteDeps {
  store: Store;
  tokens: TokenChecker;
  access: Access;
  /** Runs a change request's checks as the control plane (`runChecks`). */
  runChecks?: ServerContext['runChecks'];
}

/** Registers every operation of the table as a `/v1` route: the table drives the API and its OpenAPI document. */
export function registerOperations(app: FastifyInstance, deps: RouteDeps): void {
  const callers = new WeakMap<FastifyRequest, Caller>();
  for (const op of OPERATIONS) app.route(routeOf(op, deps, callers));
}

/** The OpenAPI response of an operation (documentation only: replies are not serialised through it). */
function documented(op: Operation) {
  const status = op.status ?? 200;
  return status === 204 || !op.output
    ? { [status]: { description: 'No content', type: 'null' } }
    : { [status]: { description: 'Success', ...op.output } };
}

function routeOf(op: Operation, deps: RouteDeps, callers: WeakMap<FastifyRequest, Caller>): RouteOptions {
  const { store, tokens, access } = deps;
  return {
    method: op.method,
    url: `/v1${op.path}`,
    schema: {
      summary: op.summary,
      tags: [op.tag],
      ...(op.body ? { body: op.body } : {}),
      ...(op.query ? { querystring: op.query } : {}),
    },
    config: {
      swaggerTransform: ({ schema, url }) => ({ schema: { ...schema, response: documented(op) }, url }),
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
    preValidation: (request) =>
      access.authorize(op, callers.get(request)!, request.params as Record<string, string>, request.body),
    handler: async (request, reply) => {
      const wire: WireRequest = {
        params: request.params as Record<string, string>,
        query: (request.query ?? {}) as Record<string, string | undefined>,
        body: (request.body ?? {}) as Record<string, unknown>,
      };
      const name = access.projectOf(wire.params);
      const server: ServerContext = {
        project: name,
        ...(deps.runChecks ? { runChecks: deps.runChecks } : {}),
      };
      const result = await run(
        op,
        store.forProject(name),
        callers.get(request)!,
        wire,
        access.invalidate,
        server,
      );
      reply.status(op.status ?? 200);
      return op.status === 204 ? reply.send() : reply.send(result ?? null);
    },
  };
}

/** Runs one operation: the store method's arguments from the request, one call, the result as it travels. */
async function run(
  op: Operation,
  store: Store,
  caller: Caller,
  wire: WireRequest,
  invalidate: Access['invalidate'],
  server: ServerContext,
): Promise<unknown> {
  const args = argsOf(op, wire, caller.subject);
  if (op.answer) return op.answer(store, caller, args, server);
  const method = store[op.name as keyof Store] as (...args: unknown[]) => Promise<unknown>;
  let result: unknown;
  try {
    result = await method.apply(store, args);
  } catch (err) {
    const code = isPromptOpsError(err) ? op.refusals?.[err.code] : undefined;
    throw code ? new PromptOpsError(code, (err as Error).message, (err as PromptOpsError).details) : err;
  }
  if (op.invalidates) invalidate(op.invalidates(args, result));
  return op.toWire ? op.toWire(result) : result;
}
