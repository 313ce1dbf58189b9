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

/** Splits `provider/model` into its parts (the model part may itself contain slashes). */
export function splitModelId(model: string): { provider: string; model: string } | null {
  const slash = model.indexOf('/');
  if (slash <= 0 || slash === model.length - 1) return null;
  return { provider: model.slice(0, slash), model: model.slice(slash + 1) };
}
