import { findBreakingChanges } from '../catalog/diff.js';
import type { PromptSpec } from '../catalog/spec.js';
import { PromptOpsError } from '../errors.js';
import { type ExceptionDraft, requireGate, requireJustification } from './change-request.js';
import type { GateResult } from './policy.js';

/*
 * The release rules: what a release, canary, promotion or rollback does to an environment, or why
 * it may not. Each planner takes the state it judges (read by the store in the transaction that
 * will commit the plan) and returns the plan, or throws the PromptOpsError the user sees.
 */

export type ReleaseKind = 'release' | 'canary' | 'promote' | 'rollback';

/** An environment's active release as the rules see it. */
export interface ActiveRelease {
  prompt: string;
  environment: string;
  version: number;
  versionHash: string;
  canary: { version: number; hash: string; weight: number } | null;
  /** The change request it shipped; null for a rollback. */
  changeRequest: string | null;
}

/** A version an environment serves or may serve. */
export interface ServedVersion {
  number: number;
  hash: string;
}

/** A change request as a release reads it: what it proposes, against what, and its gate. */
export interface ReleasableChange {
  /** The store's id of the change request (releases link to it). */
  id: string;
  number: number;
  status: 'open' | 'closed' | 'released';
  prompt: string;
  version: number;
  versionHash: string;
  base: number | null;
  baseLabel: string | null;
  gate: GateResult;
}

/** The new active release of an environment. */
export interface ReleaseDraft {
  prompt: string;
  environment: string;
  kind: ReleaseKind;
  version: ServedVersion;
  canary: { version: number; hash: string; weight: number } | null;
  changeRequest: string | null;
  notes: string | null;
  actor: string;
  at: string;
}

/**
 * What to commit: nothing (`unchanged`: the environment already serves exactly this), or a new
 * active release replacing `retire`, with the exception an admin's force recorded and the change
 * request the release ships (marked released).
 */
export type ReleasePlan =
  | { kind: 'unchanged'; active: ActiveRelease }
  | {
      kind: 'commit';
      release: ReleaseDraft;
      retire: ActiveRelease | null;
      exception: ExceptionDraft | null;
      /** The change request to mark released (a release; a promotion only carries it). */
      released: string | null;
    };

/** What the release rules need from the project's configuration. */
export interface ReleasePolicy {
  /** The project's environments, in promotion order; null: any name is an environment. */
  environments: readonly string[] | null;
}

/** What an environment serves now: its active release and its label. */
export interface EnvironmentState {
  active: ActiveRelease | null;
  /** The version the environment's label points at (set by hand before releases existed, say). */
  labelled: ServedVersion | null;
}

/** The specs of the versions a plan may compare, by number (see `specsNeeded*`). */
export type SpecsByNumber = ReadonlyMap<number, PromptSpec>;

export interface ReleaseRequest {
  changeRequest: number;
  environment: string;
  canaryWeight?: number;
  notes?: string;
  force?: { justification: string };
}

export interface PromoteRequest {
  prompt: string;
  environment: string;
  to?: string;
  notes?: string;
}

export interface RollbackRequest {
  prompt: string;
  environment: string;
  to?: number;
  notes?: string;
  force?: { justification: string };
}

/** Refuses an environment the project does not declare. */
export function requireEnvironment(policy: ReleasePolicy, environment: string): void {
  const { environments } = policy;
  if (environments && !environments.includes(environment)) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `"${environment}" is not an environment of this project; environments are ${environments.join(', ')}`,
      { environment },
    );
  }
}

/**
 * What a release request says on its own (environment, canary weight, justification), checked
 * before anything is read; returns the force's justification, if any.
 */
export function checkReleaseRequest(request: ReleaseRequest, policy: ReleasePolicy): string | null {
  requireEnvironment(policy, request.environment);
  const weight = request.canaryWeight;
  if (weight !== undefined && (!Number.isInteger(weight) || weight < 1 || weight > 99)) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `a canary weight is a whole percent from 1 to 99, not ${weight}`,
      {
        weight,
      },
    );
  }
  return request.force ? requireJustification(request.force.justification, 'forcing a release') : null;
}

/** What a rollback request says on its own, checked before anything is read; returns the justification. */
export function checkRollbackRequest(request: RollbackRequest, policy: ReleasePolicy): string | null {
  requireEnvironment(policy, request.environment);
  return request.force ? requireJustification(request.force.justification, 'forcing a rollback') : null;
}

/** What a promotion request says on its own, checked before anything is read. */
export function checkPromoteRequest(request: PromoteRequest, policy: ReleasePolicy): void {
  requireEnvironment(policy, request.environment);
  if (request.to !== undefined) requireEnvironment(policy, request.to);
}

/** The version a release would run beside or replace: the active release's, else the label's. */
export function stableOf(env: EnvironmentState): ServedVersion | null {
  return env.active ? { number: env.active.version, hash: env.active.versionHash } : env.labelled;
}

/**
 * Releases a change request to an environment, fully or as a canary at `canaryWeight` percent.
 * The gate must be ready; the environment must still serve what the change was judged against;
 * a canary being judged must not be silently ended; moving back to an older version passes the
 * rollback's contract re-validation. `specs` holds the candidate's and the stable version's specs.
 */
export function planRelease(
  state: { change: ReleasableChange; env: EnvironmentState; specs: SpecsByNumber },
  request: ReleaseRequest,
  policy: ReleasePolicy,
  actor: string,
  at: string,
): ReleasePlan {
  const justification = checkReleaseRequest(request, policy);
  const { change: cr, env } = state;
  const { environment, canaryWeight: weight } = request;
  if (cr.status === 'closed') {
    throw new PromptOpsError(
      'PO_ERR_CR_CLOSED',
      `change request #${cr.number} is closed and cannot be released`,
      {
        number: cr.number,
      },
    );
  }
  requireGate(cr);
  const current = env.active;
  // Releasing what the environment's active release already is changes nothing: no new row,
  // no audit entry, however many times (or how concurrently) it is asked for.
  if (current && current.changeRequest === cr.id && isSameRelease(current, cr.versionHash, weight)) {
    return { kind: 'unchanged', active: current };
  }
  requireBaseCurrent(cr, environment, env.labelled);
  // A new release, full or canary, must not silently end a canary still being judged; the
  // canary's own version released as a canary again only changes its weight (a ramp).
  if (weight === undefined || current?.canary?.hash !== cr.versionHash) refuseOverCanary(current);
  const stable = stableOf(env);
  // A release of an older version than the environment serves (re-releasing an old change
  // request, say) moves it back: it passes the rollback's contract re-validation.
  const exception =
    stable && stable.number > cr.version
      ? judgeMoveBack(
          { kind: 'release', prompt: cr.prompt, environment, from: stable.number, to: cr.version },
          { unreviewed: false, justification, actor, at },
          state.specs,
        )
      : null;
  const proposed = { number: cr.version, hash: cr.versionHash };
  const base = {
    prompt: cr.prompt,
    environment,
    changeRequest: cr.id,
    notes: request.notes ?? null,
    actor,
    at,
  };
  let release: ReleaseDraft;
  if (weight !== undefined) {
    if (!stable) {
      throw new PromptOpsError(
        'PO_ERR_RELEASE_INVALID',
        `${environment} serves no version of ${cr.prompt} yet, so a canary has nothing to run beside; release it fully first`,
        { prompt: cr.prompt, environment },
      );
    }
    if (stable.hash === cr.versionHash) {
      throw new PromptOpsError(
        'PO_ERR_RELEASE_INVALID',
        `${environment} already serves ${cr.prompt}@${cr.version} as its stable version, so a canary of it would compare it with itself; release another version as the canary`,
        { prompt: cr.prompt, environment, version: cr.version },
      );
    }
    release = {
      ...base,
      kind: 'canary',
      version: stable,
      canary: { version: cr.version, hash: cr.versionHash, weight },
    };
  } else {
    release = { ...base, kind: 'release', version: proposed, canary: null };
  }
  return { kind: 'commit', release, retire: current, exception, released: cr.id };
}

/**
 * Promotes an environment's release: its canary to full traffic there (no `to`), or its stable
 * version onward to the environment `to`, carrying the change request's approvals, which must
 * still pass the gate. `target` is what `to` serves now; `specs` holds the specs of the source's
 * and the target's versions.
 */
export function planPromote(
  state: {
    source: ActiveRelease | null;
    change: ReleasableChange | null;
    target: EnvironmentState;
    specs: SpecsByNumber;
  },
  request: PromoteRequest,
  policy: ReleasePolicy,
  actor: string,
  at: string,
): ReleasePlan {
  checkPromoteRequest(request, policy);
  const { prompt, environment, to } = request;
  const { source } = state;
  if (!source) {
    throw new PromptOpsError(
      'PO_ERR_RELEASE_NOT_FOUND',
      `${prompt} has no active release in ${environment}; release a change request there first`,
      { prompt, environment },
    );
  }
  const notes = request.notes ?? null;
  if (to === undefined) {
    if (source.canary === null) {
      throw new PromptOpsError(
        'PO_ERR_RELEASE_INVALID',
        `${prompt} runs no canary in ${environment}; name the next environment with --to to promote onward`,
        { prompt, environment },
      );
    }
    const version = { number: source.canary.version, hash: source.canary.hash };
    const release: ReleaseDraft = {
      ...{ prompt, environment, kind: 'promote', version, canary: null },
      ...{ changeRequest: source.changeRequest, notes, actor, at },
    };
    return { kind: 'commit', release, retire: source, exception: null, released: null };
  }
  if (source.canary !== null) {
    throw new PromptOpsError(
      'PO_ERR_RELEASE_INVALID',
      `${prompt} is still running a canary in ${environment}; promote it to full traffic there first`,
      { prompt, environment },
    );
  }
  const cr = state.change;
  if (!source.changeRequest || !cr) {
    throw new PromptOpsError(
      'PO_ERR_POLICY_BLOCKED',
      `${prompt}@${source.version} in ${environment} came from a rollback, not a change request, so it has no approvals to carry to ${to}; open a change request for it`,
      { prompt, environment },
    );
  }
  requireGate(cr);
  requireBaseCurrent(cr, to, state.target.labelled);
  const current = state.target.active;
  refuseOverCanary(current);
  // Promoting onto an environment that serves a newer version moves it back: the same
  // re-validation as a rollback (forcing it is a release with --force).
  if (current && current.version > source.version) {
    judgeMoveBack(
      { kind: 'release', prompt, environment: to, from: current.version, to: source.version },
      { unreviewed: false, justification: null, actor, at },
      state.specs,
    );
  }
  const version = { number: source.version, hash: source.versionHash };
  const release: ReleaseDraft = {
    ...{ prompt, environment: to, kind: 'promote', version, canary: null },
    ...{ changeRequest: source.changeRequest, notes, actor, at },
  };
  return { kind: 'commit', release, retire: current, exception: null, released: null };
}

/** What a rollback reads: the environment, its label's moves (oldest first) and the target version. */
export interface RollbackState {
  env: EnvironmentState;
  /** Every move of the environment's label, oldest first: the version it was set to, or null when removed. */
  moves: readonly (number | null)[];
  /** The version `rollbackTarget` named, as stored; null when it named none. */
  target: ServedVersion | null;
  specs: SpecsByNumber;
}

/**
 * The version a rollback returns to, for the store to load: the one asked for, else what the
 * environment served before its current version; null when there is nothing to load (nothing is
 * served, or a canary is aborted).
 */
export function rollbackTarget(
  state: { env: EnvironmentState; moves: readonly (number | null)[] },
  request: RollbackRequest,
): number | null {
  const serving = stableOf(state.env);
  if (!serving) return null;
  if (state.env.active?.canary && request.to === undefined) return null;
  return request.to ?? previousServed(state.moves, serving.number);
}

/**
 * Rolls an environment back: a running canary is aborted (all traffic back on the stable
 * version); otherwise the environment returns to `request.to`, or to what it served before. A
 * rollback to a version the environment never served, or across a breaking input contract, needs
 * an admin's justification, recorded as a policy exception.
 */
export function planRollback(
  state: RollbackState,
  request: RollbackRequest,
  policy: ReleasePolicy,
  actor: string,
  at: string,
): ReleasePlan {
  const justification = checkRollbackRequest(request, policy);
  const { prompt, environment } = request;
  const current = state.env.active;
  const serving = stableOf(state.env);
  if (!serving) {
    throw new PromptOpsError(
      'PO_ERR_RELEASE_NOT_FOUND',
      `${prompt} has nothing released in ${environment} to roll back`,
      {
        prompt,
        environment,
      },
    );
  }
  const base = {
    prompt,
    environment,
    kind: 'rollback' as const,
    canary: null,
    changeRequest: null,
    actor,
    at,
  };
  if (current?.canary && request.to === undefined) {
    // Abort the canary: all traffic back on the stable version, which is unchanged.
    const notes = request.notes ?? `canary ${prompt}@${current.canary.version} aborted`;
    return {
      kind: 'commit',
      release: { ...base, version: serving, notes },
      retire: current,
      exception: null,
      released: null,
    };
  }
  const targetNumber = rollbackTarget(state, request);
  if (targetNumber === null) {
    throw new PromptOpsError(
      'PO_ERR_RELEASE_NOT_FOUND',
      `${environment} served no other version of ${prompt} before @${serving.number}; name a version to roll back to`,
      { prompt, environment },
    );
  }
  if (targetNumber === serving.number) {
    throw new PromptOpsError(
      'PO_ERR_RELEASE_INVALID',
      `${environment} already serves ${prompt}@${targetNumber}`,
      {
        prompt,
        environment,
        version: targetNumber,
      },
    );
  }
  const target = state.target;
  if (target?.number !== targetNumber) throw new Error(`rollback target @${targetNumber} was not loaded`);
  // A rollback returns to something this environment already ran; anything else is a release
  // that skipped its change request.
  const unreviewed = !state.moves.includes(targetNumber);
  const exception = judgeMoveBack(
    { kind: 'rollback', prompt, environment, from: serving.number, to: targetNumber },
    { unreviewed, justification, actor, at },
    state.specs,
  );
  const release = { ...base, version: target, notes: request.notes ?? null };
  return { kind: 'commit', release, retire: current, exception, released: null };
}

/**
 * What the environment served before `current`, read from its label's moves as a stack: a move
 * forward pushes, a move back to the version below pops (so rolling back twice walks back twice
 * instead of toggling), and removing the label empties it. Covers label moves made before
 * releases existed too.
 */
export function previousServed(moves: readonly (number | null)[], current: number): number | null {
  const stack: number[] = [];
  for (const move of moves) {
    if (move === null) {
      stack.length = 0;
      continue;
    }
    if (stack.length >= 2 && stack[stack.length - 2] === move) stack.pop();
    else if (stack.at(-1) !== move) stack.push(move);
  }
  if (stack.at(-1) !== current) return null;
  return stack.length >= 2 ? stack[stack.length - 2]! : null;
}

/** A move of an environment from version `from` back to an older `to`. */
interface MoveBack {
  kind: 'rollback' | 'release';
  prompt: string;
  environment: string;
  from: number;
  to: number;
}

/**
 * The one contract re-validation for moving an environment back to an older version, by a
 * rollback or by releasing an older change request: when `to`'s input contract would reject
 * inputs callers of `from` send, it is refused with PO_ERR_ROLLBACK_BREAKING; a rollback to a
 * version the environment never served (`unreviewed`) is refused with PO_ERR_POLICY_BLOCKED. An
 * admin's justification accepts either as a policy exception, which is returned.
 */
function judgeMoveBack(
  move: MoveBack,
  how: { unreviewed: boolean; justification: string | null; actor: string; at: string },
  specs: SpecsByNumber,
): ExceptionDraft | null {
  const { prompt, environment, from, to } = move;
  const breaking = inputBreaks(specOf(specs, from), specOf(specs, to));
  if (breaking.length === 0 && !how.unreviewed) return null;
  const doing =
    move.kind === 'rollback'
      ? `rolling ${environment} back to ${prompt}@${to}`
      : `releasing ${prompt}@${to} to ${environment}, which serves @${from},`;
  if (!how.justification && breaking.length > 0) {
    throw new PromptOpsError(
      'PO_ERR_ROLLBACK_BREAKING',
      `${doing} would reject inputs that callers of @${from} send: ${breaking.map((b) => `${b.path}: ${b.reason}`).join('; ')}. Ship a version that accepts them, or have an admin force it: promptops ${move.kind === 'rollback' ? `rollback ${prompt} --env ${environment} --version ${to}` : `release N --env ${environment}`} --force --justification "why"`,
      { prompt, environment, from, to, breaking },
    );
  }
  if (!how.justification) {
    throw new PromptOpsError(
      'PO_ERR_POLICY_BLOCKED',
      `${environment} never served ${prompt}@${to}, so rolling back to it would ship a version no change request approved for it; release it through a change request (or an admin may force it with a justification)`,
      { prompt, environment, to },
    );
  }
  return {
    kind: `${move.kind}-${breaking.length > 0 ? 'breaking' : 'unreviewed'}`,
    target: `${prompt}:${environment}`,
    actor: how.actor,
    justification: how.justification,
    details: { from, to, breaking, neverServed: how.unreviewed },
    at: how.at,
  };
}

function specOf(specs: SpecsByNumber, number: number): PromptSpec {
  const spec = specs.get(number);
  if (!spec) throw new Error(`the spec of version ${number} was not loaded`);
  return spec;
}

/** Breaking changes that make the target reject inputs the current version accepts. */
function inputBreaks(current: PromptSpec, target: PromptSpec) {
  return findBreakingChanges(current, target).filter((b) => b.area === 'input' || b.area === 'contract');
}

/**
 * The checks, the risk and the approvals judged a change against what production served when it
 * was opened; if production has moved on since, shipping it there would silently undo whatever
 * replaced that version. `labelled` is what `environment`'s label points at now.
 */
function requireBaseCurrent(cr: ReleasableChange, environment: string, labelled: ServedVersion | null): void {
  if (environment !== cr.baseLabel) return;
  if (labelled && labelled.number !== cr.base && labelled.number !== cr.version) {
    throw new PromptOpsError(
      'PO_ERR_POLICY_BLOCKED',
      `${environment} now serves ${cr.prompt}@${labelled.number}, not @${cr.base ?? 'nothing'} that change request #${cr.number} was reviewed against; open a new change request (or roll back)`,
      { number: cr.number, base: cr.base, serving: labelled.number },
    );
  }
}

/** A release (full or canary) or promotion must not silently end a canary still being judged. */
function refuseOverCanary(active: ActiveRelease | null): void {
  if (!active?.canary) return;
  throw new PromptOpsError(
    'PO_ERR_RELEASE_INVALID',
    `${active.environment} is running a canary of ${active.prompt}@${active.canary.version}; promote it or roll it back there first`,
    { prompt: active.prompt, environment: active.environment },
  );
}

/** Whether `active` already serves `hash` as asked: as its stable version, or as a canary at `weight`. */
function isSameRelease(active: ActiveRelease, hash: string, weight: number | undefined): boolean {
  return weight === undefined
    ? active.versionHash === hash && active.canary === null
    : active.canary?.hash === hash && active.canary.weight === weight;
}

/**
 * The versions whose specs a move from `from` to `to` compares, for the store to load: both when
 * it moves back to an older version (release, promotion), none otherwise. A rollback always
 * compares its two versions.
 */
export function specsToCompare(from: number | undefined, to: number): number[] {
  return from !== undefined && from > to ? [from, to] : [];
}
