import Handlebars from 'handlebars/dist/cjs/handlebars.js';

// Dotprompt's template language, compiled once per version. Dotprompt's own render() re-resolves
// metadata and re-converts schemas on every call (~60 µs); the pipeline's budget is 50 µs for
// everything, so we compile the template with the same helpers and the same role markers, and
// split messages the way Dotprompt does. test/runtime/render.test.ts pins the equivalence. It lives
// in the light client so the gateway, the SDK and an application rendering from its last-known-good
// file all render with this one copy.

const ROLE = '<<<dotprompt:role:';
const HISTORY = '<<<dotprompt:history';
const MARKERS = /(<<<dotprompt:(?:role:[a-z]+|history))>>>/g;
const SECTION = /<<<dotprompt:section [^>]*>>>/g;

const env = Handlebars.create();
const { SafeString } = Handlebars;
env.registerHelper(
  'json',
  (value: unknown, options: Handlebars.HelperOptions) =>
    new SafeString(JSON.stringify(value, null, (options.hash.indent as number | undefined) ?? 0)),
);
env.registerHelper('role', (role: string) => new SafeString(`${ROLE}${role}>>>`));
env.registerHelper('history', () => new SafeString(`${HISTORY}>>>`));
env.registerHelper('section', (name: string) => new SafeString(`<<<dotprompt:section ${name}>>>`));
env.registerHelper(
  'media',
  (options: Handlebars.HelperOptions) => new SafeString(`[media ${String(options.hash.url)}]`),
);
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

/** One message of a conversation, as models take them. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** What a renderer is compiled from: a version's name, template and the partials it includes. */
export interface RenderSource {
  name: string;
  template: string;
  partials?: Record<string, string>;
}

/** Renders a version's template into chat messages. */
export type Renderer = (variables: Record<string, unknown>, history?: ChatMessage[]) => ChatMessage[];

/** Compiles a version's template (and the partials it includes) once. */
export function compileRenderer(spec: RenderSource): Renderer {
  const partials: Record<string, Handlebars.TemplateDelegate> = {};
  for (const [name, body] of Object.entries(spec.partials ?? {})) {
    partials[name] = env.compile(body, {
      knownHelpers: KNOWN_HELPERS,
      knownHelpersOnly: true,
      noEscape: true,
    });
  }
  const template = env.compile(spec.template, {
    knownHelpers: KNOWN_HELPERS,
    knownHelpersOnly: true,
    noEscape: true,
  });
  return (variables, history = []) =>
    toMessages(template(variables, { partials, data: { prompt: { name: spec.name } } }), history);
}

/** Splits rendered text at role and history markers, as Dotprompt's toMessages does. */
function toMessages(rendered: string, history: ChatMessage[]): ChatMessage[] {
  let current = { role: 'user', source: '' };
  const sources: { role: string; source: string; isHistory?: boolean }[] = [current];
  let hasHistory = false;
  for (const piece of rendered.split(MARKERS)) {
    if (piece.trim() === '') continue;
    if (piece.startsWith(ROLE)) {
      const role = piece.slice(ROLE.length);
      if (current.source.trim()) {
        current = { role, source: '' };
        sources.push(current);
      } else {
        current.role = role;
      }
    } else if (piece.startsWith(HISTORY)) {
      hasHistory = true;
      for (const m of history) sources.push({ role: m.role, source: m.content, isHistory: true });
      current = { role: 'model', source: '' };
      sources.push(current);
    } else {
      current.source += piece;
    }
  }
  const messages = sources
    .filter((s) => s.source)
    .map((s) => ({
      role: normaliseRole(s.role),
      content: s.isHistory ? s.source : s.source.replace(SECTION, ''),
    }));
  if (hasHistory || history.length === 0) return messages;
  const last = messages.at(-1);
  return last?.role === 'user' ? [...messages.slice(0, -1), ...history, last] : [...messages, ...history];
}

function normaliseRole(role: string): ChatMessage['role'] {
  if (role === 'model' || role === 'assistant') return 'assistant';
  if (role === 'system') return 'system';
  return 'user';
}
