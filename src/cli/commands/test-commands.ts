import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const test = declare({
  name: 'test',
  description: "run each prompt's suite (NAME.tests.yaml) against the working copy",
  arguments: [['[names...]', 'only these prompts']],
  options: [
    ['-j, --jobs <n>', 'cases in flight at once (default 8)'],
    ['--repeat <n>', 'run every case n times and report flaky verdicts'],
    ['--fail-on-flaky', 'with --repeat: exit 1 when any case changed verdict between runs'],
    ['--provider <name>', 'run on this provider instead, e.g. offline'],
    [
      '--compare <ref>',
      'also run the suites on this version (a label like production, or @N) and fail on regressions',
    ],
    [
      '--tolerance <fraction>',
      'with --compare: pass-rate drop allowed before it counts as a regression (default 0)',
    ],
    ['--retry-errors <n>', 'run cases that ended in ERROR up to n more times'],
    ['--junit <file>', 'also write JUnit XML for CI'],
    ['--html <file>', 'also write a self-contained HTML report with per-case detail and a chart'],
    [
      '--no-cache',
      'call the model for every case (answers of network models are cached per version and input)',
    ],
    ['--no-store', 'do not keep the run in the registry'],
    ['--json', 'print every case result'],
  ],
  examples: [
    'promptops test',
    'promptops test support-reply --repeat 5',
    'promptops test --junit results.xml',
  ],
});
export type TestOptions = OptionsOf<typeof test>;

/** `promptops test`. */
export const testCommands: CommandNode[] = [
  handle(test, async ([names], o) => (await import('./test.js')).test(names, o)),
];
