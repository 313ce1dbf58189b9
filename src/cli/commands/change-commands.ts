import { type CommandNode, declare, group, handle, type OptionsOf } from '../declaration.js';

const NUMBER = ['<number>', "the change request's number"] as const;

const open = declare({
  name: 'open',
  description: 'propose a pushed version (default: the latest) for release',
  arguments: [['<prompt>', 'prompt name']],
  options: [
    ['--version <n>', 'the version to propose'],
    ['-m, --title <text>', 'title (default: the version message)'],
    ['--description <text>', 'longer description'],
    ['--author <who>', 'author to record (local mode)'],
    ['--json', 'print machine-readable results'],
  ],
});
export type OpenChangeOptions = OptionsOf<typeof open>;

const ls = declare({
  name: 'ls',
  description: 'list change requests, newest first',
  options: [
    ['--status <status>', 'open, closed or released'],
    ['--prompt <name>', 'only this prompt'],
    ['--json', 'print machine-readable results'],
  ],
});
export type ListChangesOptions = OptionsOf<typeof ls>;

const show = declare({
  name: 'show',
  description: 'a change request: risk breakdown, checks, reviews and what blocks its release',
  arguments: [NUMBER],
  options: [['--json', 'print machine-readable results']],
});
export type ShowChangeOptions = OptionsOf<typeof show>;

const check = declare({
  name: 'check',
  description: 'run lint, the test suite, its guardrail cases and the regression comparison, and record them',
  arguments: [NUMBER],
  options: [
    [
      '--on-server',
      'ask the control plane (PROMPTOPS_URL) to run them on the registered version and record them as control-plane',
    ],
    ['--provider <name>', 'run the suites on this provider instead, e.g. offline'],
    ['--tolerance <fraction>', 'pass-rate drop allowed before the regression check fails (default 0)'],
    ['--author <who>', 'who ran the checks (local mode)'],
    ['--json', 'print machine-readable results'],
  ],
});
export type CheckChangeOptions = OptionsOf<typeof check>;

/** A review decision: `change approve|request-changes|comment` and the top-level `approve`. */
function review(name: string, description: string) {
  return declare({
    name,
    description,
    arguments: [NUMBER],
    options: [
      ['--comment <text>', 'what you think'],
      ['--author <who>', 'reviewer to record (local mode)'],
      ['--json', 'print machine-readable results'],
    ],
  });
}
export type ApprovalOptions = OptionsOf<ReturnType<typeof review>>;

const override = declare({
  name: 'override',
  description: 'accept a red check (admins; recorded as a policy exception)',
  arguments: [NUMBER, ['<check>', 'lint, tests, guardrails or regression']],
  options: [
    ['--justification <text>', 'why it is acceptable (required)'],
    ['--author <who>', 'admin to record (local mode)'],
    ['--json', 'print machine-readable results'],
  ],
});
export type OverrideChangeOptions = OptionsOf<typeof override>;

const close = declare({
  name: 'close',
  description: 'close a change request without releasing it',
  arguments: [NUMBER],
  options: [
    ['--author <who>', 'who closes it (local mode)'],
    ['--json', 'print machine-readable results'],
  ],
});
export type CloseChangeOptions = OptionsOf<typeof close>;

const handlers = () => import('./change.js');

/** `promptops change …` and `approve`. */
export const changeCommands: CommandNode[] = [
  group(
    {
      name: 'change',
      description:
        'change requests: propose a version, run its checks, review it; risk decides the approvals needed',
      examples: [
        'promptops change open support-reply -m "softer tone"',
        'promptops change check 3',
        'promptops change approve 3 --comment "reads well"',
        'promptops release 3 --env staging',
      ],
    },
    [
      handle(open, async ([prompt], o) => (await handlers()).openChange(prompt, o)),
      handle(ls, async (_, o) => (await handlers()).listChanges(o)),
      handle(show, async ([n], o) => (await handlers()).showChange(n, o)),
      handle(check, async ([n], o) => (await handlers()).checkChange(n, o)),
      ...(
        [
          ['approve', 'approve', 'approve a change request (never your own)'],
          [
            'request-changes',
            'request_changes',
            'block a change request until you approve it (needs --comment)',
          ],
          ['comment', 'comment', 'comment without deciding'],
        ] as const
      ).map(([name, decision, description]) =>
        handle(review(name, description), async ([n], o) => (await handlers()).decideChange(n, decision, o)),
      ),
      handle(override, async ([n, c], o) => (await handlers()).overrideChange(n, c, o)),
      handle(close, async ([n], o) => (await handlers()).closeChange(n, o)),
    ],
  ),
  handle(review('approve', 'approve a change request (the same as "change approve")'), async ([n], o) =>
    (await handlers()).decideChange(n, 'approve', o),
  ),
];
