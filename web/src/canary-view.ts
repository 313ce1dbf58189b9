/**
 * What the releases page says about a canary, from the API's records: the span its charts cover,
 * how it ended (the release that replaced it, whose notes hold the analysis's evidence), its
 * thresholds in words and the traces behind a failure. Pure: records in, values out.
 */
import type { MetricThreshold } from '../../src/monitor/canary-plan.js';
import type { MetricName } from '../../src/monitor/rollup.js';
import type { CanaryStatus } from '../../src/store/canary-store.js';
import type { ReleaseRecord } from '../../src/store/types.js';

/** The traces page's link to one prompt version's failed calls on an arm (its query names). */
export function tracesLink(prompt: string, version: number, arm: 'canary' | 'stable' = 'canary'): string {
  const query = new URLSearchParams({ prompt, version: String(version), arm, status: 'error' });
  return `/traces?${query.toString()}`;
}

/** A metric's threshold as the plan wrote it, in words: `+2 pts allowed`, `× 1.5 allowed`. */
export function thresholdText(threshold: Omit<MetricThreshold, 'metric'>): string {
  if (threshold.maxIncrease !== undefined) return `at most +${points(threshold.maxIncrease)} over stable`;
  if (threshold.maxDecrease !== undefined) return `at most −${points(threshold.maxDecrease)} under stable`;
  if (threshold.maxRatio !== undefined) return `at most × ${threshold.maxRatio} stable`;
  if (threshold.minRatio !== undefined) return `at least × ${threshold.minRatio} stable`;
  return 'no threshold';
}

function points(fraction: number): string {
  return `${Number((fraction * 100).toFixed(2))} pts`;
}

/**
 * The release that ended a canary analysis: the first release of its prompt and environment after
 * the analysis's own (a rollback, a promotion, or a new release), or null while none has. `history`
 * is any order.
 */
export function endingRelease(status: CanaryStatus, history: readonly ReleaseRecord[]): ReleaseRecord | null {
  const own = history.find((r) => r.id === status.release);
  if (!own) return null;
  const later = history
    .filter((r) => r.prompt === status.prompt && r.environment === status.environment && r.seq > own.seq)
    .sort((a, b) => a.seq - b.seq);
  return later[0] ?? null;
}

/**
 * The span a canary's charts cover, in ms: from its first interval (or, before any, when its
 * weight was set) to `end` (when it ended) or `now` while it runs.
 */
export function canarySpan(
  status: CanaryStatus,
  now: number,
  end: string | null,
): { from: number; to: number } {
  const starts = [
    Date.parse(status.stepStartedAt),
    ...status.intervals.map((i) => Date.parse(i.windowStart)),
  ];
  const from = Math.min(...starts.filter((t) => Number.isFinite(t)));
  const lastEnd = status.intervals.at(-1)?.windowEnd;
  const ended = end ?? (status.state === 'running' ? null : (lastEnd ?? null));
  const to = ended ? Math.max(Date.parse(ended), from + 60_000) : now;
  return { from, to: Math.max(to, from + 60_000) };
}

/** The metrics an interval failed on. */
export function failedMetrics(interval: CanaryStatus['intervals'][number]): MetricName[] {
  return interval.evidence.metrics.filter((m) => m.verdict === 'fail').map((m) => m.metric);
}

/** The Mantine colour of a verdict or state; the badge always carries the word too. */
export function verdictColor(verdict: string): string {
  switch (verdict) {
    case 'pass':
    case 'promoted':
      return 'green';
    case 'fail':
    case 'rolled back':
    case 'error':
      return 'red';
    case 'running':
      return 'blue';
    default:
      return 'gray';
  }
}

/**
 * A release's notes split at the evidence the canary analysis appends (`SUMMARY\nevidence: JSON`,
 * src/monitor/canary-analysis.ts): the summary to read, and the evidence pretty-printed (null when
 * the notes carry none, or it is not JSON: then it stays in the summary, nothing lost).
 */
export function splitEvidence(notes: string): { summary: string; evidence: string | null } {
  const at = notes.indexOf('\nevidence: ');
  if (at < 0) return { summary: notes, evidence: null };
  try {
    const evidence = JSON.stringify(JSON.parse(notes.slice(at + '\nevidence: '.length)), null, 2);
    return { summary: notes.slice(0, at), evidence };
  } catch {
    return { summary: notes, evidence: null };
  }
}
