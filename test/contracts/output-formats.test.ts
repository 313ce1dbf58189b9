import { describe, expect, it } from 'vitest';
import { checkOutput, compileOutputContract } from '../../src/contracts/output.js';
import { parse, specOf } from '../catalog/support.js';

const RULES = { reasks: 1 };

describe("Dotprompt's output formats", () => {
  it('array: a JSON array whose items meet the schema', () => {
    const compiled = compileOutputContract('array', { type: 'array', items: { type: 'string' } }, RULES);
    expect(checkOutput('```json\n["a", "b"]\n```', compiled)).toEqual({ ok: true, value: ['a', 'b'] });
    expect(checkOutput('{"a": 1}', compiled)).toEqual({
      ok: false,
      problems: ['the answer is not a JSON array; answer with a single JSON array'],
    });
    expect(checkOutput('[1]', compiled).ok).toBe(false);
  });

  it('enum: the trimmed answer, quotes removed, must be one of the values', () => {
    const compiled = compileOutputContract('enum', { type: 'string', enum: ['low', 'high'] }, RULES);
    expect(checkOutput(' "high"\n', compiled)).toEqual({ ok: true, value: 'high' });
    expect(checkOutput('medium', compiled)).toEqual({
      ok: false,
      problems: ['the answer must be one of "low", "high"'],
    });
  });

  it('jsonl: one JSON object a line, other lines skipped, each checked', () => {
    const schema = {
      type: 'array',
      items: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
    };
    const compiled = compileOutputContract('jsonl', schema, RULES);
    expect(checkOutput('Here:\n{"n": 1}\n{"n": 2}\n', compiled)).toEqual({
      ok: true,
      value: [{ n: 1 }, { n: 2 }],
    });
    expect(checkOutput('{"n": 1}\n{"n": "two"}', compiled).ok).toBe(false);
    expect(checkOutput('{"n": 1}\n{"n": ', compiled)).toEqual({
      ok: false,
      problems: ['line 2 of the answer is not a JSON object; answer with one JSON object per line'],
    });
  });

  it('accepts each format in a .prompt file with a schema that fits it', async () => {
    const head = '---\nname: f\nmodel: offline/echo\noutput:\n';
    expect(
      (
        await specOf(
          `${head}  format: array\n  schema:\n    type: array\n    items: { type: string }\n---\nList.`,
        )
      ).output.format,
    ).toBe('array');
    expect(
      (await specOf(`${head}  format: enum\n  schema:\n    type: string\n    enum: [a, b]\n---\nPick.`))
        .output.format,
    ).toBe('enum');
    expect((await specOf(`${head}  format: jsonl\n---\nLines.`)).output.format).toBe('jsonl');
  });

  it('refuses media, and a schema that does not fit the format', async () => {
    const head = '---\nname: f\nmodel: offline/echo\noutput:\n';
    const rules = async (body: string) =>
      (await parse(`${head}${body}---\nx`)).diagnostics.map((d) => d.rule);
    expect(await rules('  format: media\n')).toContain('output-format-unsupported');
    expect(await rules('  format: array\n  schema:\n    type: object\n')).toContain('output-schema-mismatch');
    expect(await rules('  format: enum\n  schema:\n    type: string\n')).toContain('output-schema-mismatch');
    expect(
      await rules('  format: jsonl\n  schema:\n    type: array\n    items: { type: string }\n'),
    ).toContain('output-schema-mismatch');
  });
});
