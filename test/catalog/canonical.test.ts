import { describe, expect, it } from 'vitest';
import { canonicalJson, hashSpec, shortHash } from '../../src/catalog/canonical.js';
import { lintSources } from '../../src/catalog/lint.js';
import { defaultProjectConfig } from '../../src/project/config.js';
import { parseContext } from '../../src/project/parse-context.js';
import { parse, promptSource, specOf } from './support.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth, including inside arrays', () => {
    const value = { b: 1, a: { z: [{ y: 1, x: 2 }], c: { e: true, d: null } } };
    expect(canonicalJson(value)).toBe('{"a":{"c":{"d":null,"e":true},"z":[{"x":2,"y":1}]},"b":1}');
  });

  it('gives the same bytes for equal values whatever order their keys were written in', () => {
    const one = { model: 'offline/echo', config: { temperature: 0, topK: 3 }, tags: ['a', 'b'] };
    const two = { tags: ['a', 'b'], config: { topK: 3, temperature: 0 }, model: 'offline/echo' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
  });

  it('keeps array order, because order in a list is meaningful', () => {
    expect(canonicalJson(['b', 'a'])).toBe('["b","a"]');
    expect(canonicalJson(['b', 'a'])).not.toBe(canonicalJson(['a', 'b']));
  });

  it('writes no whitespace and escapes strings as JSON does', () => {
    expect(canonicalJson({ 'k"ey': 'line\nbreak', n: 1.5 })).toBe('{"k\\"ey":"line\\nbreak","n":1.5}');
  });

  it('drops undefined members like JSON.stringify and writes undefined array items as null', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('refuses %s, which has no JSON form, even deep inside a value', (_name, bad) => {
    expect(() => canonicalJson(bad)).toThrow(/non-finite/);
    expect(() => canonicalJson({ config: { temperature: bad } })).toThrow(TypeError);
    expect(() => canonicalJson([1, [bad]])).toThrow(TypeError);
  });
});

describe('hashSpec', () => {
  const frontmatterA = [
    'name: ordered',
    'model: offline/echo',
    'config:',
    '  temperature: 0.2',
    '  maxOutputTokens: 100',
    'input:',
    '  schema:',
    '    topic: string',
    '    audience?: string',
    'promptops.tags: [b, a]',
    'promptops.risk: medium',
  ].join('\n');
  const frontmatterB = [
    'promptops.risk: medium',
    'promptops.tags: [a, b, a]',
    'input:',
    '  schema:',
    '    topic: string',
    '    audience?: string',
    'config:',
    '  maxOutputTokens: 100',
    '  temperature: 0.2',
    'model: offline/echo',
    'name: ordered',
  ].join('\n');
  const template = 'Write about {{topic}} for {{audience}}.';

  it('gives the same hash to the same prompt written with its frontmatter keys in another order', async () => {
    const a = await specOf(promptSource(frontmatterA, template));
    const b = await specOf(promptSource(frontmatterB, template));
    expect(hashSpec(a)).toBe(hashSpec(b));
    expect(hashSpec(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same hash when only the order of the input schema fields changes', async () => {
    const a = await specOf(
      promptSource('input:\n  schema:\n    topic: string\n    audience: string', template),
    );
    const b = await specOf(
      promptSource('input:\n  schema:\n    audience: string\n    topic: string', template),
    );
    expect(hashSpec(a)).toBe(hashSpec(b));
  });

  it('gives a new hash for a one-character template edit', async () => {
    const a = await specOf(promptSource(frontmatterA, template));
    const b = await specOf(promptSource(frontmatterA, template.replace('Write', 'write')));
    expect(hashSpec(a)).not.toBe(hashSpec(b));
  });

  it('gives a new hash for a whitespace-only change inside the template', async () => {
    const a = await specOf(promptSource(frontmatterA, template));
    const spaced = await specOf(promptSource(frontmatterA, template.replace('about ', 'about  ')));
    const newline = await specOf(promptSource(frontmatterA, template.replace('for ', 'for\n')));
    const hashes = new Set([hashSpec(a), hashSpec(spaced), hashSpec(newline)]);
    expect(hashes.size).toBe(3);
  });

  it('keeps the hash when only blank lines around the template change (Dotprompt trims them)', async () => {
    const a = await specOf(promptSource(frontmatterA, template));
    const b = await specOf(promptSource(frontmatterA, `\n\n${template}\n\n`));
    expect(hashSpec(a)).toBe(hashSpec(b));
  });

  it('gives a new hash when a partial the template includes changes', async () => {
    const source = promptSource('model: offline/echo', 'Hello. {{> tone}}');
    const a = await specOf(source, 'x.prompt', { partials: new Map([['tone', 'Be warm.']]) });
    const b = await specOf(source, 'x.prompt', { partials: new Map([['tone', 'Be warm!']]) });
    expect(a.template).toBe(b.template);
    expect(hashSpec(a)).not.toBe(hashSpec(b));
  });

  it('keeps the hash when a partial the template does not include changes', async () => {
    const source = promptSource('model: offline/echo', 'Hello. {{> tone}}');
    const a = await specOf(source, 'x.prompt', {
      partials: new Map([
        ['tone', 'Be warm.'],
        ['other', 'one'],
      ]),
    });
    const b = await specOf(source, 'x.prompt', {
      partials: new Map([
        ['tone', 'Be warm.'],
        ['other', 'two'],
      ]),
    });
    expect(hashSpec(a)).toBe(hashSpec(b));
  });

  it('gives a new hash for a model or config change', async () => {
    const base = await specOf(promptSource(frontmatterA, template));
    const model = await specOf(
      promptSource(frontmatterA.replace('offline/echo', 'offline/scripted'), template),
    );
    const config = await specOf(promptSource(frontmatterA.replace('0.2', '0.3'), template));
    expect(new Set([hashSpec(base), hashSpec(model), hashSpec(config)]).size).toBe(3);
  });

  it('is what lintSources reports as the version identity', async () => {
    const source = promptSource(frontmatterA, template);
    const { entries } = await lintSources(
      [{ file: 'ordered.prompt', text: source }],
      parseContext(defaultProjectConfig()),
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]!.hash).toBe(hashSpec(await specOf(source)));
    expect(shortHash(entries[0]!.hash)).toBe(entries[0]!.hash.slice(0, 12));
  });

  it('never gives one hash to two versions of a prompt whose config differ only inside a YAML !!set', async () => {
    const one = await parse(promptSource('config: !!set {alpha, beta}', 'x'), 'same.prompt');
    const two = await parse(promptSource('config: !!set {gamma}', 'x'), 'same.prompt');
    // Either the non-JSON value is refused with a diagnostic on its line, or it is hashed faithfully.
    if (one.spec && two.spec) {
      expect(hashSpec(one.spec)).not.toBe(hashSpec(two.spec));
    } else {
      for (const result of [one, two]) {
        expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line)).toContain(2);
      }
    }
  });
});
