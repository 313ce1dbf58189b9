import type { RiskTier } from '../catalog/spec.js';
import type { RiskAssessment } from './risk.js';

/** The automated checks a change request carries. */
export const CHECK_NAMES = ['lint', 'tests', 'guardrails', 'regression'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
export type CheckStatus = 'pass' | 'fail' | 'error' | 'skipped';

/**
 * The subject the control plane records the checks it runs itself as (`POST …/checks/run`). It is
 * reserved: no token is issued for it and no role is granted to it, so only the server acts as it.
 */
export const CONTROL_PLANE = 'control-plane';

/** Whose check runs count: anyone allowed to record them (today's default), or only the control plane. */
export const CHECKS_BY = ['anyone-allowed', 'control-plane'] as const;
export type ChecksBy = (typeof CHECKS_BY)[number];

/** What a risk level requires before release. */
export interface ApprovalRule {
  /** Approvals from people other than the author. */
  required: number;
  /** At least one approval must come from this group (`policy.groups`). */
  fromGroup?: string;
  /** Every required check must be green; an admin override does not count. */
  greenChecks: boolean;
}

export interface ApprovalPolicy {
  approvals: Record<RiskTier, ApprovalRule>;
  groups: Record<string, string[]>;
  requiredChecks: CheckName[];
  /**
   * Subjects whose check runs count (a CI service account, say); empty: anyone allowed to record
   * checks. Runs recorded by an author of the change never count, whatever this says.
   */
  checkers: string[];
  /**
   * `control-plane`: only the checks the control plane ran itself count (`checkers` is then not
   * consulted), so a team can require results no author or CI machine produced.
   */
  checksBy: ChecksBy;
}

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  approvals: {
    low: { required: 0, greenChecks: false },
    medium: { required: 1, greenChecks: false },
    high: { required: 2, greenChecks: false },
    critical: { required: 2, greenChecks: true },
  },
  groups: {},
  requiredChecks: [...CHECK_NAMES],
  checkers: [],
  checksBy: 'anyone-allowed',
};

export interface CheckRecord {
  name: string;
  status: CheckStatus;
  summary: string;
  details: unknown;
  versionHash: string;
  actor: string;
  at: string;
}

export interface Approval {
  reviewer: string;
  decision: 'approve' | 'request_changes' | 'comment';
  comment: string | null;
  at: string;
}

/** An admin's recorded decision to accept a red check. */
export interface CheckOverride {
  check: string;
  actor: string;
  justification: string;
  at: string;
}

export interface GateInput {
  /** The change request's number, for the commands the blockers suggest. */
  number: number;
  /**
   * Everyone who authored the change: whoever opened the request and whoever pushed the proposed
   * version or any version between the base and it. None of them may approve it or check it.
   */
  authors: readonly string[];
  versionHash: string;
  risk: RiskAssessment;
  checks: readonly CheckRecord[];
  approvals: readonly Approval[];
  overrides: readonly CheckOverride[];
  policy: ApprovalPolicy;
}

export type GateCheckState = CheckStatus | 'missing' | 'overridden';

/** Whether a change request may be released, and everything that stands in the way. */
export interface GateResult {
  level: RiskTier;
  rule: ApprovalRule;
  approvedBy: string[];
  changesRequestedBy: string[];
  checks: Record<string, GateCheckState>;
  blockers: string[];
  ready: boolean;
}

/** The latest record per key, in input order of time. */
function latestBy<T extends { at: string }>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of [...items].sort((a, b) => a.at.localeCompare(b.at))) out.set(key(item), item);
  return out;
}

/**
 * Applies the policy: each reviewer's latest decision counts (an author's never does); each
 * check's latest run for this exact version counts, unless an author recorded it; a red check
 * blocks unless an admin overrode it and the level allows overrides.
 */
export function evaluateGate(input: GateInput): GateResult {
  const { policy, risk } = input;
  const authors = new Set(input.authors);
  const rule = policy.approvals[risk.level];
  const blockers: string[] = [];

  const decisions = latestBy(
    input.approvals.filter((r) => r.decision !== 'comment'),
    (r) => r.reviewer,
  );
  const approvedBy: string[] = [];
  const changesRequestedBy: string[] = [];
  for (const [reviewer, review] of decisions) {
    if (authors.has(reviewer)) continue;
    if (review.decision === 'approve') approvedBy.push(reviewer);
    else changesRequestedBy.push(reviewer);
  }
  approvedBy.sort();
  changesRequestedBy.sort();
  if (changesRequestedBy.length > 0) blockers.push(`changes requested by ${changesRequestedBy.join(', ')}`);
  if (approvedBy.length < rule.required) {
    blockers.push(
      `${risk.level} risk needs ${rule.required} approval(s) from someone other than the author; it has ${approvedBy.length}`,
    );
  }
  if (rule.fromGroup && rule.required > 0) {
    const members = new Set(policy.groups[rule.fromGroup] ?? []);
    if (!approvedBy.some((who) => members.has(who)))
      blockers.push(`${risk.level} risk needs an approval from group "${rule.fromGroup}"`);
  }

  const runs = latestBy(
    input.checks.filter(
      (c) => c.versionHash === input.versionHash && !authors.has(c.actor) && countsAsChecker(policy, c.actor),
    ),
    (c) => c.name,
  );
  const overridden = new Set(input.overrides.map((o) => o.check));
  const checks: Record<string, GateCheckState> = {};
  for (const name of policy.requiredChecks) {
    const run = runs.get(name);
    if (!run) {
      checks[name] = 'missing';
      blockers.push(missingCheck(name, policy, input));
    } else if (run.status === 'pass' || run.status === 'skipped') {
      checks[name] = run.status;
    } else if (overridden.has(name) && !rule.greenChecks) {
      checks[name] = 'overridden';
    } else {
      checks[name] = run.status;
      blockers.push(
        rule.greenChecks
          ? `check "${name}" is ${run.status}; ${risk.level} risk needs every check green (no override)`
          : `check "${name}" is ${run.status}: fix it, or an admin may override it with a justification`,
      );
    }
  }
  return {
    level: risk.level,
    rule,
    approvedBy,
    changesRequestedBy,
    checks,
    blockers,
    ready: blockers.length === 0,
  };
}

/** Whether a check run recorded by `actor` may count under the policy (authors aside). */
function countsAsChecker(policy: ApprovalPolicy, actor: string): boolean {
  if (policy.checksBy === 'control-plane') return actor === CONTROL_PLANE;
  return policy.checkers.length === 0 || policy.checkers.includes(actor);
}

/** Why a required check is missing: never run on this version, or run only by someone who does not count. */
function missingCheck(name: string, policy: ApprovalPolicy, input: GateInput): string {
  if (policy.checksBy === 'control-plane') {
    const others = [
      ...new Set(
        input.checks
          .filter((c) => c.name === name && c.versionHash === input.versionHash)
          .map((c) => c.actor),
      ),
    ];
    return `check "${name}" has not run on the control plane (policy.checksBy: control-plane)${others.length > 0 ? `; the run(s) recorded by ${others.join(', ')} do not count` : ''}: ask the server to run the checks with "promptops change check ${input.number} --on-server"`;
  }
  return `check "${name}" has not run on this version${policy.checkers.length > 0 ? ` (as ${policy.checkers.join(' or ')})` : ''}`;
}
