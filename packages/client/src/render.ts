import Handlebars from 'handlebars/dist/cjs/handlebars.js';
import type { Message, Part, Role, TextMessage } from './message.js';
import { toMessage } from './message.js';

// Dotprompt's template language, compiled once per version. Dotprompt's own render() re-resolves
// metadata and re-converts schemas on every call (~60 µs); the pipeline's budget is 50 µs for
// everything, so we compile the template with the same helpers and the same markers, and turn the
// rendered text into messages and parts with Dotprompt's own algorithm (dotprompt 1.1.2
// `toMessages`, `toParts`, `insertHistory`). test/catalog/dotprompt-diff.test.ts compares the two on
// a corpus of templates, parts and all. It lives in the light client so the gateway, the SDK and an
// application rendering from its last-known-good file all render with this one copy.

const ROLE = '<<<dotprompt:role:';
const HISTORY = '<<<dotprompt:history';
const MEDIA = '<<<dotprompt:media:';
const SECTION = '<<<dotprompt:section';
const ROLE_AND_HISTORY = /(<<<dotprompt:(?:role:[a-z]+|history))>>>/g;
const MEDIA_AND_SECTION = /(<<<dotprompt:(?:media:url|section).*?)>>>/g;

const env = Handlebars.create();
const { SafeString } = Handlebars;
env.registerHelper(
  'json',
  (value: unknown, options: Handlebars.HelperOptions) =>
    new SafeString(JSON.stringify(value, null, (options.hash.indent as number | undefined) || 0)),
);
env.registerHelper('role', (role: string) => new SafeString(`${ROLE}${role}>>>`));
env.registerHelper('history', () => new SafeString(`${HISTORY}>>>`));
env.registerHelper('section', (name: string) => new SafeString(`${SECTION} ${name}>>>`));
env.registerHelper('media', (options: Handlebars.HelperOptions) => {
  const { url, contentType } = options.hash as { url?: unknown; contentType?: unknown };
  return new SafeString(`${MEDIA}url ${url}${contentType ? ` ${contentType}` : ''}>>>`);
});
env.registerHelper(
  'ifEquals',
  function (this: unknown, a: unknown, b: unknown, options: Handlebars.HelperOptions) {
    return a === b ? options.fn(this) : options.inverse(this);
  },
);
env.registerHelper(
  'unlessEquals',
  function (this: unknown, a: unknown, b: unknown, options: Handlebars.HelperOptions) {
    return a !== b ? options.fn(this) : options.inverse(this);
  },
);
const KNOWN_HELPERS = {
  json: true,
  role: true,
  history: true,
  section: true,
  media: true,
  ifEquals: true,
  unlessEquals: true,
};
const COMPILE_OPTIONS = { knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true, noEscape: true };

/** What a renderer is compiled from: a version's name, template and the partials it includes. */
export interface RenderSource {
  name: string;
  template: string;
  partials?: Record<string, string>;
  /** What the template sees as `@metadata.prompt` (default: `{ name }`). */
  metadata?: Record<string, unknown>;
}

/** What a render takes besides the input: Dotprompt's `DataArgument` without `input`. */
export interface RenderData {
  /** Earlier turns, inserted where the template says `{{history}}` (or before the last user turn). */
  history?: readonly (Message | TextMessage)[];
  /** Data variables: `{ state, auth }` become `@state` and `@auth` (Dotprompt's `context`). */
  context?: Record<string, unknown>;
  /** Documents, seen by the template as `@metadata.docs`. */
  docs?: unknown[];
}

/**
 * Renders a version's template into Dotprompt messages. The second argument may still be the
 * history list itself, as before `RenderData` (deprecated: pass `{ history }`; removed in the next
 * minor release).
 */
export type Renderer = (
  variables: Record<string, unknown>,
  data?: RenderData | readonly (Message | TextMessage)[],
) => Message[];

/**
 * @deprecated A message as `render()` returned it before messages became Dotprompt's (`content` a
 * string, the model's role `assistant`) or as it returns it now. Use `Message` (what `render()`
 * returns) or `TextMessage` (history written as text); removed in the next minor release.
 */
export type ChatMessage = Message | TextMessage;

/** Compiles a version's template (and the partials it includes) once. */
export function compileRenderer(spec: RenderSource): Renderer {
  const partials: Record<string, Handlebars.TemplateDelegate> = {};
  for (const [name, body] of Object.entries(spec.partials ?? {})) {
    partials[name] = env.compile(body, COMPILE_OPTIONS);
  }
  const template = env.compile(spec.template, COMPILE_OPTIONS);
  const prompt = spec.metadata ?? { name: spec.name };
  return (variables, argument = {}) => {
    // A JavaScript caller of the old signature passes the history list itself: keep it.
    const data: RenderData = Array.isArray(argument) ? { history: argument } : (argument as RenderData);
    const history = data.history?.map(toMessage);
    const rendered = template(variables, {
      partials,
      data: {
        metadata: { prompt, docs: data.docs, messages: history },
        ...data.context,
      },
    });
    return toMessages(rendered, history);
  };
}

interface MessageSource {
  role: string;
  source?: string;
  content?: Part[];
  metadata?: Record<string, unknown>;
}

/** Splits rendered text at role and history markers (Dotprompt's `toMessages`). */
function toMessages(rendered: string, history: Message[] | undefined): Message[] {
  let current: MessageSource = { role: 'user', source: '' };
  const sources: MessageSource[] = [current];
  for (const piece of splitBy(rendered, ROLE_AND_HISTORY)) {
    if (piece.startsWith(ROLE)) {
      const role = roleOf(piece.slice(ROLE.length));
      if (current.source?.trim()) {
        current = { role, source: '' };
        sources.push(current);
      } else {
        current.role = role;
      }
    } else if (piece.startsWith(HISTORY)) {
      for (const m of history ?? []) sources.push({ ...m, metadata: { ...m.metadata, purpose: 'history' } });
      current = { role: 'model', source: '' };
      sources.push(current);
    } else {
      current.source += piece;
    }
  }
  const messages = sources
    .filter((s) => s.content || s.source)
    .map((s) => {
      const message: Message = { role: s.role as Role, content: s.content ?? toParts(s.source ?? '') };
      if (s.metadata) message.metadata = s.metadata;
      return message;
    });
  return insertHistory(messages, history);
}

/**
 * A template's role name as a Dotprompt role: `assistant` is `model`. Versions pushed before lint
 * asked for `model` say `{{role "assistant"}}` and must keep sending the model's turn as the
 * model's; any other name is kept, and providers refuse it by name.
 */
function roleOf(name: string): string {
  return name === 'assistant' ? 'model' : name;
}

/** Without a `{{history}}` marker, history goes before the last user message (else at the end). */
function insertHistory(messages: Message[], history: Message[] | undefined): Message[] {
  if (!history || messages.some((m) => m.metadata?.purpose === 'history')) return messages;
  if (messages.length === 0) return history;
  const last = messages.at(-1)!;
  return last.role === 'user' ? [...messages.slice(0, -1), ...history, last] : [...messages, ...history];
}

/** A message's text split at media and section markers (Dotprompt's `toParts`). */
function toParts(source: string): Part[] {
  return splitBy(source, MEDIA_AND_SECTION).map((piece): Part => {
    if (piece.startsWith(MEDIA)) {
      const [, url, contentType] = piece.split(' ');
      return { media: contentType ? { url: url!, contentType } : { url: url! } };
    }
    if (piece.startsWith(SECTION)) {
      return { metadata: { purpose: piece.split(' ')[1]!, pending: true } };
    }
    return { text: piece };
  });
}

function splitBy(source: string, pattern: RegExp): string[] {
  return source.split(pattern).filter((s) => s.trim() !== '');
}

export {
  isPendingPart,
  type MediaPart,
  type Message,
  type Part,
  type PendingPart,
  type Role,
  type TextMessage,
  type TextPart,
  type ToolRequestPart,
  type ToolResponsePart,
  textOf,
  toMessage,
} from './message.js';
