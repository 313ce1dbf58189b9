import { type CommandNode, declare, group, handle, type OptionsOf } from '../declaration.js';

const ls = declare({
  name: 'ls',
  description: 'list alerts, newest first (open ones, firing or acknowledged, by default)',
  options: [
    ['--status <status>', 'firing, acknowledged, resolved or all'],
    ['--dead-letters', 'only alerts with a webhook delivery that gave up'],
    ['-n, --limit <n>', 'how many (default 50)'],
    ['--json', 'print machine-readable records'],
  ],
});
export type ListAlertsOptions = OptionsOf<typeof ls>;

const ack = declare({
  name: 'ack',
  description:
    "acknowledge an open alert: someone is on it (a rule's or a drift check's alert stays open until its condition clears)",
  arguments: [['<id>', 'alert id (from "promptops alerts ls")']],
  options: [
    ['--note <text>', 'what is being done'],
    ['--author <who>', 'who acknowledges (a server takes it from the token)'],
    ['--json', 'print the alert'],
  ],
});
export type AckAlertOptions = OptionsOf<typeof ack>;

const redeliver = declare({
  name: 'redeliver',
  description: "re-queue an alert's dead webhook deliveries; the server's delivery worker sends them",
  arguments: [['<id>', 'alert id (from "promptops alerts ls --dead-letters")']],
  options: [
    ['--author <who>', 'who redelivers (a server takes it from the token)'],
    ['--json', 'print the alert'],
  ],
});
export type RedeliverAlertOptions = OptionsOf<typeof redeliver>;

const handlers = () => import('./alerts.js');

/** `promptops alerts …`. */
export const alertsCommands: CommandNode[] = [
  group(
    {
      name: 'alerts',
      description: 'alerts raised by rules, canary analysis and drift, and their webhook deliveries',
      examples: [
        'promptops alerts ls',
        'promptops alerts ls --dead-letters',
        'promptops alerts ack 5b1e… --note "rolling back"',
        'promptops alerts redeliver 5b1e…',
      ],
    },
    [
      handle(ls, async (_, o) => (await handlers()).listAlerts(o)),
      handle(ack, async ([id], o) => (await handlers()).ackAlert(id, o)),
      handle(redeliver, async ([id], o) => (await handlers()).redeliverAlert(id, o)),
    ],
  ),
];
