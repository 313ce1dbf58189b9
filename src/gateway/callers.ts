import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PromptOpsError } from '../errors.js';
import { allows, type Permission, type Role } from '../governance/rbac.js';
import { bearerOf } from '../governance/tokens.js';
import { HttpStore } from '../store/http-store.js';

/** Who a gateway request acts for, and the roles it holds in the gateway's project. */
export interface GatewayCaller {
  subject: string;
  roles: Role[];
}

/**
 * Checks a request's `Authorization` header (sent from `address`, the client's IP) and that its
 * roles grant `permission`.
 */
export type AuthorizeCaller = (
  authorization: string | undefined,
  permission: Permission,
  address: string,
) => Promise<GatewayCaller>;

/** Throws PO_ERR_FORBIDDEN unless `caller`'s roles grant `permission`. */
export function requirePermission(
  caller: GatewayCaller,
  permission: Permission,
  project: string,
): GatewayCaller {
  if (allows(caller.roles, permission)) return caller;
  throw new PromptOpsError(
    'PO_ERR_FORBIDDEN',
    `${caller.subject} may not ${permission} in project "${project}" (roles: ${caller.roles.join(', ') || 'none'}); an admin can grant the runtime role with "promptops role grant ${caller.subject} runtime"`,
    { permission },
  );
}

interface Entry {
  caller: GatewayCaller;
  checkedAt: number;
}

export interface RemoteCallersOptions {
  url: string;
  project: string;
  /**
   * Where the callers the control plane accepted are remembered across restarts (by token hash:
   * a SHA-256 of a random 256-bit secret cannot be turned back into it), so a gateway restarted
   * during an outage still serves them. None when absent.
   */
  file?: string;
  cacheMs?: number;
  now?: () => number;
  /** Most tokens remembered (least recently checked leave first). */
  capacity?: number;
}

/**
 * Callers of a standalone gateway, checked by the control plane: the token's subject (`whoami`) and
 * its roles in the project, asked with the caller's own token. An answer is trusted for `cacheMs`
 * (keyed by the token's SHA-256, never the token); while the control plane is unreachable a caller
 * it accepted before keeps being accepted, so a control-plane outage stops nobody already known.
 * A token never seen before cannot be checked then: PO_ERR_REMOTE_UNAVAILABLE (503).
 */
export function remoteCallers(options: RemoteCallersOptions): AuthorizeCaller {
  const callers = new RemoteCallers(options);
  return (authorization, permission) => callers.authorize(authorization, permission);
}

class RemoteCallers {
  private readonly base: string;
  private readonly entries: Map<string, Entry>;
  private readonly running = new Map<string, Promise<GatewayCaller>>();
  private saving: Promise<void> | null = null;
  private isDirty = false;
  private readonly now: () => number;

  constructor(private readonly options: RemoteCallersOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.entries = options.file ? loadCallers(options.file) : new Map();
    this.now = options.now ?? Date.now;
  }

  async authorize(authorization: string | undefined, permission: Permission): Promise<GatewayCaller> {
    const token = bearerOf(authorization);
    const key = createHash('sha256').update(token).digest('hex');
    const known = this.entries.get(key);
    let caller: GatewayCaller;
    if (known && this.now() - known.checkedAt < (this.options.cacheMs ?? 60_000)) {
      caller = known.caller;
    } else {
      let pending = this.running.get(key);
      if (!pending) {
        pending = this.check(key, token).finally(() => this.running.delete(key));
        this.running.set(key, pending);
      }
      caller = await pending;
    }
    return requirePermission(caller, permission, this.options.project);
  }

  private async check(key: string, token: string): Promise<GatewayCaller> {
    try {
      // Asked with the caller's own token: the control plane says who it is and what it may do here.
      const client = new HttpStore({
        url: this.base,
        token,
        project: this.options.project,
        timeoutMs: 10_000,
      });
      const { subject } = await client.whoami();
      const caller = { subject, roles: await client.rolesOf(subject) };
      this.remember(key, caller);
      return caller;
    } catch (err) {
      const isAnswer = err instanceof PromptOpsError && err.code !== 'PO_ERR_REMOTE_UNAVAILABLE';
      if (isAnswer && err.status < 500) {
        // The control plane refused the token (revoked, expired, unknown): forget it at once.
        if (this.entries.delete(key)) this.save();
        throw err;
      }
      const known = this.entries.get(key);
      if (known) return known.caller;
      throw new PromptOpsError(
        'PO_ERR_REMOTE_UNAVAILABLE',
        `the control plane ${this.base} cannot check this token now (${(err as Error).message}); callers it checked before are still served`,
      );
    }
  }

  private remember(key: string, caller: GatewayCaller): void {
    const before = this.entries.get(key);
    this.entries.delete(key);
    this.entries.set(key, { caller, checkedAt: this.now() });
    if (this.entries.size > (this.options.capacity ?? 10_000))
      this.entries.delete(this.entries.keys().next().value!);
    if (!before || JSON.stringify(before.caller) !== JSON.stringify(caller)) this.save();
  }

  /** One write at a time, of the latest entries; a failed write only costs a restart's memory. */
  private save(): void {
    const file = this.options.file;
    if (!file) return;
    if (this.saving) {
      this.isDirty = true;
      return;
    }
    this.saving = saveCallers(file, this.entries)
      .catch(() => {})
      .finally(() => {
        this.saving = null;
        if (this.isDirty) {
          this.isDirty = false;
          this.save();
        }
      });
  }
}

/** The callers remembered in `file` (none when it is missing or unreadable). */
function loadCallers(file: string): Map<string, Entry> {
  try {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Entry>;
    return new Map(Object.entries(saved));
  } catch {
    return new Map();
  }
}

/** Writes the callers beside `file` and renames over it, so a crash never leaves half a file. */
async function saveCallers(file: string, entries: ReadonlyMap<string, Entry>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(Object.fromEntries(entries)), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}
