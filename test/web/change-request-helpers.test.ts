import { describe, expect, it } from 'vitest';
import type { ChangeRequest, ReviewRecord } from '../../src/store/types.js';
import {
  checkRows,
  environmentChoices,
  heldPayload,
  isReleasable,
  LIST_LIMIT,
  listCaption,
  queueOrder,
  reviewOffer,
  stateOf,
} from '../../web/src/change-requests.js';

function gate(overrides: Partial<ChangeRequest['gate']> = {}): ChangeRequest['gate'] {
  return {
    level: 'medium',
    rule: { required: 1, greenChecks: false },
    approvedBy: [],
    changesRequestedBy: [],
    checks: {},
    blockers: [],
    ready: false,
    ...overrides,
  };
}

const check = (name: string, status: 'pass' | 'fail', at: string, versionHash = 'h2') => ({
  name,
  status,
  summary: `${name} ${status}`,
  details: null,
  versionHash,
  actor: 'ci',
  at,
});

describe('a change request as the console shows it', () => {
  it('reads as approved when it is open and its gate is ready, otherwise as its status', () => {
    expect(stateOf({ status: 'open', gate: gate({ ready: true }) })).toBe('approved');
    expect(stateOf({ status: 'open', gate: gate() })).toBe('open');
    expect(stateOf({ status: 'released', gate: gate({ ready: true }) })).toBe('released');
    expect(stateOf({ status: 'closed', gate: gate({ ready: true }) })).toBe('closed');
  });

  it('offers an author only a comment, a reviewer every verdict, and nobody anything on a closed request', () => {
    const cr = { status: 'open' as const, author: 'ann', authors: ['ann', 'bob'] };
    expect(reviewOffer(cr, 'ann', true)).toEqual({ decide: false, comment: true });
    expect(reviewOffer(cr, 'bob', true)).toEqual({ decide: false, comment: true });
    expect(reviewOffer(cr, 'rita', true)).toEqual({ decide: true, comment: true });
    expect(reviewOffer(cr, 'rita', false)).toEqual({ decide: false, comment: false });
    expect(reviewOffer({ ...cr, status: 'closed' }, 'rita', true)).toEqual({ decide: false, comment: false });
  });

  it('is releasable once the gate is ready, and again to another environment after a release, never closed', () => {
    expect(isReleasable({ status: 'open', gate: gate({ ready: true }) })).toBe(true);
    expect(isReleasable({ status: 'released', gate: gate({ ready: true }) })).toBe(true);
    expect(isReleasable({ status: 'open', gate: gate() })).toBe(false);
    expect(isReleasable({ status: 'closed', gate: gate({ ready: true }) })).toBe(false);
  });

  it("lists every check with the gate's verdict and the latest run on the proposed version only", () => {
    const rows = checkRows({
      versionHash: 'h2',
      checks: [
        check('lint', 'fail', '2026-01-01T00:00:00Z'),
        check('lint', 'pass', '2026-01-02T00:00:00Z'),
        check('tests', 'pass', '2026-01-03T00:00:00Z', 'h1'),
      ],
      gate: gate({ checks: { lint: 'pass', tests: 'missing', guardrails: 'overridden' } }),
    });
    expect(rows.map((r) => r.name)).toEqual(['lint', 'tests', 'guardrails', 'regression']);
    expect(rows[0]).toMatchObject({ state: 'pass', run: { summary: 'lint pass' } });
    expect(rows[1]).toMatchObject({ state: 'missing', run: null });
    expect(rows[2]?.state).toBe('overridden');
    expect(rows[3]).toMatchObject({ state: 'missing', run: null });
  });
});

describe('the release form', () => {
  it("offers the server's environments in its order, else those released to and the base, in promotion order", () => {
    expect(environmentChoices(['dev', 'qa', 'production'], ['eu'], 'production')).toEqual([
      'dev',
      'qa',
      'production',
    ]);
    expect(environmentChoices([], ['production', 'eu', 'staging', 'production'], 'production')).toEqual([
      'staging',
      'production',
      'eu',
    ]);
    expect(environmentChoices([], [], 'production')).toEqual(['production']);
    expect(environmentChoices([], [], null)).toEqual([]);
  });
});

describe('the list caption', () => {
  it('counts what is shown, and says when the API cap left older change requests out', () => {
    expect(listCaption(1, 1)).toBe('1 change request, newest first');
    expect(listCaption(12, 40)).toBe('12 change requests, newest first');
    expect(listCaption(LIST_LIMIT, LIST_LIMIT)).toBe(
      'The newest 200 change requests, newest first (older ones are not listed)',
    );
    expect(listCaption(30, LIST_LIMIT)).toBe(
      '30 change requests among the newest 200, newest first (older ones are not listed)',
    );
  });
});

describe('the review queue', () => {
  const review = (id: string, status: ReviewRecord['status'], createdAt: string): ReviewRecord => ({
    id,
    prompt: 'p',
    versionNumber: 1,
    stage: 'output',
    guardrail: 'g',
    traceId: 't',
    createdAt,
    payload: {},
    status,
    decidedAt: null,
    decidedBy: null,
    note: null,
  });

  it('puts pending requests first, newest first within each', () => {
    const ordered = queueOrder([
      review('a', 'approved', '2026-01-05T00:00:00Z'),
      review('b', 'pending', '2026-01-01T00:00:00Z'),
      review('c', 'pending', '2026-01-03T00:00:00Z'),
      review('d', 'rejected', '2026-01-04T00:00:00Z'),
    ]);
    expect(ordered.map((r) => r.id)).toEqual(['c', 'b', 'a', 'd']);
  });

  it("reads the held input and output from the pipeline's payload, text when there is no parsed output", () => {
    expect(
      heldPayload({
        request: { input: { q: 'hi' }, environment: 'production' },
        output: { a: 1 },
        text: '{"a":1}',
      }),
    ).toEqual({ input: { q: 'hi' }, output: { a: 1 }, environment: 'production' });
    expect(heldPayload({ request: { input: 'x' }, text: 'raw answer' })).toEqual({
      input: 'x',
      output: 'raw answer',
      environment: null,
    });
    expect(heldPayload({})).toEqual({ input: undefined, output: undefined, environment: null });
  });
});
