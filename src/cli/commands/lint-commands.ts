import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const lint = declare({
  name: 'lint',
  description: 'check .prompt files: syntax, schemas, template variables, guardrails, models, owners',
  arguments: [['[paths...]', 'files or folders (default: the catalog folders of promptops.yaml)']],
  options: [['--json', 'print machine-readable results']],
  examples: ['promptops lint', 'promptops lint prompts/support-reply.prompt --json'],
});
export type LintOptions = OptionsOf<typeof lint>;

/** `promptops lint`. */
export const lintCommands: CommandNode[] = [
  handle(lint, async ([paths], o) => (await import('./lint.js')).lint(paths, o)),
];
