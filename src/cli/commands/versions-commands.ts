import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const ls = declare({
  name: 'ls',
  description: 'list the prompts in the registry with their latest version and labels',
  options: [['--json', 'print machine-readable results']],
});
export type ListPromptsOptions = OptionsOf<typeof ls>;

const versions = declare({
  name: 'versions',
  description: 'list the versions of a prompt, newest first',
  arguments: [['<name>', 'prompt name']],
  options: [['--json', 'print machine-readable results']],
  examples: ['promptops versions support-reply'],
});
export type VersionsOptions = OptionsOf<typeof versions>;

const show = declare({
  name: 'show',
  description: 'show one version: metadata, contract, guardrails and template',
  arguments: [['<ref>', 'NAME (latest), NAME@N or NAME:label']],
  options: [
    ['--template', 'print only the template'],
    ['--json', 'print the full version record, spec included'],
  ],
  examples: [
    'promptops show support-reply',
    'promptops show support-reply@2',
    'promptops show support-reply:production --json',
  ],
});
export type ShowOptions = OptionsOf<typeof show>;

/** `promptops ls`, `versions` and `show`. */
export const versionsCommands: CommandNode[] = [
  handle(ls, async (_, o) => (await import('./versions.js')).listPrompts(o)),
  handle(versions, async ([name], o) => (await import('./versions.js')).versions(name, o)),
  handle(show, async ([ref], o) => (await import('./versions.js')).show(ref, o)),
];
