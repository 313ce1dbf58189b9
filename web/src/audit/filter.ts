/**
 * Filtering the audit log as the audit page shows it. Pure: the page fetches a bounded window of the
 * newest entries (the API's `limit`) and narrows it here by action, actor and free text.
 */
import type { AuditEntry } from '../../../src/store/types.js';

export interface AuditFilter {
  /** An exact action (`release.create`), or empty for any. */
  action: string;
  /** An exact actor, or empty for any. */
  actor: string;
  /** Case-insensitive text looked for in the target and the details (before and after). */
  text: string;
}

/** The entries that pass `filter`, in their order. */
export function filterAudit(entries: readonly AuditEntry[], filter: AuditFilter): AuditEntry[] {
  const text = filter.text.trim().toLowerCase();
  return entries.filter(
    (entry) =>
      (!filter.action || entry.action === filter.action) &&
      (!filter.actor || entry.actor === filter.actor) &&
      (!text || searchableText(entry).includes(text)),
  );
}

function searchableText(entry: AuditEntry): string {
  return [entry.action, entry.actor, entry.target, JSON.stringify(entry.before), JSON.stringify(entry.after)]
    .join('\n')
    .toLowerCase();
}

/** The distinct values of `key` in `entries`, sorted: the choices of a filter's select. */
export function distinctValues(entries: readonly AuditEntry[], key: 'action' | 'actor'): string[] {
  return [...new Set(entries.map((entry) => entry[key]))].sort();
}
