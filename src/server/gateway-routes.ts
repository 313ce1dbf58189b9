import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type, { type Static } from 'typebox';
import { closed, Int, NewFeedbackSchema, Str } from '../api/schemas.js';
import { parseVersionRef } from '../catalog/ref.js';
import { PromptOpsError } from '../errors.js';
import type { AuthorizeCaller } from '../gateway/callers.js';
import type { Gateway, GatewayRunRequest, GatewayRunResult } from '../gateway/gateway.js';
import type { Choice } from '../gateway/served.js';
import type { SnapshotFollower } from '../gateway/snapshots.js';
import type { TraceMetrics } from '../observe/metrics.js';
import type { FeedbackRecord, NewFeedback } from '../store/types.js';
import { registerLangfuseRoutes } from './langfuse-routes.js';
import { registerOpenAIRoutes } from './openai-routes.js';

/** What the gateway's routes are served with. */
export interface GatewayRouteDeps extends ServedGateway {
  /** Checks a request's token and permission (the server's own tokens, or the control plane's). */
  authorize: AuthorizeCaller;
}

/** A gateway and what reports on it: the runner, its snapshots' follower and its trace writer. */
export interface ServedGateway {
  gateway: Gateway;
  follower: SnapshotFollower;
  traces: { readonly stats: unknown } | null;
  /** What its traces count, shown on `/metrics`. */
  metrics?: TraceMetrics;
  /**
   * Records feedback on a trace of the gateway's project, as `caller` (whose Authorization header
   * a standalone gateway forwards to the control plane). Without it, `POST /v1/feedback` is absent.
   */
  feedback?: (
    input: NewFeedback,
    caller: { subject: string; authorization: string },
  ) => Promise<FeedbackRecord>;
}

const StickyKey = Type.String({ maxLength: 500 });
const Metadata = Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 2_000 }), {
  maxProperties: 50,
});
const History = Type.Array(
  closed({
    role: Type.Enum(['system', 'user', 'assistant']),
    content: Type.String({ maxLength: 1_000_000 }),
  }),
  { maxItems: 200 },
);

/** The body of `POST /v1/run/{prompt}`. */
export const RunBodySchema = closed({
  input: Type.Unknown(),
  environment: Type.Optional(Str),
  version: Type.Optional(Int),
  stickyKey: Type.Optional(StickyKey),
  overrides: Type.Optional(
    closed({ model: Type.Optional(Str), config: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }),
  ),
  metadata: Type.Optional(Metadata),
  history: Type.Optional(History),
});
type RunBody = Static<typeof RunBodySchema>;

const RefParams = closed({ ref: Type.String({ minLength: 1, maxLength: 600 }) });
const PromptQuery = closed({ environment: Type.Optional(Str), stickyKey: Type.Optional(StickyKey) });
const RenderBody = closed({ input: Type.Unknown(), history: Type.Optional(History) });

/**
 * The data plane's own routes: run a released prompt (`POST /v1/run/{prompt}`), read a released
 * prompt to call the model yourself (`GET /v1/prompts/{ref}`, with ETag) or have it rendered
 * (`POST /v1/prompts/{ref}/render`), and the gateway's status. Same tokens and error bodies as the
 * control plane; running needs `prompt.run`, reading needs `read`.
 */
export function registerGatewayRoutes(app: FastifyInstance, deps: GatewayRouteDeps): void {
  const { gateway, authorize } = deps;

  app.post<{ Params: { prompt: string }; Body: RunBody }>(
    '/v1/run/:prompt',
    {
      schema: {
        summary: 'Run a released prompt: the version its environment serves (a canary by sticky key)',
        tags: ['gateway'],
        params: closed({ prompt: Str }),
        body: RunBodySchema,
      },
      onRequest: async (request) => {
        await authorize(request.headers.authorization, 'prompt.run', request.ip);
      },
    },
    async (request, reply) => {
      const result = await gateway.run(runRequestOf(request.params.prompt, request.body));
      reply.header('x-promptops-trace-id', result.traceId);
      return runAnswer(result);
    },
  );

  app.get<{ Params: { ref: string }; Querystring: Static<typeof PromptQuery> }>(
    '/v1/prompts/:ref',
    {
      schema: {
        summary: 'A released prompt, compiled: template, schemas, config, version and hash (ETag)',
        tags: ['gateway'],
        params: RefParams,
        querystring: PromptQuery,
      },
      onRequest: async (request) => {
        await authorize(request.headers.authorization, 'read', request.ip);
      },
    },
    async (request, reply) => {
      const choice = choiceOf(gateway, request.params.ref, request.query);
      return sendPrompt(request, reply, choice);
    },
  );

  app.post<{
    Params: { ref: string };
    Querystring: Static<typeof PromptQuery>;
    Body: Static<typeof RenderBody>;
  }>(
    '/v1/prompts/:ref/render',
    {
      schema: {
        summary: 'Render a released prompt: the messages for an input, after its input contract',
        tags: ['gateway'],
        params: RefParams,
        querystring: PromptQuery,
        body: RenderBody,
      },
      onRequest: async (request) => {
        await authorize(request.headers.authorization, 'read', request.ip);
      },
    },
    async (request) => {
      const choice = choiceOf(gateway, request.params.ref, request.query);
      const messages = await gateway.render(choice.record, request.body.input, request.body.history);
      return { ...versionOf(choice), messages };
    },
  );
  registerStatusRoute(app, deps);
  registerFeedbackRoute(app, deps);
  registerOpenAIRoutes(app, deps);
  registerLangfuseRoutes(app, deps);
}

/** `GET /v1/gateway/status`: the gateway's snapshots per environment and its trace writer. */
function registerStatusRoute(app: FastifyInstance, deps: GatewayRouteDeps): void {
  const { gateway, authorize } = deps;
  app.get(
    '/v1/gateway/status',
    {
      schema: { summary: "The gateway's snapshots per environment and its trace spool", tags: ['gateway'] },
      onRequest: async (request) => {
        await authorize(request.headers.authorization, 'read', request.ip);
      },
    },
    async () => ({
      defaultEnvironment: gateway.defaultEnvironment,
      environments: deps.follower.environments(),
      traces: deps.traces?.stats ?? null,
    }),
  );
}

/**
 * `POST /v1/feedback`: feedback on a trace of the gateway's project, for applications that hold a
 * run's trace id and talk only to the gateway. Needs `trace.write`, as runtime tokens have.
 */
function registerFeedbackRoute(app: FastifyInstance, deps: GatewayRouteDeps): void {
  const { feedback, authorize } = deps;
  if (!feedback) return;
  // Who each request acts as, from its onRequest check (which runs before the body is validated).
  const callers = new WeakMap<FastifyRequest, string>();
  app.post<{ Body: NewFeedback }>(
    '/v1/feedback',
    {
      schema: {
        summary:
          "Feedback on a run's answer (its trace id): a score or thumbs, a comment, a corrected output",
        tags: ['gateway'],
        body: NewFeedbackSchema,
      },
      onRequest: async (request) => {
        const caller = await authorize(request.headers.authorization, 'trace.write', request.ip);
        callers.set(request, caller.subject);
      },
    },
    async (request, reply) => {
      const subject = callers.get(request) as string;
      const authorization = request.headers.authorization as string;
      const recorded = await feedback(request.body, { subject, authorization });
      return reply.status(201).send(recorded);
    },
  );
}

/** A run request from the route's prompt and body. */
function runRequestOf(prompt: string, body: RunBody): GatewayRunRequest {
  return {
    prompt,
    input: body.input,
    ...(body.environment !== undefined ? { environment: body.environment } : {}),
    ...(body.version !== undefined ? { version: body.version } : {}),
    ...(body.stickyKey !== undefined ? { stickyKey: body.stickyKey } : {}),
    ...(body.overrides?.model !== undefined ? { model: body.overrides.model } : {}),
    ...(body.overrides?.config !== undefined ? { config: body.overrides.config } : {}),
    ...(body.metadata ? { metadata: body.metadata } : {}),
    ...(body.history ? { history: body.history } : {}),
  };
}

/** The answer of a run, on the wire. */
export function runAnswer(result: GatewayRunResult) {
  return {
    output: result.output,
    text: result.text,
    traceId: result.traceId,
    prompt: result.version.prompt,
    version: result.version.number,
    hash: result.version.hash,
    environment: result.environment,
    arm: result.arm,
    model: result.model,
    usage: result.usage,
    costUsd: result.costUsd,
    guardrails: result.guardrails.map(({ durationMs: _ms, ...verdict }) => verdict),
    mutations: result.mutations,
  };
}

/**
 * The version a prompt reference names: `NAME` (the query's environment, else the gateway's
 * default), `NAME:ENV` or `NAME@N`.
 */
export function choiceOf(
  gateway: Gateway,
  text: string,
  query: { environment?: string; stickyKey?: string } = {},
): Choice {
  const ref = parseVersionRef(text);
  const fromRef = ref.selector.kind === 'label' ? ref.selector.label : undefined;
  if (fromRef !== undefined && query.environment !== undefined && fromRef !== query.environment) {
    throw new PromptOpsError(
      'PO_ERR_REQUEST_INVALID',
      `"${text}" names environment ${fromRef} and the query ${query.environment}; give one`,
    );
  }
  return gateway.pick({
    prompt: ref.prompt,
    ...(ref.selector.kind === 'number' ? { version: ref.selector.number } : {}),
    ...(fromRef !== undefined || query.environment !== undefined
      ? { environment: (fromRef ?? query.environment) as string }
      : {}),
    ...(query.stickyKey !== undefined ? { stickyKey: query.stickyKey } : {}),
  });
}

/** What names a served version on the wire. */
function versionOf(choice: Choice) {
  return {
    prompt: choice.record.prompt,
    version: choice.record.number,
    hash: choice.record.hash,
    environment: choice.environment,
    arm: choice.arm,
  };
}

/**
 * A served prompt for an application that calls the model itself. The ETag is the version's
 * content hash: a client revalidates with If-None-Match and gets 304 while the same version is
 * served. A numbered version never changes; a label's may move at any time, so it is revalidated
 * on every use.
 */
function sendPrompt(request: FastifyRequest, reply: FastifyReply, choice: Choice) {
  const { record } = choice;
  const etag = `"${record.hash}"`;
  const isNumbered = parseVersionRef((request.params as { ref: string }).ref).selector.kind === 'number';
  reply.header('etag', etag);
  reply.header('cache-control', isNumbered ? 'private, max-age=31536000, immutable' : 'private, no-cache');
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  const { spec } = record;
  return {
    ...versionOf(choice),
    model: spec.model ?? null,
    config: spec.config,
    template: spec.template,
    partials: spec.partials ?? {},
    input: spec.input,
    output: spec.output,
  };
}
