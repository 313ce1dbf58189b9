import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PromptOpsError } from '../errors.js';
import { AnthropicProvider } from './anthropic.js';
import type { ProviderLookup } from './call.js';
import { type ModelPrice, type ProviderSettings, splitModelId } from './definitions.js';
import { OfflineProvider, parseScript } from './offline.js';
import { OpenAiCompatibleProvider } from './openai-compatible.js';
import type { ModelProvider, TokenUsage } from './types.js';

export {
  type CallAttempt,
  type CallDeps,
  callModel,
  type ModelCallResult,
  type ProviderLookup,
} from './call.js';
export { ProviderError, scrubSecrets } from './http.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
export type { ChatMessage, ModelProvider, ModelRequest, ModelResponse, TokenUsage } from './types.js';

/** Environment variables to read API keys from; `process.env` fits, and so does a plain object. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Builds the adapter lookup for a project: one adapter per named provider, created on first use.
 * API keys are read from the environment variable each provider names, at that moment, and live
 * only inside the adapter (never in config, traces, errors or logs).
 */
export function createProviderLookup(
  providers: Readonly<Record<string, ProviderSettings>>,
  root: string,
  env: Environment = process.env,
): ProviderLookup {
  const adapters = new Map<string, ModelProvider>();
  return (modelId) => {
    const parts = splitModelId(modelId);
    if (!parts) {
      throw new PromptOpsError(
        'PO_ERR_PROVIDER_NOT_CONFIGURED',
        `model "${modelId}" must be written provider/model`,
      );
    }
    let adapter = adapters.get(parts.provider);
    if (!adapter) {
      const settings = Object.hasOwn(providers, parts.provider) ? providers[parts.provider] : undefined;
      if (!settings) {
        throw new PromptOpsError(
          'PO_ERR_PROVIDER_NOT_CONFIGURED',
          `provider "${parts.provider}" is not configured; add it under providers: in promptops.yaml`,
          { provider: parts.provider },
        );
      }
      adapter = createAdapter(parts.provider, settings, root, env);
      adapters.set(parts.provider, adapter);
    }
    return { provider: adapter, model: parts.model };
  };
}

function createAdapter(
  name: string,
  settings: ProviderSettings,
  root: string,
  env: Environment,
): ModelProvider {
  if (settings.type === 'offline') {
    if (!settings.fixtures) return new OfflineProvider(name);
    const file = path.resolve(root, settings.fixtures);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new PromptOpsError(
        'PO_ERR_PROVIDER_NOT_CONFIGURED',
        `cannot read the offline fixtures ${file}: ${(err as Error).message}`,
      );
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (err) {
      throw new PromptOpsError(
        'PO_ERR_PROVIDER_NOT_CONFIGURED',
        `the offline fixtures ${file} are not valid YAML: ${(err as Error).message.split('\n')[0]}`,
      );
    }
    return new OfflineProvider(name, parseScript(doc, file));
  }
  const key = settings.apiKeyEnv ? env[settings.apiKeyEnv] : undefined;
  if (settings.apiKeyEnv && !key) {
    throw new PromptOpsError(
      'PO_ERR_PROVIDER_NOT_CONFIGURED',
      `provider "${name}" needs an API key: export ${settings.apiKeyEnv}=… (or run with --provider offline)`,
      { provider: name, env: settings.apiKeyEnv },
    );
  }
  if (!settings.baseUrl) {
    throw new PromptOpsError(
      'PO_ERR_PROVIDER_NOT_CONFIGURED',
      `provider "${name}" has no baseUrl; set providers.${name}.baseUrl in promptops.yaml`,
    );
  }
  return settings.type === 'anthropic'
    ? new AnthropicProvider(name, settings.baseUrl, key)
    : new OpenAiCompatibleProvider(name, settings.baseUrl, key);
}

/** The estimated cost of a call in US dollars, or null when the model has no price. */
export function estimateCost(
  modelId: string,
  usage: TokenUsage,
  pricing: Readonly<Record<string, ModelPrice>>,
): number | null {
  const price = pricing[modelId];
  if (!price) return modelId.startsWith('offline/') ? 0 : null;
  return (usage.inputTokens * price.inputPerMTok + usage.outputTokens * price.outputPerMTok) / 1_000_000;
}
