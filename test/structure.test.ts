/**
 * The shape of src/, read from the source itself: which folder may import which, no import cycles,
 * no oversized files, and no long function without a reason. Imports are read with a small scanner
 * (static `import`/`export … from`, side-effect imports and `import()`); an import whose specifiers
 * are all types (`import type`, or `{ type A, type B }`) is erased by the compiler and so is a type
 * import, which no rule about loading (cycles, layering) counts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');

/** The longest a file in src/ may be, and a function, before either needs a stated reason. */
const MAX_FILE_LINES = 600;
const MAX_FUNCTION_LINES = 80;

/**
 * Files allowed past MAX_FILE_LINES: data tables, whose length is their entries, not their logic.
 */
const LONG_FILES: Readonly<Record<string, string>> = {
  'guardrails/injection/heuristics.ts': 'the prompt-injection rule and pattern list',
};

/**
 * What store/ may load from governance/ (beyond types): the pure rules its parts apply inside their
 * transactions. Each takes values and returns values (or throws the user's error), so the store
 * stays the one place that knows SQL and governance stays free of it.
 */
const STORE_MAY_RUN: Readonly<Record<string, string>> = {
  'governance/change-request.ts': 'the change-request state machine (plans, authors, risk rescoring)',
  'governance/release-plan.ts': 'the release, promotion and rollback planners',
  'governance/environment-snapshot.ts': 'what an environment serves, from its releases and labels',
  'governance/policy.ts': 'the approval gate and the default approval policy',
  'governance/rbac.ts': 'the roles, in the order rolesOf answers them',
  'governance/tokens.ts': 'minting and verifying API tokens (the secret never reaches the store unhashed)',
};

/** What catalog/ (prompt specs: parsing, linting, hashing) may import: nothing of the platform around it. */
const CATALOG_MAY_IMPORT = ['catalog', 'contracts', 'errors.ts', 'suggest.ts', 'generated'];

/**
 * Folder dependencies left out of the cycle check, each made of `import()` only (loaded on first
 * use, so no module's loading waits on the other's).
 */
const LAZY_EDGES: Readonly<Record<string, string>> = {
  'compose.ts -> runtime':
    'the composition root loads the pipeline from runtime/ on first use, and runtime/client.ts (the SDK) starts from it',
};

interface Import {
  from: string;
  /** The imported file, relative to src/. */
  to: string;
  /** False when the compiler erases it (only types are imported). */
  isValue: boolean;
  /** An `import()`: loaded when the code runs, not with the module. */
  isLazy: boolean;
}

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

const rel = (file: string) => path.relative(SRC, file).split(path.sep).join('/');

/** The top-level folder of a src/ path (a file at the top is its own). */
const folderOf = (file: string) => file.split('/')[0]!;

/** The src/ file a relative specifier names (`./x.js` is `x.ts` or a declaration `x.d.ts`; data as named). */
function resolveSpecifier(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const named = path.join(SRC, path.dirname(from), specifier);
  const base = named.replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}.d.ts`, named]) {
    try {
      if (statSync(candidate).isFile()) return rel(candidate);
    } catch {}
  }
  throw new Error(`${from}: cannot resolve "${specifier}"`);
}

const STATIC =
  /^[ \t]*(import|export)[ \t]+(type[ \t]+)?((?:[\w$]+[ \t]*,[ \t]*)?(?:\{[^}]*\}|\*(?:[ \t]+as[ \t]+[\w$]+)?)|[\w$]+)\s+from\s+['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^[ \t]*import[ \t]+['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every import of one file. */
function importsOf(file: string, text: string): Import[] {
  const found: Import[] = [];
  const add = (specifier: string, isValue: boolean, isLazy = false) => {
    const to = resolveSpecifier(file, specifier);
    if (to) found.push({ from: file, to, isValue, isLazy });
  };
  for (const [, , typeKeyword, clause, specifier] of text.matchAll(STATIC)) {
    const names = clause!.startsWith('{')
      ? clause!
          .slice(1, -1)
          .split(',')
          .map((n) => n.trim())
      : null;
    const onlyTypes = names?.filter(Boolean).every((n) => n.startsWith('type ')) ?? false;
    add(specifier!, !typeKeyword && !onlyTypes);
  }
  for (const [, specifier] of text.matchAll(SIDE_EFFECT)) add(specifier!, true);
  for (const [, specifier] of text.matchAll(DYNAMIC)) add(specifier!, true, true);
  return found;
}

/** The cycles of a directed graph: each strongly connected component with more than one node. */
function cyclesOf(edges: readonly (readonly [string, string])[]): string[][] {
  const next = new Map<string, string[]>();
  for (const [a, b] of edges) next.set(a, [...(next.get(a) ?? []), b]);
  // Tarjan's algorithm.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return components;
}

/**
 * The text with comments, strings and regular expressions blanked (newlines kept), so that braces
 * and parentheses in it are code.
 */
function codeOnly(text: string): string {
  const out = [...text];
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== '\n') out[i] = ' ';
  };
  // Template literals nest through `${`: the stack holds the brace depth each one resumes at.
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const templateBody = (start: number) => {
    let j = start;
    while (j < text.length && text[j] !== '`' && !(text[j] === '$' && text[j + 1] === '{')) {
      j += text[j] === '\\' ? 2 : 1;
    }
    blank(start, j);
    if (text[j] === '$') {
      templates.push(depth);
      depth++;
      return j + 2;
    }
    return j + 1;
  };
  while (i < text.length) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    if (two === '//') {
      const end = text.indexOf('\n', i);
      blank(i, end === -1 ? text.length : end);
      i = end === -1 ? text.length : end;
    } else if (two === '/*') {
      const end = text.indexOf('*/', i + 2) + 2;
      blank(i, end);
      i = end;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
    } else if (c === '`') {
      i = templateBody(i + 1);
    } else if (
      c === '/' &&
      /[(,=:[!&|?{};+\-*%<>~^]\s*$|^\s*$|\breturn\s*$/.test(text.slice(Math.max(0, i - 20), i))
    ) {
      // A regular expression literal (a division follows a value, never an operator).
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== '\n' && (inClass || text[j] !== '/')) {
        if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        j += text[j] === '\\' ? 2 : 1;
      }
      blank(i + 1, j);
      i = j + 1;
    } else if (c === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      depth--;
      if (templates.at(-1) === depth) {
        templates.pop();
        i = templateBody(i + 1);
      } else i++;
    } else i++;
  }
  return out.join('');
}

const CONTROL = new Set(['if', 'for', 'while', 'switch', 'catch', 'with', 'return', 'typeof', 'await']);

/** The index just past the bracket that closes the one at `open`. */
function closing(code: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const stack: string[] = [];
  for (let i = open; i < code.length; i++) {
    const c = code[i]!;
    if (c in pairs) stack.push(pairs[c]!);
    else if (c === stack.at(-1)) {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
  }
  return code.length;
}

/**
 * Where the body of a function whose parameters end at `from` opens: right after them, or after a
 * return type (`{` there opens a body when a type cannot: after a name, `>`, `)`, `]` or `}`).
 */
function bodyAfter(code: string, from: number): number | null {
  let i = from;
  while (/\s/.test(code[i] ?? '')) i++;
  if (code[i] === '{') return i;
  if (code[i] !== ':') return null;
  let depth = 0;
  let previous = ':';
  for (i++; i < code.length; i++) {
    const c = code[i]!;
    if (/\s/.test(c)) continue;
    if (c === '{' && depth === 0 && /[\w$>)\]}]/.test(previous)) return i;
    if ('({[<'.includes(c)) depth++;
    else if (')}]'.includes(c) || (c === '>' && code[i - 1] !== '=')) depth--;
    else if (depth === 0 && ';,='.includes(c)) return null;
    if (depth < 0) return null;
    previous = c;
  }
  return null;
}

interface FunctionSpan {
  file: string;
  /** Its name; an arrow function is named after its variable, else `outer/(arrow)` inside `outer`. */
  name: string;
  /** Where it starts and where its body ends, in the file's text. */
  start: number;
  end: number;
  line: number;
  lines: number;
  /** The comment lines just above the function (its JSDoc), where a reason for its length goes. */
  comment: string;
}

/** The functions, methods and arrow-function bodies of a file, with their length in lines. */
function functionsOf(file: string, text: string): FunctionSpan[] {
  const code = codeOnly(text);
  const lineAt = (index: number) => code.slice(0, index).split('\n').length;
  const lines = text.split('\n');
  const commentAbove = (line: number) => {
    const found: string[] = [];
    for (let n = line - 2; n >= 0 && /^\s*(\/\*\*|\*|\/\/|\/\*)/.test(lines[n]!); n--)
      found.unshift(lines[n]!);
    return found.join('\n');
  };
  const spans: FunctionSpan[] = [];
  const add = (name: string, start: number, body: number) => {
    const line = lineAt(start);
    const end = closing(code, body);
    spans.push({ file, name, start, end, line, lines: lineAt(end) - line + 1, comment: commentAbove(line) });
  };
  for (const match of code.matchAll(/([\w$]+)\s*(?:<[^()\n;]*?>)?\s*\(/g)) {
    const name = match[1]!;
    if (CONTROL.has(name)) continue;
    const open = match.index + match[0].length - 1;
    const body = bodyAfter(code, closing(code, open));
    if (body !== null) add(name, match.index, body);
  }
  const named = [...spans];
  for (const match of code.matchAll(/=>\s*\{/g)) {
    const lineStart = code.lastIndexOf('\n', match.index) + 1;
    const variable = /(?:const|let)\s+([\w$]+)\s*(?::[^=]*)?=/.exec(code.slice(lineStart, match.index))?.[1];
    const outer = named
      .filter((f) => f.start < match.index && f.end > match.index)
      .sort((a, b) => b.start - a.start)[0];
    const name = variable ?? (outer ? `${outer.name}/(arrow)` : '(arrow)');
    add(name, variable || !outer ? lineStart : match.index, match.index + match[0].length - 1);
  }
  return spans;
}

const files = sourceFiles().map((full) => ({ file: rel(full), text: readFileSync(full, 'utf8') }));
const imports = files.flatMap(({ file, text }) => importsOf(file, text));
const valueImports = imports.filter((i) => i.isValue);

describe('the structure of src/', () => {
  it('reads the imports it judges (a scanner that finds none would pass everything)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(valueImports.length).toBeGreaterThan(300);
    expect(imports.some((i) => !i.isValue)).toBe(true);
    expect(importsOf('store/x.ts', "import { type A, type B } from '../errors.js';")[0]?.isValue).toBe(false);
    expect(importsOf('store/x.ts', "import { type A, B } from '../errors.js';")[0]?.isValue).toBe(true);
    expect(importsOf('x.ts', "export * from './errors.js';")[0]?.isValue).toBe(true);
    const edges = [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'a'],
      ['c', 'd'],
    ] as const;
    expect(cyclesOf(edges)).toEqual([['a', 'b', 'c']]);
  });

  it('has no cycle of value imports between files', () => {
    expect(cyclesOf(valueImports.map((i) => [i.from, i.to]))).toEqual([]);
  });

  it('has no cycle of value imports between top-level folders', () => {
    const edgeOf = (i: Import) => `${folderOf(i.from)} -> ${folderOf(i.to)}`;
    const edges = valueImports
      .filter((i) => folderOf(i.from) !== folderOf(i.to) && !(edgeOf(i) in LAZY_EDGES))
      .map((i) => [folderOf(i.from), folderOf(i.to)] as const);
    expect(cyclesOf(edges)).toEqual([]);
    const eager = valueImports
      .filter((i) => edgeOf(i) in LAZY_EDGES && !i.isLazy)
      .map((i) => `${i.from} -> ${i.to}`);
    expect(eager).toEqual([]);
  });

  it('keeps catalog/ free of the platform around it: it imports only catalog/, contracts/, errors.ts and generated/', () => {
    const outside = imports
      .filter((i) => folderOf(i.from) === 'catalog' && !CATALOG_MAY_IMPORT.includes(folderOf(i.to)))
      .map((i) => `${i.from} -> ${i.to}`);
    expect(outside).toEqual([]);
  });

  it('lets store/ load from governance/ only its pure rules (types from anywhere there)', () => {
    const loaded = valueImports
      .filter((i) => folderOf(i.from) === 'store' && folderOf(i.to) === 'governance')
      .filter((i) => !(i.to in STORE_MAY_RUN))
      .map((i) => `${i.from} -> ${i.to}`);
    expect(loaded).toEqual([]);
    // An allowance nothing uses is a stale one.
    const used = new Set(valueImports.filter((i) => folderOf(i.from) === 'store').map((i) => i.to));
    expect(Object.keys(STORE_MAY_RUN).filter((module) => !used.has(module))).toEqual([]);
  });

  it(`has no file over ${MAX_FILE_LINES} lines but the data tables it names`, () => {
    const long = files
      .filter(({ file, text }) => text.split('\n').length > MAX_FILE_LINES && !(file in LONG_FILES))
      .map(({ file, text }) => `${file}: ${text.split('\n').length} lines`);
    expect(long).toEqual([]);
    for (const file of Object.keys(LONG_FILES))
      expect(
        files.some((f) => f.file === file),
        file,
      ).toBe(true);
  });

  it(`gives every function over ${MAX_FUNCTION_LINES} lines a reason (in its comment: "Long because …")`, () => {
    const long = files
      .flatMap(({ file, text }) => functionsOf(file, text))
      .filter((f) => f.lines > MAX_FUNCTION_LINES);
    // The scanner must find the long functions that are there (a blind one would pass everything).
    expect(long.length).toBeGreaterThan(0);
    const unexplained = long
      .filter((f) => !/\bLong because\b/.test(f.comment))
      .map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`);
    expect(unexplained).toEqual([]);
  });

  it('measures functions as the compiler would delimit them', () => {
    const sample = [
      'export function a(x: { y: string }): { z: number } {',
      `  const s = "}" + \`\${"{"}\` + /[}]/.source;`,
      '  return { z: 1 };',
      '}',
      'class C {',
      '  async m(): Promise<{ n: number } | null> {',
      '    return [1].map((v) => {',
      '      return v;',
      '    }) as never;',
      '  }',
      '}',
    ].join('\n');
    expect(functionsOf('x.ts', sample).map((f) => [f.name, f.line, f.lines])).toEqual([
      ['a', 1, 4],
      ['m', 6, 5],
      ['m/(arrow)', 7, 3],
    ]);
    // A generic type in an interface is not a call: it once read as an 86-line "Record".
    const shape = [
      'interface P {',
      '  a: Record<K, V>;',
      '}',
      'function g<T>(x: T) {',
      '  return x;',
      '}',
    ].join('\n');
    expect(functionsOf('x.ts', shape).map((f) => f.name)).toEqual(['g']);
  });
});
