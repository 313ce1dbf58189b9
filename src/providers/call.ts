import { isPromptOpsError } from '../errors.js';
import { ProviderError } from './http.js';
import { type RetryPolicy, retryDelay } from './retry.js';
import type { ModelProvider, ModelRequest, ModelResponse } from './types.js';

/** One try of one model, as recorded on the trace. */
export interface CallAttempt {
  model: string;
  attempt: number;
  durationMs: number;
  error?: { code: string; message: string };
  waitedMs?: number;
}

export interface ModelCallResult {
  response: ModelResponse;
  /** The `provider/model` that answered (a fallback when the first failed). */
  model: string;
  attempts: CallAttempt[];
}

/** Looks up the adapter for a `provider/model` id. */
export type ProviderLookup = (modelId: string) => { provider: ModelProvider; model: string };

export interface CallDeps {
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
}

export const REAL_DEPS: CallDeps = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: () => performance.now(),
};

/**
 * Calls the first model; retries transient failures (429, 5xx, timeouts) with jittered
 * exponential backoff honouring Retry-After; moves to the next model in `models` when one gives
 * up; never runs past `policy.totalTimeoutMs`. Throws the last error, with every attempt in its
 * details, when all models fail.
 */
export async function callModel(
  models: readonly string[],
  request: Omit<ModelRequest, 'model'>,
  lookup: ProviderLookup,
  policy: RetryPolicy,
  deps: CallDeps = REAL_DEPS,
): Promise<ModelCallResult> {
  const attempts: CallAttempt[] = [];
  const deadline = deps.now() + policy.totalTimeoutMs;
  let lastError: unknown;
  for (const modelId of models) {
    const { provider, model } = lookup(modelId);
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      const remaining = deadline - deps.now();
      if (remaining <= 0) break;
      const started = deps.now();
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), Math.min(policy.perTryTimeoutMs, remaining));
      try {
        const response = await provider.generate({ ...request, model }, controller.signal);
        attempts.push({ model: modelId, attempt, durationMs: deps.now() - started });
        return { response, model: modelId, attempts };
      } catch (err) {
        const error =
          controller.signal.aborted && !isPromptOpsError(err)
            ? new ProviderError('PO_ERR_PROVIDER_TIMEOUT', `${modelId} did not answer in time`, {
                model: modelId,
              })
            : err;
        lastError = error;
        const record: CallAttempt = {
          model: modelId,
          attempt,
          durationMs: deps.now() - started,
          error: isPromptOpsError(error)
            ? { code: error.code, message: error.message }
            : { code: 'PO_ERR_INTERNAL', message: String(error) },
        };
        attempts.push(record);
        if (!(error instanceof ProviderError) || !error.isRetryable || attempt === policy.maxAttempts) break;
        const wait = retryDelay(attempt, policy, error.retryAfterMs, deps.random);
        if (deps.now() + wait >= deadline) break;
        record.waitedMs = wait;
        await deps.sleep(wait);
      } finally {
        clearTimeout(timer);
      }
    }
  }
  if (lastError instanceof ProviderError) {
    throw new ProviderError(
      lastError.code as ConstructorParameters<typeof ProviderError>[0],
      `${lastError.message} (after ${attempts.length} attempt${attempts.length === 1 ? '' : 's'} across ${models.join(', ')})`,
      { ...lastError.details, attempts },
      lastError.retryAfterMs,
    );
  }
  if (lastError === undefined) {
    throw new ProviderError(
      'PO_ERR_PROVIDER_TIMEOUT',
      `no model was tried: ${models.length === 0 ? 'no model is configured' : 'the time budget was already spent'}`,
      {
        models: [...models],
        attempts,
      },
    );
  }
  throw lastError;
}
