/**
 * The web console: the built single-page app (web/, built by `npm run build` into dist/web/) served
 * at `/`. Hashed assets are cached for good; index.html is revalidated on every load, and answers
 * every page path of the app (`/catalog/support-reply`) that a browser asks for as HTML, so the
 * app's own router takes over. API paths are never the app's: an unknown one stays a JSON 404.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PromptOpsError } from '../errors.js';

/** What a browser is told about console pages: only this origin's scripts, styles and calls; no framing. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Paths that belong to the API, the probes and the documents: never answered with the app. */
const API_PATHS = /^\/(v1|api|healthz|readyz|metrics|openapi\.json|assets)(\/|$)/;

/** Registers the console from `dir` (index.html and assets/): `GET /`, `/assets/*` and the page fallback. */
export async function registerConsole(app: FastifyInstance, dir: string): Promise<void> {
  const root = path.resolve(dir);
  await app.register(fastifyStatic, {
    root: path.join(root, 'assets'),
    prefix: '/assets/',
    // Vite names every asset by its content's hash: a name never changes meaning.
    maxAge: '365d',
    immutable: true,
    index: false,
    suppressWarning: true,
    setHeaders: (reply) => {
      for (const [name, value] of Object.entries(CONSOLE_HEADERS)) reply.header(name, value);
    },
  });
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendIndex(reply, root));
}

/**
 * Answers a request no route took with the console's index.html when it is a browser asking for a
 * page of the app (a GET for HTML, outside the API's paths); returns undefined otherwise.
 */
export function consolePage(
  request: FastifyRequest,
  reply: FastifyReply,
  dir: string | null | undefined,
): FastifyReply | undefined {
  if (!dir || (request.method !== 'GET' && request.method !== 'HEAD')) return undefined;
  if (API_PATHS.test(request.url.split('?')[0] ?? '')) return undefined;
  if (!(request.headers.accept ?? '').includes('text/html')) return undefined;
  return sendIndex(reply, path.resolve(dir));
}

function sendIndex(reply: FastifyReply, root: string): FastifyReply {
  // Looked up on each load: a console built while the server runs is served without a restart.
  if (!existsSync(path.join(root, 'index.html'))) {
    // Where the server looked is for its operator's log, not for whoever asks.
    reply.log.warn({ consoleDir: root }, 'the web console is not built: no index.html in its folder');
    throw new PromptOpsError(
      'PO_ERR_ROUTE_NOT_FOUND',
      'the web console is not built; build it with "npm run build" (the server serves it once built, without a restart)',
    );
  }
  for (const [name, value] of Object.entries(CONSOLE_HEADERS)) reply.header(name, value);
  // The page names the current hashed assets: a browser revalidates it on every load.
  reply.header('cache-control', 'no-cache');
  return reply.sendFile('index.html', root, { cacheControl: false });
}
