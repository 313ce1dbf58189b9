// Differential test: every template of the corpus goes through promptops (parse, then render) and
// through Google's `dotprompt` package (render, renderMetadata), and the two must agree on the
// verdict, on Picoschema → JSON Schema, and on the rendered messages, parts and metadata included.
// Where promptops deliberately refuses what Dotprompt accepts, the case names the rule
// (docs/catalog.md, "Differences from Dotprompt").
import { compileRenderer } from '@promptops/client/render';
import { Dotprompt } from 'dotprompt';
import { describe, expect, it } from 'vitest';
import { parsePrompt } from '../../src/catalog/parse.js';
import { defaultProjectConfig } from '../../src/project/config.js';
import { parseContext } from '../../src/project/parse-context.js';
import { promptMetadata } from '../../src/runtime/compile.js';
import { type DiffCase, GENERATED_COUNT, generated, HAND_WRITTEN } from './dotprompt-corpus.js';

const CORPUS: DiffCase[] = [...HAND_WRITTEN, ...generated(GENERATED_COUNT)];

/** Dotprompt's verdict and output: what it renders, or the error it throws. */
async function dotprompt(c: DiffCase) {
  const dp = new Dotprompt({ partials: c.partials ?? {}, schemas: c.schemas ?? {} });
  try {
    const rendered = await dp.render(c.source, {
      input: c.input ?? {},
      ...(c.history ? { messages: c.history } : {}),
      ...(c.context ? { context: c.context } : {}),
    });
    const metadata = await dp.renderMetadata(c.source);
    return { accepted: true as const, messages: rendered.messages, metadata };
  } catch (err) {
    return { accepted: false as const, error: (err as Error).message };
  }
}

async function promptops(c: DiffCase) {
  const { spec, diagnostics } = await parsePrompt(
    c.source,
    'prompts/sample.prompt',
    parseContext(
      defaultProjectConfig(),
      new Map(Object.entries(c.partials ?? {})),
      new Map(Object.entries(c.schemas ?? {})),
    ),
  );
  const errors = diagnostics.filter((d) => d.severity === 'error').map((d) => d.rule);
  if (!spec) return { accepted: false as const, errors };
  const render = compileRenderer({ ...spec, metadata: promptMetadata(spec) });
  const messages = render(c.input ?? {}, {
    ...(c.history ? { history: c.history } : {}),
    ...(c.context ? { context: c.context } : {}),
  });
  return { accepted: true as const, spec, messages };
}

/** `required` in sorted order: the canonical spec sorts it (its order means nothing). */
function sortRequired(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(sortRequired);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === 'required' && Array.isArray(v) ? [...v].sort() : sortRequired(v),
    ]),
  );
}

describe('promptops against the dotprompt package', () => {
  it('runs at least 100 templates, hand-written and generated', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(HAND_WRITTEN.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const [theirs, ours] = await Promise.all([dotprompt(c), promptops(c)]);
    if (c.stricter) {
      expect(theirs.accepted).toBe(true);
      expect(ours.accepted ? [] : ours.errors).toContain(c.stricter);
      return;
    }
    if (c.refused) {
      expect(theirs.accepted).toBe(false);
      expect(ours.accepted).toBe(false);
      return;
    }
    if (!theirs.accepted) throw new Error(`dotprompt refused: ${theirs.error}`);
    if (!ours.accepted) throw new Error(`promptops refused: ${ours.errors.join(', ')}`);
    expect(ours.messages).toEqual(theirs.messages);
    expect(ours.spec.input.schema).toEqual(sortRequired(theirs.metadata.input?.schema ?? null));
    expect(ours.spec.output.schema).toEqual(sortRequired(theirs.metadata.output?.schema ?? null));
  });

  it('keeps media parts and their content types (a lossy comparison hid their loss once)', async () => {
    const c = HAND_WRITTEN.find((h) => h.name === 'media part with a content type')!;
    const ours = await promptops(c);
    expect(ours.accepted && ours.messages).toEqual([
      {
        role: 'user',
        content: [{ media: { url: 'data:image/png;base64,iVBORw0KGgo=', contentType: 'image/png' } }],
      },
    ]);
  });
});
