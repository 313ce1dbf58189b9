import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const drift = declare({
  name: 'drift',
  description:
    "the drift monitor's last report: each prompt's input, output-length, rate and latency shifts against its reference window",
  arguments: [['[prompt]', 'only this prompt']],
  options: [
    ['--env <environment>', 'only this environment'],
    ['--json', 'print the full reports (every bin, every check)'],
  ],
  examples: ['promptops drift', 'promptops drift support-reply --env production --json'],
});
export type DriftOptions = OptionsOf<typeof drift>;

/** `promptops drift`. */
export const driftCommands: CommandNode[] = [
  handle(drift, async ([prompt], o) => (await import('./drift.js')).showDrift(prompt, o)),
];
