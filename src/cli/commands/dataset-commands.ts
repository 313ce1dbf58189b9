import { type CommandNode, declare, group, handle, type OptionsOf } from '../declaration.js';

const addFromTraces = declare({
  name: 'add-from-traces',
  description:
    "append the inputs of selected traces to a JSONL dataset a suite can use with dataset:, or (--feedback negative) traces with negative feedback to their prompt's suite",
  options: [
    ['--prompt <name>', 'traces of this prompt (required without --feedback)'],
    ['--to <file.jsonl>', 'the dataset file to append to (required without --feedback)'],
    ['--feedback <negative>', "traces with negative feedback become cases of the prompt's .tests.yaml suite"],
    ['--out <file.tests.yaml>', 'with --feedback and --prompt: the suite file to append to'],
    ['--status <status>', 'only ok, error or held traces'],
    ['--guardrail <name>', 'only traces where this guardrail reported a violation'],
    ['--env <environment>', 'only traces of this environment'],
    ['--limit <n>', 'look at this many recent traces (default 1000)'],
    ['--json', 'print machine-readable results'],
  ],
  examples: [
    'promptops dataset add-from-traces --prompt support-reply --status error --to prompts/support-reply.failures.jsonl',
    'promptops dataset add-from-traces --prompt support-reply --guardrail prompt-injection --to prompts/red-team.jsonl',
    'promptops dataset add-from-traces --feedback negative --prompt support-reply',
  ],
});
export type FromTracesOptions = OptionsOf<typeof addFromTraces>;

/** `promptops dataset add-from-traces`. */
export const datasetCommands: CommandNode[] = [
  group({ name: 'dataset', description: 'turn production traces into test data' }, [
    handle(addFromTraces, async (_, o) => (await import('./dataset.js')).addFromTraces(o)),
  ]),
];
