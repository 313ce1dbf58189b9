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
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal,
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
  let text: string;
  try {
    text = await response.text();
  } catch {
    throw new ProviderError(
      signal.aborted ? 'PO_ERR_PROVIDER_TIMEOUT' : 'PO_ERR_PROVIDER_UNAVAILABLE',
      `${provider} stopped while sending its answer`,
      { provider, url, status: response.status },
    );
  }
  if (!response.ok) {
    const snippet = scrubSecrets(text, secrets).slice(0, 500);
    const details = { provider, url, status: response.status, body: snippet };
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), Date.now());
    if (response.status === 429) {
      throw new ProviderError(
        'PO_ERR_PROVIDER_RATE_LIMITED',
        `${provider} is rate limiting requests (429)`,
        details,
        retryAfter,
      );
    }
    if (response.status >= 500 || response.status === 408) {
      throw new ProviderError(
        'PO_ERR_PROVIDER_UNAVAILABLE',
        `${provider} failed with HTTP ${response.status}`,
        details,
        retryAfter,
      );
    }
    const hint =
      response.status === 401 || response.status === 403
        ? '; check the API key in the environment variable named by apiKeyEnv'
        : '';
    throw new ProviderError(
      'PO_ERR_PROVIDER_REJECTED',
      `${provider} rejected the request with HTTP ${response.status}${hint}`,
      details,
    );
  }
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
