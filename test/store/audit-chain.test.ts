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

  it('names an entry rewritten with a fresh hash that no longer links', () => {
    const entries = chain(3);
    const forged = { ...entries[1]!, after: { version: 99 } };
    const { hash: _old, ...fields } = forged;
    entries[1] = { ...fields, hash: auditHash(fields) };
    expect(verifyChain(entries)).toEqual({
      seq: 3,
      reason: expect.stringContaining("point back to entry 2's hash"),
    });
  });
});
