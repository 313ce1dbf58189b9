import { createTheme } from '@mantine/core';

/** Mantine's defaults, with a primary colour whose filled buttons keep WCAG AA contrast for white text. */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 7,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
});
