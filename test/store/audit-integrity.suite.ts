/**
 * What `audit verify` must catch when someone with write access to the database tampers with it
 * directly, on every engine: a truncated or re-hashed chain (against a signed checkpoint), an entry
 * rewritten in place, and labels or releases changed beside the chain. Each engine's test file
 * passes a way to run raw SQL on the registry; nothing here goes through the store to tamper.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditFields, auditHash } from '../../src/store/audit-chain.js';
import {
  type AuditCheckpoint,
  auditProblem,
  openCheckpoint,
  signCheckpoint,
} from '../../src/store/audit-checkpoint.js';
import type { Store } from '../../src/store/index.js';
import { type ManualClock, manualClock, passAllChecks, promptOpsRejection, rejection } from './fixtures.js';
import { shapedItem } from './governance.suite.js';
import type { EngineHarness, OpenEngine } from './harness.js';

/** Runs one statement on the registry outside the store; `?` marks parameters. */
export type RawExec = (h: EngineHarness, sql: string, params?: unknown[]) => Promise<void>;

const PROJECT = 'acme';
const AUTHOR = 'ada@acme.example';
const REVIEWERS = ['rita@acme.example', 'ravi@acme.example', 'rosa@acme.example'];
const RELEASER = 'rel@acme.example';
const CI = 'ci@acme.example';

export function describeAuditIntegrity(engine: string, open: OpenEngine, exec: RawExec): void {
  describe(`audit integrity (${engine})`, () => {
    let h: EngineHarness;
    let store: Store;
    let clock: ManualClock;
    let key: KeyObject;
    let publicKey: KeyObject;

    beforeEach(async () => {
      clock = manualClock();
      h = await open({ project: PROJECT, now: clock.now, environments: ['staging', 'production'] });
      store = h.store;
      ({ privateKey: key, publicKey } = generateKeyPairSync('ed25519'));
    });

    afterEach(async () => {
      await h.cleanup();
    });

    async function push(template: string): Promise<{ number: number; hash: string }> {
      const item = await shapedItem('summarize', { template });
      clock.tick();
      const [outcome] = await store.push([item], { author: AUTHOR });
      return { number: outcome!.number, hash: item.hash };
    }

    /** Takes the latest version through a change request (checks, approvals) and releases it. */
    async function ship(environment: string): Promise<void> {
      clock.tick();
      const cr = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);
      await passAllChecks(store, cr, CI, () => clock.tick());
      const gated = await store.getChangeRequest(cr.number);
      for (const reviewer of REVIEWERS.slice(0, gated.gate.rule.required)) {
        clock.tick();
        await store.recordApproval(cr.number, { decision: 'approve' }, reviewer);
      }
      clock.tick();
      await store.release({ changeRequest: cr.number, environment }, RELEASER);
    }

    /** @1 released to production, @2 to staging, a hand-set `beta` label on @2. */
    async function history(): Promise<{
      v1: { number: number; hash: string };
      v2: { number: number; hash: string };
    }> {
      const v1 = await push('Summarize {{text}}.');
      await ship('production');
      const v2 = await push('Summarize {{text}} in two sentences.');
      await ship('staging');
      clock.tick();
      await store.setLabel('summarize', v2.number, 'beta', AUTHOR);
      return { v1, v2 };
    }

    async function checkpointNow(): Promise<AuditCheckpoint> {
      const { head, project } = await store.verifyAudit();
      return signCheckpoint({ project, ...head! }, key, clock.now());
    }

    /** The error `audit verify` would end with (null: the log holds). */
    async function verify(checkpoint?: AuditCheckpoint) {
      const opened =
        checkpoint && openCheckpoint(JSON.parse(JSON.stringify(checkpoint)), 'cp.json', publicKey);
      return auditProblem(await store.verifyAudit(opened ? { at: opened.seq } : {}), opened);
    }

    async function auditRows(): Promise<(AuditFields & { hash: string })[]> {
      const rows = (await h.readRows!('audit_log')).filter((r) => r.project === PROJECT);
      return rows
        .map((r) => ({
          seq: Number(r.seq),
          at: String(r.at),
          actor: String(r.actor),
          action: String(r.action),
          target: String(r.target),
          before: r.before === null ? null : (JSON.parse(String(r.before)) as unknown),
          after: r.after === null ? null : (JSON.parse(String(r.after)) as unknown),
          prevHash: String(r.prev_hash),
          hash: String(r.hash),
        }))
        .sort((a, b) => a.seq - b.seq);
    }

    /** Edits entry `seq` with `edit` and writes it back with a fresh hash (and, with `chain`, every later entry too). */
    async function rewrite(seq: number, edit: Partial<AuditFields>, chain: boolean): Promise<void> {
      let prev: string | null = null;
      for (const entry of await auditRows()) {
        if (entry.seq < seq || (!chain && entry.seq > seq)) continue;
        const { hash: _old, ...fields } = entry;
        const next = { ...fields, ...(entry.seq === seq ? edit : {}), prevHash: prev ?? fields.prevHash };
        const hash = auditHash(next);
        await exec(
          h,
          'UPDATE audit_log SET actor = ?, after = ?, prev_hash = ?, hash = ? WHERE project = ? AND seq = ?',
          [
            next.actor,
            next.after === null ? null : JSON.stringify(next.after),
            next.prevHash,
            hash,
            PROJECT,
            entry.seq,
          ],
        );
        prev = hash;
      }
    }

    it('a valid checkpoint verifies clean, also after the log has grown past it', async () => {
      await history();
      expect(await verify()).toBeNull();
      const checkpoint = await checkpointNow();
      expect(checkpoint).toMatchObject({ type: 'promptops.audit.checkpoint/v1', project: PROJECT });
      expect(await verify(checkpoint)).toBeNull();
      await push('Summarize {{text}} in one word.');
      await store.removeLabel('summarize', 'beta', AUTHOR);
      expect(await verify(checkpoint)).toBeNull();
    });

    it('names entries deleted at and after a checkpoint as truncation', async () => {
      await history();
      const checkpoint = await checkpointNow();
      await push('Summarize {{text}} in one word.');
      await exec(h, 'DELETE FROM audit_log WHERE project = ? AND seq >= ?', [PROJECT, checkpoint.seq]);
      // The chain that is left holds by itself: only the checkpoint shows what is missing.
      expect((await store.verifyAudit()).broken).toBeNull();
      const problem = await verify(checkpoint);
      expect(problem?.code).toBe('PO_ERR_AUDIT_TRUNCATED');
      expect(problem?.message).toContain(
        `the audit log was truncated: it ends at entry ${checkpoint.seq - 1}, but the checkpoint signed`,
      );
      expect(problem?.details).toMatchObject({ checkpoint: { seq: checkpoint.seq } });
    });

    it('names a chain edited and re-hashed from the edit onward as rewritten', async () => {
      await history();
      const checkpoint = await checkpointNow();
      await rewrite(3, { actor: 'mallory@acme.example' }, true);
      // Re-hashed all the way to the head, the chain holds by itself.
      expect((await store.verifyAudit()).broken).toBeNull();
      const problem = await verify(checkpoint);
      expect(problem?.code).toBe('PO_ERR_AUDIT_REWRITTEN');
      expect(problem?.message).toContain(`the audit log was rewritten: entry ${checkpoint.seq} now has hash`);
    });

    it('names an entry edited and re-hashed in place at its own number (entry 5, not 6)', async () => {
      await history();
      await rewrite(5, { actor: 'mallory@acme.example' }, false);
      const problem = await verify();
      expect(problem?.code).toBe('PO_ERR_AUDIT_BROKEN');
      expect(problem?.message).toContain(
        'the audit log is broken at entry 5: entry 5 was rewritten and re-hashed',
      );
      expect(problem?.details).toMatchObject({ seq: 5 });
    });

    it('names each label changed in the labels table beside the chain', async () => {
      const { v1, v2 } = await history();
      // production moved to @2, beta deleted, a label the log never saw inserted.
      await exec(
        h,
        `UPDATE labels SET version_id = (SELECT id FROM prompt_versions WHERE hash = ?) WHERE name = 'production'`,
        [v2.hash],
      );
      await exec(h, `DELETE FROM labels WHERE name = 'beta'`);
      await exec(
        h,
        `INSERT INTO labels (prompt_id, name, version_id, updated_at, updated_by)
         SELECT prompt_id, 'canary-x', id, 'x', 'mallory' FROM prompt_versions WHERE hash = ?`,
        [v1.hash],
      );
      const problem = await verify();
      expect(problem?.code).toBe('PO_ERR_AUDIT_STATE_MISMATCH');
      const at = (v: { number: number; hash: string }) => `@${v.number} (${v.hash.slice(0, 12)})`;
      expect((await store.verifyAudit()).mismatches).toEqual([
        { table: 'labels', prompt: 'summarize', name: 'beta', expected: at(v2), found: null },
        { table: 'labels', prompt: 'summarize', name: 'canary-x', expected: null, found: at(v1) },
        { table: 'labels', prompt: 'summarize', name: 'production', expected: at(v1), found: at(v2) },
      ]);
      expect(problem?.message).toContain(
        `label "production" of summarize: the audit log says ${at(v1)}, the labels table holds ${at(v2)}`,
      );
    });

    it('names an active release changed in the releases table beside the chain', async () => {
      const { v1, v2 } = await history();
      await exec(
        h,
        `UPDATE releases SET version_number = ?, version_hash = ? WHERE environment = 'production' AND active = 1`,
        [v2.number, v2.hash],
      );
      await exec(h, `UPDATE releases SET active = 0 WHERE environment = 'staging'`);
      const problem = await verify();
      expect(problem?.code).toBe('PO_ERR_AUDIT_STATE_MISMATCH');
      expect((await store.verifyAudit()).mismatches).toEqual([
        {
          table: 'releases',
          prompt: 'summarize',
          name: 'production',
          expected: `release 1: @${v1.number} (${v1.hash.slice(0, 12)})`,
          found: `release 1: @${v2.number} (${v2.hash.slice(0, 12)})`,
        },
        {
          table: 'releases',
          prompt: 'summarize',
          name: 'staging',
          expected: `release 1: @${v2.number} (${v2.hash.slice(0, 12)})`,
          found: null,
        },
      ]);
      expect(problem?.message).toContain(
        'the active release in production of summarize: the audit log says release 1',
      );
    });

    it('refuses a checkpoint whose signature does not hold or that another key signed', async () => {
      await history();
      const checkpoint = await checkpointNow();
      const forged = await promptOpsRejection(verify({ ...checkpoint, seq: checkpoint.seq - 1 }));
      expect(forged.code).toBe('PO_ERR_AUDIT_CHECKPOINT_INVALID');
      expect(forged.message).toContain('the signature of cp.json does not hold');
      const other = signCheckpoint(
        { project: PROJECT, seq: checkpoint.seq, hash: checkpoint.hash },
        generateKeyPairSync('ed25519').privateKey,
        clock.now(),
      );
      const wrongKey = await promptOpsRejection(verify(other));
      expect(wrongKey.code).toBe('PO_ERR_AUDIT_CHECKPOINT_INVALID');
      expect(wrongKey.message).toContain(
        `was signed with key ${other.keyId}, not with the key ${checkpoint.keyId}`,
      );
      // A forged keyId does not help: the signature no longer holds.
      const relabelled = await promptOpsRejection(verify({ ...other, keyId: checkpoint.keyId }));
      expect(relabelled.message).toContain('does not hold');
      expect(await rejection(verify({ ...checkpoint, type: 'x' } as never))).toMatchObject({
        code: 'PO_ERR_AUDIT_CHECKPOINT_INVALID',
      });
    });
  });
}
