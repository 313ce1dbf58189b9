import type { AuditLog } from './audit-log.js';
import type { StoreContext } from './store-context.js';

/** A web console session as the server sees it: who it acts for, and until when. */
export interface SessionRecord {
  subject: string;
  /** The API token the session was made from: it acts as that token, and ends with it. */
  tokenId: string;
  project: string;
  createdAt: string;
  expiresAt: string;
}

/** What signing in records; `idHash` is the SHA-256 of the session id, never the id. */
export interface NewSession {
  idHash: string;
  subject: string;
  tokenId: string;
  /** UTC ISO times from the server's clock. */
  createdAt: string;
  expiresAt: string;
}

/**
 * Web console sessions of the store's project. Server-only: they are no API operation (the server's
 * own `/v1/session` routes use them), so this part serves no `operations` and the remote client has
 * none of it. Times come from the server's clock as arguments, so its tests can move them.
 */
export class SessionStore {
  constructor(
    private readonly ctx: StoreContext,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Records a session, no longer-lived than its token (whose expiry caps `expiresAt`); null when the
   * token was revoked or expired meanwhile. Sessions of the project that have expired are deleted
   * on the way (sign-in is where sessions are made, so it is where they are cleared). Audited as
   * `session.create`, naming the token, never the session.
   */
  async createSession(session: NewSession): Promise<SessionRecord | null> {
    const { project } = this.ctx;
    return this.ctx.transact(async (trx) => {
      await trx
        .deleteFrom('sessions')
        .where('project', '=', project)
        .where('expires_at', '<=', session.createdAt)
        .execute();
      const token = await trx
        .selectFrom('api_tokens')
        .select(['expires_at', 'revoked_at'])
        .where('id', '=', session.tokenId)
        .executeTakeFirst();
      if (!token || token.revoked_at) return null;
      if (token.expires_at && token.expires_at <= session.createdAt) return null;
      const expiresAt =
        token.expires_at && token.expires_at < session.expiresAt ? token.expires_at : session.expiresAt;
      const row = {
        id_hash: session.idHash,
        subject: session.subject,
        token_id: session.tokenId,
        project,
        created_at: session.createdAt,
        expires_at: expiresAt,
      };
      const audit = {
        ...{ actor: session.subject, action: 'session.create', target: `token:${session.tokenId}` },
        ...{ before: null, after: { expiresAt }, at: this.ctx.now().toISOString() },
      };
      await this.audit.audited(trx, audit, () => trx.insertInto('sessions').values(row).execute());
      return toSession(row);
    });
  }

  /**
   * The session `idHash` names if it is live at `at`: not expired, and the token it was made from
   * neither revoked nor expired (one query, joining the tokens); null otherwise.
   */
  async findSession(idHash: string, at: string): Promise<SessionRecord | null> {
    const row = await this.ctx.db
      .selectFrom('sessions')
      .innerJoin('api_tokens', 'api_tokens.id', 'sessions.token_id')
      .select([
        'sessions.id_hash',
        'sessions.subject',
        'sessions.token_id',
        'sessions.project',
        'sessions.created_at',
        'sessions.expires_at',
      ])
      .where('sessions.id_hash', '=', idHash)
      .where('sessions.project', '=', this.ctx.project)
      .where('sessions.expires_at', '>', at)
      .where('api_tokens.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', at)]))
      .executeTakeFirst();
    return row ? toSession(row) : null;
  }

  /** Ends a session (signing out); audited as `session.delete`. False when there was none. */
  async deleteSession(idHash: string, actor: string): Promise<boolean> {
    const { project } = this.ctx;
    return this.ctx.transact(async (trx) => {
      const row = await trx
        .selectFrom('sessions')
        .select(['token_id'])
        .where('id_hash', '=', idHash)
        .where('project', '=', project)
        .executeTakeFirst();
      if (!row) return false;
      const audit = {
        ...{ actor, action: 'session.delete', target: `token:${row.token_id}` },
        ...{ before: null, after: null, at: this.ctx.now().toISOString() },
      };
      await this.audit.audited(trx, audit, () =>
        trx.deleteFrom('sessions').where('id_hash', '=', idHash).where('project', '=', project).execute(),
      );
      return true;
    });
  }
}

function toSession(row: {
  subject: string;
  token_id: string;
  project: string;
  created_at: string;
  expires_at: string;
}): SessionRecord {
  return {
    subject: row.subject,
    tokenId: row.token_id,
    project: row.project,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
