import { Agent, type Dispatcher, request } from 'undici';
import { PromptOpsError } from '../errors.js';
import { parseRetryAfter } from './retry.js';

/** A failed model call, classified so the retry loop knows whether trying again can help. */
export class ProviderError extends PromptOpsError {
  constructor(
    code:
      | 'PO_ERR_PROVIDER_RATE_LIMITED'
      | 'PO_ERR_PROVIDER_UNAVAILABLE'
      | 'PO_ERR_PROVIDER_TIMEOUT'
      | 'PO_ERR_PROVIDER_REJECTED',
    message: string,
    details: Record<string, unknown>,
    readonly retryAfterMs: number | null = null,
  ) {
    super(code, message, details);
  }

  get isRetryable(): boolean {
    return this.code !== 'PO_ERR_PROVIDER_REJECTED';
  }
}

/** Removes every secret (and any long prefix of one) from text that may reach a log or trace. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    out = out.split(secret).join('[REDACTED]');
    if (secret.length >= 12) out = out.split(secret.slice(0, 8)).join('[REDACTED]');
  }
  return out;
}

/**
 * POSTs JSON and returns the parsed JSON body. Every failure becomes a `ProviderError` whose
 * message and details never contain the request headers or any of `secrets`.
 */
export async function postJson(
  provider: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
  secrets: readonly string[],
): Promise<unknown> {
  const response = await sendJson(provider, url, headers, body, signal, secrets);
  const text = await readBody(provider, url, response, signal);
  if (response.statusCode < 200 || response.statusCode > 299) {
    const header = response.headers['retry-after'];
    const retryAfter = parseRetryAfter((Array.isArray(header) ? header[0] : header) ?? null, Date.now());
    throw httpFailure(provider, url, response.statusCode, scrubSecrets(text, secrets), retryAfter);
  }
  return parseJsonBody(provider, url, text, secrets);
}

/**
 * The connection pool every model call shares: kept-alive connections per origin. undici's
 * `request` rather than `fetch` (the same engine under a WHATWG streams layer): a call costs about a
 * third of the CPU, which is most of a gateway's own time per request (bench/gateway.js).
 */
const pool = new Agent({ keepAliveTimeout: 10_000, connections: 256 });

/** Sends the request; a network failure or an abort becomes a `ProviderError`. */
async function sendJson(
  provider: string,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  signal: AbortSignal,
  secrets: readonly string[],
): Promise<Dispatcher.ResponseData> {
  try {
    return await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
      dispatcher: pool,
    });
  } catch (err) {
    if (signal.aborted) {
      throw new ProviderError('PO_ERR_PROVIDER_TIMEOUT', `${provider} did not answer in time`, {
        provider,
        url,
      });
    }
    const reason = scrubSecrets(
      (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message,
      secrets,
    );
    throw new ProviderError('PO_ERR_PROVIDER_UNAVAILABLE', `cannot reach ${provider} at ${url}: ${reason}`, {
      provider,
      url,
    });
  }
}

/** The response body as text; a connection dropped mid-body becomes a `ProviderError`. */
async function readBody(
  provider: string,
  url: string,
  response: Dispatcher.ResponseData,
  signal: AbortSignal,
): Promise<string> {
  try {
    return await response.body.text();
  } catch {
    throw new ProviderError(
      signal.aborted ? 'PO_ERR_PROVIDER_TIMEOUT' : 'PO_ERR_PROVIDER_UNAVAILABLE',
      `${provider} stopped while sending its answer`,
      { provider, url, status: response.statusCode },
    );
  }
}

/** The error for a non-2xx answer: rate limited, unavailable (retryable) or rejected. `body` is already scrubbed. */
function httpFailure(
  provider: string,
  url: string,
  status: number,
  body: string,
  retryAfter: number | null,
): ProviderError {
  const details = { provider, url, status, body: body.slice(0, 500) };
  if (status === 429) {
    return new ProviderError(
      'PO_ERR_PROVIDER_RATE_LIMITED',
      `${provider} is rate limiting requests (429)`,
      details,
      retryAfter,
    );
  }
  if (status >= 500 || status === 408) {
    return new ProviderError(
      'PO_ERR_PROVIDER_UNAVAILABLE',
      `${provider} failed with HTTP ${status}`,
      details,
      retryAfter,
    );
  }
  const hint =
    status === 401 || status === 403
      ? '; check the API key in the environment variable named by apiKeyEnv'
      : '';
  return new ProviderError(
    'PO_ERR_PROVIDER_REJECTED',
    `${provider} rejected the request with HTTP ${status}${hint}`,
    details,
  );
}

/** The body parsed as JSON; anything else becomes a `ProviderError` quoting its (scrubbed) start. */
function parseJsonBody(provider: string, url: string, text: string, secrets: readonly string[]): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ProviderError(
      'PO_ERR_PROVIDER_UNAVAILABLE',
      `${provider} answered with a body that is not JSON`,
      {
        provider,
        url,
        body: scrubSecrets(text, secrets).slice(0, 200),
      },
    );
  }
}
