import { describe, expect, it } from 'vitest';
import { formatVersionRef, parseVersionRef } from '../../src/catalog/ref.js';
import { PromptOpsError } from '../../src/errors.js';

describe('parseVersionRef', () => {
  it.each([
    ['support-reply', { prompt: 'support-reply', selector: { kind: 'latest' } }],
    ['support-reply@3', { prompt: 'support-reply', selector: { kind: 'number', number: 3 } }],
    ['support-reply@v3', { prompt: 'support-reply', selector: { kind: 'number', number: 3 } }],
    ['support-reply@latest', { prompt: 'support-reply', selector: { kind: 'latest' } }],
    [
      'support-reply:production',
      { prompt: 'support-reply', selector: { kind: 'label', label: 'production' } },
    ],
    ['support-reply.formal@2', { prompt: 'support-reply.formal', selector: { kind: 'number', number: 2 } }],
    ['support-reply.formal', { prompt: 'support-reply.formal', selector: { kind: 'latest' } }],
    [
      'support-reply.formal:staging',
      { prompt: 'support-reply.formal', selector: { kind: 'label', label: 'staging' } },
    ],
    ['Summarize_2@12', { prompt: 'Summarize_2', selector: { kind: 'number', number: 12 } }],
    ['  summarize@4  ', { prompt: 'summarize', selector: { kind: 'number', number: 4 } }],
  ])('reads %j', (text, expected) => {
    expect(parseVersionRef(text)).toEqual(expected);
  });

  it.each([
    '',
    '@3',
    'summarize@',
    'summarize@v',
    'summarize@-1',
    'summarize@3.5',
    'summarize@three',
    'summarize:',
    'summarize:prod uction',
    'summarize@3:production',
    'summarize:production@3',
    '-summarize',
    'sum marize',
    'a.b.c',
    'summarize.',
    '.formal',
    'summarize@latest2',
    'summarize:-prod',
    'päivä',
  ])('refuses %j with PO_ERR_REF_INVALID and shows the forms it accepts', (text) => {
    let error: unknown;
    try {
      parseVersionRef(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PromptOpsError);
    const refError = error as PromptOpsError;
    expect(refError.code).toBe('PO_ERR_REF_INVALID');
    expect(refError.exitCode).toBe(2);
    expect(refError.details).toEqual({ ref: text });
    expect(refError.message).toContain(`"${text}" is not a version reference`);
    expect(refError.message).toMatch(/NAME@3/);
    expect(refError.message).toMatch(/NAME:production/);
  });
});

describe('formatVersionRef', () => {
  it.each(['support-reply', 'support-reply@3', 'support-reply:production', 'support-reply.formal@2'])(
    'writes %j back the way it was read',
    (text) => {
      expect(formatVersionRef(parseVersionRef(text))).toBe(text);
    },
  );

  it('writes v3 and @latest in their canonical forms', () => {
    expect(formatVersionRef(parseVersionRef('x@v3'))).toBe('x@3');
    expect(formatVersionRef(parseVersionRef('x@latest'))).toBe('x');
  });
});
