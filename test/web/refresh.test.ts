/** How often the console reads the API again, and how its pages say so. */
import { describe, expect, it } from 'vitest';
import { everyLabel, LIVE_REFRESH_MS } from '../../web/src/refresh.js';
import { WINDOWS } from '../../web/src/rollup-series.js';

describe('refresh intervals', () => {
  it('names an interval in seconds under a minute, else in minutes', () => {
    expect(everyLabel(LIVE_REFRESH_MS)).toBe('every 5 s');
    expect(everyLabel(10_000)).toBe('every 10 s');
    expect(everyLabel(60_000)).toBe('every minute');
    expect(everyLabel(300_000)).toBe('every 5 min');
  });

  it('reads a monitoring window again less often the longer it is: a week is not re-read every 10 s', () => {
    const refresh = Object.fromEntries(
      Object.entries(WINDOWS).map(([name, w]) => [name, everyLabel(w.refreshMs)]),
    );
    expect(refresh).toEqual({
      '1h': 'every 10 s',
      '6h': 'every minute',
      '24h': 'every 5 min',
      '7d': 'every 5 min',
    });
    // Never more often than a chart's bucket could change by a whole bucket.
    for (const w of Object.values(WINDOWS)) expect(w.refreshMs).toBeLessThanOrEqual(w.stepMs * 5);
  });
});
