import Handlebars from 'handlebars/dist/cjs/handlebars.js';
import type { JsonSchema } from './spec.js';

type AstNode = hbs.AST.Node;
type Program = hbs.AST.Program;

/** Helpers Dotprompt registers, plus Handlebars' own built-ins. Anything else is unknown. */
export const KNOWN_HELPERS: ReadonlySet<string> = new Set([
  'role',
  'history',
  'media',
  'section',
  'json',
  'ifEquals',
  'unlessEquals',
  'if',
  'unless',
  'each',
  'with',
  'lookup',
  'log',
]);

/** One place a template reads input. `path` is absolute from the input root; `[]` means "an element of". */
export interface VariableUse {
  path: string[];
  line: number;
  col: number;
}

export interface TemplateAnalysis {
  variables: VariableUse[];
  unknownHelpers: { name: string; line: number; col: number }[];
  partials: { name: string; line: number; col: number }[];
  /** Roles named by `{{role "..."}}` with a literal. */
  roles: { name: string; line: number; col: number }[];
  /** True when the template hands the whole input to something (`{{json this}}` at the root). */
  usesWholeInput: boolean;
}

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
  }
}

/**
 * Parses a Handlebars template and lists the input paths it reads, following the context changes
 * of `#each` and `#with`, `../` and `@root`. Pure: it never renders.
 */
export function analyzeTemplate(template: string): TemplateAnalysis {
  const tooDeep = findExcessiveNesting(template);
  if (tooDeep)
    throw new TemplateSyntaxError(
      `blocks or sub-expressions are nested more than ${MAX_NESTING} levels deep; flatten the template`,
      tooDeep,
      1,
    );
  let ast: Program;
  try {
    ast = Handlebars.parse(template);
  } catch (err) {
    const error = err as Error & { lineNumber?: number; column?: number };
    const line = error.lineNumber ?? Number(/line (\d+)/i.exec(error.message)?.[1] ?? 1);
    throw new TemplateSyntaxError(explainParseError(error.message), line, (error.column ?? 0) + 1);
  }
  const analysis: TemplateAnalysis = {
    variables: [],
    unknownHelpers: [],
    partials: [],
    roles: [],
    usesWholeInput: false,
  };
  try {
    walkProgram(ast, [{ path: [], params: new Map() }], analysis);
  } catch (err) {
    if (err instanceof RangeError)
      throw new TemplateSyntaxError('the template is nested too deeply to analyse; flatten it', 1, 1);
    throw err;
  }
  return analysis;
}

/** Deeper nesting than this is refused before parsing: Handlebars' parser slows down sharply with depth. */
export const MAX_NESTING = 100;

/** The line where block or sub-expression nesting first exceeds MAX_NESTING, or 0. A linear scan. */
function findExcessiveNesting(template: string): number {
  let blocks = 0;
  let parens = 0;
  let line = 1;
  let inTag = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === '\n') line++;
    else if (!inTag && ch === '{' && template[i + 1] === '{') {
      inTag = true;
      let j = i + 2;
      while (template[j] === '{' || template[j] === '~' || template[j] === ' ') j++;
      if (template[j] === '#' || template[j] === '^') blocks++;
      else if (template[j] === '/') blocks = Math.max(0, blocks - 1);
      i = j - 1;
    } else if (inTag && ch === '}' && template[i + 1] === '}') {
      inTag = false;
      parens = 0;
      i++;
    } else if (inTag && ch === '(') parens++;
    else if (inTag && ch === ')') parens = Math.max(0, parens - 1);
    if (blocks > MAX_NESTING || parens > MAX_NESTING) return line;
  }
  return 0;
}

/** A context the template reads from: its input path, and names bound by `as |name|`. */
interface Scope {
  path: string[];
  /** Block parameter → the input path it stands for (null for indexes and keys). */
  params: Map<string, string[] | null>;
}

function walkProgram(program: Program | undefined, scopes: Scope[], out: TemplateAnalysis): void {
  for (const node of program?.body ?? []) walkNode(node, scopes, out);
}

function walkNode(node: AstNode, scopes: Scope[], out: TemplateAnalysis): void {
  switch (node.type) {
    case 'MustacheStatement':
    case 'SubExpression': {
      const call = node as hbs.AST.MustacheStatement;
      visitCall(call.path, call.params, call.hash, scopes, out, node);
      return;
    }
    case 'BlockStatement': {
      const block = node as hbs.AST.BlockStatement;
      const name =
        block.path.type === 'PathExpression' ? (block.path as hbs.AST.PathExpression).original : '';
      visitCall(block.path, block.params, block.hash, scopes, out, node);
      const first = block.params[0];
      let inner = scopes;
      const blockParams = block.program?.blockParams ?? [];
      if ((name === 'each' || name === 'with') && first?.type === 'PathExpression') {
        const base = resolvePath(first as hbs.AST.PathExpression, scopes);
        if (base) {
          const context = name === 'each' ? [...base, '[]'] : base;
          const params = new Map<string, string[] | null>(
            blockParams.map((p, i) => [p, i === 0 ? context : null]),
          );
          inner = [...scopes, { path: context, params }];
        }
      } else if (blockParams.length > 0) {
        inner = [
          ...scopes,
          { path: scopes.at(-1)?.path ?? [], params: new Map(blockParams.map((p) => [p, null])) },
        ];
      }
      walkProgram(block.program, inner, out);
      walkProgram(block.inverse, scopes, out);
      return;
    }
    case 'PartialStatement':
    case 'PartialBlockStatement': {
      const partial = node as hbs.AST.PartialStatement;
      if (partial.name.type === 'PathExpression') {
        out.partials.push({ name: (partial.name as hbs.AST.PathExpression).original, ...loc(node) });
      }
      for (const param of partial.params) visitExpression(param, scopes, out);
      return;
    }
    default:
      return;
  }
}

function visitCall(
  path: hbs.AST.PathExpression | hbs.AST.Literal,
  params: hbs.AST.Expression[],
  hash: hbs.AST.Hash | undefined,
  scopes: Scope[],
  out: TemplateAnalysis,
  node: AstNode,
): void {
  const hasArgs = params.length > 0 || (hash?.pairs.length ?? 0) > 0;
  if (path.type === 'PathExpression') {
    const expr = path as hbs.AST.PathExpression;
    const isHelperName = !expr.data && expr.parts.length === 1 && expr.depth === 0;
    if (isHelperName && KNOWN_HELPERS.has(expr.original)) {
      // a helper call: only its arguments read input
      const first = params[0];
      if (expr.original === 'role' && first?.type === 'StringLiteral') {
        out.roles.push({ name: (first as hbs.AST.StringLiteral).value, ...loc(node) });
      }
    } else if (hasArgs) {
      out.unknownHelpers.push({ name: expr.original, ...loc(node) });
    } else {
      visitExpression(expr, scopes, out);
    }
  }
  for (const param of params) visitExpression(param, scopes, out);
  for (const pair of hash?.pairs ?? []) visitExpression(pair.value, scopes, out);
}

function visitExpression(expr: hbs.AST.Expression, scopes: Scope[], out: TemplateAnalysis): void {
  if (expr.type === 'SubExpression') {
    walkNode(expr, scopes, out);
    return;
  }
  if (expr.type !== 'PathExpression') return;
  const path = resolvePath(expr as hbs.AST.PathExpression, scopes);
  if (!path) return;
  if (path.length === 0) {
    out.usesWholeInput = true;
    return;
  }
  out.variables.push({ path, ...loc(expr) });
}

/** The absolute input path of a path expression, or null for data variables like `@index`. */
function resolvePath(expr: hbs.AST.PathExpression, scopes: Scope[]): string[] | null {
  if (expr.data) {
    return expr.parts[0] === 'root' ? expr.parts.slice(1) : null;
  }
  const head = expr.parts[0];
  if (expr.depth === 0 && head !== undefined && !expr.original.startsWith('this')) {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const params = scopes[i]!.params;
      if (params.has(head)) {
        const bound = params.get(head);
        return bound ? [...bound, ...expr.parts.slice(1)] : null;
      }
    }
  }
  const scope = scopes[Math.max(0, scopes.length - 1 - expr.depth)]?.path ?? [];
  return [...scope, ...expr.parts];
}

function explainParseError(message: string): string {
  const got = /got '([A-Z_]+)'/.exec(message)?.[1];
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(message);
  if (mismatch)
    return `block {{#${mismatch[1]}}} is closed by {{/${mismatch[2]}}}; close it with {{/${mismatch[1]}}}`;
  if (got === 'EOF') return 'the template ends inside an open block; add the missing {{/...}} closing tag';
  if (got === 'OPEN_ENDBLOCK')
    return 'a closing tag {{/...}} has no matching opening block; remove it or open the block';
  if (got === 'INVALID') return "malformed Handlebars tag; check for a missing '}}' or a stray brace";
  return `invalid Handlebars syntax: ${message.split('\n').at(-1)}`;
}

function loc(node: AstNode): { line: number; col: number } {
  return { line: node.loc?.start.line ?? 1, col: (node.loc?.start.column ?? 0) + 1 };
}

/** What the input schema says about a path the template reads. */
export type PathStatus = 'declared' | 'undeclared' | 'open';

/**
 * Looks a template path up in the input JSON Schema. `open` means the schema does not constrain
 * that far down (a free-form object), so the use cannot be checked.
 */
export function lookupSchemaPath(schema: JsonSchema | null, path: readonly string[]): PathStatus {
  let node: JsonSchema | undefined = schema ?? undefined;
  if (!node) return 'undeclared';
  for (const segment of path) {
    const properties = node.properties as Record<string, JsonSchema> | undefined;
    const items = node.items as JsonSchema | undefined;
    if (segment === '[]') {
      if (!items || typeof items !== 'object') return 'open';
      node = items;
      continue;
    }
    if (isArraySchema(node)) return 'open';
    if (!properties) return 'open';
    const next = Object.hasOwn(properties, segment) ? properties[segment] : undefined;
    if (!next) return 'undeclared';
    node = next;
  }
  return 'declared';
}

function isArraySchema(node: JsonSchema): boolean {
  const type = node.type;
  return type === 'array' || (Array.isArray(type) && type.includes('array'));
}
