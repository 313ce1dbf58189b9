import { describe, expect, it } from 'vitest';
import { ApiError } from '../../web/src/api.js';
import {
  actionBody,
  NO_FORCE,
  offersForce,
  parseCanaryWeight,
  releaseBody,
} from '../../web/src/release-requests.js';

const form = { environment: 'staging', canaryWeight: '', notes: '', ...NO_FORCE };
const refusal = (code: string) => new ApiError(409, code, 'refused');

describe('the release form', () => {
  it('reads an empty canary weight as a full release and refuses what is not a whole percent from 1 to 99', () => {
    expect(parseCanaryWeight('  ')).toEqual({ ok: true, weight: undefined });
    expect(parseCanaryWeight('10')).toEqual({ ok: true, weight: 10 });
    for (const bad of ['0', '100', '12.5', 'ten', '-3']) expect(parseCanaryWeight(bad).ok).toBe(false);
  });

  it('sends notes as notes, never as a force: a reason typed in is not an override', () => {
    expect(releaseBody(4, { ...form, canaryWeight: '25', notes: ' callers migrated already ' })).toEqual({
      ok: true,
      value: {
        changeRequest: 4,
        environment: 'staging',
        canaryWeight: 25,
        notes: 'callers migrated already',
      },
    });
    expect(releaseBody(4, { ...form, notes: ' ' })).toEqual({
      ok: true,
      value: { changeRequest: 4, environment: 'staging' },
    });
    // A justification left behind after unticking the force is not sent either.
    expect(releaseBody(4, { ...form, justification: 'typed, then unticked' })).toEqual({
      ok: true,
      value: { changeRequest: 4, environment: 'staging' },
    });
  });

  it('sends a force only when it is chosen, with a justification of at least 10 characters', () => {
    expect(releaseBody(4, { ...form, force: true, justification: ' callers migrated already ' })).toEqual({
      ok: true,
      value: {
        changeRequest: 4,
        environment: 'staging',
        force: { justification: 'callers migrated already' },
      },
    });
    const short = releaseBody(4, { ...form, force: true, justification: 'because' });
    expect(short).toMatchObject({ ok: false, message: expect.stringContaining('at least 10 characters') });
  });

  it('refuses a form without an environment or with a weight out of range', () => {
    expect(releaseBody(4, { ...form, environment: '' }).ok).toBe(false);
    expect(releaseBody(4, { ...form, canaryWeight: '150' }).ok).toBe(false);
  });
});

describe('promote and roll back', () => {
  const release = { id: 'r-7', prompt: 'summarise', environment: 'production' };

  it('names the release shown, sends notes only when written, and no minimum on them', () => {
    expect(actionBody('rollback', release, '', NO_FORCE)).toEqual({
      ok: true,
      value: { prompt: 'summarise', environment: 'production', expectRelease: 'r-7' },
    });
    expect(actionBody('promote', release, ' ok ', NO_FORCE)).toEqual({
      ok: true,
      value: { prompt: 'summarise', environment: 'production', expectRelease: 'r-7', notes: 'ok' },
    });
  });

  it('forces a rollback only when chosen and justified; a promotion takes no force', () => {
    const forced = { force: true, justification: 'the old contract is what callers send' };
    expect(actionBody('rollback', release, '', forced)).toMatchObject({
      ok: true,
      value: { force: { justification: 'the old contract is what callers send' } },
    });
    expect(actionBody('rollback', release, '', { force: true, justification: 'short' }).ok).toBe(false);
    expect(actionBody('promote', release, '', forced)).toEqual({
      ok: true,
      value: { prompt: 'summarise', environment: 'production', expectRelease: 'r-7' },
    });
  });
});

describe('offersForce', () => {
  it('offers a force only to someone who may override the policy, after a refusal a force overrides', () => {
    expect(offersForce('release', refusal('PO_ERR_ROLLBACK_BREAKING'), true)).toBe(true);
    expect(offersForce('release', refusal('PO_ERR_ROLLBACK_BREAKING'), false)).toBe(false);
    // A release's gate (approvals, checks) is not forced past.
    expect(offersForce('release', refusal('PO_ERR_POLICY_BLOCKED'), true)).toBe(false);
    expect(offersForce('rollback', refusal('PO_ERR_POLICY_BLOCKED'), true)).toBe(true);
    expect(offersForce('rollback', refusal('PO_ERR_RELEASE_SUPERSEDED'), true)).toBe(false);
    expect(offersForce('promote', refusal('PO_ERR_ROLLBACK_BREAKING'), true)).toBe(false);
    expect(offersForce('release', new Error('PO_ERR_ROLLBACK_BREAKING'), true)).toBe(false);
  });
});
