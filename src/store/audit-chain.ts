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
 * its stored hash differs from the recomputed one (edited), its `prevHash` is not the previous
 * entry's hash, or a sequence number is missing (deleted). Pure.
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
    if (entry.prevHash !== prev)
      return {
        seq: entry.seq,
        reason: `entry ${entry.seq} does not point back to entry ${entry.seq - 1}'s hash`,
      };
    const { hash, ...fields } = entry;
    if (auditHash(fields) !== hash)
      return {
        seq: entry.seq,
        reason: `entry ${entry.seq} was changed after it was written (its hash no longer matches)`,
      };
    prev = hash;
    expectedSeq++;
  }
  return null;
}
