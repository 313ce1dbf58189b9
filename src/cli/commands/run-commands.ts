import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const run = declare({
  name: 'run',
  description: 'run a prompt: contract, render, model call, output contract, trace',
  arguments: [['<ref>', 'NAME (latest), NAME@N or NAME:label']],
  options: [
    ['-i, --input <json>', 'input as JSON, or @file.json'],
    ['-e, --env <environment>', 'run the version this environment (label) points at'],
    ['--provider <name>', 'run on this provider instead, e.g. offline'],
    ['--model <provider/model>', 'another model, where the prompt allows it (promptops.overrides)'],
    ['--config <json>', 'model config values, where the prompt allows them, e.g. {"temperature":0}'],
    ['--json', 'print the whole result: output, version, model, usage, trace id'],
  ],
  examples: [
    `promptops run support-reply --input '{"customer":{"name":"Dana","tier":"pro"},"message":"Charged twice"}'`,
    'promptops run contract-extractor --input @contract.json --env production',
    'promptops run refund-decision@2 --input @case.json --provider offline',
  ],
});
export type RunCliOptions = OptionsOf<typeof run>;

/** `promptops run`. */
export const runCommands: CommandNode[] = [
  handle(run, async ([ref], o) => (await import('./run.js')).run(ref, o)),
];
