import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const traces = declare({
  name: 'traces',
  description:
    'list recent executions with their status, model, latency and tokens; "traces show ID" for one',
  options: [
    ['--prompt <name>', 'only this prompt'],
    ['--version <n>', 'only this version of --prompt'],
    ['--env <environment>', 'only requests served for this environment'],
    ['--status <status>', 'only ok, error or held'],
    ['--arm <arm>', 'only requests a gateway routed to this canary arm: stable or canary'],
    ['--since <when>', 'only since then: a duration back (30m, 2h, 7d) or a date/time'],
    ['--until <when>', 'only before then: a duration back or a date/time'],
    ['-n, --limit <n>', 'how many (default 20)'],
    ['--json', 'print full trace records'],
  ],
  examples: [
    'promptops traces',
    'promptops traces -n 5 --prompt support-reply --status error --since 2h',
    'promptops traces --prompt support-reply --version 2 --env production --json',
    'promptops traces --prompt support-reply --env production --arm canary --status error',
    'promptops traces show 1f0c…',
  ],
});
export type TracesOptions = OptionsOf<typeof traces>;

const show = declare({
  name: 'show',
  description: 'one execution: stages with timings, model calls, guardrail verdicts, contract mutations',
  arguments: [['<id>', 'the trace id (from "promptops traces" or a run\'s output)']],
  options: [['--json', 'print the full trace record']],
});
export type ShowTraceOptions = OptionsOf<typeof show>;

/** `promptops traces` and `traces show`. */
export const tracesCommands: CommandNode[] = [
  handle(traces, async (_, o) => (await import('./traces.js')).traces(o), [
    handle(show, async ([id], o) => (await import('./traces.js')).showTrace(id, o)),
  ]),
];
