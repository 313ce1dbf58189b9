import { describe, expect, it } from 'vitest';
import { inEnvironmentOrder } from '../../web/src/environment-order.js';
import { readable } from '../../web/src/readable.js';

describe('readable', () => {
  it('shows text as it is, anything else as indented JSON, and nothing as a dash', () => {
    expect(readable('plain words')).toBe('plain words');
    expect(readable({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(readable(null)).toBe('null');
    expect(readable(undefined)).toBe('—');
    // What JSON cannot say is still shown, not left blank.
    expect(readable(() => 1)).toContain('1');
  });
});

describe('inEnvironmentOrder', () => {
  it('puts the usual environments first in promotion order, then the rest by name', () => {
    expect(inEnvironmentOrder(['prod', 'eu', 'staging', 'dev', 'alpha', 'production'])).toEqual([
      'dev',
      'staging',
      'production',
      'prod',
      'alpha',
      'eu',
    ]);
  });
});
