/**
 * The runtime records' operations (store/runtime-store.ts): traces, the human review queue, and
 * what evaluations keep (cached model answers, runs).
 */
import Type from 'typebox';
import type { Trace } from '../../observe/trace.js';
import type { RuntimeStore } from '../../store/runtime-store.js';
import type { OperationTable, ServedBy } from '../operation.js';
import {
  closed,
  EvalRunRecordSchema,
  Limit,
  NewReviewSchema,
  ReviewRecordSchema,
  Str,
  Text,
  TraceSchema,
  wholeNumberText,
} from '../schemas.js';
import { actor, body, emptyWrite, field, filter, list, P, path } from './shorthand.js';

const empty = emptyWrite();

/** The runtime records' entries in the operation table. */
export const RUNTIME_OPERATIONS: OperationTable<ServedBy<typeof RuntimeStore>> = {
  writeTraces: {
    method: 'POST',
    path: `${P}/traces`,
    permission: 'trace.write',
    tag: 'traces',
    summary: 'Append execution traces',
    status: 204,
    body: closed({ traces: Type.Array(TraceSchema, { maxItems: 5000 }) }),
    args: [field('traces')],
    shortcut: empty,
    // A trace names its project; it is the path's, whatever the body says (writes stay in the
    // project the caller's roles were checked in).
    decode: ({ params, body }) => [(body.traces as Trace[]).map((t) => ({ ...t, project: params.project }))],
  },
  listTraces: {
    method: 'GET',
    path: `${P}/traces`,
    permission: 'read',
    tag: 'traces',
    summary: 'Recent traces',
    query: closed({
      prompt: Type.Optional(Str),
      status: Type.Optional(Type.Enum(['ok', 'error', 'held'])),
      version: Type.Optional(wholeNumberText('^[1-9][0-9]{0,8}$')),
      environment: Type.Optional(Str),
      arm: Type.Optional(Type.Enum(['stable', 'canary'])),
      since: Type.Optional(Type.String({ format: 'date-time' })),
      until: Type.Optional(Type.String({ format: 'date-time' })),
      limit: Type.Optional(Limit),
    }),
    output: list(TraceSchema),
    args: [filter],
  },
  getTrace: {
    method: 'GET',
    path: `${P}/traces/:id`,
    permission: 'read',
    tag: 'traces',
    summary: 'One trace: stages with timings, attempts, guardrail verdicts, contract mutations',
    output: TraceSchema,
    args: [path('id')],
  },
  createReview: {
    method: 'POST',
    path: `${P}/reviews`,
    permission: 'trace.write',
    tag: 'reviews',
    summary: 'Hold a request for human review (an escalate guardrail)',
    status: 201,
    body: NewReviewSchema,
    output: ReviewRecordSchema,
    args: [body],
  },
  listReviews: {
    method: 'GET',
    path: `${P}/reviews`,
    permission: 'read',
    tag: 'reviews',
    summary: 'The human review queue',
    query: closed({
      status: Type.Optional(Type.Enum(['pending', 'approved', 'rejected'])),
      limit: Type.Optional(Limit),
    }),
    output: list(ReviewRecordSchema),
    args: [filter],
  },
  getReview: {
    method: 'GET',
    path: `${P}/reviews/:id`,
    permission: 'read',
    tag: 'reviews',
    summary: 'One held request',
    output: ReviewRecordSchema,
    args: [path('id')],
  },
  decideReview: {
    method: 'POST',
    path: `${P}/reviews/:id/decision`,
    permission: 'review.decide',
    tag: 'reviews',
    summary: 'Approve or reject a held request',
    body: closed({ decision: Type.Enum(['approved', 'rejected']), note: Type.Optional(Text) }),
    output: ReviewRecordSchema,
    audit: ['review.approve', 'review.reject'],
    args: [path('id'), field('decision'), actor, field('note')],
  },
  readResponseCache: {
    method: 'POST',
    path: `${P}/response-cache/lookup`,
    permission: 'read',
    tag: 'evaluations',
    summary: 'Cached model answers of versions (evaluations only)',
    body: closed({ versionHashes: Type.Array(Str, { maxItems: 1000 }) }),
    output: Type.Record(Type.String(), Type.Unknown()),
    args: [field('versionHashes')],
    shortcut: (args) => ((args[0] as readonly string[]).length === 0 ? { result: new Map() } : undefined),
    toWire: (result) => Object.fromEntries(result as Map<string, unknown>),
    fromWire: (wire) => new Map(Object.entries(wire as Record<string, unknown>)),
  },
  writeResponseCache: {
    method: 'POST',
    path: `${P}/response-cache`,
    permission: 'trace.write',
    tag: 'evaluations',
    summary: 'Store model answers for evaluations',
    status: 204,
    body: closed({
      entries: Type.Array(
        Type.Unsafe<{ key: string; versionHash: string; response: unknown }>({ type: 'object' }),
        { maxItems: 10_000 },
      ),
    }),
    args: [field('entries')],
    shortcut: empty,
  },
  recordEvalRun: {
    method: 'POST',
    path: `${P}/eval-runs`,
    permission: 'trace.write',
    tag: 'evaluations',
    summary: 'Keep an evaluation run',
    status: 204,
    body: EvalRunRecordSchema,
    args: [body],
  },
  listEvalRuns: {
    method: 'GET',
    path: `${P}/eval-runs`,
    permission: 'read',
    tag: 'evaluations',
    summary: 'Evaluation runs',
    query: closed({
      prompt: Type.Optional(Str),
      versionHash: Type.Optional(Str),
      limit: Type.Optional(Limit),
    }),
    output: list(EvalRunRecordSchema),
    args: [filter],
  },
};
