import { ProviderError, postJson } from './http.js';
import { fromOpenAiToolCalls, toOpenAiMessages, toOpenAiTools } from './openai-messages.js';
import type { ModelProvider, ModelRequest, ModelResponse } from './types.js';

/**
 * OpenAI Chat Completions over HTTP (providers/http.ts). Covers OpenAI and every server that speaks its API
 * (vLLM, Ollama, llama.cpp server, LM Studio). No SDK: retries, timeouts and key handling are ours,
 * in one place, for every provider.
 */
export class OpenAiCompatibleProvider implements ModelProvider {
  constructor(
    readonly name: string,
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
  ) {}

  /** Embeds texts with the server's /embeddings endpoint (OpenAI's shape). */
  async embed(model: string, texts: readonly string[], signal: AbortSignal): Promise<number[][]> {
    const headers: Record<string, string> = this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
    const url = `${this.baseUrl.replace(/\/$/, '')}/embeddings`;
    const data = (await postJson(
      this.name,
      url,
      headers,
      { model, input: texts },
      signal,
      this.apiKey ? [this.apiKey] : [],
    )) as {
      data?: { embedding?: number[]; index?: number }[];
    };
    const rows = data.data ?? [];
    if (rows.length !== texts.length || rows.some((r) => !Array.isArray(r.embedding))) {
      throw new ProviderError(
        'PO_ERR_PROVIDER_UNAVAILABLE',
        `${this.name} answered without one embedding per text`,
        { provider: this.name },
      );
    }
    return [...rows].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).map((r) => r.embedding!);
  }

  async generate(request: ModelRequest, signal: AbortSignal): Promise<ModelResponse> {
    const config = request.config;
    const body: Record<string, unknown> = {
      model: request.model,
      messages: toOpenAiMessages(this.name, request.messages),
      ...(request.tools?.length ? { tools: toOpenAiTools(request.tools) } : {}),
      ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
      ...(config.topP !== undefined ? { top_p: config.topP } : {}),
      ...(config.maxOutputTokens !== undefined ? { max_tokens: config.maxOutputTokens } : {}),
      ...(config.stopSequences !== undefined ? { stop: config.stopSequences } : {}),
      ...(request.format === 'json' ? { response_format: { type: 'json_object' } } : {}),
    };
    const headers: Record<string, string> = this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
    const url = `${this.baseUrl.replace(/\/$/, '')}/chat/completions`;
    const data = (await postJson(
      this.name,
      url,
      headers,
      body,
      signal,
      this.apiKey ? [this.apiKey] : [],
    )) as {
      choices?: {
        message?: { content?: string | null; tool_calls?: Parameters<typeof fromOpenAiToolCalls>[0] };
        finish_reason?: string | null;
      }[];
      usage?: { prompt_tokens?: number; completion_tokens?: number };
    };
    const choice = data.choices?.[0];
    const toolRequests = fromOpenAiToolCalls(choice?.message?.tool_calls);
    if (!choice || (typeof choice.message?.content !== 'string' && toolRequests.length === 0)) {
      throw new ProviderError('PO_ERR_PROVIDER_UNAVAILABLE', `${this.name} answered without a message`, {
        provider: this.name,
      });
    }
    return {
      text: choice.message?.content ?? '',
      ...(toolRequests.length > 0 ? { toolRequests } : {}),
      usage: {
        inputTokens: data.usage?.prompt_tokens ?? 0,
        outputTokens: data.usage?.completion_tokens ?? 0,
      },
      finishReason: choice.finish_reason ?? null,
    };
  }
}
