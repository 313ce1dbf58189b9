import { type CommandNode, declare, group, handle, type OptionsOf } from '../declaration.js';

const canaryStatus = declare({
  name: 'status',
  description:
    "a canary analysis: its plan, step and weight, and each interval's verdict with the evidence per metric",
  arguments: [['[prompt]', 'only this prompt']],
  options: [
    ['--env <environment>', 'only this environment'],
    ['--watch', 'wait until every analysis shown is decided (promoted or rolled back), then show it'],
    ['--timeout <duration>', 'with --watch: give up after this long, exit 1 (default 15m)'],
    ['--json', 'print machine-readable results'],
  ],
  examples: [
    'promptops canary status support-reply --env production',
    'promptops canary status support-reply --env production --watch',
  ],
});
export type CanaryStatusOptions = OptionsOf<typeof canaryStatus>;

const canary = declare({ name: 'canary', description: 'canary analysis: how running canaries are judged' });

const handlers = () => import('./canary.js');

/** `promptops canary status`. */
export const canaryCommands: CommandNode[] = [
  group(canary, [handle(canaryStatus, async ([prompt], o) => (await handlers()).canaryStatus(prompt, o))]),
];
