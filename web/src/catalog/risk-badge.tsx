import type { RiskTier } from '../../../src/catalog/spec.js';
import { StatusBadge } from '../components/status-badge.js';

const COLOURS: Record<RiskTier, string> = { low: 'gray', medium: 'blue', high: 'orange', critical: 'red' };

/** A risk tier as a badge: its name is the text, the colour only repeats it. */
export function RiskBadge({ risk }: { risk: RiskTier }) {
  return <StatusBadge color={COLOURS[risk] ?? 'gray'}>{risk}</StatusBadge>;
}
