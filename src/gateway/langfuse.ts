import Handlebars from 'handlebars/dist/cjs/handlebars.js';
import type { PromptSpec } from '../catalog/spec.js';
import { PromptOpsError } from '../errors.js';
import type { ServedPrompts } from './served.js';

// Langfuse's prompt object for a served version. Langfuse's clients fill a prompt with Mustache
// (`{{name}}`, dotted paths, nothing else they promise), so a template translates when all it does
// is name variables: role markers split it into chat messages (as our renderer does), `{{history}}`
// becomes a Langfuse placeholder, partials are inlined. Anything with logic — `{{#if}}`, `{{#each}}`,
// helpers like `json`, `this` and `@data` paths — has no Langfuse equivalent and is refused by name:
// pre-rendering it would need the variables, which a Langfuse `get` does not send.

/** A message of a Langfuse chat prompt: text with `{{variables}}`, or a placeholder for history. */
export type LangfuseMessage =
  | { type: 'chatmessage'; role: string; content: string }
  | { type: 'placeholder'; name: string };

/** The prompt object Langfuse's `GET /api/public/v2/prompts/{name}` answers. */
export interface LangfusePrompt {
  name: string;
  version: number;
  type: 'chat' | 'text';
  prompt: string | LangfuseMessage[];
  config: Record<string, unknown>;
  labels: string[];
  tags: string[];
}

/** What a version is served as: its number, spec and the labels (environments) that serve it. */
export interface LangfuseSource {
  prompt: string;
  number: number;
  hash: string;
  spec: PromptSpec;
  labels: string[];
}

/**
 * Langfuse's prompt object for a served version: a `text` prompt when the template has no role
 * markers (the whole template is the user's message), else a `chat` prompt. `config` holds the
 * prompt's model and model config. Throws PO_ERR_REQUEST_INVALID naming the first construct
 * Langfuse's Mustache cannot fill.
 */
export function langfusePromptOf(source: LangfuseSource): LangfusePrompt {
  const { spec } = source;
  const pieces = piecesOf(spec.template, spec.partials ?? {}, source.prompt);
  const isChat = pieces.some((piece) => piece.kind !== 'text');
  return {
    name: source.prompt,
    version: source.number,
    type: isChat ? 'chat' : 'text',
    prompt: isChat ? messagesOf(pieces) : pieces.map((p) => (p.kind === 'text' ? p.text : '')).join(''),
    config: {
      ...(spec.model ? { model: spec.model } : {}),
      ...spec.config,
      promptops: { hash: source.hash },
    },
    labels: source.labels,
    tags: spec.promptops.tags,
  };
}

type Piece = { kind: 'text'; text: string } | { kind: 'role'; role: string } | { kind: 'history' };

/** The template as text (Mustache variables kept), role markers and history markers. */
function piecesOf(
  template: string,
  partials: Record<string, string>,
  prompt: string,
  seen: string[] = [],
): Piece[] {
  const pieces: Piece[] = [];
  const text = (value: string) => pieces.push({ kind: 'text', text: value });
  for (const node of Handlebars.parse(template).body) {
    const where = `${prompt}${seen.length > 0 ? ` (partial ${seen.at(-1)})` : ''}, template line ${node.loc.start.line}`;
    if (node.type === 'ContentStatement') {
      const value = (node as hbs.AST.ContentStatement).value;
      if (value.includes('{{')) refuse('literal "{{" text', where);
      text(value);
    } else if (node.type === 'CommentStatement') {
      // Comments render to nothing.
    } else if (node.type === 'MustacheStatement') {
      const piece = mustacheOf(node as hbs.AST.MustacheStatement, where);
      if (piece) pieces.push(piece);
    } else if (node.type === 'PartialStatement') {
      pieces.push(...partialOf(node as hbs.AST.PartialStatement, partials, prompt, seen, where));
    } else {
      const block = node as hbs.AST.BlockStatement;
      const name = block.path?.original ?? node.type;
      refuse(`{{#${name}}}`, where);
    }
  }
  return pieces;
}

/** A `{{…}}`: a variable (kept for Mustache), a role or history marker, a section (dropped), or refused. */
function mustacheOf(node: hbs.AST.MustacheStatement, where: string): Piece | null {
  const path = node.path as hbs.AST.PathExpression;
  const literal = (node.params[0] as hbs.AST.StringLiteral | undefined)?.value;
  if (path.type !== 'PathExpression') refuse(`a literal {{…}}`, where);
  if (path.original === 'role' && typeof literal === 'string') return { kind: 'role', role: literal };
  if (path.original === 'history' && node.params.length === 0) return { kind: 'history' };
  if (path.original === 'section') return null;
  if (node.params.length > 0 || node.hash) refuse(`the helper {{${path.original} …}}`, where);
  if (['json', 'media', 'role', 'section'].includes(path.original))
    refuse(`the helper {{${path.original}}}`, where);
  if (path.data || path.depth > 0 || path.parts.length === 0 || path.original.startsWith('this')) {
    refuse(`{{${path.original}}}`, where);
  }
  return { kind: 'text', text: `{{${path.parts.join('.')}}}` };
}

/** A `{{> name}}` inlined, each line indented as Handlebars indents a standalone partial. */
function partialOf(
  node: hbs.AST.PartialStatement,
  partials: Record<string, string>,
  prompt: string,
  seen: string[],
  where: string,
): Piece[] {
  const name = (node.name as hbs.AST.PathExpression).original;
  const body = partials[name];
  if (node.params.length > 0 || node.hash || body === undefined || seen.includes(name)) {
    refuse(`the partial {{> ${name} …}}`, where);
  }
  const pieces = piecesOf(body as string, partials, prompt, [...seen, name]);
  if (!node.indent) return pieces;
  return pieces.map((piece, index) =>
    piece.kind === 'text'
      ? {
          kind: 'text',
          text: `${index === 0 ? node.indent : ''}${piece.text.replace(/\n(?!$)/g, `\n${node.indent}`)}`,
        }
      : piece,
  );
}

/**
 * Chat messages split at role markers the way our renderer splits rendered text (a role marker
 * before any text renames the first message; blank text between markers is dropped).
 */
function messagesOf(pieces: Piece[]): LangfuseMessage[] {
  type Source = { role: string; text: string } | { history: true };
  let current = { role: 'user', text: '' };
  const sources: Source[] = [current];
  for (const piece of joinText(pieces)) {
    if (piece.kind === 'role') {
      if (current.text.trim()) {
        current = { role: piece.role, text: '' };
        sources.push(current);
      } else {
        current.role = piece.role;
      }
    } else if (piece.kind === 'history') {
      sources.push({ history: true });
      current = { role: 'model', text: '' };
      sources.push(current);
    } else if (piece.text.trim() !== '') {
      current.text += piece.text;
    }
  }
  return sources.flatMap((source): LangfuseMessage[] => {
    if ('history' in source) return [{ type: 'placeholder', name: 'history' }];
    return source.text ? [{ type: 'chatmessage', role: roleOf(source.role), content: source.text }] : [];
  });
}

/** Consecutive text pieces as one, as the renderer sees the text between two markers. */
function joinText(pieces: Piece[]): Piece[] {
  const joined: Piece[] = [];
  for (const piece of pieces) {
    const last = joined.at(-1);
    if (piece.kind === 'text' && last?.kind === 'text') last.text += piece.text;
    else joined.push({ ...piece });
  }
  return joined;
}

function roleOf(role: string): string {
  if (role === 'model' || role === 'assistant') return 'assistant';
  return role === 'system' ? 'system' : 'user';
}

function refuse(construct: string, where: string): never {
  throw new PromptOpsError(
    'PO_ERR_REQUEST_INVALID',
    `${where} uses ${construct}, which Langfuse's compile() cannot fill (it substitutes {{variables}} only); read this prompt with GET /v1/prompts/{ref}, render it with POST /v1/prompts/{ref}/render, or run it with POST /v1/run/{prompt}`,
    { construct, where },
  );
}

/**
 * The served version a Langfuse `get` names, with its labels: `version` (any version an environment
 * serves), `label` (an environment's stable version; `latest` is the newest version served
 * anywhere), else the gateway's default environment (Langfuse's default label is `production`).
 * A canary is not served here: Langfuse's clients send no sticky key and cache what they get.
 */
export function langfuseSourceOf(
  served: ServedPrompts,
  prompt: string,
  query: { label?: string; version?: number },
  defaultEnvironment: string,
): LangfuseSource {
  if (query.label !== undefined && query.version !== undefined) {
    throw new PromptOpsError('PO_ERR_REQUEST_INVALID', 'give a label or a version, not both', {
      param: 'label',
    });
  }
  if (served.environments().length === 0) {
    throw new PromptOpsError(
      'PO_ERR_GATEWAY_NOT_READY',
      'this gateway has no snapshot of any environment yet; it serves once it has reached the control plane',
    );
  }
  const stable = stableNumbers(served, prompt);
  const numbers = [...stable.values(), ...canaryNumbers(served, prompt)];
  if (numbers.length === 0) {
    throw new PromptOpsError(
      'PO_ERR_PROMPT_NOT_FOUND',
      `this gateway serves no version of prompt "${prompt}" (it serves released versions only)`,
      { prompt },
    );
  }
  const latest = Math.max(...numbers);
  const number = query.version ?? numberOfLabel(stable, prompt, query.label ?? defaultEnvironment, latest);
  const record = served.version(prompt, number);
  if (!record) {
    throw new PromptOpsError(
      'PO_ERR_VERSION_NOT_FOUND',
      `${prompt}@${number} is not served by any environment of this gateway (served: ${[...new Set(numbers)].sort((a, b) => a - b).join(', ')})`,
      { prompt, version: number },
    );
  }
  const labels = [...stable].filter(([, n]) => n === number).map(([environment]) => environment);
  return {
    prompt,
    number,
    hash: record.hash,
    spec: record.spec,
    labels: number === latest ? [...labels, 'latest'] : labels,
  };
}

function numberOfLabel(stable: Map<string, number>, prompt: string, label: string, latest: number): number {
  if (label === 'latest') return latest;
  const number = stable.get(label);
  if (number !== undefined) return number;
  throw new PromptOpsError(
    'PO_ERR_LABEL_NOT_FOUND',
    `prompt "${prompt}" has no version labelled "${label}" on this gateway (labels: ${[...stable.keys(), 'latest'].join(', ')}); a label is an environment`,
    { prompt, label },
  );
}

/** The stable version of `prompt` in each environment that serves it. */
function stableNumbers(served: ServedPrompts, prompt: string): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const environment of served.environments()) {
    const found = served.snapshot(environment)?.prompts.find((p) => p.prompt === prompt);
    if (found) numbers.set(environment, found.stable.number);
  }
  return numbers;
}

function canaryNumbers(served: ServedPrompts, prompt: string): number[] {
  return served
    .environments()
    .flatMap(
      (environment) => served.snapshot(environment)?.prompts.find((p) => p.prompt === prompt)?.canary ?? [],
    )
    .map((canary) => canary.number);
}
