import type { Command } from 'commander';

// A command is declared as data (name, description, arguments, options, examples) beside its
// handler module, in a file that imports nothing heavy; the handler is imported when the command
// runs. The types of a handler's arguments and options are read from the declared flags, so a flag
// and the option its handler reads cannot drift apart.

/** `[flags, description]`, or `[flags, description, 'required']` for an option the command needs. */
export type OptionDeclaration = readonly [flags: string, description: string, required?: 'required'];

/** `['<name>' | '[name]' | '[name...]', description]`, with a default value third if it has one. */
export type ArgumentDeclaration = readonly [name: string, description: string, defaultValue?: string];

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<Camel<Tail>>}`
  : S;
type LongName<F extends string> = F extends `${string}--${infer Rest}`
  ? Rest extends `${infer Name} ${string}`
    ? Name
    : Rest
  : never;
/** The key commander stores an option under: `--fail-on-flaky` → `failOnFlaky`, `--no-cache` → `cache`. */
type OptionKey<F extends string> = LongName<F> extends `no-${infer Name}` ? Camel<Name> : Camel<LongName<F>>;
type OptionValue<F extends string> = F extends `${string}...>`
  ? string[]
  : F extends `${string}<${string}>`
    ? string
    : boolean;

/** The options a handler receives for `O`, plus `--cwd`, which every command takes. */
export type CommandOptions<O extends readonly OptionDeclaration[]> = {
  [D in O[number] as D[2] extends 'required' ? OptionKey<D[0]> : never]: OptionValue<D[0]>;
} & {
  [D in O[number] as D[2] extends 'required' ? never : OptionKey<D[0]>]?: OptionValue<D[0]>;
} & { cwd?: string };

type ArgumentValue<D extends ArgumentDeclaration> = D[0] extends `${string}...${string}`
  ? string[]
  : D[0] extends `<${string}>`
    ? string
    : D[2] extends string
      ? string
      : string | undefined;

/** The positional values a handler receives for `A`, in order. */
export type ArgumentValues<A extends readonly ArgumentDeclaration[]> = {
  -readonly [K in keyof A]: ArgumentValue<A[K]>;
};

/** One command as data. */
export interface CommandDeclaration<
  A extends readonly ArgumentDeclaration[] = readonly ArgumentDeclaration[],
  O extends readonly OptionDeclaration[] = readonly OptionDeclaration[],
> {
  readonly name: string;
  readonly description: string;
  readonly arguments?: A;
  readonly options?: O;
  /** Command lines shown under "Examples:" in the help. */
  readonly examples?: readonly string[];
}

/** The options the handler of `D` receives. */
export type OptionsOf<D> =
  D extends CommandDeclaration<readonly ArgumentDeclaration[], infer O> ? CommandOptions<O> : never;

/** A declared command ready to assemble: its declaration, what runs it, and its subcommands. */
export interface CommandNode {
  readonly declaration: CommandDeclaration;
  /** Sets the command's action; absent for a group that only holds subcommands. */
  readonly bind?: (command: Command) => void;
  readonly commands: readonly CommandNode[];
}

/** Declares a command; the types of its arguments and options come from the literal flags. */
export function declare<
  const A extends readonly ArgumentDeclaration[] = [],
  const O extends readonly OptionDeclaration[] = [],
>(declaration: CommandDeclaration<A, O>): CommandDeclaration<A, O> {
  return declaration;
}

/**
 * Binds a declared command to its run function (which imports the handler when called), with
 * subcommands if it has any. The run function's exit code becomes the process's.
 */
export function handle<A extends readonly ArgumentDeclaration[], O extends readonly OptionDeclaration[]>(
  declaration: CommandDeclaration<A, O>,
  run: (args: ArgumentValues<A>, options: CommandOptions<O>) => Promise<number>,
  commands: readonly CommandNode[] = [],
): CommandNode {
  return {
    declaration,
    commands,
    bind: (command) => {
      command.action(async () => {
        // commander has checked the arguments against this same declaration (count, required,
        // variadic, defaults): processedArgs has the declared shape.
        const args = command.processedArgs as ArgumentValues<A>;
        process.exitCode = await run(args, command.optsWithGlobals<CommandOptions<O>>());
      });
    },
  };
}

/** A command that only holds subcommands (`label`, `token`, …). */
export function group(declaration: CommandDeclaration, commands: readonly CommandNode[]): CommandNode {
  return { declaration, commands };
}
