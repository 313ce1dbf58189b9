/**
 * How often the console reads the API again, and how a page names it. Pure: no React, no DOM.
 */

/** How often pages showing what production does now (releases, a running canary, alerts) ask again. */
export const LIVE_REFRESH_MS = 5_000;

/** "every 10 s", "every minute", "every 5 min": an interval as a page states it. */
export function everyLabel(ms: number): string {
  if (ms < 60_000) return `every ${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  return minutes === 1 ? 'every minute' : `every ${minutes} min`;
}
