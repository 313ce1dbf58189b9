import type { FastifyInstance } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import { BoundedCounter, BoundedHistogram } from '../observe/metrics.js';

/** How `/metrics` is served. */
export interface MetricsRouteOptions {
  /** Other registries shown on the same page (a gateway's trace metrics). */
  registries: Registry[];
  /**
   * Checks the scraper's `Authorization` header (a token with `read`); null serves the page to
   * anyone (`metrics.public: true` in promptops.yaml).
   */
  authorize: ((authorization: string | undefined, address: string) => Promise<unknown>) | null;
  /** Pending reviews, read at scrape time at most every `cacheMs` (the control plane only). */
  reviewQueue?: () => Promise<number>;
  now?: () => number;
}

/** How long a read of the review queue answers scrapes. */
const REVIEW_QUEUE_CACHE_MS = 5_000;

/**
 * `GET /metrics` in Prometheus' text format, and the HTTP metrics every route reports to it: a
 * count and a latency histogram by method, route template (never the raw URL, which may hold a
 * prompt name or a trace id a caller made up) and status. Call it after `handleErrors` (its error
 * bodies) and before the other routes (so they are measured).
 */
export function registerMetrics(app: FastifyInstance, options: MetricsRouteOptions): void {
  const own = new Registry();
  const requests = new BoundedCounter({
    name: 'promptops_http_requests_total',
    help: 'HTTP requests answered, by route template and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [own],
  });
  const duration = new BoundedHistogram({
    name: 'promptops_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route template.',
    labelNames: ['method', 'route'],
    registers: [own],
  });
  if (options.reviewQueue) reviewQueueGauge(own, options.reviewQueue, options.now ?? Date.now);
  const registry = Registry.merge([...options.registries, own]);

  app.addHook('onResponse', async (request, reply) => {
    // Unmatched requests (404s) share one label: their URLs are whatever a caller typed.
    const route = request.routeOptions.url ?? 'unmatched';
    const method = request.method;
    requests.inc({ method, route, status: String(reply.statusCode) });
    duration.observe({ method, route }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (options.authorize) await options.authorize(request.headers.authorization, request.ip);
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}

/** The pending reviews as a gauge, read when scraped and cached so frequent scrapes cost one query. */
function reviewQueueGauge(registry: Registry, read: () => Promise<number>, now: () => number): void {
  let cached: { value: number; at: number } | null = null;
  new Gauge({
    name: 'promptops_review_queue_pending',
    help: 'Requests held for human review and not yet decided.',
    registers: [registry],
    async collect() {
      if (!cached || now() - cached.at >= REVIEW_QUEUE_CACHE_MS) {
        // A store that does not answer must not fail the whole scrape: the last value stays.
        const value = await read().catch(() => null);
        if (value !== null) cached = { value, at: now() };
      }
      if (cached) this.set(cached.value);
    },
  });
}
