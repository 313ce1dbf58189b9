import { describe, expect, it } from 'vitest';
import {
  cutPage,
  filtersFromQuery,
  filtersToQuery,
  formatCost,
  formatLatency,
  MAX_TRACES,
  nextLimit,
  PAGE_SIZE,
  type TraceRow,
} from '../../web/src/trace-list.js';

const row = (id: string, startedAt: string): TraceRow => ({
  id,
  startedAt,
  prompt: 'support-reply',
  version: 1,
  environment: 'production',
  arm: null,
  status: 'ok',
  errorCode: null,
  latencyMs: 12,
  costUsd: 0.001,
});

describe('the traces filters in the URL', () => {
  it('reads the query another page links with', () => {
    const filters = filtersFromQuery(
      new URLSearchParams('prompt=support-reply&version=3&arm=canary&status=error'),
    );
    expect(filters).toMatchObject({
      prompt: 'support-reply',
      version: '3',
      arm: 'canary',
      status: 'error',
      since: '',
    });
  });

  it('drops values the API would refuse instead of failing the page', () => {
    const filters = filtersFromQuery(new URLSearchParams('version=0&status=broken&arm=blue&since=yesterday'));
    expect(filters).toMatchObject({ version: '', status: '', arm: '', since: '' });
  });

  it('writes set filters only and reads back what it wrote', () => {
    const filters = filtersFromQuery(
      new URLSearchParams('environment=production&since=2026-12-01T00:00:00Z'),
    );
    const query = filtersToQuery(filters);
    expect(query.toString()).toBe('environment=production&since=2026-12-01T00%3A00%3A00.000Z');
    expect(filtersFromQuery(query)).toEqual(filters);
  });
});

describe('paging backwards in time', () => {
  it('ends when a page is not full', () => {
    const page = cutPage([row('a', '2026-12-07T10:00:00.002Z'), row('b', '2026-12-07T10:00:00.001Z')], 3);
    expect(page).toEqual({
      rows: [expect.objectContaining({ id: 'a' }), expect.objectContaining({ id: 'b' })],
      nextUntil: null,
    });
  });

  it('holds back a full page’s oldest millisecond and asks again from just after it, so no trace sharing it is lost', () => {
    const page = cutPage(
      [
        row('a', '2026-12-07T10:00:00.005Z'),
        row('b', '2026-12-07T10:00:00.003Z'),
        row('c', '2026-12-07T10:00:00.003Z'),
      ],
      3,
    );
    expect(page.rows.map((r) => r.id)).toEqual(['a']);
    expect(page.nextUntil).toBe('2026-12-07T10:00:00.004Z');
  });

  it('moves on past a page that is all one millisecond rather than asking for it forever', () => {
    const page = cutPage([row('a', '2026-12-07T10:00:00.003Z'), row('b', '2026-12-07T10:00:00.003Z')], 2);
    expect(page.rows).toHaveLength(2);
    expect(page.nextUntil).toBe('2026-12-07T10:00:00.003Z');
  });

  it('asks for whole pages until the list’s bound, then nothing', () => {
    expect(nextLimit(0)).toBe(PAGE_SIZE);
    expect(nextLimit(MAX_TRACES - 10)).toBe(10);
    expect(nextLimit(MAX_TRACES)).toBe(0);
  });
});

describe('row values', () => {
  it('formats latencies and costs for reading', () => {
    expect(formatLatency(3.12)).toBe('3.1 ms');
    expect(formatLatency(842.4)).toBe('842 ms');
    expect(formatLatency(3400)).toBe('3.40 s');
    expect(formatCost(null)).toBe('—');
    expect(formatCost(0)).toBe('$0');
    expect(formatCost(0.000123)).toBe('$0.00012');
    expect(formatCost(1.5)).toBe('$1.50');
  });
});
