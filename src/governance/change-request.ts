import type { PromptSpec } from '../catalog/spec.js';
import { PromptOpsError } from '../errors.js';
import {
  type Approval,
  type ApprovalPolicy,
  CHECK_NAMES,
  type CheckName,
  type CheckRecord,
  type CheckStatus,
  type GateResult,
} from './policy.js';
import { assessRisk, type EvalDelta, type RiskAssessment } from './risk.js';

/*
 * The change request's state machine: open → (check | review | override)* → released or closed.
 * Every function here takes the state it judges and the time as values and returns what to write
 * (or throws the PromptOpsError the user sees); the store loads, calls and commits.
 */

/** What the rules need of a stored change request. */
export interface ChangeRequestState {
  number: number;
  prompt: string;
  /** The proposed version. */
  version: number;
  versionHash: string;
  author: string;
  status: 'open' | 'closed' | 'released';
}

/** One audit entry to append with a write, in the same transaction. */
export interface AuditDraft {
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  at: string;
}

/** A policy exception to record (an admin accepting what a rule refuses), with its audit entry. */
export interface ExceptionDraft {
  kind: string;
  target: string;
  actor: string;
  justification: string;
  details: unknown;
  at: string;
}

/** A version as the rules see it. */
export interface VersionFacts {
  number: number;
  hash: string;
  spec: PromptSpec;
}

/** What opening a change request reads: the proposed version and what production serves. */
export interface OpenState {
  candidate: VersionFacts & { archived: boolean; message: string | null };
  /** The number of an open change request that already proposes the candidate, if any. */
  duplicate: number | null;
  /** The environment a change is judged against (the last environment, production). */
  baseLabel: string;
  base: VersionFacts | null;
  /** The highest change request number of the project so far (0 for none). */
  lastNumber: number;
}

/** A new change request's fields, before the store gives it an id. */
export interface OpenedChangeRequest {
  number: number;
  prompt: string;
  version: number;
  versionHash: string;
  base: number | null;
  baseLabel: string;
  title: string;
  description: string | null;
  author: string;
  risk: RiskAssessment;
  at: string;
  audit: AuditDraft;
}

/** Opens a change request proposing `state.candidate` against what production serves. */
export function planOpen(
  input: { prompt: string; title?: string; description?: string },
  state: OpenState,
  author: string,
  at: string,
): OpenedChangeRequest {
  const { candidate, base, baseLabel } = state;
  const { prompt } = input;
  if (candidate.archived) {
    throw new PromptOpsError(
      'PO_ERR_VERSION_ARCHIVED',
      `${prompt}@${candidate.number} is archived; propose a live version`,
      { prompt, number: candidate.number },
    );
  }
  if (state.duplicate !== null) {
    throw new PromptOpsError(
      'PO_ERR_CR_EXISTS',
      `change request #${state.duplicate} already proposes ${prompt}@${candidate.number}; see it with "promptops change show ${state.duplicate}"`,
      { number: state.duplicate },
    );
  }
  if (base && base.hash === candidate.hash) {
    throw new PromptOpsError(
      'PO_ERR_CR_NOTHING_TO_CHANGE',
      `${prompt}@${candidate.number} is already what "${baseLabel}" serves; push a new version first`,
      { prompt, number: candidate.number, label: baseLabel },
    );
  }
  const risk = assessRisk({ base: base?.spec ?? null, candidate: candidate.spec });
  const number = state.lastNumber + 1;
  return {
    number,
    prompt,
    version: candidate.number,
    versionHash: candidate.hash,
    base: base?.number ?? null,
    baseLabel,
    title:
      input.title?.trim() ||
      `${prompt}@${candidate.number}${candidate.message ? `: ${candidate.message}` : ''}`,
    description: input.description ?? null,
    author,
    risk,
    at,
    audit: {
      actor: author,
      action: 'cr.open',
      target: `cr#${number}`,
      before: base ? { version: base.number } : null,
      after: { prompt, version: candidate.number, hash: candidate.hash, risk: risk.score, level: risk.level },
      at,
    },
  };
}

/**
 * The versions whose pushers authored a change, as an inclusive range of numbers: history is
 * linear (each version's parent is the one numbered before it), so the change is the versions
 * after the base up to the candidate. A first release (no base) carries the whole history; a
 * return to an older version carries that version.
 */
export function changeRange(base: number | null, candidate: number): { from: number; to: number } {
  if (base === null) return { from: 1, to: candidate };
  return base < candidate ? { from: base + 1, to: candidate } : { from: candidate, to: candidate };
}

/** Everyone who authored a change: its opener and the pushers of its versions, sorted, once each. */
export function changeAuthors(opener: string, pushers: readonly string[]): string[] {
  return [...new Set([opener, ...pushers])].sort();
}

/** Refuses any change to a request that is no longer open. */
export function requireOpen(cr: Pick<ChangeRequestState, 'number' | 'status'>): void {
  if (cr.status !== 'open') {
    throw new PromptOpsError(
      'PO_ERR_CR_CLOSED',
      `change request #${cr.number} is ${cr.status}; open a new one to change it`,
      { number: cr.number, status: cr.status },
    );
  }
}

/** Refuses a check name the policy does not know, before anything is read. */
export function requireKnownCheck(name: string): void {
  if (!(CHECK_NAMES as readonly string[]).includes(name)) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `unknown check "${name}"; checks are ${CHECK_NAMES.join(', ')}`,
      {
        check: name,
      },
    );
  }
}

/** A check run as reported (by CI). */
export interface CheckReport {
  name: CheckName;
  status: CheckStatus;
  versionHash: string;
}

/**
 * Records a check run: only on an open request, never by an author of the change, and only for
 * the proposed version. `rescore` says whether the run changes the risk (tests and regression do).
 */
export function planCheck(
  cr: ChangeRequestState,
  authors: readonly string[],
  check: CheckReport,
  actor: string,
  at: string,
): { rescore: boolean; audit: AuditDraft } {
  requireKnownCheck(check.name);
  requireOpen(cr);
  if (authors.includes(actor)) {
    throw new PromptOpsError(
      'PO_ERR_SELF_CHECK',
      `${actor} ${actor === cr.author ? 'opened' : 'pushed a version in'} change request #${cr.number} and cannot record its checks; they come from CI: a token with the ci role against a server, or locally "promptops change check ${cr.number} --author ci@…"`,
      { number: cr.number, actor, check: check.name },
    );
  }
  if (check.versionHash !== cr.versionHash) {
    throw new PromptOpsError(
      'PO_ERR_CHECK_STALE',
      `the ${check.name} check ran on version ${check.versionHash.slice(0, 12)}, but change request #${cr.number} proposes ${cr.prompt}@${cr.version} (${cr.versionHash.slice(0, 12)}); run the checks on that version`,
      { number: cr.number, expected: cr.versionHash, got: check.versionHash },
    );
  }
  return {
    rescore: check.name === 'regression' || check.name === 'tests',
    audit: {
      actor,
      action: 'cr.check',
      target: `cr#${cr.number}`,
      before: null,
      after: { check: check.name, status: check.status },
      at,
    },
  };
}

/** Records a review: an author may comment but not approve or request changes. */
export function planApproval(
  cr: ChangeRequestState,
  authors: readonly string[],
  review: { decision: Approval['decision']; comment?: string },
  actor: string,
  at: string,
): AuditDraft {
  requireOpen(cr);
  if (review.decision !== 'comment' && authors.includes(actor)) {
    throw new PromptOpsError(
      'PO_ERR_SELF_APPROVAL',
      `${actor} ${actor === cr.author ? 'opened' : 'pushed a version in'} change request #${cr.number} and cannot ${review.decision === 'approve' ? 'approve' : 'review'} it; ask another reviewer`,
      { number: cr.number, actor },
    );
  }
  if (review.decision === 'request_changes' && !review.comment?.trim()) {
    throw new PromptOpsError('PO_ERR_USAGE', 'requesting changes needs a comment saying what to change', {
      number: cr.number,
    });
  }
  return {
    actor,
    action: `cr.${review.decision}`,
    target: `cr#${cr.number}`,
    before: null,
    after: { comment: review.comment ?? null },
    at,
  };
}

/**
 * Accepts a red check as a policy exception: only with a justification, only where the risk level
 * allows overrides, and only for a check whose latest run on the proposed version failed.
 */
export function planOverride(
  cr: ChangeRequestState & { risk: RiskAssessment },
  checks: readonly CheckRecord[],
  policy: ApprovalPolicy,
  input: { check: CheckName; justification: string },
  actor: string,
  at: string,
): ExceptionDraft {
  const justification = requireJustification(input.justification, 'overriding a check');
  requireOpen(cr);
  const { level } = cr.risk;
  if (policy.approvals[level].greenChecks) {
    throw new PromptOpsError(
      'PO_ERR_POLICY_BLOCKED',
      `change request #${cr.number} is ${level} risk: the policy requires every check green and allows no override`,
      { number: cr.number, level },
    );
  }
  const red = checks.filter((c) => c.name === input.check && c.versionHash === cr.versionHash).at(-1);
  if (!red || (red.status !== 'fail' && red.status !== 'error')) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `check "${input.check}" of change request #${cr.number} is ${red ? red.status : 'not run'}; only a failed or errored check can be overridden`,
      { number: cr.number, check: input.check, status: red?.status ?? null },
    );
  }
  return {
    kind: 'check-override',
    target: `cr#${cr.number}:${input.check}`,
    actor,
    justification,
    details: { check: input.check },
    at,
  };
}

/** Closes an open change request. */
export function planClose(cr: ChangeRequestState, actor: string, at: string): AuditDraft {
  requireOpen(cr);
  return {
    actor,
    action: 'cr.close',
    target: `cr#${cr.number}`,
    before: { status: cr.status },
    after: { status: 'closed' },
    at,
  };
}

/** Refuses to ship a change request whose gate is not ready, listing what stands in the way. */
export function requireGate(cr: { number: number; gate: GateResult }): void {
  if (!cr.gate.ready) {
    throw new PromptOpsError(
      'PO_ERR_POLICY_BLOCKED',
      `change request #${cr.number} cannot be released yet: ${cr.gate.blockers.join('; ')}`,
      { number: cr.number, blockers: cr.gate.blockers, level: cr.gate.level },
    );
  }
}

/** A justification for an exception: trimmed, at least 10 characters. */
export function requireJustification(text: string | undefined, what: string): string {
  const trimmed = text?.trim() ?? '';
  if (trimmed.length < 10) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `${what} needs a written justification (at least 10 characters)`,
      {},
    );
  }
  return trimmed;
}

/**
 * The time of a new review or check run: now, or one millisecond after the change request's latest
 * one if that is not earlier. "Each reviewer's latest decision" and "each check's latest run" read
 * the order by time, so two records in the same millisecond must not tie.
 */
export function nextRecordAt(now: Date, last: string | null | undefined): string {
  const lastMs = last ? Date.parse(last) : Number.NEGATIVE_INFINITY;
  return new Date(Math.max(now.getTime(), lastMs + 1)).toISOString();
}

/**
 * The risk once the checks add what they measured: the latest regression run's evaluation delta
 * (unless skipped) and whether the tests check was skipped (no test suite).
 */
export function rescoreRisk(input: {
  base: PromptSpec | null;
  candidate: PromptSpec;
  versionHash: string;
  checks: readonly CheckRecord[];
}): RiskAssessment {
  const latest = (name: string) =>
    input.checks
      .filter((c) => c.name === name && c.versionHash === input.versionHash)
      .sort((a, b) => a.at.localeCompare(b.at))
      .at(-1);
  const regression = latest('regression');
  const details =
    regression?.status === 'skipped' ? null : (regression?.details as Partial<EvalDelta> | null | undefined);
  const evalDelta =
    details && typeof details.passRateDelta === 'number'
      ? { passRateDelta: details.passRateDelta, regressed: Number(details.regressed ?? 0) }
      : null;
  return assessRisk({
    base: input.base,
    candidate: input.candidate,
    evalDelta,
    untested: latest('tests')?.status === 'skipped',
  });
}
