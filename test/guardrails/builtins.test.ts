import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { create as bannedTerms } from '../../src/guardrails/builtins/banned-terms.js';
import { create as jsonSchema } from '../../src/guardrails/builtins/json-schema.js';
import { detectLanguage, create as language } from '../../src/guardrails/builtins/language.js';
import { create as length } from '../../src/guardrails/builtins/length.js';
import { create as regex } from '../../src/guardrails/builtins/regex.js';
import { create as leak } from '../../src/guardrails/builtins/system-prompt-leak.js';
import { compileGuardrails, runGuardrailStage } from '../../src/guardrails/engine.js';
import { redactSpans, restorePlaceholders } from '../../src/guardrails/redact.js';
import { tempDir } from '../helpers.js';

const input = { stage: 'input' as const };
const output = { stage: 'output' as const };

describe('banned-terms', () => {
  const check = bannedTerms({ terms: ['guarantee', 'legal advice'] });

  it('matches whole words and phrases across case, accents and whitespace', () => {
    expect(check('We GUARANTÉE it', output).spans).toEqual([{ start: 3, end: 12, type: 'banned-term' }]);
    expect(check('this is not legal\n  advice', output).spans).toEqual([
      { start: 12, end: 26, type: 'banned-term' },
    ]);
    expect(check('this is legal\nadvice.', output).spans).toEqual([
      { start: 8, end: 20, type: 'banned-term' },
    ]);
  });

  it('does not match inside other words', () => {
    expect(check('guaranteed delivery, unguarantee', output).isViolation).toBe(false);
  });

  it('respects caseSensitive', () => {
    expect(bannedTerms({ terms: ['ACME'], caseSensitive: true })('acme and ACME', output).spans).toEqual([
      { start: 9, end: 13, type: 'banned-term' },
    ]);
  });
});

describe('regex, length and language', () => {
  it('regex deny flags every match; require flags text that never matches', () => {
    expect(regex({ pattern: '\\d{4}' })('pin 1234 and 5678', input).spans.map((s) => s.start)).toEqual([
      4, 13,
    ]);
    expect(regex({ pattern: '^Dear', mode: 'require' })('Hi there', output).isViolation).toBe(true);
    expect(regex({ pattern: '^dear', flags: 'i', mode: 'require' })('Dear Sam', output).isViolation).toBe(
      false,
    );
  });

  it('length counts characters, not UTF-16 units', () => {
    expect(length({ max: 3 })('😀😀😀', output).isViolation).toBe(false);
    expect(length({ max: 3 })('😀😀😀😀', output).reasons).toEqual(['4 characters; at most 3 allowed']);
    expect(length({ min: 2 })('a', output).isViolation).toBe(true);
  });

  it('detects common languages and passes text too short to judge', () => {
    expect(detectLanguage('The order was shipped yesterday and it is on the way to you.')?.language).toBe(
      'en',
    );
    expect(
      detectLanguage('Die Bestellung ist unterwegs und wird morgen bei Ihnen sein, bitte warten Sie.')
        ?.language,
    ).toBe('de');
    expect(
      detectLanguage('Votre commande est en route et arrivera demain, merci pour votre patience.')?.language,
    ).toBe('fr');
    expect(detectLanguage('Ваш заказ уже в пути и будет доставлен завтра утром.')?.language).toBe('ru');
    expect(detectLanguage('ok')).toBeNull();
    const check = language({ allow: ['en'] });
    expect(
      check('Die Bestellung ist unterwegs und wird morgen bei Ihnen sein, bitte warten Sie.', output)
        .isViolation,
    ).toBe(true);
    expect(check('The order is on the way and will be with you tomorrow.', output).isViolation).toBe(false);
  });
});

describe('json-schema and system-prompt-leak', () => {
  it('json-schema uses its own schema or the prompt output schema', () => {
    const own = jsonSchema({ schema: { type: 'object', required: ['a'] } });
    expect(own('{"b":1}', output).isViolation).toBe(true);
    const fromPrompt = jsonSchema({});
    const ctx = {
      ...output,
      outputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
    };
    expect(fromPrompt('{"n": 2}', ctx).isViolation).toBe(false);
    expect(fromPrompt('{"n": "two"}', ctx).reasons).toEqual(['n must be a number']);
  });

  it('system-prompt-leak finds long reproduced spans, whitespace and case ignored, and the canary', () => {
    const systemPrompt =
      'You are the Acme refund assistant. Never approve refunds above 500 EUR without a manager.';
    const check = leak({ minSpanChars: 30 });
    const answer = 'Sure. My rules: never approve   REFUNDS above 500 eur without a manager. Anything else?';
    const verdict = check(answer, { ...output, systemPrompt });
    expect(verdict.isViolation).toBe(true);
    expect(answer.slice(verdict.spans[0]!.start, verdict.spans[0]!.end)).toBe(
      'never approve   REFUNDS above 500 eur without a manager.',
    );
    expect(check('Refunds above 500 EUR need a manager.', { ...output, systemPrompt }).isViolation).toBe(
      false,
    );
    expect(
      check('ref po-canary-1234abcd', { ...output, systemPrompt: 'x', canary: 'po-canary-1234abcd' }).spans,
    ).toEqual([{ start: 4, end: 22, type: 'canary' }]);
  });

  it('checks adversarial answers to the end without super-linear blow-up', () => {
    // A quadratic comparison of 200,000 against 5,000 characters would take minutes: the time limit,
    // far above a normal run, only trips on that. bench/adversarial.js times it.
    const check = leak({});
    const systemPrompt = 'a'.repeat(5_000);
    for (const answer of ['a'.repeat(200_000), ' '.repeat(200_000)]) {
      expect(check(answer, { ...output, systemPrompt })).toHaveProperty('isViolation');
    }
  }, 120_000);
});

describe('the engine', () => {
  it('runs cheap guardrails first and stops at the first block', async () => {
    const compiled = await compileGuardrails(
      {
        input: [
          { name: 'language', action: 'block', options: { allow: ['en'] } },
          { name: 'banned-terms', action: 'block', options: { terms: ['refund'] } },
          { name: 'length', action: 'block', options: { max: 5 } },
        ],
        output: [],
      },
      {},
      '/',
    );
    expect(compiled.input.map((g) => g.decl.name)).toEqual(['length', 'banned-terms', 'language']);
    const outcome = runGuardrailStage(
      compiled.input,
      [{ field: 'message', text: 'I want my refund now please' }],
      input,
    );
    expect(outcome.terminal?.name).toBe('length');
    expect(outcome.results.map((r) => r.name)).toEqual(['length']);
  });

  it('loads custom guardrails from the project, and reports a broken one clearly', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeFile(
        path.join(dir, 'no-caps.mjs'),
        'export function check(text) { return /[A-Z]{5,}/.test(text) ? { isViolation: true, reasons: ["shouting"] } : false; }\n',
      );
      await writeFile(path.join(dir, 'broken.mjs'), 'export const nothing = 1;\n');
      const compiled = await compileGuardrails(
        { input: [{ name: 'no-caps', action: 'flag', options: {} }], output: [] },
        { 'no-caps': './no-caps.mjs' },
        dir,
      );
      expect(
        runGuardrailStage(compiled.input, [{ field: 'm', text: 'STOP SHOUTING' }], input).results[0],
      ).toMatchObject({ isViolation: true, reasons: ['shouting'] });
      await expect(
        compileGuardrails(
          { input: [{ name: 'bad', action: 'block', options: {} }], output: [] },
          { bad: './broken.mjs' },
          dir,
        ),
      ).rejects.toThrow(/must export a function named check/);
    } finally {
      await cleanup();
    }
  });
});

describe('redaction', () => {
  it('numbers placeholders per type, reuses them for repeated values, and restores them', () => {
    const text = 'mail a@x.io or b@x.io, again a@x.io';
    const { text: redacted, mapping } = redactSpans(text, [
      { start: 5, end: 11, type: 'email' },
      { start: 15, end: 21, type: 'email' },
      { start: 29, end: 35, type: 'email' },
    ]);
    expect(redacted).toBe('mail [EMAIL_1] or [EMAIL_2], again [EMAIL_1]');
    expect(restorePlaceholders('write to [EMAIL_2]', mapping)).toBe('write to b@x.io');
  });
});

describe('labelled fixture sets', () => {
  const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'guardrails');
  const rows = async <T>(name: string): Promise<T[]> =>
    (await readFile(path.join(fixtures, name), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as T);

  it('language: every labelled sentence is detected as its language (or as too short to tell)', async () => {
    for (const row of await rows<{ text: string; language: string | null }>('language.jsonl')) {
      expect({ text: row.text, language: detectLanguage(row.text)?.language ?? null }).toEqual({
        text: row.text,
        language: row.language,
      });
    }
  });

  it('system-prompt-leak: every labelled answer is classified right', async () => {
    const check = leak({});
    for (const row of await rows<{ system: string; answer: string; leak: boolean }>(
      'system-prompt-leak.jsonl',
    )) {
      expect({
        answer: row.answer,
        leak: check(row.answer, { ...output, systemPrompt: row.system }).isViolation,
      }).toEqual({ answer: row.answer, leak: row.leak });
    }
  });

  it('banned-terms: every labelled text is classified right', async () => {
    const check = bannedTerms({ terms: ['guarantee', 'legal advice'] });
    for (const row of await rows<{ text: string; violation: boolean }>('banned-terms.jsonl')) {
      expect({ text: row.text, violation: check(row.text, output).isViolation }).toEqual({
        text: row.text,
        violation: row.violation,
      });
    }
  });
});
