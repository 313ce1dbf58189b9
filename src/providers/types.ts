/** A provider-neutral chat message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What the pipeline asks a model for. */
export interface ModelRequest {
  /** The model id without the provider prefix (`gpt-4o-mini`, `claude-sonnet-4-5`, `echo`). */
  model: string;
  messages: ChatMessage[];
  /** Model settings from the spec (`temperature`, `maxOutputTokens`, `topP`, `stopSequences`). */
  config: Record<string, unknown>;
  /** `json` asks the model for a JSON object where the API supports it. */
  format: 'text' | 'json';
  /** Context for offline fixtures: which prompt and version is asking. */
  prompt?: { name: string; hash: string };
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ModelResponse {
  text: string;
  usage: TokenUsage;
  finishReason: string | null;
}

/** One adapter: turns a request into one HTTP call (or a local answer). Retries live outside. */
export interface ModelProvider {
  readonly name: string;
  generate(request: ModelRequest, signal: AbortSignal): Promise<ModelResponse>;
  /** Present on providers with an embeddings API (OpenAI-compatible). */
  embed?(model: string, texts: readonly string[], signal: AbortSignal): Promise<number[][]>;
}
