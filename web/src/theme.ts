import { type CSSVariablesResolver, createTheme } from '@mantine/core';

/**
 * Mantine's defaults, adjusted for WCAG AA contrast (axe checks every page): a primary shade dark
 * enough for white text, and dimmed text one gray darker than Mantine's (gray.6 is 3.3:1 on white).
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 7,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  components: {
    // A modal's header is a <header> element outside <main>: a second banner landmark beside the
    // page's own. A plain box keeps one banner.
    ModalHeader: { defaultProps: { component: 'div' } },
  },
});

export const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});
