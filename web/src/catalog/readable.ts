/**
 * An alert's title in the body's text colour: Mantine's light alerts colour their title with the
 * variant's own shade, which falls below WCAG AA contrast on its tinted background. The alert's
 * colour and icon still mark it; the title stays readable.
 */
export const READABLE_TITLE = { title: { color: 'var(--mantine-color-text)' } } as const;
