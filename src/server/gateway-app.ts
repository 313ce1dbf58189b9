import type { FastifyInstance } from 'fastify';
import type { AuthorizeCaller } from '../gateway/callers.js';
import { createApp, handleErrors, registerDocs, type ServerOptions } from './app.js';
import { registerGatewayRoutes, type ServedGateway } from './gateway-routes.js';
import { registerMetrics } from './metrics-route.js';

/** What a standalone gateway (`promptops gateway`) is built from. */
export interface GatewayServerOptions extends ServedGateway {
  /** Checks callers' tokens with the control plane (gateway/callers.ts: remoteCallers). */
  authorize: AuthorizeCaller;
  logger?: ServerOptions['logger'];
  metricsPublic?: ServerOptions['metricsPublic'];
  version?: string;
}

/**
 * A gateway's HTTP server: the data-plane routes, the same error bodies as the control plane, and
 * health checks. `/readyz` answers 200 once every environment it serves has a snapshot (from the
 * control plane or its last-known-good file), so a load balancer sends nothing to a gateway that
 * could only answer PO_ERR_GATEWAY_NOT_READY.
 */
export async function buildGatewayServer(
  options: GatewayServerOptions,
): Promise<{ app: FastifyInstance; drain: () => void }> {
  const app = createApp(options);
  let draining = false;
  await registerDocs(app, options.version);
  // No database here: every failure that is not ours is a bug, and says so.
  handleErrors(app, () => false);
  registerMetrics(app, {
    registries: options.metrics ? [options.metrics.registry] : [],
    authorize: options.metricsPublic
      ? null
      : (authorization, address) => options.authorize(authorization, 'read', address),
  });
  registerGatewayRoutes(app, options);
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    if (draining) return reply.status(503).send({ status: 'draining' });
    if (!options.follower.isReady()) {
      return reply
        .status(503)
        .send({ status: 'no snapshot yet', environments: options.follower.environments() });
    }
    return { status: 'ready' };
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return {
    app,
    drain: () => {
      draining = true;
    },
  };
}
