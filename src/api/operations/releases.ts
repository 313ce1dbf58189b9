/**
 * The releases' operations (store/release-store.ts): releasing, promoting and rolling back, what an
 * environment serves, and the policy exceptions those allow (store/policy-exceptions.ts).
 */
import Type from 'typebox';
import type { PromptSpec } from '../../catalog/spec.js';
import type { CanaryPlan } from '../../monitor/canary-plan.js';
import type { PolicyExceptions } from '../../store/policy-exceptions.js';
import type { ReleaseStore } from '../../store/release-store.js';
import type { ReleaseInput } from '../../store/types.js';
import type { OperationTable, ServedBy } from '../operation.js';
import {
  closed,
  Hash,
  Int,
  Limit,
  PolicyExceptionSchema,
  PromoteInputSchema,
  ReleaseInputSchema,
  ReleaseRecordSchema,
  RollbackInputSchema,
  Str,
  wholeNumberText,
} from '../schemas.js';
import { filterOf } from '../wire.js';
import { actor, body, filter, list, P, path } from './shorthand.js';

/** What an environment serves (`EnvironmentSnapshot`, governance/environment-snapshot.ts). */
const ServedSpec = { number: Int, hash: Hash, spec: Type.Unsafe<PromptSpec>({ type: 'object' }) };
const EnvironmentSnapshotSchema = closed({
  environment: Str,
  revision: Type.Integer({ minimum: 0 }),
  prompts: list(
    closed({
      prompt: Str,
      stable: closed(ServedSpec),
      canary: Type.Union([
        closed({ ...ServedSpec, weight: Type.Integer({ minimum: 1, maximum: 99 }) }),
        Type.Null(),
      ]),
    }),
  ),
});

const releaseQuery = closed({
  prompt: Type.Optional(Str),
  environment: Type.Optional(Str),
  active: Type.Optional(Type.Enum(['true', 'false'])),
  limit: Type.Optional(Limit),
});

/** The releases' entries in the operation table. */
export const RELEASE_OPERATIONS: OperationTable<
  ServedBy<typeof ReleaseStore> | ServedBy<typeof PolicyExceptions> | 'listEnvironments'
> = {
  release: {
    method: 'POST',
    path: `${P}/releases`,
    permission: 'release.create',
    tag: 'releases',
    summary:
      'Release an approved change request to an environment, optionally as a canary (an older version than it serves is re-validated as a rollback; force needs an admin)',
    status: 201,
    body: ReleaseInputSchema,
    output: ReleaseRecordSchema,
    audit: ['release.release', 'release.canary', 'label.set', 'policy.exception'],
    args: [body, actor],
    forceNeedsAdmin: true,
    // A canary that brings no plan (`analysis` absent; null asks for none) carries the project's,
    // as `promptops release --canary` does on the client: the console's release form sends none.
    answer: (store, _caller, [input, releasedBy], server) =>
      store.release(withProjectPlan(input as ReleaseInput, server.canaryPlan), releasedBy as string),
  },
  promote: {
    method: 'POST',
    path: `${P}/releases/promote`,
    permission: 'release.create',
    tag: 'releases',
    summary: 'Promote a canary to full traffic, or an environment’s release to the next environment',
    status: 201,
    body: PromoteInputSchema,
    output: ReleaseRecordSchema,
    audit: ['release.promote', 'label.set'],
    args: [body, actor],
  },
  rollback: {
    method: 'POST',
    path: `${P}/releases/rollback`,
    permission: 'release.rollback',
    tag: 'releases',
    summary: 'Roll an environment back (re-validates the input contract; force needs an admin)',
    status: 201,
    body: RollbackInputSchema,
    output: ReleaseRecordSchema,
    audit: ['release.rollback', 'label.set', 'policy.exception'],
    args: [body, actor],
    forceNeedsAdmin: true,
  },
  listReleases: {
    method: 'GET',
    path: `${P}/releases`,
    permission: 'read',
    tag: 'releases',
    summary: 'Release history, newest first',
    query: releaseQuery,
    output: list(ReleaseRecordSchema),
    args: [filter],
    encode: ([given]) => {
      const { activeOnly, ...rest } = (given ?? {}) as { activeOnly?: boolean; limit?: number };
      return {
        query: {
          ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v === undefined ? v : String(v)])),
          active: activeOnly ? 'true' : undefined,
        },
      };
    },
    decode: ({ query }, _actor) => {
      const { active, ...rest } = query;
      const found = filterOf(releaseQuery, rest);
      return [{ ...found, ...(active === 'true' ? { activeOnly: true } : {}) }];
    },
  },
  listEnvironments: {
    method: 'GET',
    path: `${P}/environments`,
    permission: 'read',
    tag: 'releases',
    summary:
      'The environments releases go to, in promotion order (the server’s configuration); empty when any name is one',
    output: list(Str),
    args: [],
    answer: async (_store, _caller, _args, server) => [...server.environments],
  },
  snapshot: {
    method: 'GET',
    path: `${P}/environments/:environment/snapshot`,
    permission: 'read',
    tag: 'releases',
    summary:
      'What an environment serves now: per prompt the stable version and any canary, with their specs, and a revision that changes whenever they may have (the ETag; with If-None-Match and `wait` seconds, a long-poll for the next one)',
    query: closed({
      wait: Type.Optional(
        Object.assign(wholeNumberText('^(?:[0-9]|[1-5][0-9]|60)$'), {
          description:
            'With If-None-Match: how long to wait for the revision to change before answering 304 (seconds, 0 to 60; default 0)',
        }),
      ),
    }),
    output: EnvironmentSnapshotSchema,
    args: [path('environment')],
    revisionOf: (result) => (result as { revision: number }).revision,
  },
  listPolicyExceptions: {
    method: 'GET',
    path: `${P}/policy-exceptions`,
    permission: 'read',
    tag: 'releases',
    summary: 'Policy exceptions: overridden checks and forced rollbacks, with their justifications',
    output: list(PolicyExceptionSchema),
    args: [],
  },
};

/** A canary release's input with the project's plan when it names none (`analysis` absent). */
export function withProjectPlan(input: ReleaseInput, plan: CanaryPlan | undefined): ReleaseInput {
  if (input.canaryWeight === undefined || input.analysis !== undefined || !plan) return input;
  return { ...input, analysis: plan };
}
