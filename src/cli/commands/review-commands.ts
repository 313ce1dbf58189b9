import { type CommandNode, declare, group, handle, type OptionsOf } from '../declaration.js';

const ls = declare({
  name: 'ls',
  description: 'list reviews (pending by default)',
  options: [
    ['--status <status>', 'pending, approved, rejected or all'],
    ['--json', 'print machine-readable results'],
  ],
});
export type ListReviewsOptions = OptionsOf<typeof ls>;

const show = declare({
  name: 'show',
  description: 'show a held request, its verdicts and its decision',
  arguments: [['<id>', 'review id']],
  options: [['--json', 'print machine-readable results']],
});
export type ShowReviewOptions = OptionsOf<typeof show>;

const result = declare({
  name: 'result',
  description:
    'deliver a decided request: the approved answer (running the model if the input was held) or the refusal',
  arguments: [['<id>', 'review id']],
  options: [
    ['--wait <seconds>', 'wait this long for a decision'],
    ['--json', 'print the whole result'],
  ],
});
export type ReviewResultOptions = OptionsOf<typeof result>;

/** `review approve` and `review reject` take the same arguments and options. */
function decision(verb: 'approve' | 'reject') {
  return declare({
    name: verb,
    description: `${verb} a held request; the decision and who made it are recorded`,
    arguments: [['<id>', 'review id']],
    options: [
      ['--note <text>', 'why'],
      ['--author <who>', 'reviewer to record'],
      ['--json', 'print machine-readable results'],
    ],
  });
}
export type DecideOptions = OptionsOf<ReturnType<typeof decision>>;

const handlers = () => import('./review.js');

/** `promptops review …`. */
export const reviewCommands: CommandNode[] = [
  group(
    {
      name: 'review',
      description: 'the human review queue of requests an escalate guardrail held',
      examples: [
        'promptops review ls',
        'promptops review approve 3f2c… --note "customer verified"',
        'promptops review reject 3f2c…',
      ],
    },
    [
      handle(ls, async (_, o) => (await handlers()).listReviews(o)),
      handle(show, async ([id], o) => (await handlers()).showReview(id, o)),
      handle(result, async ([id], o) => (await handlers()).result(id, o)),
      handle(decision('approve'), async ([id], o) => (await handlers()).decide(id, 'approved', o)),
      handle(decision('reject'), async ([id], o) => (await handlers()).decide(id, 'rejected', o)),
    ],
  ),
];
