import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const status = declare({
  name: 'status',
  description: 'compare the files on disk with the registry: new, changed, unchanged',
  options: [
    ['--check', 'exit 1 when anything differs (for CI)'],
    ['--fail-on-breaking', 'exit 1 when a changed file breaks the contract of its latest version'],
    ['--json', 'print machine-readable results'],
  ],
  examples: ['promptops status', 'promptops status --check --fail-on-breaking'],
});
export type StatusOptions = OptionsOf<typeof status>;

/** `promptops status`. */
export const statusCommands: CommandNode[] = [
  handle(status, async (_, o) => (await import('./status.js')).status(o)),
];
