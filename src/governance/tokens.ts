import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { PromptOpsError } from '../errors.js';

/**
 * API tokens look like `po_<id>_<secret>`: the id finds the row, the secret is checked against a
 * scrypt hash. Only the hash is stored; the token is shown once, when it is created.
 */
const PREFIX = 'po_';
const ID_BYTES = 9;
const SECRET_BYTES = 32;
/** scrypt cost: N=2^14, r=8, p=1 (~16 MiB, tens of ms); verified tokens are cached by the server. */
const COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export interface MintedToken {
  id: string;
  token: string;
  secretHash: string;
}

/** A new random token and the scrypt hash to store for it. */
export async function mintToken(): Promise<MintedToken> {
  const id = randomBytes(ID_BYTES).toString('base64url');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, token: `${PREFIX}${id}_${secret}`, secretHash: await hashSecret(secret) };
}

/** Splits a presented token into id and secret; null when it is not shaped like one of ours. */
export function parseToken(token: string): { id: string; secret: string } | null {
  if (!token.startsWith(PREFIX)) return null;
  const rest = token.slice(PREFIX.length);
  const cut = rest.indexOf('_', 12);
  if (cut !== 12) return null;
  const id = rest.slice(0, cut);
  const secret = rest.slice(cut + 1);
  if (!/^[A-Za-z0-9_-]{12}$/.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return { id, secret };
}

/** The scrypt hash of a secret with a fresh salt, as `scrypt$N$r$p$salt$key`. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, COST);
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Checks `secret` against a stored hash in constant time; false for any malformed hash. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (!N || !r || !p || expected.length !== KEY_LENGTH) return false;
  try {
    const actual = await derive(secret, salt, { N, r, p });
    return timingSafeEqual(actual, expected);
  } catch {
    // Cost parameters scrypt refuses (not a power of two, out of range, over the memory limit).
    return false;
  }
}

function derive(secret: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LENGTH, { ...cost, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/**
 * The bearer token of an `Authorization` header (the control plane's and a gateway's), or a
 * PO_ERR_UNAUTHENTICATED error that says how to send one.
 */
export function bearerOf(authorization: string | undefined): string {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : '';
  if (token) return token;
  throw new PromptOpsError(
    'PO_ERR_UNAUTHENTICATED',
    'this API needs a token: send "Authorization: Bearer <token>" (create one with "promptops token create"; applications and gateways take --role runtime)',
  );
}
