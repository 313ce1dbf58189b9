import { createHash } from 'node:crypto';
import { canonicalJson } from '../catalog/canonical.js';
import type { ModelProvider, ModelRequest, ModelResponse, ProviderLookup } from '../providers/index.js';

/** Cached answers, by key. */
export type CachedResponses = Map<string, ModelResponse>;

/** Answers this run got from a model, by key, with the version they belong to. */
export type FreshResponses = Map<string, { versionHash: string; response: ModelResponse }>;

/**
 * The cache key of a model call: the version's content hash plus everything that shapes the answer
 * (model, messages, config, format). A new version, a new input or a config change is a new key;
 * nothing else ever invalidates an entry, so a hit is always the answer that request got.
 */
export function responseKey(versionHash: string, modelId: string, request: ModelRequest): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        v: versionHash,
        m: modelId,
        messages: request.messages,
        config: request.config,
        format: request.format,
      }),
    )
    .digest('hex');
}

/**
 * Wraps a provider lookup so that answers are served from `cached` when present and recorded in
 * `fresh` when not. The offline provider is never cached: it is instant, and its scripted
 * sequences (flakiness tests) must run every time.
 */
export function cachingLookup(
  lookup: ProviderLookup,
  cached: CachedResponses,
  fresh: FreshResponses,
  hashOf: (prompt: string) => string | undefined,
): ProviderLookup {
  return (modelId) => {
    const { provider, model } = lookup(modelId);
    if (modelId.startsWith('offline/')) return { provider, model };
    const wrapped: ModelProvider = {
      name: provider.name,
      ...(provider.embed ? { embed: provider.embed.bind(provider) } : {}),
      async generate(request: ModelRequest, signal: AbortSignal): Promise<ModelResponse> {
        const hash = request.prompt ? hashOf(request.prompt.name) : undefined;
        if (!hash) return provider.generate(request, signal);
        const key = responseKey(hash, modelId, request);
        const hit = cached.get(key) ?? fresh.get(key)?.response;
        if (hit) return hit;
        const response = await provider.generate(request, signal);
        fresh.set(key, { versionHash: hash, response });
        return response;
      },
    };
    return { provider: wrapped, model };
  };
}
