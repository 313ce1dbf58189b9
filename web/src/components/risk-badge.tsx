import { StatusBadge } from './status-badge.js';

/** One colour per risk level, everywhere (a prompt's tier in the catalog, a change request's risk). */
const RISK_COLOURS: Record<string, string> = { low: 'gray', medium: 'blue', high: 'orange', critical: 'red' };

/** A risk level as a badge: its name is the text (shown under a "Risk" heading), the colour only repeats it. */
export function RiskBadge({ level }: { level: string }) {
  return <StatusBadge color={RISK_COLOURS[level] ?? 'gray'}>{level}</StatusBadge>;
}
