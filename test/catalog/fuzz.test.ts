import { describe, expect, it } from 'vitest';
import { hostilePrompts } from '../../bench/lib/adversarial.js';
import { hashSpec } from '../../src/catalog/canonical.js';
import type { Diagnostic } from '../../src/catalog/diagnostics.js';
import { KNOWN_FRONTMATTER_KEYS } from '../../src/catalog/frontmatter-schema.js';
import { type CatalogResult, lintSources, type SourceFile } from '../../src/catalog/lint.js';
import { decodePromptBytes } from '../../src/catalog/parse.js';
import { defaultProjectConfig } from '../../src/project/config.js';
import { parseContext } from '../../src/project/parse-context.js';
import { loadExamples, promptSource } from './support.js';

/** mulberry32: a tiny deterministic PRNG, so every failure can be replayed from its seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, list: readonly T[]): T => list[int(rng, list.length)]!;

const SIGNIFICANT = [...'{}[]:-#|>&*!%@"\'`\n\t ?,.()/\\=~^$<_'];
const JUNK = [
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\ufffd',
  '\ufeff',
  '\u2028',
  '\ud800',
  '\udfff',
  '😀',
  'é',
  '\r',
];
const YAML_VALUES = [
  '[1, 2]',
  '{a: b}',
  'null',
  '~',
  'true',
  '3.5',
  '-1',
  '0x1F',
  '1e400',
  '.nan',
  '.inf',
  '"str"',
  "''",
  '!!binary aGk=',
  '!!set {a, b}',
  '!!timestamp 2024-01-01',
  '!!omap [a: 1]',
  '&anchor value',
  '*anchor',
  '*missing',
  '|\n  block text',
  '>-',
  '[',
  '{',
  '[[[]]]',
  '@',
  '`',
  '%',
  '? complex',
  '- item',
  '!custom tag',
  '<<: {a: 1}',
];
const TEMPLATE_JUNK = [
  '{{',
  '}}',
  '{{#each items}}',
  '{{/each}}',
  '{{#if x}}',
  '{{/if}}',
  '{{else}}',
  '{{> tone}}',
  '{{> missing}}',
  '{{!-- ',
  ' --}}',
  '{{{raw}}}',
  '{{../up}}',
  '{{@root.x}}',
  '{{#with a as |b|}}',
  '{{lookup a b}}',
  '{{json this}}',
  '{{role "system"}}',
  '{{unknownHelper x}}',
  '(sub expr)',
  '{{#each (json x)}}',
  '{{*decorator}}',
  '{{#> partialBlock}}x{{/partialBlock}}',
  '{{{{raw}}}}x{{{{/raw}}}}',
];

/** One random edit of `text`. */
function mutate(rng: Rng, text: string): string {
  const at = int(rng, text.length + 1);
  const lines = text.split('\n');
  const line = int(rng, lines.length);
  switch (int(rng, 12)) {
    case 0: // delete a few characters
      return text.slice(0, at) + text.slice(at + 1 + int(rng, 5));
    case 1: // insert syntax-significant characters
      return (
        text.slice(0, at) +
        Array.from({ length: 1 + int(rng, 4) }, () => pick(rng, SIGNIFICANT)).join('') +
        text.slice(at)
      );
    case 2: {
      // duplicate a span
      const span = text.slice(at, at + 1 + int(rng, 40));
      return text.slice(0, at) + span + span + text.slice(at + span.length);
    }
    case 3: // delete a line
      lines.splice(line, 1);
      return lines.join('\n');
    case 4: // duplicate a line
      lines.splice(line, 0, lines[line] ?? '');
      return lines.join('\n');
    case 5: {
      // swap two characters
      if (text.length < 2) return text;
      const other = int(rng, text.length);
      const chars = [...text];
      const a = Math.min(at, chars.length - 1);
      [chars[a], chars[other]] = [chars[other]!, chars[a]!];
      return chars.join('');
    }
    case 6: // truncate
      return text.slice(0, at);
    case 7: // inject binary junk
      return (
        text.slice(0, at) +
        Array.from({ length: 1 + int(rng, 3) }, () => pick(rng, JUNK)).join('') +
        text.slice(at)
      );
    case 8: {
      // a random YAML value in place of a key's value
      const candidates = lines.map((l, i) => ({ l, i })).filter(({ l }) => /^\s*[^\s:]+:/.test(l));
      if (candidates.length === 0) return text;
      const target = pick(rng, candidates);
      lines[target.i] = target.l.replace(/^(\s*[^\s:]+:).*$/, `$1 ${pick(rng, YAML_VALUES)}`);
      return lines.join('\n');
    }
    case 9: // Handlebars fragments
      return text.slice(0, at) + pick(rng, TEMPLATE_JUNK) + text.slice(at);
    case 10: {
      // swap two lines
      const other = int(rng, lines.length);
      [lines[line], lines[other]] = [lines[other]!, lines[line]!];
      return lines.join('\n');
    }
    default: {
      // re-indent a line
      lines[line] = ' '.repeat(int(rng, 6)) + (lines[line] ?? '').trimStart();
      return lines.join('\n');
    }
  }
}

/** Everything that must hold for any lint result, whatever the input. Returns what does not. */
function invariantViolations(sources: readonly SourceFile[], result: CatalogResult): string[] {
  const problems: string[] = [];
  const files = new Set(sources.map((s) => s.file));
  const textOf = new Map(
    sources.map((s) => ['text' in s ? s.text : '', s.file] as const).map(([t, f]) => [f, t]),
  );
  const check = (d: Diagnostic) => {
    const where = `${d.file}:${d.line}:${d.col} ${d.rule}`;
    if (!files.has(d.file)) problems.push(`${where}: diagnostic for an unknown file`);
    if (typeof d.rule !== 'string' || !/^[a-z]+(-[a-z]+)*$/.test(d.rule))
      problems.push(`${where}: bad rule id`);
    if (!Number.isInteger(d.line) || d.line < 1) problems.push(`${where}: line is not a positive integer`);
    if (!Number.isInteger(d.col) || d.col < 1) problems.push(`${where}: col is not a positive integer`);
    const lineCount = (textOf.get(d.file) ?? '').split('\n').length;
    if (d.line > lineCount) problems.push(`${where}: line past the end of the file (${lineCount} lines)`);
    if (typeof d.message !== 'string' || d.message.trim() === '') problems.push(`${where}: empty message`);
    if (d.severity !== 'error' && d.severity !== 'warning')
      problems.push(`${where}: bad severity ${d.severity}`);
  };
  for (const d of result.diagnostics) check(d);
  for (const entry of result.entries) {
    if (result.diagnostics.some((d) => d.file === entry.file && d.severity === 'error')) {
      problems.push(`${entry.file}: has an entry despite errors`);
    }
    if (!/^[0-9a-f]{64}$/.test(entry.hash) || hashSpec(entry.spec) !== entry.hash) {
      problems.push(`${entry.file}: hash is not the spec's hash`);
    }
  }
  return problems;
}

async function lintOrReport(sources: SourceFile[], context: string): Promise<string[]> {
  let result: CatalogResult;
  try {
    result = await lintSources(sources, parseContext(defaultProjectConfig(), PARTIALS));
  } catch (err) {
    return [`${context}: lintSources threw ${(err as Error).stack?.split('\n').slice(0, 3).join(' | ')}`];
  }
  return invariantViolations(sources, result).map((p) => `${context}: ${p}`);
}

const { prompts: EXAMPLES, partials: PARTIALS } = await loadExamples();
const HOSTILE = hostilePrompts();
const lint = (text: string, file = 'prompts/fuzz.prompt') =>
  lintSources([{ file, text }], parseContext(defaultProjectConfig(), PARTIALS));

describe('seeded fuzzing of the example prompts', () => {
  it('never throws and always gives well-formed diagnostics for thousands of mutated prompts', async () => {
    const failures: string[] = [];
    const iterations = 2000;
    for (let i = 0; i < iterations; i++) {
      const seed = 0x5eed + i;
      const rng = mulberry32(seed);
      const base = pick(rng, EXAMPLES);
      let text = base.text;
      const edits = 1 + int(rng, 4);
      for (let e = 0; e < edits; e++) text = mutate(rng, text);
      const problems = await lintOrReport([{ file: base.file, text }], `seed ${seed} (${base.file})`);
      if (problems.length > 0)
        failures.push(`${problems.join('\n')}\n--- source ---\n${JSON.stringify(text)}`);
      if (failures.length >= 5) break;
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
    // The limit is far above a normal run: only a hang trips it (lint's speed is for bench/).
  }, 300_000);

  it('never throws on random byte-level damage read through decodePromptBytes', async () => {
    const failures: string[] = [];
    const encoder = new TextEncoder();
    for (let i = 0; i < 500; i++) {
      const seed = 0xb17e + i;
      const rng = mulberry32(seed);
      const bytes = encoder.encode(pick(rng, EXAMPLES).text);
      for (let e = 0; e < 1 + int(rng, 6); e++) bytes[int(rng, bytes.length)] = int(rng, 256);
      const decoded = decodePromptBytes(bytes, 'prompts/bytes.prompt');
      const source: SourceFile =
        'text' in decoded
          ? { file: 'prompts/bytes.prompt', text: decoded.text }
          : { file: 'prompts/bytes.prompt', diagnostic: decoded.diagnostic };
      const problems = await lintOrReport([source], `seed ${seed}`);
      if (problems.length > 0) failures.push(problems.join('\n'));
      if (failures.length >= 5) break;
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  });

  it('is deterministic: the same mutated source always gives the same diagnostics', async () => {
    const rng = mulberry32(42);
    let text = EXAMPLES[0]!.text;
    for (let e = 0; e < 6; e++) text = mutate(rng, text);
    const first = await lint(text);
    const second = await lint(text);
    expect(second).toEqual(first);
  });
});

describe('hostile and degenerate inputs', () => {
  it('accepts an empty file as a prompt with an empty template named after the file', async () => {
    const result = await lint('', 'prompts/empty.prompt');
    expect(result.diagnostics).toEqual([]);
    expect(result.entries.map((e) => [e.spec.name, e.spec.template])).toEqual([['empty', '']]);
  });

  it('treats a file that is only "---" as template text, as Dotprompt does', async () => {
    const result = await lint('---', 'prompts/dashes.prompt');
    expect(result.diagnostics).toEqual([]);
    expect(result.entries[0]?.spec.template).toBe('---');
  });

  it('reports "---" followed by a newline and nothing else as an unclosed frontmatter', async () => {
    const result = await lint('---\n');
    expect(result.diagnostics.map((d) => [d.rule, d.line, d.col])).toEqual([['frontmatter-unclosed', 1, 1]]);
  });

  it('accepts an empty frontmatter', async () => {
    const result = await lint('---\n---\nHello', 'prompts/bare.prompt');
    expect(result.diagnostics).toEqual([]);
    expect(result.entries[0]?.spec.template).toBe('Hello');
  });

  it('refuses a 10 MB file by its size, before reading it as text', () => {
    const bytes = new Uint8Array(10 * 1024 * 1024).fill(0x7b); // "{{{{…"
    // A NUL byte and invalid UTF-8 at the end: had the bytes been scanned or decoded first, the
    // diagnostic would be an encoding one.
    bytes.set([0x00, 0xff], bytes.length - 2);
    const result = decodePromptBytes(bytes, 'prompts/huge.prompt');
    expect(result).toEqual({
      diagnostic: expect.objectContaining({ rule: 'file-too-large', line: 1, col: 1, severity: 'error' }),
    });
    if (!('diagnostic' in result)) throw new Error('expected a diagnostic');
    expect(result.diagnostic.message).toMatch(/10\.0 MB/);
  });

  it('refuses a YAML billion-laughs alias bomb with a yaml-syntax error instead of expanding it', async () => {
    // Expanded, the metadata would hold 9^10 strings: only a hang or an out-of-memory trips the limit.
    const result = await lint(HOSTILE.aliasBomb);
    expect(result.entries).toEqual([]);
    const diagnostic = result.diagnostics.find((d) => d.rule === 'yaml-syntax');
    expect(diagnostic?.message).toMatch(/alias/i);
    expect(diagnostic?.line).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('refuses YAML nested 20 000 levels deep with a diagnostic instead of a crash', async () => {
    const result = await lint(HOSTILE.deepYaml);
    expect(result.entries).toEqual([]);
    expect(result.diagnostics.some((d) => d.severity === 'error' && d.line === 2)).toBe(true);
  });

  it('accepts a config mapping nested 200 levels deep', async () => {
    const nested = Array.from({ length: 200 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n');
    const result = await lint(`---\nconfig:\n${nested} 1\n---\nHi`, 'prompts/deep.prompt');
    expect(result.diagnostics).toEqual([]);
    expect(result.entries).toHaveLength(1);
  });

  it('does not crash on a template with 2 500 nested sub-expressions', async () => {
    const text = HOSTILE.nestedSubExpressions;
    const result = await lintSources([{ file: 'deep.prompt', text }], parseContext(defaultProjectConfig()));
    // Either the template is accepted, or it is refused as a template problem on its line.
    if (result.entries.length === 0) {
      expect(result.diagnostics.map((d) => [d.rule, d.line])).toContainEqual(['template-syntax', 6]);
    } else {
      expect(result.diagnostics).toEqual([]);
    }
  }, 120_000);

  it('lints 3 000 nested {{#if}} blocks (48 KB) without super-linear blow-up', async () => {
    const text = HOSTILE.nestedIfs;
    // bench/adversarial.js times this; the limit, far above normal, only catches an exponential walk.
    const result = await lint(text);
    expect(invariantViolations([{ file: 'prompts/fuzz.prompt', text }], result)).toEqual([]);
  }, 120_000);

  it('does not crash on .nan or .inf values in free-form frontmatter such as config', async () => {
    for (const value of ['.nan', '.inf', '-.inf', '1e400']) {
      const text = promptSource(`config:\n  temperature: ${value}`, 'Hi');
      const sources = [{ file: 'nan.prompt', text }];
      const result = await lintSources(sources, parseContext(defaultProjectConfig()));
      expect(invariantViolations(sources, result), value).toEqual([]);
      expect(
        result.diagnostics.map((d) => [d.severity, d.line]),
        value,
      ).toContainEqual(['error', 3]);
    }
  });
});

describe('wrong types for every known frontmatter key', () => {
  const WRONG: Record<string, string[]> = {
    name: ['5', '[a]', '{a: 1}', 'true', '"has space"'],
    variant: ['5', '[x]', '"a.b"'],
    version: ['[1]', '{a: 1}', 'true'],
    description: ['[a]', '{a: 1}', '5'],
    model: ['[1]', '{a: b}', '5'],
    config: ['"x"', '[1]', '5'],
    tools: ['"x"', '{a: 1}', '[1]'],
    toolDefs: ['"x"', '[1]'],
    metadata: ['"x"', '[1]'],
    input: ['"x"', '[1]', '5'],
    output: ['"x"', '[1]', '5'],
    'promptops.owner': ['5', '[a]', '""'],
    'promptops.risk': ['5', '[high]', 'extreme'],
    'promptops.tags': ['"x"', '[1]', '{a: 1}', '[""]'],
    'promptops.contract': ['[]', '"x"', '3'],
    'promptops.fallbackModels': ['"x"', '[1]', '[""]'],
    'promptops.trace': ['"x"', '[1]', '{redact: sometimes}'],
    'promptops.overrides': ['"x"', '[1]', '{model: maybe}', '{config: temperature}'],
    'promptops.guardrails': ['3', '"x"', '[pii]', '{input: pii}', '{input: [3]}'],
    'promptops.knowledge': ['{a: 1}', '"x"', '3', '[nocolon]'],
  };

  it('has wrong values for every key the frontmatter schema knows', () => {
    expect(Object.keys(WRONG).sort()).toEqual([...KNOWN_FRONTMATTER_KEYS].sort());
  });

  const cases = Object.entries(WRONG).flatMap(([key, values]) =>
    values.map((value) => [key, value] as const),
  );
  it.each(cases)('reports %s: %s as frontmatter-invalid on its line, naming the key', async (key, value) => {
    const result = await lint(promptSource(`${key}: ${value}`, 'Hi'));
    expect(result.entries).toEqual([]);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    for (const d of errors) {
      expect(d.rule).toBe('frontmatter-invalid');
      expect(d.line).toBe(2);
      expect(d.col).toBeGreaterThanOrEqual(key.length + 3);
      expect(d.message).toContain(`"${key}`);
    }
  });
});

describe('frontmatter nested deeper than the parser can read', () => {
  // Found by `promptops lint` in a temporary folder: one such file printed "Maximum call stack size
  // exceeded" once per level the parser unwound.
  const flowSchema = (depth: number) => {
    let schema = '{type: string}';
    for (let i = 0; i < depth; i++) schema = `{type: object, properties: {x: ${schema}}}`;
    return `input:\n  schema: ${schema}`;
  };
  const blockConfig = (depth: number) =>
    `config:\n${Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 2)}k${i}:`).join('\n')} 1`;
  const CORPUS: Record<string, string> = {
    'an input schema of 3 000 nested flow mappings': flowSchema(3000),
    'a config of 20 000 nested flow sequences': `config: ${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    'a config of 20 000 nested flow mappings': `config: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}`,
    'a config indented 5 000 levels deep': blockConfig(5000),
  };

  it.each(Object.entries(CORPUS))(
    'reports %s once, in words, never as a stack overflow',
    async (_, frontmatter) => {
      const result = await lint(promptSource(frontmatter, 'Hi'));
      const messages = result.diagnostics.map((d) => d.message);
      expect(messages.join('\n')).not.toMatch(/call stack|recursion/i);
      expect(result.entries).toEqual([]);
      expect(result.diagnostics).toEqual([
        expect.objectContaining({
          rule: 'yaml-syntax',
          severity: 'error',
          message: expect.stringMatching(/nested too deeply/),
        }),
      ]);
    },
  );
});
