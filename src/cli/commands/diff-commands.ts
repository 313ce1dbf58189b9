import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const diff = declare({
  name: 'diff',
  description:
    'compare two versions (or a version and the working copy): template, structure, breaking changes',
  arguments: [
    ['<a>', 'NAME@N, NAME:label or NAME'],
    ['[b]', 'the other version (default: the file in the working copy)'],
  ],
  options: [
    ['--fail-on-breaking', 'exit 1 when B breaks the contract of A (for CI)'],
    ['--json', 'print machine-readable results'],
  ],
  examples: [
    'promptops diff support-reply@1 support-reply@2',
    'promptops diff support-reply:production',
    'promptops diff support-reply:production --fail-on-breaking',
  ],
});
export type DiffOptions = OptionsOf<typeof diff>;

/** `promptops diff`. */
export const diffCommands: CommandNode[] = [
  handle(diff, async ([a, b], o) => (await import('./diff.js')).diff(a, b, o)),
];
