import { Badge, type BadgeProps } from '@mantine/core';

/**
 * Colours dark enough for WCAG AA as text on their own light tint and under white text (filled):
 * Mantine's light variant writes a theme colour's text in its 6th shade at most, which fails, so
 * these are plain values (Mantine then uses them as they are).
 */
export const READABLE: Record<string, string> = {
  red: '#a51d1d',
  orange: '#a63c06',
  green: '#1f6b30',
  blue: '#1864ab',
  violet: '#5f3dc4',
  gray: '#495057',
};

/** A field's description in a readable grey (Mantine's dimmed grey is 3.3:1 on white). */
export const READABLE_DESCRIPTION = { description: { color: READABLE.gray } };

/** A state in a word (the colour is never the only signal), never cut to an ellipsis. */
export function StatusBadge({ color = 'gray', style, ...props }: BadgeProps & { children: string }) {
  return (
    <Badge
      {...props}
      autoContrast
      color={READABLE[color] ?? color}
      style={{ minWidth: 'max-content', ...(typeof style === 'object' ? style : {}) }}
    />
  );
}
