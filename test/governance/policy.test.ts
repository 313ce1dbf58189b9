import { describe, expect, it } from 'vitest';
import type { RiskTier } from '../../src/catalog/spec.js';
import {
  type Approval,
  type ApprovalPolicy,
  CHECK_NAMES,
  type CheckRecord,
  type CheckStatus,
  CONTROL_PLANE,
  DEFAULT_APPROVAL_POLICY,
  evaluateGate,
  type GateInput,
} from '../../src/governance/policy.js';

const AUTHOR = 'ada';
const HASH = 'a'.repeat(64);

function at(minute: number): string {
  return new Date(Date.UTC(2025, 2, 1, 9, minute)).toISOString();
}

function check(name: string, status: CheckStatus, minute = 0, versionHash = HASH): CheckRecord {
  return { name, status, summary: status, details: null, versionHash, actor: 'ci', at: at(minute) };
}

function approval(reviewer: string, decision: Approval['decision'], minute: number): Approval {
  return { reviewer, decision, comment: decision === 'approve' ? null : 'x', at: at(minute) };
}

const green = CHECK_NAMES.map((name) => check(name, 'pass'));

function gate(level: RiskTier, patch: Partial<GateInput> = {}) {
  return evaluateGate({
    number: 7,
    authors: [AUTHOR],
    versionHash: HASH,
    risk: { score: 0, scoreLevel: level, tier: level, level, factors: [] },
    checks: green,
    approvals: [],
    overrides: [],
    policy: DEFAULT_APPROVAL_POLICY,
    ...patch,
  });
}

describe('DEFAULT_APPROVAL_POLICY', () => {
  it('asks for more approvals as risk rises, and green checks at critical', () => {
    expect(DEFAULT_APPROVAL_POLICY.approvals).toEqual({
      low: { required: 0, greenChecks: false },
      medium: { required: 1, greenChecks: false },
      high: { required: 2, greenChecks: false },
      critical: { required: 2, greenChecks: true },
    });
    expect(DEFAULT_APPROVAL_POLICY.requiredChecks).toEqual(['lint', 'tests', 'guardrails', 'regression']);
  });
});

describe('evaluateGate', () => {
  it('low risk with every check green is ready without approvals', () => {
    expect(gate('low')).toEqual({
      level: 'low',
      rule: DEFAULT_APPROVAL_POLICY.approvals.low,
      approvedBy: [],
      changesRequestedBy: [],
      checks: { lint: 'pass', tests: 'pass', guardrails: 'pass', regression: 'pass' },
      blockers: [],
      ready: true,
    });
  });

  it.each([
    ['medium', 1],
    ['high', 2],
    ['critical', 2],
  ] as const)('%s risk needs %i approval(s)', (level, n) => {
    const short = gate(level, { approvals: [approval('r0', 'approve', 1)].slice(0, n - 1) });
    expect(short.ready).toBe(false);
    expect(short.blockers).toEqual([
      `${level} risk needs ${n} approval(s) from someone other than the author; it has ${n - 1}`,
    ]);
    const enough = gate(level, {
      approvals: Array.from({ length: n }, (_, i) => approval(`r${i}`, 'approve', i)),
    });
    expect(enough.ready).toBe(true);
  });

  it("the author's own approval never counts", () => {
    const result = gate('medium', { approvals: [approval(AUTHOR, 'approve', 1)] });
    expect(result.approvedBy).toEqual([]);
    expect(result.ready).toBe(false);
  });

  it('no author of the change counts as an approver: whoever pushed a version in it, not only the opener', () => {
    const result = gate('medium', {
      authors: ['opener', 'pusher'],
      approvals: [approval('pusher', 'approve', 1), approval('opener', 'approve', 2)],
    });
    expect(result.approvedBy).toEqual([]);
    expect(result.ready).toBe(false);
  });

  it('check runs recorded by an author of the change never count, even with no checkers configured', () => {
    const byPusher = CHECK_NAMES.map((name) => ({ ...check(name, 'pass'), actor: 'pusher' }));
    const result = gate('low', { authors: ['opener', 'pusher'], checks: byPusher });
    expect(Object.values(result.checks)).toEqual(['missing', 'missing', 'missing', 'missing']);
    expect(result.ready).toBe(false);
  });

  it("each reviewer's latest decision counts, whatever order the reviews come in", () => {
    const reviews = [
      approval('rita', 'approve', 5),
      approval('rita', 'request_changes', 2),
      approval('ravi', 'approve', 1),
    ];
    const result = gate('medium', { approvals: reviews });
    expect(result.approvedBy).toEqual(['ravi', 'rita']);
    expect(result.changesRequestedBy).toEqual([]);
    expect(result.ready).toBe(true);

    const reversed = gate('medium', {
      approvals: [
        approval('rita', 'approve', 2),
        approval('rita', 'request_changes', 5),
        approval('ravi', 'approve', 1),
      ],
    });
    expect(reversed.approvedBy).toEqual(['ravi']);
    expect(reversed.changesRequestedBy).toEqual(['rita']);
    expect(reversed.blockers).toEqual(['changes requested by rita']);
  });

  it('comments are neither approvals nor do they replace a decision', () => {
    expect(gate('medium', { approvals: [approval('rita', 'comment', 1)] }).approvedBy).toEqual([]);
    const result = gate('medium', {
      approvals: [approval('rita', 'approve', 1), approval('rita', 'comment', 2)],
    });
    expect(result.approvedBy).toEqual(['rita']);
    expect(result.ready).toBe(true);
  });

  it('a request for changes blocks even with enough approvals', () => {
    const result = gate('low', {
      approvals: [approval('rita', 'approve', 1), approval('ravi', 'request_changes', 2)],
    });
    expect(result.blockers).toEqual(['changes requested by ravi']);
    expect(result.ready).toBe(false);
  });

  describe('fromGroup', () => {
    const policy: ApprovalPolicy = {
      ...DEFAULT_APPROVAL_POLICY,
      approvals: {
        ...DEFAULT_APPROVAL_POLICY.approvals,
        medium: { required: 1, fromGroup: 'leads', greenChecks: false },
      },
      groups: { leads: ['lena', 'leo'] },
    };

    it('needs one approval from a member of the group', () => {
      const outsider = gate('medium', { policy, approvals: [approval('rita', 'approve', 1)] });
      expect(outsider.blockers).toEqual(['medium risk needs an approval from group "leads"']);
      expect(gate('medium', { policy, approvals: [approval('leo', 'approve', 1)] }).ready).toBe(true);
    });

    it('a group member who is the author does not count', () => {
      const result = evaluateGate({
        number: 7,
        authors: ['lena'],
        versionHash: HASH,
        risk: { score: 20, scoreLevel: 'medium', tier: 'low', level: 'medium', factors: [] },
        checks: green,
        approvals: [approval('lena', 'approve', 1), approval('rita', 'approve', 2)],
        overrides: [],
        policy,
      });
      expect(result.blockers).toEqual(['medium risk needs an approval from group "leads"']);
    });

    it('a group the policy does not define has no members, so it always blocks', () => {
      const undefinedGroup = { ...policy, groups: {} };
      expect(
        gate('medium', { policy: undefinedGroup, approvals: [approval('lena', 'approve', 1)] }).ready,
      ).toBe(false);
    });

    it('is ignored when the level requires no approvals', () => {
      const zero: ApprovalPolicy = {
        ...policy,
        approvals: { ...policy.approvals, low: { required: 0, fromGroup: 'leads', greenChecks: false } },
      };
      expect(gate('low', { policy: zero }).ready).toBe(true);
    });
  });

  describe('checks', () => {
    it('a check that never ran is missing and blocks', () => {
      const result = gate('low', { checks: green.filter((c) => c.name !== 'tests') });
      expect(result.checks.tests).toBe('missing');
      expect(result.blockers).toEqual(['check "tests" has not run on this version']);
    });

    it('a run on another version does not count', () => {
      const result = gate('low', {
        checks: [...green.filter((c) => c.name !== 'lint'), check('lint', 'pass', 3, 'b'.repeat(64))],
      });
      expect(result.checks.lint).toBe('missing');
    });

    it("each check's latest run counts, whatever order the runs come in", () => {
      const failedLater = gate('low', { checks: [...green, check('lint', 'fail', 5)].reverse() });
      expect(failedLater.checks.lint).toBe('fail');
      const fixedLater = gate('low', {
        checks: [check('lint', 'pass', 9), ...green.slice(1), check('lint', 'fail', 5)],
      });
      expect(fixedLater.checks.lint).toBe('pass');
      expect(fixedLater.ready).toBe(true);
    });

    it('skipped counts as green', () => {
      const result = gate('low', { checks: [...green, check('tests', 'skipped', 1)] });
      expect(result.checks.tests).toBe('skipped');
      expect(result.ready).toBe(true);
    });

    it.each(['fail', 'error'] as const)(
      'a %s blocks until overridden (when the level allows overrides)',
      (status) => {
        const checks = [...green, check('guardrails', status, 1)];
        const blocked = gate('high', {
          checks,
          approvals: [approval('a', 'approve', 1), approval('b', 'approve', 1)],
        });
        expect(blocked.checks.guardrails).toBe(status);
        expect(blocked.blockers).toEqual([
          `check "guardrails" is ${status}: fix it, or an admin may override it with a justification`,
        ]);
        const overridden = gate('high', {
          checks,
          approvals: [approval('a', 'approve', 1), approval('b', 'approve', 1)],
          overrides: [
            { check: 'guardrails', actor: 'root', justification: 'known false positive', at: at(2) },
          ],
        });
        expect(overridden.checks.guardrails).toBe('overridden');
        expect(overridden.ready).toBe(true);
      },
    );

    it('an override of a green check changes nothing, and an override of another check does not help', () => {
      const overrides = [{ check: 'lint', actor: 'root', justification: 'x', at: at(1) }];
      expect(gate('low', { overrides }).checks.lint).toBe('pass');
      const result = gate('low', { checks: [...green, check('tests', 'fail', 1)], overrides });
      expect(result.checks.tests).toBe('fail');
      expect(result.ready).toBe(false);
    });

    it('greenChecks ignores overrides', () => {
      const result = gate('critical', {
        checks: [...green, check('tests', 'fail', 1)],
        approvals: [approval('a', 'approve', 1), approval('b', 'approve', 1)],
        overrides: [{ check: 'tests', actor: 'root', justification: 'x', at: at(2) }],
      });
      expect(result.checks.tests).toBe('fail');
      expect(result.blockers).toEqual([
        'check "tests" is fail; critical risk needs every check green (no override)',
      ]);
    });

    it('only the required checks are gated', () => {
      const policy: ApprovalPolicy = { ...DEFAULT_APPROVAL_POLICY, requiredChecks: ['lint'] };
      const result = gate('low', { policy, checks: [check('lint', 'pass'), check('regression', 'fail')] });
      expect(result.checks).toEqual({ lint: 'pass' });
      expect(result.ready).toBe(true);
      expect(gate('low', { policy: { ...policy, requiredChecks: [] }, checks: [] }).ready).toBe(true);
    });
  });

  it('lists every blocker at once', () => {
    const result = gate('high', {
      checks: [check('lint', 'fail')],
      approvals: [approval('rita', 'request_changes', 1)],
    });
    expect(result.blockers).toEqual([
      'changes requested by rita',
      'high risk needs 2 approval(s) from someone other than the author; it has 0',
      'check "lint" is fail: fix it, or an admin may override it with a justification',
      'check "tests" has not run on this version',
      'check "guardrails" has not run on this version',
      'check "regression" has not run on this version',
    ]);
    expect(result.ready).toBe(false);
  });
});

describe('trusted checkers', () => {
  const policy: ApprovalPolicy = { ...DEFAULT_APPROVAL_POLICY, checkers: ['ci@acme.example'] };

  it('counts only check runs recorded by a trusted checker: an author cannot green their own change', () => {
    const byAuthor = CHECK_NAMES.map((name) => ({ ...check(name, 'pass'), actor: AUTHOR }));
    const result = gate('low', { policy, checks: byAuthor });
    expect(result.ready).toBe(false);
    expect(result.checks).toEqual({
      lint: 'missing',
      tests: 'missing',
      guardrails: 'missing',
      regression: 'missing',
    });
    expect(result.blockers[0]).toBe('check "lint" has not run on this version (as ci@acme.example)');
  });

  it('is ready once the trusted checker has run them', () => {
    const byCi = CHECK_NAMES.map((name) => ({ ...check(name, 'pass'), actor: 'ci@acme.example' }));
    expect(gate('low', { policy, checks: byCi }).ready).toBe(true);
  });

  it('a red run by someone else does not mask the trusted green one, whatever the order', () => {
    const runs = [
      ...CHECK_NAMES.map((name) => ({ ...check(name, 'pass', 1), actor: 'ci@acme.example' })),
      { ...check('tests', 'fail', 2), actor: AUTHOR },
    ];
    expect(gate('low', { policy, checks: runs }).checks.tests).toBe('pass');
  });
});

describe('checks required from the control plane (policy.checksBy: control-plane)', () => {
  const policy: ApprovalPolicy = {
    ...DEFAULT_APPROVAL_POLICY,
    checkers: ['ci@acme.example'],
    checksBy: 'control-plane',
  };
  const by = (actor: string, status: CheckStatus = 'pass', minute = 0) =>
    CHECK_NAMES.map((name) => ({ ...check(name, status, minute), actor }));

  it('counts checks recorded by anyone allowed to record them by default', () => {
    expect(DEFAULT_APPROVAL_POLICY.checksBy).toBe('anyone-allowed');
    expect(gate('low', { checks: by('ci@acme.example') }).ready).toBe(true);
    expect(gate('low', { checks: by(CONTROL_PLANE) }).ready).toBe(true);
  });

  it('does not count green checks a ci token recorded, even a trusted checker, and says why', () => {
    const result = gate('low', { policy, checks: by('ci@acme.example') });
    expect(result.ready).toBe(false);
    expect(Object.values(result.checks)).toEqual(['missing', 'missing', 'missing', 'missing']);
    expect(result.blockers[0]).toBe(
      'check "lint" has not run on the control plane (policy.checksBy: control-plane); the run(s) recorded by ci@acme.example do not count: ask the server to run the checks with "promptops change check 7 --on-server"',
    );
  });

  it('says only that the control plane has not run a check when nobody has', () => {
    const result = gate('low', { policy, checks: [] });
    expect(result.blockers[0]).toBe(
      'check "lint" has not run on the control plane (policy.checksBy: control-plane): ask the server to run the checks with "promptops change check 7 --on-server"',
    );
  });

  it('counts the control plane’s runs, and a later run by someone else does not replace them', () => {
    const runs = [...by(CONTROL_PLANE, 'pass', 1), ...by('ci@acme.example', 'fail', 2)];
    const result = gate('low', { policy, checks: runs });
    expect(result.checks).toEqual({ lint: 'pass', tests: 'pass', guardrails: 'pass', regression: 'pass' });
    expect(result.ready).toBe(true);
  });

  it('still blocks on a red check the control plane recorded', () => {
    const result = gate('low', { policy, checks: by(CONTROL_PLANE, 'fail') });
    expect(result.ready).toBe(false);
    expect(result.checks.tests).toBe('fail');
  });
});
