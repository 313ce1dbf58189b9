import { isPendingPart, type Part } from '@promptops/client/render';
import { ProviderError } from './http.js';
import { unknownRole } from './openai-messages.js';
import type { ChatMessage, ToolDefinition, ToolRequest } from './types.js';

type Block = Record<string, unknown>;
interface AnthropicMessage {
  role: 'user' | 'assistant';
  content: string | Block[];
}

/** Each Dotprompt role's turn (`system` goes to its own parameter); any other role is refused. */
const ROLES = new Map<string, AnthropicMessage['role']>([
  ['user', 'user'],
  ['model', 'assistant'],
  ['tool', 'user'],
]);

/**
 * Dotprompt messages in the Messages API's shape, each role mapped explicitly: `system` goes to the
 * `system` parameter, `model` is `assistant` (tool requests as `tool_use`), `tool` is a user turn of
 * `tool_result` blocks (the API's own place for them). Turns alternate and start with the user.
 */
export function toAnthropicMessages(
  provider: string,
  messages: readonly ChatMessage[],
): { system: string; messages: AnthropicMessage[] } {
  const system: string[] = [];
  const out: AnthropicMessage[] = [];
  for (const message of messages) {
    const parts = message.content.filter((p) => !isPendingPart(p));
    if (message.role === 'system') {
      system.push(parts.map((p) => textOnly(provider, p)).join(''));
      continue;
    }
    const role = ROLES.get(message.role);
    if (!role) throw unknownRole(provider, message.role);
    const content: string | Block[] = parts.every((p) => 'text' in p)
      ? parts.map((p) => ('text' in p ? p.text : '')).join('')
      : parts.map((p) => blockOf(provider, message.role, p));
    const last = out.at(-1);
    if (last?.role === role) last.content = merge(last.content, content);
    else out.push({ role, content });
  }
  if (out[0]?.role === 'assistant') out.unshift({ role: 'user', content: '(continue)' });
  return { system: system.join('\n\n'), messages: out };
}

function blockOf(provider: string, role: string, part: Part): Block {
  if ('text' in part) return { type: 'text', text: part.text };
  if ('media' in part) return mediaBlock(part.media.url, part.media.contentType);
  if ('toolRequest' in part && role === 'model') {
    const { name, ref, input } = part.toolRequest;
    return { type: 'tool_use', id: ref ?? name, name, input: input ?? {} };
  }
  if ('toolResponse' in part && role === 'tool') {
    const { name, ref, output } = part.toolResponse;
    return {
      type: 'tool_result',
      tool_use_id: ref ?? name,
      content: typeof output === 'string' ? output : JSON.stringify(output ?? null),
    };
  }
  throw refused(provider, `a ${role} message holds a part the Messages API cannot take there`);
}

/** An image (or PDF) block: a `data:` URL as base64 bytes, any other URL by reference. */
function mediaBlock(url: string, contentType: string | undefined): Block {
  const data = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  const type = contentType ?? data?.[1];
  const source = data ? { type: 'base64', media_type: type, data: data[2] } : { type: 'url', url };
  return { type: type === 'application/pdf' ? 'document' : 'image', source };
}

function merge(a: string | Block[], b: string | Block[]): string | Block[] {
  if (typeof a === 'string' && typeof b === 'string') return `${a}\n\n${b}`;
  const blocks = (c: string | Block[]): Block[] => (typeof c === 'string' ? [{ type: 'text', text: c }] : c);
  return [...blocks(a), ...blocks(b)];
}

/** Tool definitions as the Messages API's `tools`. */
export function toAnthropicTools(tools: readonly ToolDefinition[]): unknown[] {
  return tools.map((tool) => ({
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    input_schema: tool.inputSchema ?? { type: 'object', properties: {} },
  }));
}

/** The `tool_use` blocks of an answer as Dotprompt tool requests. */
export function fromAnthropicToolUse(
  content: { type: string; id?: string; name?: string; input?: unknown }[],
): ToolRequest[] {
  return content
    .filter((block) => block.type === 'tool_use')
    .map((block) => ({ name: block.name ?? '', ...(block.id ? { ref: block.id } : {}), input: block.input }));
}

function textOnly(provider: string, part: Part): string {
  if ('text' in part) return part.text;
  throw refused(provider, 'a system message holds media or tool parts; the system parameter takes text only');
}

function refused(provider: string, why: string): ProviderError {
  return new ProviderError('PO_ERR_PROVIDER_REJECTED', `${provider} cannot take this request: ${why}`, {
    provider,
  });
}
