import { Badge } from '@mantine/core';
import type { RiskTier } from '../../../src/catalog/spec.js';

const COLOURS: Record<RiskTier, string> = { low: 'gray', medium: 'yellow', high: 'orange', critical: 'red' };

/** A risk tier as a badge: its name is the text, the colour only repeats it. */
export function RiskBadge({ risk }: { risk: RiskTier }) {
  return (
    <Badge color={COLOURS[risk] ?? 'gray'} variant="light">
      {risk}
    </Badge>
  );
}
