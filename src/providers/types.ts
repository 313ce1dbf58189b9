import type { Message } from '@promptops/client/render';

/** A provider-neutral message: Dotprompt's shape, a role and parts (packages/client/src/message.ts). */
export type ChatMessage = Message;

/** What the pipeline asks a model for. */
export interface ModelRequest {
  /** The model id without the provider prefix (`gpt-4o-mini`, `claude-sonnet-4-5`, `echo`). */
  model: string;
  messages: ChatMessage[];
  /** Model settings from the spec (`temperature`, `maxOutputTokens`, `topP`, `stopSequences`). */
  config: Record<string, unknown>;
  /** Tools the model may call (Dotprompt's `ToolDefinition`). */
  tools?: ToolDefinition[];
  /** `json` asks the model for a JSON object where the API supports it. */
  format: 'text' | 'json';
  /** Context for offline fixtures: which prompt and version is asking. */
  prompt?: { name: string; hash: string };
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** A tool the model may call: Dotprompt's `ToolDefinition`. */
export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}

/** A call the model asks for: Dotprompt's `ToolRequestPart['toolRequest']`. */
export interface ToolRequest {
  name: string;
  ref?: string;
  input?: unknown;
}

export interface ModelResponse {
  text: string;
  /** Tools the model asked to run, in its order (absent when it asked for none). */
  toolRequests?: ToolRequest[];
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
