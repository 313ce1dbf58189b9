/** Feedback's operations (store/feedback-store.ts): what people thought of a trace's answer. */
import Type from 'typebox';
import type { FeedbackStore } from '../../store/feedback-store.js';
import type { OperationTable, ServedBy } from '../operation.js';
import { closed, FeedbackRecordSchema, Limit, NewFeedbackSchema, Str, wholeNumberText } from '../schemas.js';
import { actor, body, filter, list, P } from './shorthand.js';

/** Feedback's entries in the operation table. */
export const FEEDBACK_OPERATIONS: OperationTable<ServedBy<typeof FeedbackStore>> = {
  recordFeedback: {
    method: 'POST',
    path: `${P}/feedback`,
    // Runtime tokens hold it: the application that ran the prompt passes its users' feedback on.
    permission: 'trace.write',
    tag: 'feedback',
    summary: 'Record feedback on a trace: a score or thumbs, a comment, a corrected output',
    status: 201,
    body: NewFeedbackSchema,
    output: FeedbackRecordSchema,
    args: [body, actor],
  },
  listFeedback: {
    method: 'GET',
    path: `${P}/feedback`,
    permission: 'read',
    tag: 'feedback',
    summary: 'Feedback on traces, newest first',
    query: closed({
      traceId: Type.Optional(Str),
      prompt: Type.Optional(Str),
      version: Type.Optional(wholeNumberText('^[1-9][0-9]{0,8}$')),
      environment: Type.Optional(Str),
      sentiment: Type.Optional(Type.Enum(['negative', 'positive'])),
      since: Type.Optional(Type.String({ format: 'date-time' })),
      limit: Type.Optional(Limit),
    }),
    output: list(FeedbackRecordSchema),
    args: [filter],
  },
};
