import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Operation, ServerContext, WireRequest } from '../api/operation.js';
import { OPERATIONS } from '../api/operations.js';
import { argsOf } from '../api/wire.js';
import { isPromptOpsError, PromptOpsError } from '../errors.js';
import type { Store } from '../store/index.js';
import type { Access } from './access.js';
import { type Caller, retryAfterSeconds } from './auth.js';
import type { RevisionWatch } from './revision-watch.js';

/** What the operation routes are served with. */
export interface RouteDeps {
  store: Store;
  /** Who a request acts for: its bearer token, or its console session (CSRF-checked); 401 otherwise. */
  callerOf: (request: FastifyRequest) => Promise<Caller>;
  access: Access;
  /** Wakes the requests that wait for a project's revision to move (`revisionOf` operations). */
  revisions: RevisionWatch;
  /** The server's environments, in promotion order (`listEnvironments`). */
  environments: readonly string[];
  /** Runs a change request's checks as the control plane (`runChecks`). */
  runChecks?: ServerContext['runChecks'];
  /** The project's canary plan (`release` adds it to a canary that brings none). */
  canaryPlan?: ServerContext['canaryPlan'];
}

/** Registers every operation of the table as a `/v1` route: the table drives the API and its OpenAPI document. */
export function registerOperations(app: FastifyInstance, deps: RouteDeps): void {
  const callers = new WeakMap<FastifyRequest, Caller>();
  for (const op of OPERATIONS) app.route(routeOf(op, deps, callers));
}

/** The OpenAPI response of an operation (documentation only: replies are not serialised through it). */
function documented(op: Operation) {
  const status = op.status ?? 200;
  if (status === 204 || !op.output) return { [status]: { description: 'No content', type: 'null' } };
  if (!op.revisionOf) return { [status]: { description: 'Success', ...op.output } };
  return {
    [status]: {
      description: 'Success; the ETag is the revision, quoted',
      ...op.output,
      headers: { ETag: { type: 'string', description: 'The revision, quoted: "42"' } },
    },
    304: {
      description:
        'Not Modified: the revision is still the one If-None-Match names (at once, or after `wait` seconds without a change)',
      type: 'null',
    },
  };
}

/** The request headers an operation reads, documented (never validated: a request carries many others). */
function documentedHeaders(op: Operation) {
  if (!op.revisionOf) return {};
  return {
    headers: {
      type: 'object',
      properties: {
        'if-none-match': {
          type: 'string',
          description: 'The ETag of the answer the client holds: 304 while the revision is unchanged',
        },
      },
    },
  };
}

function routeOf(op: Operation, deps: RouteDeps, callers: WeakMap<FastifyRequest, Caller>): RouteOptions {
  const { store, access } = deps;
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
      swaggerTransform: ({ schema, url }) => ({
        schema: { ...schema, ...documentedHeaders(op), response: documented(op) },
        url,
      }),
    },
    // Authentication comes before the body is parsed or validated, and authorization before it is
    // validated: a caller without a token (or without the permission) gets 401 (or 403), never a
    // 400 that describes the route's schema. A console session counts as its token.
    onRequest: async (request, reply) => {
      try {
        callers.set(request, await deps.callerOf(request));
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
        environments: deps.environments,
        ...(deps.runChecks ? { runChecks: deps.runChecks } : {}),
        ...(deps.canaryPlan ? { canaryPlan: deps.canaryPlan } : {}),
      };
      const answer = () =>
        run(op, store.forProject(name), callers.get(request)!, wire, access.invalidate, server);
      if (op.revisionOf) return answerRevisioned(op.revisionOf, request, reply, deps.revisions, name, answer);
      const result = await answer();
      reply.status(op.status ?? 200);
      return op.status === 204 ? reply.send() : reply.send(result ?? null);
    },
  };
}

/**
 * Answers an operation whose result carries the project's revision: 304 while the revision is the
 * one `If-None-Match` names, once `wait` seconds pass without a change (or the server shuts down);
 * otherwise 200 with the answer and its revision as the ETag. The unchanged case costs one cheap
 * read of the revision, never the answer.
 */
async function answerRevisioned(
  revisionOf: (result: unknown) => number,
  request: FastifyRequest,
  reply: FastifyReply,
  revisions: RevisionWatch,
  project: string,
  answer: () => Promise<unknown>,
) {
  const held = heldRevision(request.headers['if-none-match']);
  if (held !== undefined && (await revisions.read(project)) === held) {
    const waitSeconds = Number((request.query as { wait?: string }).wait ?? 0);
    const moved = waitSeconds > 0 ? await revisions.changed(project, held, waitSeconds * 1000) : null;
    if (moved === null) return reply.header('etag', `"${held}"`).status(304).send();
  }
  const result = await answer();
  const revision = revisionOf(result);
  reply.header('etag', `"${revision}"`);
  return revision === held ? reply.status(304).send() : reply.status(200).send(result);
}

/** The revision an `If-None-Match` header names (`"42"`, or weak `W/"42"`); undefined for any other. */
function heldRevision(header: string | undefined): number | undefined {
  const match = header?.trim().match(/^(?:W\/)?"(\d{1,15})"$/);
  return match ? Number(match[1]) : undefined;
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
