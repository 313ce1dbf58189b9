import { createHash } from 'node:crypto';
import { canonicalJson } from '../catalog/canonical.js';

/** The hash the first entry of a chain points back to. */
export const GENESIS = '0'.repeat(64);

/** What an audit entry says, without its own hash. */
export interface AuditFields {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  prevHash: string;
}

/** sha256 over the canonical JSON of every field, the previous entry's hash included. */
export function auditHash(entry: AuditFields): string {
  return createHash('sha256').update(canonicalJson(entry)).digest('hex');
}

/** The first place a chain is broken: an edited entry, a missing one, or one out of order. */
export interface ChainBreak {
  seq: number;
  reason: string;
}

/**
 * Recomputes a chain (entries in `seq` order) and names the first entry that does not hold:
 * a sequence number is missing (deleted), its stored hash differs from the recomputed one (edited),
 * or it was rewritten and re-hashed, which shows at the next entry: that one still holds by itself,
 * but points back to another hash than the rewritten entry now has. The rewritten entry is named,
 * not the intact one after it. Pure.
 */
export function verifyChain(entries: readonly (AuditFields & { hash: string })[]): ChainBreak | null {
  let prev = GENESIS;
  let expectedSeq = 1;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq) {
      return {
        seq: expectedSeq,
        reason: `entry ${expectedSeq} is missing (the next entry is ${entry.seq}); it was deleted`,
      };
    }
    const { hash, ...fields } = entry;
    const holds = auditHash(fields) === hash;
    if (!holds)
      return {
        seq: entry.seq,
        reason: `entry ${entry.seq} was changed after it was written (its hash no longer matches)`,
      };
    if (entry.prevHash !== prev) {
      // This entry holds by itself, so its prevHash is what the previous entry's hash was when this
      // one was written: the previous entry was rewritten and given a fresh hash.
      if (entry.seq === 1)
        return { seq: 1, reason: 'entry 1 does not start the chain (it points back to an earlier entry)' };
      const rewritten = entry.seq - 1;
      return {
        seq: rewritten,
        reason: `entry ${rewritten} was rewritten and re-hashed (entry ${entry.seq} was chained to a different entry ${rewritten})`,
      };
    }
    prev = hash;
    expectedSeq++;
  }
  return null;
}
