import { type CommandNode, declare, handle } from '../declaration.js';

const demo = declare({
  name: 'demo',
  description:
    'copy the example catalog into a folder and walk it through lint, push, labels, diff, runs, guardrails and traces',
  arguments: [['[dir]', 'folder for the demo project', 'promptops-demo']],
});

/** `promptops demo`. */
export const demoCommands: CommandNode[] = [
  handle(demo, async ([dir]) => (await import('./demo.js')).demo(dir)),
];
