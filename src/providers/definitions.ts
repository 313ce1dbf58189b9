/** The kinds of model provider adapters. Named providers in `promptops.yaml` pick one of these. */
export const PROVIDER_TYPES = ['offline', 'openai-compatible', 'anthropic'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export interface ProviderSettings {
  type: ProviderType;
  baseUrl?: string;
  /** Name of the environment variable that holds the API key (never the key itself). */
  apiKeyEnv?: string;
  /** For `offline`: a YAML file of scripted answers (relative to the project root). */
  fixtures?: string;
}

/** Prices per million tokens, used to estimate the cost of each call. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

/** Providers every project has without configuring anything. */
export const BUILTIN_PROVIDERS: Readonly<Record<string, ProviderSettings>> = {
  offline: { type: 'offline' },
  openai: { type: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY' },
  anthropic: { type: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKeyEnv: 'ANTHROPIC_API_KEY' },
  ollama: { type: 'openai-compatible', baseUrl: 'http://127.0.0.1:11434/v1' },
};

/** The offline provider's models: `echo` returns the rendered prompt, `scripted` answers from fixtures. */
export const OFFLINE_MODELS = ['echo', 'scripted'] as const;

// A model id is part of a prompt spec, so catalog/ owns how it reads.
export { splitModelId } from '../catalog/model-id.js';
