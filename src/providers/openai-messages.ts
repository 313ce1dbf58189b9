import { isPendingPart, type Part } from '@promptops/client/render';
import { ProviderError } from './http.js';
import type { ChatMessage, ToolDefinition, ToolRequest } from './types.js';

type OpenAiContent =
  | string
  | ({ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } })[];

/**
 * Dotprompt messages in Chat Completions' shape, each role mapped explicitly: `model` is
 * `assistant` (its tool requests become `tool_calls`), each tool response is a `tool` message
 * answering its call's id. Pending section parts are placeholders nothing filled, and are left out.
 */
export function toOpenAiMessages(provider: string, messages: readonly ChatMessage[]): unknown[] {
  const out: unknown[] = [];
  for (const message of messages) {
    const parts = message.content.filter((p) => !isPendingPart(p));
    if (message.role === 'system' || message.role === 'user') {
      out.push({ role: message.role, content: contentOf(provider, message.role, parts) });
    } else if (message.role === 'model') {
      const calls = parts.flatMap((p) => ('toolRequest' in p ? [p.toolRequest] : []));
      const rest = parts.filter((p) => !('toolRequest' in p));
      out.push({
        role: 'assistant',
        content: rest.length > 0 ? contentOf(provider, 'model', rest) : null,
        ...(calls.length > 0
          ? {
              tool_calls: calls.map((call) => ({
                id: call.ref ?? call.name,
                type: 'function',
                function: { name: call.name, arguments: JSON.stringify(call.input ?? {}) },
              })),
            }
          : {}),
      });
    } else if (message.role === 'tool') {
      for (const part of parts) {
        if (!('toolResponse' in part)) throw refused(provider, 'a tool message holds only tool responses');
        const { ref, name, output } = part.toolResponse;
        out.push({
          role: 'tool',
          tool_call_id: ref ?? name,
          content: typeof output === 'string' ? output : JSON.stringify(output ?? null),
        });
      }
    } else {
      throw unknownRole(provider, message.role);
    }
  }
  return out;
}

/** A message's parts as a string (text only) or as text and image_url parts. */
function contentOf(provider: string, role: string, parts: readonly Part[]): OpenAiContent {
  if (parts.every((p) => 'text' in p)) return parts.map((p) => ('text' in p ? p.text : '')).join('');
  return parts.map((part) => {
    if ('text' in part) return { type: 'text' as const, text: part.text };
    if ('media' in part) {
      const type = part.media.contentType;
      if (type && !type.startsWith('image/')) {
        throw refused(provider, `a ${role} message has ${type} media; Chat Completions takes images only`);
      }
      return { type: 'image_url' as const, image_url: { url: part.media.url } };
    }
    throw refused(
      provider,
      `a ${role} message holds a tool part; tool requests belong to the model, responses to tool`,
    );
  });
}

/** Tool definitions as Chat Completions' `tools`. */
export function toOpenAiTools(tools: readonly ToolDefinition[]): unknown[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description ? { description: tool.description } : {}),
      parameters: tool.inputSchema ?? { type: 'object', properties: {} },
    },
  }));
}

/** The tool calls of an answer as Dotprompt tool requests (arguments parsed, kept as text when not JSON). */
export function fromOpenAiToolCalls(
  calls: { id?: string; function?: { name?: string; arguments?: string } }[] | undefined,
): ToolRequest[] {
  return (calls ?? []).map((call) => ({
    name: call.function?.name ?? '',
    ...(call.id ? { ref: call.id } : {}),
    input: parseArguments(call.function?.arguments),
  }));
}

function parseArguments(text: string | undefined): unknown {
  if (text === undefined || text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A role outside Dotprompt's four is refused by name, never sent as some other role. */
export function unknownRole(provider: string, role: string): ProviderError {
  return refused(provider, `role "${role}" is not a Dotprompt role (system, user, model, tool)`);
}

function refused(provider: string, why: string): ProviderError {
  return new ProviderError('PO_ERR_PROVIDER_REJECTED', `${provider} cannot take this request: ${why}`, {
    provider,
  });
}
