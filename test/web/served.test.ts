import { describe, expect, it } from 'vitest';
import type { LabelRecord, ReleaseRecord } from '../../src/store/types.js';
import { servedRows } from '../../web/src/served.js';

const label = (prompt: string, env: string, number: number): LabelRecord => ({
  prompt,
  label: env,
  number,
  hash: `h${number}`,
  updatedAt: '2026-12-01T10:00:00.000Z',
  updatedBy: 'admin@acme.com',
});

const release = (prompt: string, environment: string, version: number): ReleaseRecord =>
  ({
    id: `r-${prompt}-${environment}`,
    prompt,
    environment,
    version,
    canary: { version: version + 1, weight: 10 },
    actor: 'rel@acme.com',
    at: '2026-12-02T10:00:00.000Z',
    changeRequest: 3,
  }) as unknown as ReleaseRecord;

describe('servedRows', () => {
  it('shows a label set without a release, and joins a release to its label', () => {
    const sections = servedRows(
      ['staging', 'production'],
      [label('support-reply', 'production', 1), label('summarize', 'production', 2), label('x', 'dev', 1)],
      [release('summarize', 'production', 2)],
    );
    expect(sections.map((s) => s.environment)).toEqual(['staging', 'production']);
    expect(sections[0]!.rows).toEqual([]);
    const [summarize, support] = sections[1]!.rows;
    expect(support).toMatchObject({
      prompt: 'support-reply',
      version: 1,
      by: 'admin@acme.com',
      release: null,
    });
    expect(summarize).toMatchObject({ prompt: 'summarize', version: 2, by: 'rel@acme.com' });
    expect(summarize!.release?.canary).toEqual({ version: 3, weight: 10 });
    expect(summarize!.since).toBe('2026-12-01T10:00:00.000Z');
  });

  it('adds an environment only releases know of, after the configured ones', () => {
    const sections = servedRows(['production'], [], [release('a', 'eu', 4)]);
    expect(sections.map((s) => s.environment)).toEqual(['production', 'eu']);
    expect(sections[1]!.rows[0]).toMatchObject({ version: 4, since: '2026-12-02T10:00:00.000Z' });
  });

  it('leaves a release off a row whose label moved to another version: the label shows, no actions', () => {
    // production's active release put @2 there; an admin then set the label back to @1 by hand.
    const moved = { ...label('summarize', 'production', 1), updatedAt: '2026-12-03T10:00:00.000Z' };
    const [production] = servedRows(['production'], [moved], [release('summarize', 'production', 2)]);
    expect(production!.rows).toEqual([
      {
        prompt: 'summarize',
        environment: 'production',
        version: 1,
        since: '2026-12-03T10:00:00.000Z',
        by: 'admin@acme.com',
        release: null,
      },
    ]);
  });
});
