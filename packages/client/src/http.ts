import { GatewayError, unavailable } from './errors.js';

/** How often and how patiently a call is tried again. */
export interface RetryPolicy {
  /** Tries in all, the first included (default 3). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 };

/** Where and how requests go. The token travels only in the Authorization header. */
export interface Transport {
  url: string;
  token: string | undefined;
  timeoutMs: number;
  retry: RetryPolicy;
}

/**
 * Which failures a call may be tried again after. `idempotent` (reading, rendering): any network
 * failure and 502/503/504. `unsent` (running, which records a trace and may call a paid model): only
 * a refused connection, the one failure where the request certainly never reached a gateway.
 */
export type RetryWhen = 'idempotent' | 'unsent';

/** A gateway's answer: 2xx or 304, anything else is thrown as a GatewayError. */
export interface Answer {
  status: number;
  body: unknown;
  etag: string | null;
}

type Attempt = { answer: Answer } | { error: GatewayError; isRetryable: boolean };

/** Sends one request, with the retries `when` allows; failures are thrown as GatewayErrors. */
export async function send(
  transport: Transport,
  request: { method: string; path: string; body?: unknown; headers?: Record<string, string> },
  when: RetryWhen,
): Promise<Answer> {
  const { attempts, baseDelayMs, maxDelayMs } = transport.retry;
  for (let attempt = 1; ; attempt++) {
    const result = await sendOnce(transport, request, when);
    if ('answer' in result) return result.answer;
    if (!result.isRetryable || attempt >= attempts) throw result.error;
    // Full jitter: clients that lost the gateway together do not all come back together.
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
  }
}

async function sendOnce(
  transport: Transport,
  request: { method: string; path: string; body?: unknown; headers?: Record<string, string> },
  when: RetryWhen,
): Promise<Attempt> {
  let response: Response;
  try {
    response = await fetch(`${transport.url}${request.path}`, {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(transport.token ? { authorization: `Bearer ${transport.token}` } : {}),
        ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...request.headers,
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.timeout(transport.timeoutMs),
    });
  } catch (err) {
    const cause = networkCause(err);
    const error = unavailable(
      `the gateway at ${transport.url} is unreachable (${cause}); check PROMPTOPS_GATEWAY_URL and that the gateway runs`,
      { url: transport.url, cause },
    );
    return { error, isRetryable: when === 'idempotent' || cause === 'ECONNREFUSED' };
  }
  const etag = response.headers.get('etag');
  if (response.status === 304) return { answer: { status: 304, body: null, etag } };
  const text = await response.text();
  const body = parseJson(text);
  if (response.ok && body !== undefined) return { answer: { status: response.status, body, etag } };
  const error = errorOf(transport.url, response.status, body);
  return { error, isRetryable: when === 'idempotent' && [502, 503, 504].includes(response.status) };
}

/** The catalog's `{error: {code, message, details}}` as an error; anything else as unavailable. */
function errorOf(url: string, status: number, body: unknown): GatewayError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
    ?.error;
  if (error && typeof error.code === 'string') {
    const details = typeof error.details === 'object' && error.details !== null ? error.details : {};
    return new GatewayError(error.code, String(error.message ?? error.code), status, details as never);
  }
  return unavailable(`the gateway at ${url} answered ${status} without a promptops error body`, {
    url,
    status,
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `ECONNREFUSED`, `TimeoutError`, …: what fetch's error says went wrong, without the stack. */
function networkCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if (err instanceof Error && err.name === 'TimeoutError') return 'timed out';
  return cause?.message ?? (err as Error).message;
}
