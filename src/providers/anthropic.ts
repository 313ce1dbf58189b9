import { fromAnthropicToolUse, toAnthropicMessages, toAnthropicTools } from './anthropic-messages.js';
import { ProviderError, postJson } from './http.js';
import type { ModelProvider, ModelRequest, ModelResponse } from './types.js';

const DEFAULT_MAX_TOKENS = 1024;

/** Anthropic's Messages API over HTTP (providers/http.ts). */
export class AnthropicProvider implements ModelProvider {
  constructor(
    readonly name: string,
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
  ) {}

  async generate(request: ModelRequest, signal: AbortSignal): Promise<ModelResponse> {
    const config = request.config;
    const { system, messages } = toAnthropicMessages(this.name, request.messages);
    const body: Record<string, unknown> = {
      model: request.model,
      max_tokens: (config.maxOutputTokens as number | undefined) ?? DEFAULT_MAX_TOKENS,
      messages,
      ...(request.tools?.length ? { tools: toAnthropicTools(request.tools) } : {}),
      ...(system ? { system } : {}),
      ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
      ...(config.topP !== undefined ? { top_p: config.topP } : {}),
      ...(config.topK !== undefined ? { top_k: config.topK } : {}),
      ...(config.stopSequences !== undefined ? { stop_sequences: config.stopSequences } : {}),
    };
    const headers: Record<string, string> = {
      'anthropic-version': '2023-06-01',
      ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}),
    };
    const url = `${this.baseUrl.replace(/\/$/, '')}/v1/messages`;
    const data = (await postJson(
      this.name,
      url,
      headers,
      body,
      signal,
      this.apiKey ? [this.apiKey] : [],
    )) as {
      content?: { type: string; text?: string; id?: string; name?: string; input?: unknown }[];
      usage?: { input_tokens?: number; output_tokens?: number };
      stop_reason?: string | null;
    };
    if (!Array.isArray(data.content)) {
      throw new ProviderError('PO_ERR_PROVIDER_UNAVAILABLE', `${this.name} answered without content`, {
        provider: this.name,
      });
    }
    const toolRequests = fromAnthropicToolUse(data.content);
    return {
      ...(toolRequests.length > 0 ? { toolRequests } : {}),
      text: data.content
        .filter((part) => part.type === 'text')
        .map((part) => part.text ?? '')
        .join(''),
      usage: { inputTokens: data.usage?.input_tokens ?? 0, outputTokens: data.usage?.output_tokens ?? 0 },
      finishReason: data.stop_reason ?? null,
    };
  }
}
