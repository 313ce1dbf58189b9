import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { PromptOpsError } from '../errors.js';
import type { AuthorizeCaller } from '../gateway/callers.js';
import type { Gateway } from '../gateway/gateway.js';
import { langfusePromptOf, langfuseSourceOf } from '../gateway/langfuse.js';

const PromptQuery = Type.Object({
  label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  // Langfuse's clients send the version as query text.
  version: Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$' })),
  resolve: Type.Optional(Type.String({ maxLength: 10 })),
});

/**
 * Langfuse's prompt read API, `GET /api/public/v2/prompts/{name}?label=&version=`, over released
 * prompts, so an application on Langfuse's client switches by changing its base URL and keys. The
 * key pair is HTTP Basic: the public key is the project's name, the secret key a promptops token
 * (with `read`). Errors are our catalog's body, with Langfuse's top-level `message` beside it.
 */
export function registerLangfuseRoutes(
  app: FastifyInstance,
  deps: { gateway: Gateway; authorize: AuthorizeCaller },
): void {
  const { gateway, authorize } = deps;
  app.get<{ Params: { name: string }; Querystring: Static<typeof PromptQuery> }>(
    '/api/public/v2/prompts/:name',
    {
      schema: {
        summary: "Langfuse-compatible prompt read: a released prompt as Langfuse's prompt object",
        tags: ['gateway'],
        params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 600 }) }),
        querystring: PromptQuery,
      },
      onRequest: async (request) => {
        const { publicKey, secretKey } = keyPairOf(request.headers.authorization);
        if (publicKey !== gateway.project) {
          throw new PromptOpsError(
            'PO_ERR_UNAUTHENTICATED',
            `the public key names the project: this gateway serves "${gateway.project}", not "${publicKey}"`,
          );
        }
        await authorize(`Bearer ${secretKey}`, 'read', request.ip);
      },
      onSend: async (_request, reply, payload) => withMessage(reply.statusCode, payload),
    },
    async (request) => {
      const { label, version } = request.query;
      const source = langfuseSourceOf(
        gateway.served,
        request.params.name,
        {
          ...(label !== undefined ? { label } : {}),
          ...(version !== undefined ? { version: Number(version) } : {}),
        },
        gateway.defaultEnvironment,
      );
      return langfusePromptOf(source);
    },
  );
}

/** The key pair of an HTTP Basic `Authorization` header (`publicKey:secretKey`). */
function keyPairOf(authorization: string | undefined): { publicKey: string; secretKey: string } {
  const encoded = authorization?.startsWith('Basic ') ? authorization.slice('Basic '.length).trim() : '';
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon > 0 && colon < decoded.length - 1) {
    return { publicKey: decoded.slice(0, colon), secretKey: decoded.slice(colon + 1) };
  }
  throw new PromptOpsError(
    'PO_ERR_UNAUTHENTICATED',
    "this API takes Langfuse's key pair as HTTP Basic auth: the project name as the public key and a promptops token as the secret key",
  );
}

/** An error body with Langfuse's top-level `message` beside our `error`. */
function withMessage(status: number, payload: unknown): unknown {
  if (status < 400 || typeof payload !== 'string') return payload;
  try {
    const body = JSON.parse(payload) as { error?: { message?: string } };
    return body.error?.message ? JSON.stringify({ message: body.error.message, ...body }) : payload;
  } catch {
    return payload;
  }
}
