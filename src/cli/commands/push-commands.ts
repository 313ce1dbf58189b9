import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const push = declare({
  name: 'push',
  description: 'register a new immutable version of every changed prompt (idempotent)',
  arguments: [['[paths...]', 'files or folders (default: the whole catalog)']],
  options: [
    ['-m, --message <text>', 'what changed and why, stored with each new version'],
    ['--author <who>', 'author to record (default: PROMPTOPS_AUTHOR, git user.email, OS user)'],
    ['--dry-run', 'show what would be registered without writing'],
    ['--propose', 'open a change request for every new version'],
    ['--json', 'print machine-readable results'],
  ],
  examples: [
    'promptops push -m "escalate enterprise outages"',
    'promptops push --propose -m "softer tone"',
    'promptops push --dry-run',
  ],
});
export type PushOptions = OptionsOf<typeof push>;

/** `promptops push`. */
export const pushCommands: CommandNode[] = [
  handle(push, async ([paths], o) => (await import('./push.js')).push(paths, o)),
];
