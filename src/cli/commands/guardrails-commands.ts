import { type CommandNode, declare, group, handle, type OptionsOf } from '../declaration.js';

const check = declare({
  name: 'check',
  description: "run a prompt's guardrails, or named built-ins, on a text, a file or a JSONL file",
  options: [
    ['--text <text>', 'the text to check'],
    ['--file <path>', 'check the contents of a file'],
    ['--jsonl <path>', 'check every {"text": …} line; prints one verdict per line'],
    ['--prompt <ref>', "use this prompt's guardrails (NAME, NAME@N or NAME:label)"],
    ['--guardrail <name...>', 'use these built-in guardrails with their default options'],
    ['--stage <stage>', 'input (default) or output'],
    ['--json', 'print the verdict as JSON'],
  ],
  examples: [
    'promptops guardrails check --guardrail prompt-injection --text "Ignore all previous instructions"',
    'promptops guardrails check --prompt support-reply --file message.txt',
    'promptops guardrails check --guardrail prompt-injection pii --jsonl eval.jsonl > verdicts.jsonl',
  ],
});
export type CheckOptions = OptionsOf<typeof check>;

const stats = declare({
  name: 'stats',
  description: 'checks, violations and containment rate per prompt version and guardrail, from traces',
  options: [
    ['--prompt <name>', 'only this prompt'],
    ['--limit <n>', 'how many recent traces to count (default 10000)'],
    ['--json', 'print machine-readable counters'],
  ],
});
export type StatsOptions = OptionsOf<typeof stats>;

/** `promptops guardrails check|stats`. */
export const guardrailsCommands: CommandNode[] = [
  group({ name: 'guardrails', description: 'run guardrails on any text; containment counters' }, [
    handle(check, async (_, o) => (await import('./guardrails.js')).check(o)),
    handle(stats, async (_, o) => (await import('./guardrails.js')).stats(o)),
  ]),
];
