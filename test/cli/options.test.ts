import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { allCommands, buildProgram } from '../../src/cli/main.js';
import { parseCommandLine as parse, pathOf } from './parse-support.js';

/** A value for an option: a choice it allows when it lists them, else a plain word. */
function valueFor(option: Option): string {
  return option.argChoices?.[0] ?? '7';
}

describe('command-line options', () => {
  const program = buildProgram();
  const leaves = allCommands(program).filter((c) => c !== program && c.commands.length === 0);

  it('has commands to check', () => {
    expect(leaves.length).toBeGreaterThan(40);
  });

  it('hands every option of every command to that command, never to the program', async () => {
    const failures: string[] = [];
    for (const command of leaves) {
      const args = command.registeredArguments.filter((a) => a.required).map(() => 'x');
      for (const option of command.options) {
        const flag = option.long ?? option.short!;
        // Options the command cannot run without come along, each with a value of its own.
        const mandatory = command.options
          .filter((o) => o.mandatory && o !== option)
          .flatMap((o) => [o.long ?? o.short!, valueFor(o)]);
        const takesValue = option.required || option.optional;
        const argv = [
          ...pathOf(command),
          ...args,
          ...mandatory,
          flag,
          ...(takesValue ? [valueFor(option)] : []),
        ];
        try {
          const ran = await parse(argv);
          const expected = takesValue ? valueFor(option) : !option.negate;
          if (
            ran?.path.join(' ') !== pathOf(command).join(' ') ||
            ran.options[option.attributeName()] === undefined
          ) {
            failures.push(`${argv.join(' ')}: the command did not run with ${flag}`);
          } else if (
            option.attributeName() !== 'cwd' &&
            ran.options[option.attributeName()] !== expected &&
            !option.variadic
          ) {
            failures.push(
              `${argv.join(' ')}: ${flag} arrived as ${String(ran.options[option.attributeName()])}`,
            );
          }
        } catch (err) {
          failures.push(`${argv.join(' ')}: ${(err as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('gives a rollback its --version instead of printing the program version', async () => {
    const ran = await parse(['rollback', 'support-reply', '--env', 'production', '--version', '1']);
    expect(ran).toEqual({
      path: ['rollback'],
      options: expect.objectContaining({ env: 'production', version: '1' }),
    });
    const opened = await parse(['change', 'open', 'support-reply', '--version', '1']);
    expect(opened?.options.version).toBe('1');
  });

  it('still prints the program version before a command, and takes -C before or after it', async () => {
    await expect(parse(['--version'])).rejects.toMatchObject({ code: 'commander.version' });
    const program = buildProgram();
    program.exitOverride();
    let cwd: unknown;
    for (const command of allCommands(program)) {
      command.action((...args: unknown[]) => {
        cwd = (args.at(-1) as Command).optsWithGlobals().cwd;
      });
    }
    await program.parseAsync(['node', 'promptops', '-C', 'before', 'lint']);
    expect(cwd).toBe('before');
    await program.parseAsync(['node', 'promptops', 'lint', '-C', 'after']);
    expect(cwd).toBe('after');
  });
});
