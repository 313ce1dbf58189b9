import { type CommandNode, declare, group, handle, type OptionsOf } from '../declaration.js';

const login = declare({
  name: 'login',
  description: 'check a token against a server and save it for PROMPTOPS_URL',
  arguments: [['<url>', 'the server, e.g. http://127.0.0.1:4100']],
  options: [
    ['--token <token>', 'the token (default: PROMPTOPS_TOKEN)'],
    ['--json', 'print machine-readable results'],
  ],
});
export type LoginOptions = OptionsOf<typeof login>;

const logout = declare({
  name: 'logout',
  description: 'forget the token saved for a server',
  arguments: [['<url>', 'the server']],
  options: [['--json', 'print machine-readable results']],
});
export type LogoutOptions = OptionsOf<typeof logout>;

const create = declare({
  name: 'create',
  description: 'mint a token for a subject (next to the database this bootstraps the first admin)',
  options: [
    ['--subject <who>', 'who the token acts for (a person or a service)'],
    [
      '--role <role...>',
      'grant roles in this project too: viewer, runtime, author, reviewer, releaser, ci, admin',
    ],
    ['--name <name>', 'a label for the token (default cli)'],
    ['--expires <when>', 'a duration (30d, 12h) or a date'],
    ['--author <who>', 'who creates it (local mode)'],
    ['--json', 'print machine-readable results'],
  ],
});
export type CreateTokenOptions = OptionsOf<typeof create>;

const ls = declare({
  name: 'ls',
  description: 'list tokens (never their secrets)',
  options: [['--json', 'print machine-readable results']],
});
export type ListTokensOptions = OptionsOf<typeof ls>;

const revoke = declare({
  name: 'revoke',
  description: 'revoke a token at once',
  arguments: [['<id>', 'the token id (from token ls)']],
  options: [
    ['--author <who>', 'who revokes it (local mode)'],
    ['--json', 'print machine-readable results'],
  ],
});
export type RevokeTokenOptions = OptionsOf<typeof revoke>;

const grant = declare({
  name: 'grant',
  description: "give a subject (a token's subject, e.g. an email) a role in the project",
  arguments: [
    ['<subject>', 'who: the subject of their token'],
    ['<role>', 'viewer, runtime, author, reviewer, releaser, ci or admin'],
  ],
  options: [
    ['--author <who>', 'who grants it (local mode)'],
    ['--json', 'print machine-readable results'],
  ],
});
export type GrantRoleOptions = OptionsOf<typeof grant>;

const revokeRole = declare({
  name: 'revoke',
  description: 'take a role away from a subject',
  arguments: [
    ['<subject>', 'who: the subject of their token'],
    ['<role>', 'the role to take away'],
  ],
  options: [
    ['--author <who>', 'who revokes it (local mode)'],
    ['--json', 'print machine-readable results'],
  ],
});
export type RevokeRoleOptions = OptionsOf<typeof revokeRole>;

const roles = declare({
  name: 'ls',
  description: 'list who holds which role in the project',
  options: [['--json', 'print machine-readable results']],
});
export type ListRolesOptions = OptionsOf<typeof roles>;

const handlers = () => import('./token.js');

/** `promptops login`, `logout`, `token …` and `role …`. */
export const tokenCommands: CommandNode[] = [
  handle(login, async ([url], o) => (await handlers()).login(url, o)),
  handle(logout, async ([url], o) => (await handlers()).logout(url, o)),
  group(
    {
      name: 'token',
      description: 'API tokens: shown once, stored as scrypt hashes',
      examples: [
        'promptops token create --subject ada@acme.com --role admin',
        'promptops token ls',
        'promptops token revoke ID',
      ],
    },
    [
      handle(create, async (_, o) => (await handlers()).createToken(o)),
      handle(ls, async (_, o) => (await handlers()).listTokens(o)),
      handle(revoke, async ([id], o) => (await handlers()).revokeToken(id, o)),
    ],
  ),
  group(
    { name: 'role', description: 'roles per project: who may read, author, review, release, administer' },
    [
      handle(grant, async ([subject, role], o) => (await handlers()).grantRole(subject, role, o)),
      handle(revokeRole, async ([subject, role], o) => (await handlers()).revokeRole(subject, role, o)),
      handle(roles, async (_, o) => (await handlers()).listRoles(o)),
    ],
  ),
];
