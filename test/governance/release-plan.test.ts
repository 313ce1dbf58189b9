import { describe, expect, it } from 'vitest';
import type { PromptSpec } from '../../src/catalog/spec.js';
import { DEFAULT_APPROVAL_POLICY, type GateResult } from '../../src/governance/policy.js';
import {
  type ActiveRelease,
  type EnvironmentState,
  planPromote,
  planRelease,
  planRollback,
  previousServed,
  type ReleasableChange,
  type ReleasePolicy,
  type RollbackState,
  rollbackTarget,
  specsToCompare,
} from '../../src/governance/release-plan.js';
import { spec, thrown } from './specs.js';

const AT = '2025-03-01T09:00:00.000Z';
const POLICY: ReleasePolicy = { environments: ['staging', 'production'] };
const hash = (n: number) => String(n).repeat(64).slice(0, 64);

/** Version 1 requires `locale`; versions 2 and later do not, so going back to 1 breaks callers. */
const SPECS: ReadonlyMap<number, PromptSpec> = new Map([
  [
    1,
    spec({
      input: {
        schema: {
          type: 'object',
          properties: { text: { type: 'string' }, locale: { type: 'string' } },
          required: ['text', 'locale'],
          additionalProperties: false,
        },
        default: {},
      },
    }),
  ],
  [2, spec()],
  [3, spec({ template: 'Summarize {{text}} briefly.' })],
  [4, spec({ template: 'Summarize {{text}} very briefly.' })],
]);

function gate(blockers: string[] = []): GateResult {
  return {
    level: 'low',
    rule: DEFAULT_APPROVAL_POLICY.approvals.low,
    approvedBy: [],
    changesRequestedBy: [],
    checks: {},
    blockers,
    ready: blockers.length === 0,
  };
}

function change(patch: Partial<ReleasableChange> = {}): ReleasableChange {
  return {
    id: 'cr-3',
    number: 5,
    status: 'open',
    prompt: 'summarize',
    version: 3,
    versionHash: hash(3),
    base: 2,
    baseLabel: 'production',
    gate: gate(),
    ...patch,
  };
}

function active(environment: string, version: number, patch: Partial<ActiveRelease> = {}): ActiveRelease {
  return {
    prompt: 'summarize',
    environment,
    version,
    versionHash: hash(version),
    canary: null,
    changeRequest: `cr-${version}`,
    ...patch,
  };
}

const serving = (environment: string, version: number): EnvironmentState => ({
  active: active(environment, version),
  labelled: { number: version, hash: hash(version) },
});
const nothing: EnvironmentState = { active: null, labelled: null };

function release(
  env: EnvironmentState,
  request: { canaryWeight?: number; force?: { justification: string }; environment?: string } = {},
  cr: ReleasableChange = change(),
) {
  return planRelease(
    { change: cr, env, specs: SPECS },
    { changeRequest: cr.number, environment: 'production', ...request },
    POLICY,
    'rel',
    AT,
  );
}

describe('planRelease', () => {
  it('replaces the active release with the change request’s version and marks it released', () => {
    const env = serving('production', 2);
    expect(release(env)).toEqual({
      kind: 'commit',
      release: {
        prompt: 'summarize',
        environment: 'production',
        kind: 'release',
        version: { number: 3, hash: hash(3) },
        canary: null,
        changeRequest: 'cr-3',
        notes: null,
        actor: 'rel',
        at: AT,
      },
      retire: env.active,
      exception: null,
      released: 'cr-3',
    });
  });

  it('starts a canary beside the stable version', () => {
    const plan = release(serving('production', 2), { canaryWeight: 10 });
    expect(plan).toMatchObject({
      kind: 'commit',
      release: {
        kind: 'canary',
        version: { number: 2, hash: hash(2) },
        canary: { version: 3, hash: hash(3), weight: 10 },
      },
    });
  });

  it('changes nothing when the environment already serves exactly this release', () => {
    const current = active('production', 3, { changeRequest: 'cr-3' });
    expect(release({ active: current, labelled: null })).toEqual({ kind: 'unchanged', active: current });
    const canary = active('production', 2, {
      canary: { version: 3, hash: hash(3), weight: 10 },
      changeRequest: 'cr-3',
    });
    expect(release({ active: canary, labelled: null }, { canaryWeight: 10 })).toEqual({
      kind: 'unchanged',
      active: canary,
    });
  });

  it('ramps a running canary of the same version to a new weight', () => {
    const canary = active('production', 2, {
      canary: { version: 3, hash: hash(3), weight: 10 },
      changeRequest: 'cr-3',
    });
    expect(release({ active: canary, labelled: null }, { canaryWeight: 50 })).toMatchObject({
      release: { kind: 'canary', canary: { version: 3, weight: 50 } },
      retire: canary,
    });
  });

  it('refuses an environment the project does not declare', () => {
    const err = thrown(() => release(nothing, { environment: 'prod' }));
    expect(err.code).toBe('PO_ERR_USAGE');
    expect(err.message).toBe(
      '"prod" is not an environment of this project; environments are staging, production',
    );
  });

  it('refuses a canary weight that is not a whole percent from 1 to 99', () => {
    for (const weight of [0, 100, 2.5]) {
      const err = thrown(() => release(serving('production', 2), { canaryWeight: weight }));
      expect(err.code).toBe('PO_ERR_USAGE');
      expect(err.message).toBe(`a canary weight is a whole percent from 1 to 99, not ${weight}`);
    }
  });

  it('refuses a force without a written justification', () => {
    const err = thrown(() => release(serving('production', 2), { force: { justification: 'because' } }));
    expect(err.message).toBe('forcing a release needs a written justification (at least 10 characters)');
  });

  it('refuses a closed change request', () => {
    const err = thrown(() => release(nothing, {}, change({ status: 'closed' })));
    expect(err.code).toBe('PO_ERR_CR_CLOSED');
    expect(err.message).toBe('change request #5 is closed and cannot be released');
  });

  it('refuses while the gate has blockers', () => {
    const err = thrown(() => release(nothing, {}, change({ gate: gate(['needs 1 approval']) })));
    expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
    expect(err.message).toBe('change request #5 cannot be released yet: needs 1 approval');
  });

  it('refuses when production moved on from the base the change was reviewed against', () => {
    const err = thrown(() => release(serving('production', 4), {}, change({ version: 3, base: 2 })));
    expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
    expect(err.message).toMatch(
      /^production now serves summarize@4, not @2 that change request #5 was reviewed against/,
    );
    // Another environment than the base label is not judged against the base.
    expect(release(serving('staging', 4), { environment: 'staging' })).toMatchObject({
      kind: 'commit',
      exception: null,
    });
  });

  it('does not silently end a running canary', () => {
    const canary = active('production', 2, { canary: { version: 4, hash: hash(4), weight: 10 } });
    const err = thrown(() => release({ active: canary, labelled: { number: 2, hash: hash(2) } }));
    expect(err.code).toBe('PO_ERR_RELEASE_INVALID');
    expect(err.message).toBe(
      'production is running a canary of summarize@4; promote it or roll it back there first',
    );
  });

  it('refuses a canary with nothing to run beside, or of the stable version itself', () => {
    const none = thrown(() => release(nothing, { canaryWeight: 10 }, change({ base: null })));
    expect(none.message).toMatch(
      /^production serves no version of summarize yet, so a canary has nothing to run beside/,
    );
    const itself = thrown(() =>
      release(
        { active: active('production', 3, { changeRequest: 'cr-other' }), labelled: null },
        { canaryWeight: 10 },
      ),
    );
    expect(itself.code).toBe('PO_ERR_RELEASE_INVALID');
    expect(itself.message).toMatch(/^production already serves summarize@3 as its stable version/);
  });

  it('re-validates a release of an older version across a breaking input contract', () => {
    const old = change({ id: 'cr-1', version: 1, versionHash: hash(1), base: null, baseLabel: 'staging' });
    const err = thrown(() => release(serving('production', 2), {}, old));
    expect(err.code).toBe('PO_ERR_ROLLBACK_BREAKING');
    expect(err.message).toMatch(
      /^releasing summarize@1 to production, which serves @2, would reject inputs that callers of @2 send: /,
    );
    expect(err.message).toContain('promptops release N --env production --force --justification "why"');
    const forced = release(
      serving('production', 2),
      { force: { justification: 'customers all send locale' } },
      old,
    );
    expect(forced).toMatchObject({
      release: { kind: 'release', version: { number: 1 } },
      exception: {
        kind: 'release-breaking',
        target: 'summarize:production',
        actor: 'rel',
        justification: 'customers all send locale',
        details: { from: 2, to: 1, neverServed: false },
      },
    });
  });

  it('releases an older version without an exception when its contract accepts the same inputs', () => {
    const older = change({ id: 'cr-3', version: 3, base: null, baseLabel: 'staging' });
    expect(release(serving('production', 4), {}, older)).toMatchObject({ kind: 'commit', exception: null });
  });
});

describe('planPromote', () => {
  const promote = (
    source: ActiveRelease | null,
    target: EnvironmentState,
    to: string | null = 'production',
    cr: ReleasableChange | null = change({ version: 3 }),
  ) =>
    planPromote(
      { source, change: cr, target, specs: SPECS },
      { prompt: 'summarize', environment: 'staging', ...(to === null ? {} : { to }) },
      POLICY,
      'rel',
      AT,
    );

  it('carries a staging release onward with its change request', () => {
    const target = serving('production', 2);
    expect(promote(active('staging', 3, { changeRequest: 'cr-3' }), target)).toEqual({
      kind: 'commit',
      release: {
        prompt: 'summarize',
        environment: 'production',
        kind: 'promote',
        version: { number: 3, hash: hash(3) },
        canary: null,
        changeRequest: 'cr-3',
        notes: null,
        actor: 'rel',
        at: AT,
      },
      retire: target.active,
      exception: null,
      released: null,
    });
  });

  it('promotes a canary to full traffic in its own environment', () => {
    const source = active('staging', 2, {
      canary: { version: 3, hash: hash(3), weight: 20 },
      changeRequest: 'cr-3',
    });
    expect(promote(source, nothing, null)).toMatchObject({
      release: {
        environment: 'staging',
        kind: 'promote',
        version: { number: 3, hash: hash(3) },
        canary: null,
      },
      retire: source,
    });
  });

  it('refuses without an active release to promote', () => {
    const err = thrown(() => promote(null, nothing));
    expect(err.code).toBe('PO_ERR_RELEASE_NOT_FOUND');
    expect(err.message).toBe(
      'summarize has no active release in staging; release a change request there first',
    );
  });

  it('refuses to promote in place without a canary, or onward while one runs', () => {
    expect(thrown(() => promote(active('staging', 3), nothing, null)).message).toMatch(
      /^summarize runs no canary in staging/,
    );
    const canary = active('staging', 2, { canary: { version: 3, hash: hash(3), weight: 20 } });
    expect(thrown(() => promote(canary, nothing)).message).toMatch(
      /^summarize is still running a canary in staging/,
    );
  });

  it('refuses to carry a rollback onward: it has no approvals', () => {
    const err = thrown(() =>
      promote(active('staging', 2, { changeRequest: null }), nothing, 'production', null),
    );
    expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
    expect(err.message).toMatch(
      /came from a rollback, not a change request, so it has no approvals to carry to production/,
    );
  });

  it('re-checks the gate and the base of the change request', () => {
    const source = active('staging', 3);
    expect(thrown(() => promote(source, nothing, 'production', change({ gate: gate(['x']) }))).code).toBe(
      'PO_ERR_POLICY_BLOCKED',
    );
    expect(thrown(() => promote(source, serving('production', 4))).message).toMatch(
      /^production now serves summarize@4, not @2/,
    );
  });

  it('does not end a canary running in the target environment', () => {
    const target = {
      active: active('production', 2, { canary: { version: 4, hash: hash(4), weight: 5 } }),
      labelled: null,
    };
    expect(thrown(() => promote(active('staging', 3), target)).code).toBe('PO_ERR_RELEASE_INVALID');
  });

  it('re-validates moving the target back across a breaking contract, with no way to force it', () => {
    const old = change({ id: 'cr-1', version: 1, versionHash: hash(1), base: null, baseLabel: 'staging' });
    const err = thrown(() => promote(active('staging', 1), serving('production', 2), 'production', old));
    expect(err.code).toBe('PO_ERR_ROLLBACK_BREAKING');
  });
});

describe('planRollback', () => {
  const state = (env: EnvironmentState, moves: (number | null)[], target: number | null): RollbackState => ({
    env,
    moves,
    target: target === null ? null : { number: target, hash: hash(target) },
    specs: SPECS,
  });
  const rollback = (
    s: RollbackState,
    request: { to?: number; force?: { justification: string }; notes?: string } = {},
  ) => planRollback(s, { prompt: 'summarize', environment: 'production', ...request }, POLICY, 'ops', AT);

  it('returns to what the environment served before', () => {
    const env = serving('production', 4);
    expect(rollback(state(env, [2, 3, 4], 3))).toEqual({
      kind: 'commit',
      release: {
        prompt: 'summarize',
        environment: 'production',
        kind: 'rollback',
        version: { number: 3, hash: hash(3) },
        canary: null,
        changeRequest: null,
        notes: null,
        actor: 'ops',
        at: AT,
      },
      retire: env.active,
      exception: null,
      released: null,
    });
  });

  it('aborts a running canary, leaving the stable version', () => {
    const canary = active('production', 2, { canary: { version: 3, hash: hash(3), weight: 10 } });
    expect(rollback(state({ active: canary, labelled: null }, [2], null))).toMatchObject({
      release: {
        kind: 'rollback',
        version: { number: 2, hash: hash(2) },
        notes: 'canary summarize@3 aborted',
      },
      retire: canary,
    });
  });

  it('refuses with nothing released, nothing served before, or the version already served', () => {
    expect(thrown(() => rollback(state(nothing, [], null))).message).toBe(
      'summarize has nothing released in production to roll back',
    );
    expect(thrown(() => rollback(state(serving('production', 3), [3], null))).message).toBe(
      'production served no other version of summarize before @3; name a version to roll back to',
    );
    const same = thrown(() => rollback(state(serving('production', 3), [3], null), { to: 3 }));
    expect(same.code).toBe('PO_ERR_RELEASE_INVALID');
    expect(same.message).toBe('production already serves summarize@3');
  });

  it('refuses a version the environment never served unless an admin forces it', () => {
    const s = state(serving('production', 4), [3, 4], 2);
    const err = thrown(() => rollback(s, { to: 2 }));
    expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
    expect(err.message).toMatch(
      /^production never served summarize@2, so rolling back to it would ship a version no change request approved/,
    );
    expect(rollback(s, { to: 2, force: { justification: 'incident 42, approved by on-call' } }).kind).toBe(
      'commit',
    );
    expect(
      rollback(s, { to: 2, force: { justification: 'incident 42, approved by on-call' } }),
    ).toMatchObject({
      exception: {
        kind: 'rollback-unreviewed',
        details: { from: 4, to: 2, breaking: [], neverServed: true },
      },
    });
  });

  it('refuses a rollback across a breaking input contract unless an admin forces it', () => {
    const s = state(serving('production', 2), [1, 2], 1);
    const err = thrown(() => rollback(s));
    expect(err.code).toBe('PO_ERR_ROLLBACK_BREAKING');
    expect(err.message).toMatch(
      /^rolling production back to summarize@1 would reject inputs that callers of @2 send: /,
    );
    expect(err.message).toContain('promptops rollback summarize --env production --version 1 --force');
    const forced = rollback(s, { force: { justification: 'all callers send locale now' } });
    expect(forced).toMatchObject({
      exception: { kind: 'rollback-breaking', details: { from: 2, to: 1, neverServed: false } },
    });
  });

  it('refuses a force without a written justification', () => {
    const err = thrown(() =>
      rollback(state(serving('production', 4), [3, 4], 3), { force: { justification: '' } }),
    );
    expect(err.message).toBe('forcing a rollback needs a written justification (at least 10 characters)');
  });
});

describe('previousServed and rollbackTarget', () => {
  it('walks back through what the label served, not back and forth', () => {
    expect(previousServed([1, 2, 3], 3)).toBe(2);
    // After rolling back from 3 to 2, the next rollback goes to 1, not to 3 again.
    expect(previousServed([1, 2, 3, 2], 2)).toBe(1);
    expect(previousServed([1, 2, 1], 1)).toBeNull();
  });
  it('forgets what came before the label was removed', () => {
    expect(previousServed([1, 2, null, 3], 3)).toBeNull();
  });
  it('knows nothing when the label is not at the current version', () => {
    expect(previousServed([1, 2], 5)).toBeNull();
  });
  it('names the version to load: the one asked for, the previous one, or none', () => {
    const env = serving('production', 3);
    expect(rollbackTarget({ env, moves: [1, 3] }, { prompt: 'summarize', environment: 'production' })).toBe(
      1,
    );
    expect(
      rollbackTarget({ env, moves: [1, 3] }, { prompt: 'summarize', environment: 'production', to: 2 }),
    ).toBe(2);
    expect(
      rollbackTarget({ env: nothing, moves: [] }, { prompt: 'summarize', environment: 'production', to: 2 }),
    ).toBeNull();
    const canary = {
      active: active('production', 3, { canary: { version: 4, hash: hash(4), weight: 1 } }),
      labelled: null,
    };
    expect(
      rollbackTarget({ env: canary, moves: [3] }, { prompt: 'summarize', environment: 'production' }),
    ).toBeNull();
  });
  it('compares specs only when moving back', () => {
    expect(specsToCompare(4, 2)).toEqual([4, 2]);
    expect(specsToCompare(2, 4)).toEqual([]);
    expect(specsToCompare(undefined, 4)).toEqual([]);
  });
});
