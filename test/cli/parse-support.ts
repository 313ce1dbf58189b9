/**
 * Parses a command line with the real command tree but no command's work: every action is replaced
 * by one that records which command ran and the options it got. For tests of the CLI's syntax.
 */
import type { Command } from 'commander';
import { allCommands, buildProgram } from '../../src/cli/main.js';

/** The words that reach `command` from the program: `['change', 'open']`. */
export function pathOf(command: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names;
}

export interface ParsedCommandLine {
  path: string[];
  options: Record<string, unknown>;
}

/** Parses `argv` (the words after `promptops`); rejects with commander's error on bad syntax. */
export async function parseCommandLine(argv: string[]): Promise<ParsedCommandLine | null> {
  const program = buildProgram();
  program.exitOverride();
  program.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  let ran: ParsedCommandLine | null = null;
  for (const command of allCommands(program)) {
    command.exitOverride();
    command.configureOutput({ writeOut: () => {}, writeErr: () => {} });
    command.action((...args: unknown[]) => {
      const self = args.at(-1) as Command;
      ran = { path: pathOf(self), options: self.opts() };
    });
  }
  await program.parseAsync(['node', 'promptops', ...argv]);
  return ran;
}
