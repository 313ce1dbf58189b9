import { Command, CommanderError } from 'commander';
import { alertsCommands } from './commands/alerts-commands.js';
import { auditCommands } from './commands/audit-commands.js';
import { canaryCommands } from './commands/canary-commands.js';
import { changeCommands } from './commands/change-commands.js';
import { datasetCommands } from './commands/dataset-commands.js';
import { demoCommands } from './commands/demo-commands.js';
import { diffCommands } from './commands/diff-commands.js';
import { driftCommands } from './commands/drift-commands.js';
import { feedbackCommands } from './commands/feedback-commands.js';
import { gatewayCommands } from './commands/gateway-commands.js';
import { graphCommands } from './commands/graph-commands.js';
import { guardrailsCommands } from './commands/guardrails-commands.js';
import { initCommands } from './commands/init-commands.js';
import { labelCommands } from './commands/label-commands.js';
import { lintCommands } from './commands/lint-commands.js';
import { pushCommands } from './commands/push-commands.js';
import { releaseCommands } from './commands/release-commands.js';
import { reviewCommands } from './commands/review-commands.js';
import { runCommands } from './commands/run-commands.js';
import { serveCommands } from './commands/serve-commands.js';
import { statusCommands } from './commands/status-commands.js';
import { testCommands } from './commands/test-commands.js';
import { tokenCommands } from './commands/token-commands.js';
import { tracesCommands } from './commands/traces-commands.js';
import { versionsCommands } from './commands/versions-commands.js';
import type { CommandNode } from './declaration.js';
import { packageVersion } from './package-root.js';

// Only commander and the commands' declarations (commands/*-commands.ts, data and types) load at
// start-up; each command's handler module (and the heavy libraries it needs) is imported when that
// command runs, so `promptops --version` and `--help` stay fast.

/** Every command, in the order `promptops --help` and docs/cli.md list them. */
const COMMANDS: readonly CommandNode[] = [
  ...initCommands,
  ...lintCommands,
  ...pushCommands,
  ...statusCommands,
  ...versionsCommands,
  ...diffCommands,
  ...labelCommands,
  ...runCommands,
  ...tracesCommands,
  ...feedbackCommands,
  ...alertsCommands,
  ...driftCommands,
  ...testCommands,
  ...datasetCommands,
  ...guardrailsCommands,
  ...reviewCommands,
  ...auditCommands,
  ...serveCommands,
  ...gatewayCommands,
  ...tokenCommands,
  ...changeCommands,
  ...releaseCommands,
  ...canaryCommands,
  ...graphCommands,
  ...demoCommands,
];

function examples(lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** Adds a declared command (and its subcommands) under `parent`. */
function assemble(parent: Command, node: CommandNode): void {
  const { name, description, arguments: args = [], options = [], examples: lines } = node.declaration;
  const command = parent.command(name).description(description);
  for (const [argument, help, fallback] of args) command.argument(argument, help, fallback);
  for (const [flags, help, required] of options) {
    if (required) command.requiredOption(flags, help);
    else command.option(flags, help);
  }
  if (lines) command.addHelpText('after', examples(lines));
  node.bind?.(command);
  for (const child of node.commands) assemble(command, child);
}

/** Builds the `promptops` command tree. */
export function buildProgram(): Command {
  const program = new Command('promptops')
    .description(
      'Run LLM instructions like production software: versioned prompts with contracts, tests and guardrails.',
    )
    .version(packageVersion(), '-v, --version', 'print the version')
    .option(CWD_FLAGS, CWD_HELP)
    // The program's own options (`--version` above all) count only before the command, so a
    // command's `--version <n>` reaches the command instead of printing the program's version.
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(text) })
    .addHelpText(
      'after',
      examples([
        'promptops init my-prompts',
        'promptops lint',
        'promptops push -m "tighten tone"',
        'promptops diff support-reply@1 support-reply@2',
      ]),
    );
  for (const node of COMMANDS) assemble(program, node);

  // `-C DIR` still works after the command (`promptops lint -C DIR`): every command takes it too.
  for (const command of allCommands(program)) {
    if (command !== program) command.option(CWD_FLAGS, CWD_HELP);
  }
  return program;
}

const CWD_FLAGS = '-C, --cwd <dir>';
const CWD_HELP = 'run as if started in <dir>';

/** `program` and every command below it, depth first. */
export function allCommands(program: Command): Command[] {
  return [program, ...program.commands.flatMap((command) => allCommands(command))];
}

/** Runs the CLI. Expected errors print their message (no stack) and exit with their code. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = await reportError(err, argv.includes('--json'));
  }
}

async function reportError(err: unknown, isJson: boolean): Promise<number> {
  if (err instanceof CommanderError) {
    // help and version exit through here with code 0; usage errors were already printed
    return err.exitCode === 0 ? 0 : 2;
  }
  const { isPromptOpsError } = await import('../errors.js');
  if (isPromptOpsError(err)) {
    if (isJson) process.stderr.write(`${JSON.stringify(err.toJSON())}\n`);
    else process.stderr.write(`error[${err.code}]: ${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`internal error: ${message}\n`);
  if (process.env.PROMPTOPS_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('set PROMPTOPS_DEBUG=1 for the stack trace, and please report it\n');
  return 70;
}
