import { describe, expect, it } from 'vitest';
import { type AuditFields, auditHash, GENESIS, verifyChain } from '../../src/store/audit-chain.js';

function chain(n: number): (AuditFields & { hash: string })[] {
  const out: (AuditFields & { hash: string })[] = [];
  let prev = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const fields: AuditFields = {
      seq,
      at: `2026-01-0${seq}T00:00:00.000Z`,
      actor: 'a',
      action: 'label.set',
      target: 'p:prod',
      before: null,
      after: { version: seq },
      prevHash: prev,
    };
    const hash = auditHash(fields);
    out.push({ ...fields, hash });
    prev = hash;
  }
  return out;
}

describe('the audit hash chain', () => {
  it('holds when untouched', () => {
    expect(verifyChain(chain(5))).toBeNull();
    expect(verifyChain([])).toBeNull();
  });

  it('names an edited entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, actor: 'mallory' };
    expect(verifyChain(entries)).toEqual({
      seq: 3,
      reason: expect.stringContaining('changed after it was written'),
    });
  });

  it('names a deleted entry', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verifyChain(entries)).toEqual({ seq: 2, reason: expect.stringContaining('missing') });
  });

  it('names an entry rewritten and re-hashed, not the intact entry after it', () => {
    for (const rewritten of [2, 5]) {
      const entries = chain(8);
      const forged = { ...entries[rewritten - 1]!, after: { version: 99 } };
      const { hash: _old, ...fields } = forged;
      entries[rewritten - 1] = { ...fields, hash: auditHash(fields) };
      expect(verifyChain(entries)).toEqual({
        seq: rewritten,
        reason: `entry ${rewritten} was rewritten and re-hashed (entry ${rewritten + 1} was chained to a different entry ${rewritten})`,
      });
    }
  });

  it('names an entry whose link back was edited as edited', () => {
    const entries = chain(5);
    entries[3] = { ...entries[3]!, prevHash: 'f'.repeat(64) };
    expect(verifyChain(entries)).toEqual({
      seq: 4,
      reason: expect.stringContaining('changed after it was written'),
    });
  });

  it('names a first entry that points back to something other than the start of the chain', () => {
    const entries = chain(3);
    const { hash: _old, ...fields } = { ...entries[0]!, prevHash: 'a'.repeat(64) };
    entries[0] = { ...fields, hash: auditHash(fields) };
    expect(verifyChain(entries)).toMatchObject({ seq: 1 });
  });
});
