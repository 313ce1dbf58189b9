import { PromptOpsError } from '../../errors.js';
import { parseRole, type Role } from '../../governance/rbac.js';
import { openWorkspace } from '../../project/workspace.js';
import type { HttpStore } from '../../store/http-store.js';
import { isRemote, parseDuration, projectDir, resolveActor, withStore } from '../context.js';
import { color, print, printJson, table } from '../output.js';
import type {
  CreateTokenOptions,
  GrantRoleOptions,
  ListRolesOptions,
  ListTokensOptions,
  LoginOptions,
  LogoutOptions,
  RevokeRoleOptions,
  RevokeTokenOptions,
} from './token-commands.js';

/** `30d`, `12h`, `90m` or an ISO date → an ISO timestamp. */
export function parseExpiry(text: string, now = new Date()): string {
  const relative = parseDuration(text);
  if (relative !== null) return new Date(now.getTime() + relative).toISOString();
  const at = new Date(text);
  if (Number.isNaN(at.getTime()) || at <= now)
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `--expires takes a duration like 30d, 12h, 90m or a future date, not "${text}"`,
    );
  return at.toISOString();
}

/**
 * `promptops token create --subject WHO [--role R]...`: mints a token and prints it once. Run next
 * to the database (no PROMPTOPS_URL) it bootstraps the first admin; against a server it needs an
 * admin token.
 */
export async function createToken(options: CreateTokenOptions): Promise<number> {
  if (!options.subject)
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      'name who the token acts for with --subject (e.g. ada@acme.com)',
    );
  const roles: Role[] = (options.role ?? []).map(parseRole);
  const expiresAt = options.expires ? parseExpiry(options.expires) : undefined;
  return withStore(options, async (store, ws) => {
    const actor = resolveActor(options.author);
    if (!isRemote()) await store.ensureProject(ws.config.project, actor);
    const { token, record } = await store.createToken(
      { subject: options.subject!, name: options.name ?? 'cli', ...(expiresAt ? { expiresAt } : {}) },
      actor,
    );
    for (const role of roles) await store.grantRole(record.subject, role, actor);
    if (options.json) {
      printJson({ token, record, roles });
      return 0;
    }
    print(token);
    process.stderr.write(
      `${color.dim(`token ${record.id} for ${record.subject}${roles.length ? ` (${roles.join(', ')} in ${ws.config.project})` : ''}${record.expiresAt ? `, expires ${record.expiresAt}` : ''}: shown once, only its hash is stored`)}\n`,
    );
    return 0;
  });
}

/** `promptops token ls`: every token, never a secret. */
export async function listTokens(options: ListTokensOptions): Promise<number> {
  return withStore(options, async (store) => {
    const tokens = await store.listTokens();
    if (options.json) {
      printJson({ tokens });
      return 0;
    }
    print(
      table(
        ['ID', 'SUBJECT', 'NAME', 'CREATED', 'EXPIRES', 'REVOKED'],
        tokens.map((t) => [t.id, t.subject, t.name, t.createdAt, t.expiresAt ?? '-', t.revokedAt ?? '']),
      ),
    );
    return 0;
  });
}

/** `promptops token revoke ID`: the token stops working at once. */
export async function revokeToken(id: string, options: RevokeTokenOptions): Promise<number> {
  return withStore(options, async (store) => {
    const record = await store.revokeToken(id, resolveActor(options.author));
    if (options.json) printJson({ token: record });
    else print(`${color.green('revoked')} token ${record.id} of ${record.subject}`);
    return 0;
  });
}

/** `promptops role grant|revoke SUBJECT ROLE`, `promptops role ls`. */
export async function grantRole(subject: string, role: string, options: GrantRoleOptions): Promise<number> {
  return withStore(options, async (store, ws) => {
    const actor = resolveActor(options.author);
    if (!isRemote()) await store.ensureProject(ws.config.project, actor);
    const binding = await store.grantRole(subject, parseRole(role), actor);
    if (options.json) printJson({ binding });
    else print(`${color.green('granted')} ${binding.role} to ${binding.subject} in ${binding.project}`);
    return 0;
  });
}

/** `promptops role revoke SUBJECT ROLE`. */
export async function revokeRole(subject: string, role: string, options: RevokeRoleOptions): Promise<number> {
  return withStore(options, async (store, ws) => {
    await store.revokeRole(subject, parseRole(role), resolveActor(options.author));
    if (options.json) printJson({ revoked: { subject, role } });
    else print(`${color.green('revoked')} ${role} from ${subject} in ${ws.config.project}`);
    return 0;
  });
}

/** `promptops role ls`: who holds which role in the project. */
export async function listRoles(options: ListRolesOptions): Promise<number> {
  return withStore(options, async (store) => {
    const bindings = await store.listRoleBindings();
    if (options.json) {
      printJson({ bindings });
      return 0;
    }
    print(
      table(
        ['SUBJECT', 'ROLE', 'SINCE', 'BY'],
        bindings.map((b) => [b.subject, b.role, b.createdAt, b.createdBy]),
      ),
    );
    return 0;
  });
}

/**
 * `promptops login URL [--token T]`: checks the token against the server and saves it (0600) for
 * that URL; commands use it when PROMPTOPS_URL names the server.
 */
export async function login(url: string, options: LoginOptions): Promise<number> {
  const token = options.token ?? process.env.PROMPTOPS_TOKEN;
  if (!token) throw new PromptOpsError('PO_ERR_USAGE', 'pass the token with --token or PROMPTOPS_TOKEN');
  const { HttpStore: Client } = await import('../../store/http-store.js');
  const ws = await openWorkspace(projectDir(options), { isRequired: false });
  const client: HttpStore = new Client({ url, token, project: ws.config.project });
  const me = await client.whoami();
  const { saveToken } = await import('../../project/credentials.js');
  const file = await saveToken(url, token, me.subject);
  if (options.json) printJson({ url, subject: me.subject, roles: me.roles, saved: file });
  else {
    print(
      `logged in to ${url} as ${me.subject}${me.roles.length ? ` (${me.roles.join(', ')})` : ''}; token saved in ${file}`,
    );
    print(color.dim(`use it with: export PROMPTOPS_URL=${url}`));
  }
  return 0;
}

export async function logout(url: string, options: LogoutOptions): Promise<number> {
  const { forgetToken } = await import('../../project/credentials.js');
  const removed = await forgetToken(url);
  if (options.json) printJson({ url, removed });
  else print(removed ? `forgot the token for ${url}` : `no token saved for ${url}`);
  return 0;
}
