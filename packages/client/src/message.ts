// Messages as Dotprompt gives them (dotprompt 1.1.2 `Message` and `Part`): a role and a list of
// parts. Kept field for field so that a rendered prompt can be handed to Genkit or compared with
// Dotprompt's own output without translation.

/** Dotprompt's roles. Providers map each one explicitly (docs/catalog.md, "Roles"). */
export type Role = 'system' | 'user' | 'model' | 'tool';

export interface TextPart {
  text: string;
  metadata?: Record<string, unknown>;
}

/** An image (or other media) by URL: `https:` or a `data:` URL carrying the bytes. */
export interface MediaPart {
  media: { url: string; contentType?: string };
  metadata?: Record<string, unknown>;
}

/** The model asking for a tool to run; `ref` pairs it with its response. */
export interface ToolRequestPart {
  toolRequest: { name: string; ref?: string; input?: unknown };
  metadata?: Record<string, unknown>;
}

/** A tool's result, answering the request with the same `ref`. */
export interface ToolResponsePart {
  toolResponse: { name: string; ref?: string; output?: unknown };
  metadata?: Record<string, unknown>;
}

/** A `{{section "name"}}` placeholder: a framework fills it (Genkit puts context or output instructions there). */
export interface PendingPart {
  metadata: { purpose: string; pending: true };
}

export type Part = TextPart | MediaPart | ToolRequestPart | ToolResponsePart | PendingPart;

/** One message: a role and its parts. History messages carry `metadata.purpose: 'history'`. */
export interface Message {
  role: Role;
  content: Part[];
  metadata?: Record<string, unknown>;
}

/**
 * A message as callers may still write it: `content` a plain string, and `assistant` as the name
 * of the model's role (OpenAI's word). `toMessage` turns it into a `Message`.
 */
export interface TextMessage {
  role: 'system' | 'user' | 'assistant' | 'model' | 'tool';
  content: string;
}

/** A caller's message in either form, as a Dotprompt message (`assistant` is the role `model`). */
export function toMessage(message: Message | TextMessage): Message {
  const role = message.role === 'assistant' ? 'model' : message.role;
  if (typeof message.content === 'string') return { role, content: [{ text: message.content }] };
  return { ...message, role } as Message;
}

/** The text of a message's text parts, joined; media, tool and pending parts contribute nothing. */
export function textOf(message: Pick<Message, 'content'>): string {
  let text = '';
  for (const part of message.content) if ('text' in part) text += part.text;
  return text;
}

/** True for a `{{section}}` placeholder no framework filled. */
export function isPendingPart(part: Part): part is PendingPart {
  return !('text' in part) && (part.metadata as { pending?: unknown } | undefined)?.pending === true;
}
