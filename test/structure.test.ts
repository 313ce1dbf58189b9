/**
 * The shape of src/, read from the source itself: which folder may import which, no import cycles,
 * no oversized files, and no long function without a reason. Imports are read with a small scanner
 * (static `import`/`export … from`, side-effect imports and `import()`); an import whose specifiers
 * are all types (`import type`, or `{ type A, type B }`) is erased by the compiler and so is a type
 * import, which no rule about loading (cycles, layering) counts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAst } from 'rolldown/parseAst';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');
/** The web console's source: held to the same rule for long functions. */
const WEB_SRC = path.resolve(import.meta.dirname, '../web/src');

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

function sourceFiles(dir = SRC, pattern = /\.ts$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full, pattern);
    return pattern.test(name) ? [full] : [];
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

interface FunctionSpan {
  file: string;
  /** Its name: a function's, a method's or property's, a variable's; else `outer/(arrow)` inside `outer`. */
  name: string;
  line: number;
  lines: number;
  /** The comment lines just above the function (its JSDoc), where a reason for its length goes. */
  comment: string;
}

/** An ESTree node as the parser gives it: a type, offsets, and children under any key. */
interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is AstNode =>
  typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
/** What holds a function and its name: where the function starts for a reader. */
const HOLDERS = new Set(['VariableDeclarator', 'MethodDefinition', 'Property', 'PropertyDefinition']);

/** The name a function takes from where it stands: `function f`, `const f = …`, `f() {…}`, `f: …`. */
function nameOf(fn: AstNode, parent: AstNode | undefined): string | null {
  const id = (fn.id ?? (parent?.type === 'VariableDeclarator' ? parent.id : parent?.key)) as
    | AstNode
    | undefined;
  return id?.type === 'Identifier' ? (id.name as string) : null;
}

/**
 * The functions, methods and arrow functions of a file (TypeScript, with JSX in .tsx), with their
 * length in lines, as the parser Vite builds with (oxc, through rolldown) delimits them.
 */
function functionsOf(file: string, text: string): FunctionSpan[] {
  const lang = file.endsWith('.d.ts') ? 'dts' : file.endsWith('.tsx') ? 'tsx' : 'ts';
  const program = parseAst(text, { lang }, file) as unknown as AstNode;
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineAt = (offset: number) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
  const lines = text.split('\n');
  const commentAbove = (line: number) => {
    const found: string[] = [];
    for (let n = line - 2; n >= 0 && /^\s*(\/\*\*|\*|\/\/|\/\*)/.test(lines[n]!); n--)
      found.unshift(lines[n]!);
    return found.join('\n');
  };
  const spans: FunctionSpan[] = [];
  const visit = (node: AstNode, parent: AstNode | undefined, outer: string | null) => {
    let inside = outer;
    if (FUNCTIONS.has(node.type) && node.body) {
      const own = nameOf(node, parent);
      const name = own ?? `${outer ?? ''}/(arrow)`.replace(/^\//, '');
      // A method or a variable's function starts at its name (or a method's decorators).
      const line = lineAt(parent && HOLDERS.has(parent.type) ? parent.start : node.start);
      spans.push({ file, name, line, lines: lineAt(node.end - 1) - line + 1, comment: commentAbove(line) });
      inside = own ?? outer;
    }
    for (const value of Object.values(node)) {
      for (const child of Array.isArray(value) ? value : [value])
        if (isNode(child)) visit(child, node, inside);
    }
  };
  visit(program, undefined, null);
  return spans;
}

const files = sourceFiles().map((full) => ({ file: rel(full), text: readFileSync(full, 'utf8') }));
const webFiles = sourceFiles(WEB_SRC, /\.tsx?$/).map((full) => ({
  file: path.relative(path.resolve(WEB_SRC, '../..'), full).split(path.sep).join('/'),
  text: readFileSync(full, 'utf8'),
}));
const imports = files.flatMap(({ file, text }) => importsOf(file, text));
const valueImports = imports.filter((i) => i.isValue);

describe('the structure of src/ (and web/src/ for long functions)', () => {
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

  it(`gives every function over ${MAX_FUNCTION_LINES} lines, in src/ and web/src/, a reason (in its comment: "Long because …")`, () => {
    expect(webFiles.length).toBeGreaterThan(20);
    const long = [...files, ...webFiles]
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
    // JSX: an apostrophe in its text is no string, a closing tag no regular expression.
    const jsx = [
      'export function Card() {',
      "  return <Text>It's {a && <b>x</b>}</Text>;",
      '}',
      'const Row = () => (',
      '  <tr />',
      ');',
    ].join('\n');
    expect(functionsOf('x.tsx', jsx).map((f) => [f.name, f.line, f.lines])).toEqual([
      ['Card', 1, 3],
      ['Row', 4, 3],
    ]);
  });
});
