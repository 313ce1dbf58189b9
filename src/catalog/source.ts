import { type Document, isNode, LineCounter, type Node, parseDocument } from 'yaml';

/** A position in a file: 1-based line and column. */
export interface Position {
  line: number;
  col: number;
}

/** A `.prompt` file cut into its YAML frontmatter and Handlebars body, with where each starts. */
export interface PromptSource {
  /** The frontmatter text between the `---` fences, or null when the file has none. */
  frontmatter: string | null;
  /** True when the file opens a `---` fence and never closes it. */
  isUnclosed: boolean;
  /** The template as Dotprompt sees it: the body, trimmed. */
  template: string;
  /** Where the trimmed template starts in the file. */
  templateStart: Position;
}

const OPEN_FENCE = /^---[ \t]*\r?\n/;
const CLOSE_FENCE = /^---[ \t]*$/;

/**
 * Splits a `.prompt` source the way Dotprompt does (frontmatter between `---` fences, then the
 * body, trimmed), but keeps line numbers and reports an unclosed fence instead of silently
 * treating the whole file as a template.
 */
export function splitPromptSource(source: string): PromptSource {
  const open = OPEN_FENCE.exec(source);
  if (!open) {
    // Dotprompt keeps a file without frontmatter exactly as written.
    return { frontmatter: null, isUnclosed: false, template: source, templateStart: { line: 1, col: 1 } };
  }
  const lines = source.split('\n');
  let offset = open[0].length;
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (CLOSE_FENCE.test(line)) {
      const frontmatter = source
        .slice(open[0].length, Math.max(open[0].length, offset - 1))
        .replace(/\r$/, '');
      const bodyStart = Math.min(source.length, offset + (lines[i] ?? '').length + 1);
      return { frontmatter, isUnclosed: false, ...trimmedTemplate(source, bodyStart) };
    }
    offset += (lines[i] ?? '').length + 1;
  }
  return { frontmatter: null, isUnclosed: true, template: '', templateStart: { line: 1, col: 1 } };
}

function trimmedTemplate(
  source: string,
  bodyStart: number,
): Pick<PromptSource, 'template' | 'templateStart'> {
  const body = source.slice(bodyStart);
  const leading = body.length - body.trimStart().length;
  return { template: body.trim(), templateStart: positionAt(source, bodyStart + leading) };
}

/** The 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: offset - lineStart + 1 };
}

/** A parsed YAML document that can say where any value in it was written. */
export interface LocatedYaml {
  doc: Document.Parsed;
  value: unknown;
  errors: { message: string; at: Position }[];
  warnings: { message: string; at: Position }[];
  /** Where the value at `path` starts (or the nearest ancestor that exists), in file coordinates. */
  locate(path: readonly (string | number)[], which?: 'key' | 'value'): Position;
}

/**
 * Parses YAML with positions. `firstLine` is the file line the text starts on, so positions are
 * reported in file coordinates (the frontmatter of a `.prompt` starts on line 2).
 */
export function parseLocatedYaml(text: string, firstLine = 1): LocatedYaml {
  const lineCounter = new LineCounter();
  // YAML 1.1 extras (!!set, !!omap, !!timestamp, !!binary) stay unresolved: a spec is plain JSON data.
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    strict: true,
    resolveKnownTags: false,
  });
  const toFile = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line: line + firstLine - 1, col };
  };
  const fromLinePos = (linePos: { line: number; col: number }[] | undefined, pos: [number, number]) =>
    linePos?.[0] ? { line: linePos[0].line + firstLine - 1, col: linePos[0].col } : toFile(pos[0]);
  let errors = [...doc.errors, ...doc.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED')].map((e) => ({
    message:
      e.code === 'TAG_RESOLVE_FAILED'
        ? `${cleanYamlMessage(e.message)}; YAML tags are not supported, write plain data`
        : cleanYamlMessage(e.message),
    at: fromLinePos(e.linePos, e.pos),
  }));
  const warnings = doc.warnings.map((w) => ({
    message: cleanYamlMessage(w.message),
    at: fromLinePos(w.linePos, w.pos),
  }));
  let value: unknown = null;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      errors.push({ message: (err as Error).message, at: { line: firstLine, col: 1 } });
    }
  }
  // The parser runs out of stack on very deep nesting and says so at every level it unwinds: one
  // clear error instead, where the nesting starts.
  const overflow = errors.find((e) => isStackOverflow(e.message));
  if (overflow) errors = [{ message: TOO_DEEP, at: overflow.at }];
  const locate = (path: readonly (string | number)[], which: 'key' | 'value' = 'value'): Position => {
    for (let depth = path.length; depth >= 0; depth--) {
      const found = findNode(doc, path.slice(0, depth), which);
      if (found) return toFile(found);
    }
    return { line: firstLine, col: 1 };
  };
  if (errors.length === 0) {
    for (const problem of findNonJson(value))
      errors.push({ message: problem.message, at: locate(problem.path) });
    if (errors.length > 0) value = null;
  }
  return { doc, value, errors, warnings, locate };
}

const TOO_DEEP =
  'the YAML is nested too deeply to read (hundreds of levels of [ ], { } or indentation); flatten it';

function isStackOverflow(message: string): boolean {
  return message.includes('Maximum call stack size exceeded') || message.includes('too much recursion');
}

/** Values JSON cannot carry (NaN, Infinity, sets, dates, binary): a spec must hash as what it says. */
function findNonJson(root: unknown): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const stack: [unknown, (string | number)[]][] = [[root, []]];
  while (stack.length > 0 && problems.length < 20) {
    const [node, path] = stack.pop()!;
    const where = path.length > 0 ? `"${path.join('.')}"` : 'the document';
    if (typeof node === 'number' && !Number.isFinite(node)) {
      problems.push({
        path,
        message: `${where} is ${node}, which JSON cannot represent; use a finite number`,
      });
    } else if (Array.isArray(node)) {
      node.forEach((child, i) => {
        stack.push([child, [...path, i]]);
      });
    } else if (typeof node === 'object' && node !== null) {
      if (Object.getPrototypeOf(node) !== Object.prototype) {
        problems.push({
          path,
          message: `${where} is a YAML ${node.constructor?.name ?? 'object'}; use plain mappings, lists and scalars`,
        });
        continue;
      }
      for (const [key, child] of Object.entries(node)) stack.push([child, [...path, key]]);
    }
  }
  return problems;
}

function findNode(
  doc: Document.Parsed,
  path: readonly (string | number)[],
  which: 'key' | 'value',
): number | null {
  if (path.length === 0) return doc.contents?.range?.[0] ?? null;
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  if (!isNode(parent) || !('items' in parent)) return null;
  const items = (parent as { items: unknown[] }).items;
  if (typeof last === 'number' && !items.some((i) => isPair(i))) {
    const item = items[last];
    return isNode(item) ? (item.range?.[0] ?? null) : null;
  }
  for (const item of items) {
    if (!isPair(item)) continue;
    const key = item.key as Node | null;
    const keyValue = isNode(key) && 'value' in key ? (key as { value: unknown }).value : key;
    if (String(keyValue) !== String(last)) continue;
    const target = which === 'key' || !isNode(item.value) ? key : (item.value as Node);
    return isNode(target) ? (target.range?.[0] ?? null) : null;
  }
  return null;
}

function isPair(item: unknown): item is { key: unknown; value: unknown } {
  return typeof item === 'object' && item !== null && 'key' in item && 'value' in item;
}

function cleanYamlMessage(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
