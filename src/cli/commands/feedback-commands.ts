import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const feedback = declare({
  name: 'feedback',
  description: 'record feedback on a trace (thumbs or a score, a comment, the answer it should have given)',
  arguments: [['<trace-id>', 'the trace id (from a run\'s output or "promptops traces")']],
  options: [
    ['--thumbs <up|down>', 'thumbs up or down'],
    ['--score <0..1>', 'a score from 0 (bad) to 1 (good); under 0.5 counts as negative'],
    ['--comment <text>', 'what was wrong, or right'],
    ['--corrected <json|@file>', 'the answer it should have given: JSON, text, or @file'],
    ['--author <who>', 'who gives the feedback (a server takes it from the token)'],
    ['--json', 'print the recorded feedback'],
  ],
  examples: [
    'promptops feedback 1f0c… --thumbs down --comment "wrong category" --corrected @fixed.json',
    'promptops feedback 1f0c… --score 0.8',
    'promptops feedback ls --prompt support-reply --negative',
  ],
});
export type FeedbackOptions = OptionsOf<typeof feedback>;

const list = declare({
  name: 'ls',
  description: 'feedback on traces, newest first',
  options: [
    ['--prompt <name>', 'only feedback on traces of this prompt'],
    ['--env <environment>', 'only feedback on traces of this environment'],
    ['--trace <id>', 'only feedback on this trace'],
    ['--negative', 'only negative feedback (thumbs down, or a score under 0.5)'],
    ['-n, --limit <n>', 'how many (default 20)'],
    ['--json', 'print machine-readable records'],
  ],
});
export type ListFeedbackOptions = OptionsOf<typeof list>;

/** `promptops feedback` and `feedback ls`. */
export const feedbackCommands: CommandNode[] = [
  handle(feedback, async ([traceId], o) => (await import('./feedback.js')).giveFeedback(traceId, o), [
    handle(list, async (_, o) => (await import('./feedback.js')).listFeedback(o)),
  ]),
];
