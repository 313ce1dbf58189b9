import { type CommandNode, declare, handle, type OptionsOf } from '../declaration.js';

const release = declare({
  name: 'release',
  description: 'release an approved change request to an environment, optionally as a canary',
  arguments: [['<change-request>', 'its number']],
  options: [
    ['--env <environment>', 'where to release it'],
    ['--canary <percent>', 'serve it to this share of traffic beside the current version'],
    [
      '--analysis-plan <file>',
      "judge the canary by this plan (YAML or JSON) instead of promptops.yaml's canary:",
    ],
    ['--no-analysis', 'run the canary without automatic analysis (promote or roll back by hand)'],
    ['--notes <text>', 'release notes'],
    ['--force', 'release an older version across a breaking input contract (admins; needs --justification)'],
    ['--justification <text>', 'why callers may break'],
    ['--author <who>', 'releaser to record (local mode)'],
    ['--json', 'print machine-readable results'],
  ],
  examples: [
    'promptops release 3 --env staging',
    'promptops release 3 --env production --canary 5',
    'promptops release 3 --env production --canary 5 --no-analysis',
  ],
});
export type ReleaseOptions = OptionsOf<typeof release>;

const promote = declare({
  name: 'promote',
  description:
    "promote an environment's canary to full traffic, or its release to the next environment (--to)",
  arguments: [['<prompt>', 'prompt name']],
  options: [
    ['--env <environment>', 'the environment whose release is promoted'],
    ['--to <environment>', 'promote onward to this environment'],
    ['--notes <text>', 'release notes'],
    ['--author <who>', 'releaser to record (local mode)'],
    ['--json', 'print machine-readable results'],
  ],
  examples: ['promptops promote support-reply --env staging --to production'],
});
export type PromoteOptions = OptionsOf<typeof promote>;

const rollback = declare({
  name: 'rollback',
  description:
    'return an environment to its previous release (or --version N); refuses a breaking input contract',
  arguments: [['<prompt>', 'prompt name']],
  options: [
    ['--env <environment>', 'the environment to roll back'],
    ['--version <n>', 'the version to return to'],
    ['--force', 'roll back across a breaking input contract (admins; needs --justification)'],
    ['--justification <text>', 'why callers may break'],
    ['--notes <text>', 'release notes'],
    ['--author <who>', 'who rolls back (local mode)'],
    ['--json', 'print machine-readable results'],
  ],
});
export type RollbackOptions = OptionsOf<typeof rollback>;

const releases = declare({
  name: 'releases',
  description: 'release history, newest first',
  arguments: [['[prompt]', 'only this prompt']],
  options: [
    ['--env <environment>', 'only this environment'],
    ['--active', 'only the releases in force'],
    ['--limit <n>', 'how many (default 50)'],
    ['--json', 'print machine-readable results'],
  ],
});
export type ListReleasesOptions = OptionsOf<typeof releases>;

const handlers = () => import('./release.js');

/** `promptops release`, `promote`, `rollback` and `releases`. */
export const releaseCommands: CommandNode[] = [
  handle(release, async ([n], o) => (await handlers()).release(n, o)),
  handle(promote, async ([prompt], o) => (await handlers()).promote(prompt, o)),
  handle(rollback, async ([prompt], o) => (await handlers()).rollback(prompt, o)),
  handle(releases, async ([prompt], o) => (await handlers()).listReleases(prompt, o)),
];
