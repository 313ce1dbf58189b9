/** Canary analysis's operations (store/canary-store.ts): each analysis's plan, state and judged intervals. */
import Type from 'typebox';
import { CANARY_METRICS } from '../../monitor/canary-plan.js';
import type { IntervalJudgement } from '../../monitor/canary-verdict.js';
import type { CanaryStore } from '../../store/canary-store.js';
import type { OperationTable, ServedBy } from '../operation.js';
import { closed, Int, MAX_INTEGER, Str } from '../schemas.js';
import { body, filter, list, P } from './shorthand.js';

const Verdict = Type.Enum(['pass', 'fail', 'inconclusive', 'error']);
/** An interval's evidence as stored and read back (monitor/canary-verdict.ts IntervalJudgement). */
const Evidence = Type.Unsafe<IntervalJudgement>({
  type: 'object',
  description: 'the verdict and its evidence per metric',
});

/** A measured number of the evidence (a rate, ms, USD, a z or a p-value), bounded like every input. */
const Real = Type.Number({ minimum: -1e15, maximum: 1e15 });
const Measured = closed({
  value: Type.Union([Real, Type.Null()]),
  samples: Type.Integer({ minimum: 0, maximum: MAX_INTEGER }),
});
const Statistic = Type.Union([Real, Type.Null()]);

/**
 * The evidence a caller records, bounded: one entry per metric a plan can judge, short texts, no
 * other fields, so a recorded interval cannot fill the registry (or `canary status`) with anything.
 */
const NewEvidence = closed({
  verdict: Verdict,
  metrics: Type.Array(
    closed({
      metric: Type.Enum(CANARY_METRICS),
      verdict: Type.Enum(['pass', 'fail', 'inconclusive']),
      canary: Measured,
      stable: Measured,
      threshold: Type.Object(
        Object.fromEntries(
          ['maxIncrease', 'maxDecrease', 'maxRatio', 'minRatio'].map((k) => [k, Type.Optional(Real)]),
        ),
        { additionalProperties: false, maxProperties: 1 },
      ),
      test: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
      statistic: Statistic,
      pValue: Statistic,
      reason: Type.String({ maxLength: 1000 }),
    }),
    { maxItems: CANARY_METRICS.length },
  ),
  notJudged: Type.Optional(Type.Array(Type.Enum(CANARY_METRICS), { maxItems: CANARY_METRICS.length })),
  error: Type.Optional(Type.String({ maxLength: 2000 })),
});

const DateTime = Type.String({ format: 'date-time', maxLength: 40 });

const IntervalSchema = Type.Object({
  release: Str,
  step: Type.Integer(),
  weight: Type.Integer(),
  index: Type.Integer({ minimum: 0 }),
  windowStart: Str,
  windowEnd: Str,
  verdict: Verdict,
  evidence: Evidence,
  at: Str,
});

const CanaryStatusSchema = Type.Object({
  analysis: Str,
  prompt: Str,
  environment: Str,
  state: Type.Enum(['running', 'rolled back', 'promoted', 'ended']),
  stable: Type.Integer(),
  canary: Type.Object({ version: Type.Integer(), weight: Type.Integer() }),
  changeRequest: Type.Union([Type.Integer(), Type.Null()]),
  release: Str,
  stepStartedAt: Str,
  step: Type.Integer(),
  plan: Type.Unsafe<object>({ type: 'object', description: 'the analysis plan' }),
  failures: Type.Integer(),
  passesThisStep: Type.Integer(),
  intervals: list(IntervalSchema),
});

/** Canary analysis's entries in the operation table. */
export const CANARY_OPERATIONS: OperationTable<ServedBy<typeof CanaryStore>> = {
  canaryStatus: {
    method: 'GET',
    path: `${P}/canary-analyses`,
    permission: 'read',
    tag: 'releases',
    summary:
      'The latest canary analysis per prompt and environment: plan, step, weight and each interval’s verdict with its evidence',
    query: closed({ prompt: Type.Optional(Str), environment: Type.Optional(Str) }),
    output: list(CanaryStatusSchema),
    args: [filter],
  },
  recordCanaryInterval: {
    method: 'POST',
    path: `${P}/canary-analyses/intervals`,
    // The analysis acts on releases (it rolls back and promotes), so recording its verdicts does too.
    permission: 'release.rollback',
    tag: 'releases',
    summary: 'Record a judged interval of a canary analysis (what the control plane’s analysis writes)',
    status: 201,
    body: closed({
      release: Str,
      step: Type.Integer({ minimum: 0, maximum: 100 }),
      weight: Int,
      index: Type.Integer({ minimum: 0, maximum: MAX_INTEGER }),
      windowStart: DateTime,
      windowEnd: DateTime,
      verdict: Verdict,
      evidence: NewEvidence,
    }),
    output: IntervalSchema,
    args: [body],
  },
};
