/**
 * What the console sends to release, promote and roll back (pure; tested in
 * test/web/release-requests.test.ts). Notes are optional and go in `notes`; forcing past the policy
 * is a separate, explicit choice: offered only to a subject who may override the policy, only after
 * the server refused with a code a force can override, and only with a justification.
 */
import type { ReleaseRecord } from '../../src/store/types.js';
import { ApiError } from './api.js';

/** The shortest justification the server accepts for a force (governance/change-request.ts requireJustification). */
export const MIN_JUSTIFICATION = 10;

/** The three release operations the console calls. */
export type ReleaseAction = 'release' | 'promote' | 'rollback';

/**
 * The refusals a force overrides, per operation (governance/release-plan.ts): moving back across a
 * breaking input contract, and for a rollback a version the environment never served. Promote takes
 * no force (its body has none).
 */
const FORCEABLE: Record<ReleaseAction, readonly string[]> = {
  release: ['PO_ERR_ROLLBACK_BREAKING'],
  rollback: ['PO_ERR_ROLLBACK_BREAKING', 'PO_ERR_POLICY_BLOCKED'],
  promote: [],
};

/** True when `error` is a refusal of `action` that a subject who `canOverride` (policy.override) may force past. */
export function offersForce(action: ReleaseAction, error: unknown, canOverride: boolean): boolean {
  return canOverride && error instanceof ApiError && FORCEABLE[action].includes(error.code);
}

/** The force choice as the form holds it: the checkbox and its justification. */
export interface ForceChoice {
  force: boolean;
  justification: string;
}

export const NO_FORCE: ForceChoice = { force: false, justification: '' };

type Made<T> = { ok: true; value: T } | { ok: false; message: string };

/** The `force` part of a body: none when not chosen, else the justification (required, bounded as the server bounds it). */
export function forceOf(choice: ForceChoice): Made<{ force?: { justification: string } }> {
  if (!choice.force) return { ok: true, value: {} };
  const justification = choice.justification.trim();
  if (justification.length < MIN_JUSTIFICATION) {
    return {
      ok: false,
      message: `Forcing past the policy needs a justification of at least ${MIN_JUSTIFICATION} characters`,
    };
  }
  return { ok: true, value: { force: { justification } } };
}

/** The release form's canary weight: empty for a full release, else a whole percent from 1 to 99. */
export function parseCanaryWeight(
  text: string,
): { ok: true; weight: number | undefined } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, weight: undefined };
  const weight = Number(trimmed);
  if (!Number.isInteger(weight) || weight < 1 || weight > 99) {
    return {
      ok: false,
      message: 'A canary weight is a whole percent from 1 to 99; leave it empty for a full release',
    };
  }
  return { ok: true, weight };
}

/** The release form as filled in. */
export interface ReleaseFormValues extends ForceChoice {
  environment: string;
  canaryWeight: string;
  notes: string;
}

/** The body of `POST …/releases` for the form: notes as `notes`, a force only when chosen. */
export function releaseBody(changeRequest: number, form: ReleaseFormValues): Made<Record<string, unknown>> {
  if (!form.environment) return { ok: false, message: 'Choose an environment' };
  const weight = parseCanaryWeight(form.canaryWeight);
  if (!weight.ok) return weight;
  const force = forceOf(form);
  if (!force.ok) return force;
  const notes = form.notes.trim();
  return {
    ok: true,
    value: {
      changeRequest,
      environment: form.environment,
      ...(weight.weight !== undefined ? { canaryWeight: weight.weight } : {}),
      ...(notes ? { notes } : {}),
      ...force.value,
    },
  };
}

/**
 * The body of `POST …/releases/promote|rollback` on `release` as it was shown when the action was
 * opened (`expectRelease`: refused if someone moved it since). A force goes only with a rollback.
 */
export function actionBody(
  action: 'promote' | 'rollback',
  release: Pick<ReleaseRecord, 'id' | 'prompt' | 'environment'>,
  notes: string,
  choice: ForceChoice,
): Made<Record<string, unknown>> {
  const force = action === 'rollback' ? forceOf(choice) : ({ ok: true, value: {} } as const);
  if (!force.ok) return force;
  const trimmed = notes.trim();
  return {
    ok: true,
    value: {
      prompt: release.prompt,
      environment: release.environment,
      expectRelease: release.id,
      ...(trimmed ? { notes: trimmed } : {}),
      ...force.value,
    },
  };
}
