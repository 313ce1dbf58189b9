/**
 * The catalog and audit pages' pure helpers: a schema as table rows, two templates side by side,
 * the catalog's label columns and filter, the audit log's filters and paging.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntry, PromptSummary } from '../../src/store/types.js';
import { distinctValues, filterAudit } from '../../web/src/audit/filter.js';
import { pageOf } from '../../web/src/catalog/paging.js';
import { filterPrompts, labelColumns } from '../../web/src/catalog/prompt-list.js';
import { schemaRows, typeOf } from '../../web/src/catalog/schema-rows.js';
import { countChanges, sideBySide } from '../../web/src/catalog/side-by-side.js';

describe('schemaRows', () => {
  it('gives one row per field, nested fields after their parent, with required and constraints', () => {
    const rows = schemaRows({
      type: 'object',
      required: ['customer', 'question'],
      additionalProperties: false,
      properties: {
        question: { type: 'string', minLength: 1, maxLength: 2000, description: 'What the customer asked' },
        locale: { type: 'string', enum: ['en', 'fr'], default: 'en' },
        customer: {
          type: 'object',
          required: ['email'],
          properties: { email: { type: 'string', format: 'email' }, tier: { type: ['string', 'null'] } },
        },
      },
    });
    expect(rows).toEqual([
      {
        path: 'question',
        type: 'string',
        isRequired: true,
        constraints: ['minLength 1', 'maxLength 2000'],
        description: 'What the customer asked',
      },
      {
        path: 'locale',
        type: 'string',
        isRequired: false,
        constraints: ['one of: "en", "fr"', 'default "en"'],
        description: null,
      },
      { path: 'customer', type: 'object', isRequired: true, constraints: [], description: null },
      {
        path: 'customer.email',
        type: 'string',
        isRequired: true,
        constraints: ['format email'],
        description: null,
      },
      { path: 'customer.tier', type: 'string | null', isRequired: false, constraints: [], description: null },
    ]);
  });

  it('shows array items as `[]`: the fields of object items, or one row for plain items', () => {
    const rows = schemaRows({
      type: 'object',
      properties: {
        lines: {
          type: 'array',
          maxItems: 50,
          items: {
            type: 'object',
            required: ['sku'],
            properties: { sku: { type: 'string', pattern: '^[A-Z]+$' } },
          },
        },
        tags: { type: 'array', items: { type: 'string', maxLength: 20 } },
      },
    });
    expect(rows.map((row) => [row.path, row.type, row.isRequired, row.constraints])).toEqual([
      ['lines', 'array of object', false, ['maxItems 50']],
      ['lines[].sku', 'string', true, ['pattern ^[A-Z]+$']],
      ['tags', 'array of string', false, []],
      ['tags[]', 'string', true, ['maxLength 20']],
    ]);
  });

  it('gives a single root row for a schema without fields, and none for an empty or missing one', () => {
    expect(schemaRows({ type: 'string', maxLength: 10 })).toEqual([
      { path: '(root)', type: 'string', isRequired: true, constraints: ['maxLength 10'], description: null },
    ]);
    expect(schemaRows({})).toEqual([]);
    expect(schemaRows(null)).toEqual([]);
  });

  it('names untyped schemas by what they say instead', () => {
    expect(typeOf({ enum: ['a'] })).toBe('enum');
    expect(typeOf({ anyOf: [{ type: 'string' }, { type: 'integer' }] })).toBe('anyOf: string, integer');
    expect(typeOf({})).toBe('any');
  });
});

describe('sideBySide', () => {
  it('pairs a replaced line with its replacement, and numbers each side by its own text', () => {
    const rows = sideBySide(
      'Hello {{name}}.\nBe brief.\nSign off.\n',
      'Hello {{name}}.\nBe kind and brief.\nSign off.\nThanks.\n',
    );
    expect(rows).toEqual([
      {
        kind: 'same',
        left: { number: 1, text: 'Hello {{name}}.' },
        right: { number: 1, text: 'Hello {{name}}.' },
      },
      {
        kind: 'changed',
        left: { number: 2, text: 'Be brief.' },
        right: { number: 2, text: 'Be kind and brief.' },
      },
      { kind: 'same', left: { number: 3, text: 'Sign off.' }, right: { number: 3, text: 'Sign off.' } },
      { kind: 'added', left: null, right: { number: 4, text: 'Thanks.' } },
    ]);
    expect(countChanges(rows)).toEqual({ same: 2, changed: 1, removed: 0, added: 1 });
  });

  it('shows a removed block longer than its replacement as changed lines then removed ones', () => {
    const rows = sideBySide('a\nb\nc\nd', 'a\nB\nd');
    expect(rows.map((row) => [row.kind, row.left?.text ?? null, row.right?.text ?? null])).toEqual([
      ['same', 'a', 'a'],
      ['changed', 'b', 'B'],
      ['removed', 'c', null],
      ['same', 'd', 'd'],
    ]);
  });

  it('gives only same rows for equal texts', () => {
    expect(countChanges(sideBySide('x\ny', 'x\ny'))).toEqual({ same: 2, changed: 0, removed: 0, added: 0 });
  });
});

const summary = (name: string, labels: Record<string, number>): PromptSummary => ({
  name,
  versions: 3,
  latest: { number: 3, hash: 'f'.repeat(64) },
  labels,
});

describe('the catalog table', () => {
  it('puts environment labels first, in promotion order, then the others alphabetically', () => {
    const prompts = [
      summary('a', { production: 2, beta: 3 }),
      summary('b', { staging: 3, dev: 3, alpha: 1 }),
    ];
    expect(labelColumns(prompts)).toEqual(['dev', 'staging', 'production', 'alpha', 'beta']);
  });

  it('filters by prompt or label name, ignoring case and surrounding blanks', () => {
    const prompts = [
      summary('support-reply', { production: 2 }),
      summary('triage', {}),
      summary('Summarise', {}),
    ];
    expect(filterPrompts(prompts, ' SUPPORT ').map((p) => p.name)).toEqual(['support-reply']);
    expect(filterPrompts(prompts, 'product').map((p) => p.name)).toEqual(['support-reply']);
    expect(filterPrompts(prompts, 'sum').map((p) => p.name)).toEqual(['Summarise']);
    expect(filterPrompts(prompts, '')).toHaveLength(3);
  });

  it('pages a list, clamping a page past the end to the last one', () => {
    const items = Array.from({ length: 60 }, (_, i) => i);
    expect(pageOf(items, 1, 25)).toMatchObject({ page: 1, pages: 3, items: items.slice(0, 25) });
    expect(pageOf(items, 9, 25)).toMatchObject({ page: 3, pages: 3, items: items.slice(50) });
    expect(pageOf([], 1, 25)).toEqual({ items: [], page: 1, pages: 1 });
  });
});

const entry = (
  seq: number,
  action: string,
  actor: string,
  target: string,
  after: unknown = null,
): AuditEntry => ({
  seq,
  at: '2026-01-01T00:00:00.000Z',
  actor,
  action,
  target,
  before: null,
  after,
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
});

describe('the audit filters', () => {
  const entries = [
    entry(3, 'release.create', 'ops@x', 'support-reply@production', { version: 4 }),
    entry(2, 'label.set', 'dev@x', 'support-reply:beta', { number: 3 }),
    entry(1, 'version.create', 'dev@x', 'triage@1', { reason: 'New Tone' }),
  ];

  it('keeps entries matching every filter given', () => {
    expect(filterAudit(entries, { action: '', actor: 'dev@x', text: '' }).map((e) => e.seq)).toEqual([2, 1]);
    expect(filterAudit(entries, { action: 'label.set', actor: 'dev@x', text: '' }).map((e) => e.seq)).toEqual(
      [2],
    );
    expect(filterAudit(entries, { action: 'label.set', actor: 'ops@x', text: '' })).toEqual([]);
  });

  it('finds text in the target and in the details, ignoring case', () => {
    expect(filterAudit(entries, { action: '', actor: '', text: 'support-reply' }).map((e) => e.seq)).toEqual([
      3, 2,
    ]);
    expect(filterAudit(entries, { action: '', actor: '', text: 'new tone' }).map((e) => e.seq)).toEqual([1]);
  });

  it('offers each action and actor once, sorted', () => {
    expect(distinctValues(entries, 'actor')).toEqual(['dev@x', 'ops@x']);
    expect(distinctValues(entries, 'action')).toEqual(['label.set', 'release.create', 'version.create']);
  });
});
