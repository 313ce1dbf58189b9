import { PromptOpsError } from '../../errors.js';
import type { FeedbackRecord, NewFeedback } from '../../store/index.js';
import { isOneOf, parseLimit, resolveActor, textOrFile, withStore } from '../context.js';
import { formatWhen, print, printJson, table, truncate } from '../output.js';
import type { FeedbackOptions, ListFeedbackOptions } from './feedback-commands.js';

/** `promptops feedback TRACE_ID`: records feedback on one trace. */
export async function giveFeedback(traceId: string, options: FeedbackOptions): Promise<number> {
  const input = await feedbackInput(traceId, options);
  return withStore(options, async (store) => {
    const recorded = await store.recordFeedback(input, resolveActor(options.author));
    if (options.json) printJson(recorded);
    else
      print(
        `recorded ${recorded.negative ? 'negative' : 'positive'} feedback on trace ${traceId} (${recorded.prompt}@${recorded.version})${recorded.correctedOutput === null ? '' : ' with a corrected output: "promptops dataset add-from-traces --feedback negative" turns it into a test case'}`,
      );
    return 0;
  });
}

/** The feedback the options describe; a usage error for what they cannot mean. */
export async function feedbackInput(traceId: string, options: FeedbackOptions): Promise<NewFeedback> {
  const input: NewFeedback = { traceId };
  if (options.thumbs !== undefined) {
    if (!isOneOf(options.thumbs, ['up', 'down'] as const))
      throw new PromptOpsError('PO_ERR_USAGE', `--thumbs must be up or down, not "${options.thumbs}"`);
    input.thumbs = options.thumbs;
  }
  if (options.score !== undefined) {
    const score = Number(options.score);
    if (options.score.trim() === '' || !(score >= 0 && score <= 1))
      throw new PromptOpsError(
        'PO_ERR_USAGE',
        `--score must be a number from 0 to 1, not "${options.score}"`,
      );
    input.score = score;
  }
  if (input.thumbs === undefined && input.score === undefined)
    throw new PromptOpsError('PO_ERR_USAGE', 'give --thumbs up|down or --score 0..1 (or both)');
  if (options.comment !== undefined) input.comment = options.comment;
  if (options.corrected !== undefined) input.correctedOutput = await correctedOutput(options.corrected);
  return input;
}

/** `--corrected`: JSON, or text when it is not JSON; `@file` reads the file the same way. */
async function correctedOutput(text: string): Promise<unknown> {
  const raw = await textOrFile(text, 'the corrected output');
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw.trimEnd();
  }
}

/** `promptops feedback ls`: feedback on traces, newest first. */
export async function listFeedback(options: ListFeedbackOptions): Promise<number> {
  return withStore(options, async (store) => {
    const records = await store.listFeedback({
      limit: parseLimit(options.limit, 20),
      ...(options.prompt !== undefined ? { prompt: options.prompt } : {}),
      ...(options.env !== undefined ? { environment: options.env } : {}),
      ...(options.trace !== undefined ? { traceId: options.trace } : {}),
      ...(options.negative ? { sentiment: 'negative' as const } : {}),
    });
    if (options.json) printJson(records);
    else if (records.length === 0) print('no feedback yet');
    else print(table(['AT', 'TRACE', 'PROMPT', 'VERDICT', 'BY', 'COMMENT'], records.map(row)));
    return 0;
  });
}

function row(f: FeedbackRecord): string[] {
  const verdict = [f.thumbs ? `thumbs ${f.thumbs}` : '', f.score === null ? '' : `score ${f.score}`]
    .filter(Boolean)
    .join(', ');
  return [
    formatWhen(f.at),
    f.traceId,
    `${f.prompt}@${f.version}`,
    `${verdict}${f.correctedOutput === null ? '' : ' (corrected)'}`,
    f.by,
    truncate(f.comment ?? '', 40),
  ];
}
