/**
 * The traces list's pure parts: its filters as the URL query keeps them, the compact row it shows
 * per trace, and how it pages backwards in time through `GET …/traces` (which answers newest first,
 * `until` exclusive, at most 10,000 per call).
 */
import type { Trace } from '../../src/observe/trace.js';

/** The most traces the list holds; the API's `limit` bound too. */
export const MAX_TRACES = 10_000;
/** Traces asked for per call: ten calls fill the list, the count grows as they arrive. */
export const PAGE_SIZE = 1_000;

export type TraceStatus = Trace['status'];
export const STATUSES: readonly TraceStatus[] = ['ok', 'error', 'held'];
export const ARMS: readonly NonNullable<Trace['arm']>[] = ['stable', 'canary'];

/** The list's filters, each a query parameter of the page and of `GET …/traces` (empty: not set). */
export interface TraceFilters {
  prompt: string;
  version: string;
  status: string;
  environment: string;
  arm: string;
  /** ISO 8601 times. */
  since: string;
  until: string;
}

export const FILTER_KEYS = ['prompt', 'version', 'status', 'environment', 'arm', 'since', 'until'] as const;

/** The filters a page URL's query names; values the API would refuse (a status it lacks) are dropped. */
export function filtersFromQuery(params: URLSearchParams): TraceFilters {
  const get = (key: string) => params.get(key)?.trim() ?? '';
  const version = get('version');
  const status = get('status');
  const arm = get('arm');
  return {
    prompt: get('prompt'),
    version: /^[1-9][0-9]{0,8}$/.test(version) ? version : '',
    status: (STATUSES as readonly string[]).includes(status) ? status : '',
    environment: get('environment'),
    arm: (ARMS as readonly string[]).includes(arm) ? arm : '',
    since: isoOrEmpty(get('since')),
    until: isoOrEmpty(get('until')),
  };
}

/** The query a page URL keeps for `filters`, set ones only, in a stable order. */
export function filtersToQuery(filters: TraceFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key] !== '') params.set(key, filters[key]);
  return params;
}

function isoOrEmpty(text: string): string {
  if (text === '') return '';
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** What one row of the list shows (the whole trace is fetched only on its own page). */
export interface TraceRow {
  id: string;
  startedAt: string;
  prompt: string;
  version: number;
  environment: string | null;
  arm: Trace['arm'];
  status: TraceStatus;
  errorCode: string | null;
  latencyMs: number;
  costUsd: number | null;
}

/** The row for a trace. */
export function toRow(trace: Trace): TraceRow {
  return {
    id: trace.id,
    startedAt: trace.startedAt,
    prompt: trace.prompt,
    version: trace.version.number,
    environment: trace.environment,
    arm: trace.arm,
    status: trace.status,
    errorCode: trace.error?.code ?? null,
    latencyMs: trace.timings.total,
    costUsd: trace.costUsd,
  };
}

/** One call's rows and the `until` of the next call (null: nothing older is left). */
export interface TracePage {
  rows: TraceRow[];
  nextUntil: string | null;
}

/**
 * Cuts a page answered for `limit` into the rows to keep and the next call's `until`. `until` is
 * exclusive and several traces may share a millisecond, so a full page drops the rows of its
 * oldest millisecond and asks again from just after it: those rows come back whole with the next
 * page. (A page all of one millisecond is kept whole and the rest of that millisecond skipped,
 * else the list would ask for the same page forever.)
 */
export function cutPage(rows: readonly TraceRow[], limit: number): TracePage {
  const last = rows.at(-1);
  if (rows.length < limit || !last) return { rows: [...rows], nextUntil: null };
  const oldest = last.startedAt;
  const newer = rows.filter((row) => row.startedAt !== oldest);
  if (newer.length === 0) return { rows: [...rows], nextUntil: oldest };
  return { rows: newer, nextUntil: new Date(Date.parse(oldest) + 1).toISOString() };
}

/** How many traces the next call asks for: a page, or what is left of the list's bound. */
export function nextLimit(loaded: number): number {
  return Math.max(0, Math.min(PAGE_SIZE, MAX_TRACES - loaded));
}

/** A latency for people: `842 ms`, `3.4 s`. */
export function formatLatency(ms: number): string {
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A cost in US dollars with the precision small costs need; `—` when unknown. */
export function formatCost(usd: number | null): string {
  if (usd === null) return '—';
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toPrecision(2)}`;
  return `$${usd.toFixed(2)}`;
}
