/** Telemetry's operations (store/rollup-store.ts): per-minute rollups, and retention of raw traces. */
import Type from 'typebox';
import type { RollupCell, RollupValues } from '../../monitor/rollup.js';
import type { RollupStore } from '../../store/rollup-store.js';
import type { OperationTable, ServedBy } from '../operation.js';
import { closed, Str, wholeNumberText } from '../schemas.js';
import { actor, emptyWrite, field, filter, list, P } from './shorthand.js';

/** A sum: counts and totals are never negative, and (stored as JSON) bounded far above any real minute. */
const Sum = { type: 'number', minimum: 0, maximum: 1e15 };
const Slots = { type: 'array', items: Sum, maxItems: 256 };
const Counts = { type: 'object', additionalProperties: Sum, maxProperties: 1000 };

/** A cell's values; fields left out count as 0 (every field is a sum). */
const RollupValuesSchema = Type.Unsafe<Partial<RollupValues>>({
  type: 'object',
  additionalProperties: false,
  properties: {
    requests: Sum,
    errors: Sum,
    blocked: Sum,
    held: Sum,
    schemaChecked: Sum,
    schemaValid: Sum,
    refusals: Sum,
    latency: Slots,
    latencySumMs: Sum,
    costUsd: Sum,
    costSquaresSum: Sum,
    inputTokens: Sum,
    outputTokens: Sum,
    feedbackPositive: Sum,
    feedbackNegative: Sum,
    feedbackScoreSum: Sum,
    feedbackScored: Sum,
    graderScoreSum: Sum,
    graderScoreSquaresSum: Sum,
    graded: Sum,
    errorCodes: Counts,
    outputLength: Slots,
    inputs: { type: 'object', additionalProperties: Counts, maxProperties: 200 },
  },
});

/** One minute of one prompt, version, environment and arm. */
export const RollupCellSchema = Type.Unsafe<RollupCell>({
  type: 'object',
  additionalProperties: false,
  required: ['prompt', 'version', 'environment', 'arm', 'minute', 'values'],
  properties: {
    prompt: Str,
    // 0 is the working copy an evaluation runs.
    version: { type: 'integer', minimum: 0, maximum: 2 ** 31 - 1 },
    environment: { type: ['string', 'null'], maxLength: 200 },
    arm: { enum: ['stable', 'canary', null] },
    minute: { type: 'string', format: 'date-time' },
    values: RollupValuesSchema,
  },
});

const RollupWriteSchema = closed({
  source: Type.String({ minLength: 1, maxLength: 200 }),
  cells: Type.Array(RollupCellSchema, { maxItems: 5000 }),
});

const Time = Type.String({ format: 'date-time' });

/** No cells: nothing to send. */
const empty = emptyWrite(1);

/** Telemetry's entries in the operation table. */
export const TELEMETRY_OPERATIONS: OperationTable<ServedBy<typeof RollupStore>> = {
  writeRollups: {
    method: 'POST',
    path: `${P}/rollups`,
    // Runtime tokens hold it: every gateway writes its own cells.
    permission: 'trace.write',
    tag: 'telemetry',
    summary:
      "Store a source's per-minute rollup cells (absolute values: a repeated write changes nothing; the source is the caller's own)",
    status: 204,
    body: RollupWriteSchema,
    args: [field('source'), field('cells'), actor],
    shortcut: empty,
  },
  addRollups: {
    method: 'POST',
    path: `${P}/rollups/add`,
    // Additions feed canary decisions and alerts and are not the caller's own rows to replace:
    // the control plane makes them on its store (feedback, re-grading); over HTTP, admins only.
    permission: 'admin.manage',
    tag: 'telemetry',
    summary: "Add to a source's per-minute rollup cells (feedback, re-grading scores)",
    status: 204,
    body: RollupWriteSchema,
    args: [field('source'), field('cells')],
    shortcut: empty,
  },
  readRollups: {
    method: 'GET',
    path: `${P}/rollups`,
    permission: 'read',
    tag: 'telemetry',
    summary: 'Per-minute rollup cells in [from, to), each summed over the gateways that wrote it',
    query: closed({
      prompt: Type.Optional(Str),
      version: Type.Optional(wholeNumberText('^(?:0|[1-9][0-9]{0,8})$')),
      environment: Type.Optional(Str),
      arm: Type.Optional(Type.Enum(['stable', 'canary'])),
      from: Time,
      to: Time,
    }),
    output: list(RollupCellSchema),
    args: [filter],
  },
  pruneTelemetry: {
    method: 'POST',
    path: `${P}/telemetry/prune`,
    permission: 'admin.manage',
    tag: 'telemetry',
    summary: 'Delete raw traces and rollups older than the given times (retention)',
    body: closed({ traces: Type.Optional(Time), rollups: Type.Optional(Time) }),
    output: closed({ traces: Type.Integer({ minimum: 0 }), rollups: Type.Integer({ minimum: 0 }) }),
    args: [{ in: 'body' }],
  },
};
