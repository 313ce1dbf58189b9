import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { canonicalJson } from '../catalog/canonical.js';
import { type ErrorCode, PromptOpsError } from '../errors.js';
import { describeMismatch } from './audit-state.js';
import type { AuditVerification } from './types.js';

/** The `type` every checkpoint file carries; a new format gets a new one. */
const CHECKPOINT_TYPE = 'promptops.audit.checkpoint/v1' as const;

/** The Ed25519 private key (PKCS#8 PEM, or a path to it) that `audit checkpoint` signs with. */
export const SIGNING_KEY_ENV = 'PROMPTOPS_AUDIT_SIGNING_KEY';
/** The Ed25519 public key (SPKI PEM, or a path to it) that `audit verify --checkpoint` checks with. */
export const PUBLIC_KEY_ENV = 'PROMPTOPS_AUDIT_PUBLIC_KEY';

/**
 * A signed statement that the project's audit log held entry `seq` with hash `hash` at time `at`,
 * as transparency logs sign their tree heads: kept outside the database, it makes deleting the
 * tail of the log (truncation) or rewriting and re-hashing it show.
 */
export interface AuditCheckpoint {
  type: typeof CHECKPOINT_TYPE;
  project: string;
  seq: number;
  hash: string;
  at: string;
  /** The first 16 hex digits of the sha256 of the signing key's public half (SPKI DER). */
  keyId: string;
  /** Base64 Ed25519 signature over the canonical JSON of every other field. */
  signature: string;
}

/** The keys found in the environment: the private one signs, the public one verifies. */
export interface AuditKeys {
  signing: KeyObject | null;
  verifying: KeyObject | null;
}

/**
 * Reads the audit keys from the environment. Each variable holds the PEM text itself (`\n` escapes
 * are accepted, for one-line variables) or the path of a PEM file. Without a public key, the public
 * half of the signing key verifies.
 */
export function auditKeys(env: NodeJS.ProcessEnv): AuditKeys {
  const privatePem = readPem(env, SIGNING_KEY_ENV);
  const publicPem = readPem(env, PUBLIC_KEY_ENV);
  const signing = privatePem === null ? null : ed25519(SIGNING_KEY_ENV, () => createPrivateKey(privatePem));
  const verifying =
    publicPem !== null
      ? ed25519(PUBLIC_KEY_ENV, () => createPublicKey(publicPem))
      : signing && createPublicKey(signing);
  return { signing, verifying };
}

/** The short name of a public key that checkpoints carry, so a wrong key is named as such. */
function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** Signs a checkpoint of the entry `head` of `project`'s log. Pure but for the signature. */
export function signCheckpoint(
  head: { project: string; seq: number; hash: string },
  signingKey: KeyObject,
  at: Date,
): AuditCheckpoint {
  const unsigned = {
    type: CHECKPOINT_TYPE,
    project: head.project,
    seq: head.seq,
    hash: head.hash,
    at: at.toISOString(),
    keyId: keyIdOf(createPublicKey(signingKey)),
  };
  const signature = sign(null, Buffer.from(canonicalJson(unsigned)), signingKey).toString('base64');
  return { ...unsigned, signature };
}

/** A checkpoint read from a file: its shape checked, and its signature checked with `publicKey`. */
export function openCheckpoint(value: unknown, source: string, publicKey: KeyObject): AuditCheckpoint {
  const cp = value as Partial<AuditCheckpoint> | null;
  const isWellFormed =
    cp !== null &&
    typeof cp === 'object' &&
    cp.type === CHECKPOINT_TYPE &&
    typeof cp.project === 'string' &&
    Number.isSafeInteger(cp.seq) &&
    (cp.seq ?? 0) >= 1 &&
    typeof cp.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(cp.hash) &&
    typeof cp.at === 'string' &&
    typeof cp.keyId === 'string' &&
    typeof cp.signature === 'string';
  if (!isWellFormed) {
    throw new PromptOpsError(
      'PO_ERR_AUDIT_CHECKPOINT_INVALID',
      `${source} is not an audit checkpoint (type ${CHECKPOINT_TYPE} with project, seq, hash, at, keyId and signature); make one with "promptops audit checkpoint -o FILE"`,
      { file: source },
    );
  }
  const { signature, ...unsigned } = cp as AuditCheckpoint;
  const expectedKey = keyIdOf(publicKey);
  if (unsigned.keyId !== expectedKey) {
    throw new PromptOpsError(
      'PO_ERR_AUDIT_CHECKPOINT_INVALID',
      `${source} was signed with key ${unsigned.keyId}, not with the key ${expectedKey} in ${PUBLIC_KEY_ENV}; verify with the public key of the key that signed it`,
      { file: source, keyId: unsigned.keyId, expectedKeyId: expectedKey },
    );
  }
  if (!verify(null, Buffer.from(canonicalJson(unsigned)), publicKey, Buffer.from(signature, 'base64'))) {
    throw new PromptOpsError(
      'PO_ERR_AUDIT_CHECKPOINT_INVALID',
      `the signature of ${source} does not hold: the checkpoint was altered after it was signed; it proves nothing about the audit log`,
      { file: source, keyId: unsigned.keyId },
    );
  }
  return cp as AuditCheckpoint;
}

/**
 * What is wrong with an audit log, as one error (null when nothing is): entries deleted after a
 * checkpoint (truncated), the chain rewritten and re-hashed since one (rewritten), an entry edited
 * or deleted by hand (broken), labels or releases the log does not account for (state mismatch).
 * The code is the first of these found; the message lists every one. Pure.
 */
export function auditProblem(v: AuditVerification, checkpoint?: AuditCheckpoint): PromptOpsError | null {
  if (checkpoint && checkpoint.project !== v.project) {
    return new PromptOpsError(
      'PO_ERR_AUDIT_CHECKPOINT_INVALID',
      `the checkpoint is of project "${checkpoint.project}", but this is the audit log of project "${v.project}"; verify it against its own project (run in that project's folder, or set PROMPTOPS_PROJECT), or use a checkpoint made for "${v.project}"`,
      { project: v.project, checkpointProject: checkpoint.project },
    );
  }
  const findings: { code: ErrorCode; message: string }[] = [];
  if (checkpoint) {
    const signed = `the checkpoint signed ${checkpoint.at} at entry ${checkpoint.seq}`;
    const end = v.head?.seq ?? 0;
    if (end < checkpoint.seq) {
      findings.push({
        code: 'PO_ERR_AUDIT_TRUNCATED',
        message: `the audit log was truncated: it ends at entry ${end}, but ${signed}; entries ${end + 1} to ${checkpoint.seq} (and any after them) were deleted`,
      });
    } else if (v.entry?.hash !== checkpoint.hash) {
      findings.push({
        code: 'PO_ERR_AUDIT_REWRITTEN',
        message: v.entry
          ? `the audit log was rewritten: entry ${checkpoint.seq} now has hash ${v.entry.hash.slice(0, 12)}, but ${signed} has ${checkpoint.hash.slice(0, 12)}; entries up to ${checkpoint.seq} were changed and the chain re-hashed`
          : `the audit log was rewritten: entry ${checkpoint.seq}, which ${signed} holds, is gone`,
      });
    }
  }
  if (v.broken) {
    findings.push({
      code: 'PO_ERR_AUDIT_BROKEN',
      message: `the audit log is broken at entry ${v.broken.seq}: ${v.broken.reason} (${v.checked} entries checked)`,
    });
  }
  if (v.mismatches.length > 0) {
    findings.push({
      code: 'PO_ERR_AUDIT_STATE_MISMATCH',
      message: `${v.mismatches.length} label(s) or release(s) differ from what the audit log says; they were changed outside promptops:\n${v.mismatches.map((m) => `  - ${describeMismatch(m)}`).join('\n')}`,
    });
  }
  const [first, ...rest] = findings;
  if (!first) return null;
  return new PromptOpsError(
    first.code,
    [first.message, ...rest.map((f) => `also: ${f.message}`)].join('\n'),
    {
      checked: v.checked,
      ...(v.broken ?? {}),
      ...(checkpoint ? { checkpoint: { seq: checkpoint.seq, hash: checkpoint.hash } } : {}),
      head: v.head,
      findings: findings.map((f) => f.code),
      mismatches: v.mismatches,
    },
  );
}

function readPem(env: NodeJS.ProcessEnv, name: string): string | null {
  const value = env[name]?.trim();
  if (!value) return null;
  if (value.startsWith('-----BEGIN')) return value.replace(/\\n/g, '\n');
  try {
    return readFileSync(value, 'utf8');
  } catch (err) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `${name} is neither a PEM key nor a readable file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); set it to the key's PEM text or its path`,
      { variable: name },
    );
  }
}

function ed25519(name: string, load: () => KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = load();
  } catch (err) {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `${name} does not hold a usable key (${(err as Error).message}); create one with "openssl genpkey -algorithm ed25519 -out audit-key.pem"`,
      { variable: name },
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new PromptOpsError(
      'PO_ERR_CONFIG_INVALID',
      `${name} holds a ${key.asymmetricKeyType ?? 'symmetric'} key; audit checkpoints are signed with Ed25519 ("openssl genpkey -algorithm ed25519 -out audit-key.pem")`,
      { variable: name },
    );
  }
  return key;
}
