import {
  type Arm,
  createClient as createGatewayClient,
  type FetchedPrompt,
  type GatewayClient,
  isGatewayError,
  type RenderedPrompt,
  type RunAnswer,
} from '@promptops/client';
import { ERROR_CATALOG, type ErrorCode, PromptOpsError } from '../errors.js';
import type { Environment } from '../providers/index.js';
import type { RunResult } from './pipeline.js';

/** Where a prompt came from: the local registry, the gateway, or the last-known-good copy. */
export type PromptSource = 'registry' | 'gateway' | 'last-known-good';

/** A prompt, compiled, for calling the model yourself (`client.get`). */
export type PromptView = Omit<FetchedPrompt, 'environment' | 'source'> & {
  /** The environment that serves it, or null for a numbered or latest version of the local registry. */
  environment: string | null;
  source: PromptSource;
};

/** The messages a prompt renders for an input (`client.render`). */
export type RenderedView = Omit<RenderedPrompt, 'environment' | 'source'> & {
  environment: string | null;
  source: PromptSource;
};

/** A run's result; through a gateway also the environment and the canary arm that served it. */
export type ClientRunResult<T = unknown> = RunResult<T> & { environment?: string; arm?: Arm };

/** The gateway, its light client made on first use (the saved token is read from disk). */
export function gatewayConnection(
  url: string,
  env: Environment,
  settings: { environment?: string; cacheFile?: string; retry?: { maxAttempts?: number } },
): () => Promise<GatewayClient> {
  let client: Promise<GatewayClient> | null = null;
  const connect = async () => {
    const { savedToken } = await import('../project/credentials.js');
    const token = env.PROMPTOPS_TOKEN || (await savedToken(url)) || undefined;
    return createGatewayClient({
      url,
      ...(token ? { token } : {}),
      ...(settings.environment ? { environment: settings.environment } : {}),
      ...(settings.cacheFile ? { cacheFile: settings.cacheFile } : {}),
      ...(settings.retry?.maxAttempts ? { retry: { attempts: settings.retry.maxAttempts } } : {}),
    });
  };
  return () => (client ??= connect());
}

/** A gateway's run answer in the SDK's RunResult shape. */
export function runResultOf<T>(answer: RunAnswer<T>): ClientRunResult<T> {
  return {
    output: answer.output,
    text: answer.text,
    traceId: answer.traceId,
    version: { prompt: answer.prompt, number: answer.version, hash: answer.hash },
    model: answer.model,
    usage: answer.usage,
    costUsd: answer.costUsd,
    mutations: answer.mutations as RunResult['mutations'],
    // The gateway does not send timings: a verdict's durationMs is 0 in remote mode.
    guardrails: answer.guardrails.map((verdict) => ({
      ...verdict,
      durationMs: 0,
    })) as RunResult['guardrails'],
    environment: answer.environment,
    arm: answer.arm,
  };
}

/** Runs `call`, turning the light client's errors into the SDK's PromptOpsError with the same code. */
export async function asPromptOpsError<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!isGatewayError(err)) throw err;
    const code: ErrorCode = err.code in ERROR_CATALOG ? (err.code as ErrorCode) : 'PO_ERR_REMOTE_UNAVAILABLE';
    throw new PromptOpsError(
      code,
      err.message,
      code === err.code ? err.details : { ...err.details, code: err.code },
    );
  }
}
