import { describe, expect, it } from 'vitest';
import {
  type ChangeRequestState,
  changeAuthors,
  changeRange,
  nextRecordAt,
  type OpenState,
  planApproval,
  planCheck,
  planClose,
  planOpen,
  planOverride,
  requireGate,
  requireJustification,
  rescoreRisk,
} from '../../src/governance/change-request.js';
import { type CheckRecord, DEFAULT_APPROVAL_POLICY, type GateResult } from '../../src/governance/policy.js';
import { assessRisk, type RiskAssessment } from '../../src/governance/risk.js';
import { spec, thrown } from './specs.js';

const AT = '2025-03-01T09:00:00.000Z';
const HASH = 'c'.repeat(64);

function risk(level: RiskAssessment['level']): RiskAssessment {
  return { score: 0, scoreLevel: level, tier: level, level, factors: [] };
}

function cr(patch: Partial<ChangeRequestState> = {}): ChangeRequestState & { risk: RiskAssessment } {
  return {
    number: 7,
    prompt: 'summarize',
    version: 3,
    versionHash: HASH,
    author: 'ada',
    status: 'open',
    risk: risk('medium'),
    ...patch,
  };
}

function run(name: string, status: CheckRecord['status'], at = AT, versionHash = HASH): CheckRecord {
  return { name, status, summary: status, details: null, versionHash, actor: 'ci', at };
}

describe('planOpen', () => {
  const base = { number: 2, hash: 'b'.repeat(64), spec: spec() };
  const state = (patch: Partial<OpenState> = {}): OpenState => ({
    candidate: {
      number: 3,
      hash: HASH,
      spec: spec({ template: 'Summarize {{text}} briefly.' }),
      archived: false,
      message: 'shorter',
    },
    duplicate: null,
    baseLabel: 'production',
    base,
    lastNumber: 6,
    ...patch,
  });

  it('numbers the request after the last one, judges it against production and audits it', () => {
    const opened = planOpen({ prompt: 'summarize' }, state(), 'ada', AT);
    expect(opened).toMatchObject({
      number: 7,
      version: 3,
      versionHash: HASH,
      base: 2,
      baseLabel: 'production',
      title: 'summarize@3: shorter',
      description: null,
      author: 'ada',
      at: AT,
    });
    expect(opened.risk).toEqual(assessRisk({ base: base.spec, candidate: state().candidate.spec }));
    expect(opened.audit).toEqual({
      actor: 'ada',
      action: 'cr.open',
      target: 'cr#7',
      before: { version: 2 },
      after: {
        prompt: 'summarize',
        version: 3,
        hash: HASH,
        risk: opened.risk.score,
        level: opened.risk.level,
      },
      at: AT,
    });
  });

  it('keeps a given title and has no base for a first release', () => {
    const opened = planOpen({ prompt: 'summarize', title: '  Shorter  ' }, state({ base: null }), 'ada', AT);
    expect(opened.title).toBe('Shorter');
    expect(opened.base).toBeNull();
    expect(opened.audit.before).toBeNull();
  });

  it('refuses an archived version', () => {
    const candidate = { ...state().candidate, archived: true };
    const err = thrown(() => planOpen({ prompt: 'summarize' }, state({ candidate }), 'ada', AT));
    expect(err.code).toBe('PO_ERR_VERSION_ARCHIVED');
    expect(err.message).toBe('summarize@3 is archived; propose a live version');
  });

  it('refuses a second open request for the same version, naming the first', () => {
    const err = thrown(() => planOpen({ prompt: 'summarize' }, state({ duplicate: 4 }), 'ada', AT));
    expect(err.code).toBe('PO_ERR_CR_EXISTS');
    expect(err.message).toContain('change request #4 already proposes summarize@3');
  });

  it('refuses to propose what production already serves', () => {
    const err = thrown(() =>
      planOpen({ prompt: 'summarize' }, state({ base: { ...base, hash: HASH } }), 'ada', AT),
    );
    expect(err.code).toBe('PO_ERR_CR_NOTHING_TO_CHANGE');
    expect(err.details).toEqual({ prompt: 'summarize', number: 3, label: 'production' });
  });
});

describe('changeRange and changeAuthors', () => {
  it('is the versions after the base up to the candidate', () => {
    expect(changeRange(2, 5)).toEqual({ from: 3, to: 5 });
  });
  it('is the whole history for a first release', () => {
    expect(changeRange(null, 4)).toEqual({ from: 1, to: 4 });
  });
  it('is the candidate alone for a return to an older version', () => {
    expect(changeRange(5, 2)).toEqual({ from: 2, to: 2 });
  });
  it('lists the opener and the pushers once each, sorted', () => {
    expect(changeAuthors('cy', ['bo', 'ada', 'bo', 'cy'])).toEqual(['ada', 'bo', 'cy']);
  });
});

describe('planCheck', () => {
  const pass = { name: 'lint' as const, status: 'pass' as const, versionHash: HASH };

  it('records a check run by someone outside the change and audits it', () => {
    expect(planCheck(cr(), ['ada'], pass, 'ci', AT)).toEqual({
      rescore: false,
      audit: {
        actor: 'ci',
        action: 'cr.check',
        target: 'cr#7',
        before: null,
        after: { check: 'lint', status: 'pass' },
        at: AT,
      },
    });
  });

  it('rescores the risk on the tests and regression checks', () => {
    expect(planCheck(cr(), ['ada'], { ...pass, name: 'tests' }, 'ci', AT).rescore).toBe(true);
    expect(planCheck(cr(), ['ada'], { ...pass, name: 'regression' }, 'ci', AT).rescore).toBe(true);
  });

  it('refuses an unknown check', () => {
    const err = thrown(() => planCheck(cr(), ['ada'], { ...pass, name: 'vibes' as 'lint' }, 'ci', AT));
    expect(err.code).toBe('PO_ERR_USAGE');
    expect(err.message).toBe('unknown check "vibes"; checks are lint, tests, guardrails, regression');
  });

  it('refuses a closed or released request', () => {
    for (const status of ['closed', 'released'] as const) {
      const err = thrown(() => planCheck(cr({ status }), ['ada'], pass, 'ci', AT));
      expect(err.code).toBe('PO_ERR_CR_CLOSED');
      expect(err.message).toBe(`change request #7 is ${status}; open a new one to change it`);
    }
  });

  it('refuses checks recorded by the opener or by a pusher of the change', () => {
    const opener = thrown(() => planCheck(cr(), ['ada', 'bo'], pass, 'ada', AT));
    expect(opener.code).toBe('PO_ERR_SELF_CHECK');
    expect(opener.message).toMatch(/^ada opened change request #7 and cannot record its checks/);
    const pusher = thrown(() => planCheck(cr(), ['ada', 'bo'], pass, 'bo', AT));
    expect(pusher.message).toMatch(/^bo pushed a version in change request #7/);
  });

  it('refuses a run on another version than the proposed one', () => {
    const err = thrown(() => planCheck(cr(), ['ada'], { ...pass, versionHash: 'd'.repeat(64) }, 'ci', AT));
    expect(err.code).toBe('PO_ERR_CHECK_STALE');
    expect(err.details).toEqual({ number: 7, expected: HASH, got: 'd'.repeat(64) });
  });
});

describe('planApproval', () => {
  it('records an approval by another reviewer', () => {
    expect(planApproval(cr(), ['ada'], { decision: 'approve' }, 'bo', AT)).toEqual({
      actor: 'bo',
      action: 'cr.approve',
      target: 'cr#7',
      before: null,
      after: { comment: null },
      at: AT,
    });
  });

  it('lets an author comment but not approve or request changes', () => {
    expect(planApproval(cr(), ['ada'], { decision: 'comment', comment: 'fyi' }, 'ada', AT).action).toBe(
      'cr.comment',
    );
    const approve = thrown(() => planApproval(cr(), ['ada'], { decision: 'approve' }, 'ada', AT));
    expect(approve.code).toBe('PO_ERR_SELF_APPROVAL');
    expect(approve.message).toBe('ada opened change request #7 and cannot approve it; ask another reviewer');
    const changes = thrown(() =>
      planApproval(cr(), ['ada'], { decision: 'request_changes', comment: 'x' }, 'ada', AT),
    );
    expect(changes.message).toContain('cannot review it');
  });

  it('asks for a comment when requesting changes', () => {
    const err = thrown(() =>
      planApproval(cr(), ['ada'], { decision: 'request_changes', comment: '  ' }, 'bo', AT),
    );
    expect(err.code).toBe('PO_ERR_USAGE');
    expect(err.message).toBe('requesting changes needs a comment saying what to change');
  });

  it('refuses a review of a closed request', () => {
    expect(
      thrown(() => planApproval(cr({ status: 'closed' }), [], { decision: 'approve' }, 'bo', AT)).code,
    ).toBe('PO_ERR_CR_CLOSED');
  });
});

describe('planOverride', () => {
  const input = { check: 'tests' as const, justification: 'flaky upstream fixture, tracked' };

  it('records a justified override of a failed check as a policy exception', () => {
    expect(planOverride(cr(), [run('tests', 'fail')], DEFAULT_APPROVAL_POLICY, input, 'root', AT)).toEqual({
      kind: 'check-override',
      target: 'cr#7:tests',
      actor: 'root',
      justification: 'flaky upstream fixture, tracked',
      details: { check: 'tests' },
      at: AT,
    });
  });

  it('needs a justification of at least 10 characters', () => {
    const err = thrown(() =>
      planOverride(
        cr(),
        [run('tests', 'fail')],
        DEFAULT_APPROVAL_POLICY,
        { ...input, justification: ' short ' },
        'root',
        AT,
      ),
    );
    expect(err.code).toBe('PO_ERR_USAGE');
    expect(err.message).toBe('overriding a check needs a written justification (at least 10 characters)');
  });

  it('allows no override where the level requires every check green', () => {
    const err = thrown(() =>
      planOverride(
        { ...cr(), risk: risk('critical') },
        [run('tests', 'fail')],
        DEFAULT_APPROVAL_POLICY,
        input,
        'root',
        AT,
      ),
    );
    expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
    expect(err.message).toBe(
      'change request #7 is critical risk: the policy requires every check green and allows no override',
    );
  });

  it('only overrides a check whose latest run on this version failed or errored', () => {
    const passed = [run('tests', 'fail', '2025-03-01T08:00:00.000Z'), run('tests', 'pass')];
    expect(thrown(() => planOverride(cr(), passed, DEFAULT_APPROVAL_POLICY, input, 'root', AT)).message).toBe(
      'check "tests" of change request #7 is pass; only a failed or errored check can be overridden',
    );
    const otherVersion = [run('tests', 'fail', AT, 'e'.repeat(64))];
    expect(
      thrown(() => planOverride(cr(), otherVersion, DEFAULT_APPROVAL_POLICY, input, 'root', AT)).message,
    ).toContain('is not run;');
    expect(planOverride(cr(), [run('tests', 'error')], DEFAULT_APPROVAL_POLICY, input, 'root', AT).kind).toBe(
      'check-override',
    );
  });
});

describe('planClose', () => {
  it('closes an open request and audits the transition', () => {
    expect(planClose(cr(), 'ada', AT)).toEqual({
      actor: 'ada',
      action: 'cr.close',
      target: 'cr#7',
      before: { status: 'open' },
      after: { status: 'closed' },
      at: AT,
    });
  });
  it('refuses to close twice', () => {
    expect(thrown(() => planClose(cr({ status: 'closed' }), 'ada', AT)).code).toBe('PO_ERR_CR_CLOSED');
  });
});

describe('requireGate and requireJustification', () => {
  const gate = (blockers: string[]): GateResult => ({
    level: 'medium',
    rule: DEFAULT_APPROVAL_POLICY.approvals.medium,
    approvedBy: [],
    changesRequestedBy: [],
    checks: {},
    blockers,
    ready: blockers.length === 0,
  });
  it('lets a ready gate through and lists what blocks one that is not', () => {
    expect(() => requireGate({ number: 7, gate: gate([]) })).not.toThrow();
    const err = thrown(() => requireGate({ number: 7, gate: gate(['a', 'b']) }));
    expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
    expect(err.message).toBe('change request #7 cannot be released yet: a; b');
    expect(err.details).toEqual({ number: 7, blockers: ['a', 'b'], level: 'medium' });
  });
  it('trims a justification', () => {
    expect(requireJustification('  long enough reason ', 'x')).toBe('long enough reason');
  });
});

describe('nextRecordAt', () => {
  it('is now when the latest record is older', () => {
    expect(nextRecordAt(new Date(AT), '2025-03-01T08:59:59.000Z')).toBe(AT);
    expect(nextRecordAt(new Date(AT), null)).toBe(AT);
  });
  it('is one millisecond after a record at the same time or later, so none tie', () => {
    expect(nextRecordAt(new Date(AT), AT)).toBe('2025-03-01T09:00:00.001Z');
    expect(nextRecordAt(new Date(AT), '2025-03-01T09:00:05.000Z')).toBe('2025-03-01T09:00:05.001Z');
  });
});

describe('rescoreRisk', () => {
  const candidate = spec({ template: 'Summarize {{text}} briefly.' });
  const base = spec();
  const regression = (status: CheckRecord['status'], at: string, details: unknown): CheckRecord => ({
    ...run('regression', status, at),
    details,
  });

  it('adds the latest regression run on this version and a skipped tests check', () => {
    const checks = [
      regression('fail', '2025-03-01T08:00:00.000Z', { passRateDelta: -0.5, regressed: 4 }),
      regression('fail', AT, { passRateDelta: -0.2, regressed: 1 }),
      run('tests', 'skipped'),
    ];
    expect(rescoreRisk({ base, candidate, versionHash: HASH, checks })).toEqual(
      assessRisk({ base, candidate, evalDelta: { passRateDelta: -0.2, regressed: 1 }, untested: true }),
    );
  });

  it('ignores a skipped regression run and runs on other versions', () => {
    const checks = [
      regression('skipped', AT, { passRateDelta: -0.5, regressed: 4 }),
      { ...regression('fail', AT, { passRateDelta: -0.9, regressed: 9 }), versionHash: 'e'.repeat(64) },
    ];
    expect(rescoreRisk({ base, candidate, versionHash: HASH, checks })).toEqual(
      assessRisk({ base, candidate, evalDelta: null, untested: false }),
    );
  });
});
