import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const init = declare({
  name: 'init',
  description: 'scaffold a project: promptops.yaml, an example prompt and its test suite',
  arguments: [['[dir]', 'folder to create the project in', '.']],
  options: [['--force', 'overwrite the scaffold files if they exist']],
  examples: ['promptops init', 'promptops init my-prompts'],
});
export type InitOptions = OptionsOf<typeof init>;

/** `promptops init`. */
export const initCommands: CommandNode[] = [
  handle(init, async ([dir], o) => (await import('./init.js')).init(dir, o)),
];
