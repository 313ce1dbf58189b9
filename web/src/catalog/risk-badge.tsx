import { Badge } from '@mantine/core';
import type { RiskTier } from '../../../src/catalog/spec.js';

/** Filled, with black or white text chosen for contrast (autoContrast): each passes WCAG AA. */
const COLOURS: Record<RiskTier, string> = {
  low: 'gray.3',
  medium: 'yellow.4',
  high: 'orange.4',
  critical: 'red.9',
};

/** A risk tier as a badge: its name is the text, the colour only repeats it. */
export function RiskBadge({ risk }: { risk: RiskTier }) {
  return (
    <Badge color={COLOURS[risk] ?? 'gray.3'} autoContrast>
      {risk}
    </Badge>
  );
}
