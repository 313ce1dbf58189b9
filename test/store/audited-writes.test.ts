/**
 * Every audited write commits with its audit entry or not at all: a database trigger fails the
 * entry's insert, as a crash between the two would, and none of the write may remain. (Releases
 * have their own, step-by-step test in release-atomicity.test.ts.) Runs on both engines.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { ENGINES, sabotageAudit } from './audit-sabotage.js';
import { promptItem, rejection } from './fixtures.js';
import { type EngineHarness, reachableEngines } from './harness.js';

const ADA = 'ada@acme.example';

async function pushed(store: Store): Promise<void> {
  await store.push([await promptItem('summarize', 'Summarize {{text}}.')], { author: ADA });
}

async function opened(store: Store): Promise<{ number: number; versionHash: string }> {
  await pushed(store);
  return store.openChangeRequest({ prompt: 'summarize' }, ADA);
}

interface Case {
  what: string;
  /** The audit action the trigger fails (SQL LIKE). */
  action: string;
  /** The tables the write touches. */
  tables: string[];
  act: (store: Store) => Promise<unknown>;
  /** Runs before the trigger is installed (what `act` needs in place). */
  setup?: (store: Store) => Promise<void>;
}

let cr: { number: number; versionHash: string };

const CASES: Case[] = [
  {
    what: 'a push',
    action: 'version.create',
    tables: ['prompts', 'prompt_versions'],
    act: (store) => pushed(store),
  },
  {
    what: 'a label move',
    action: 'label.set',
    tables: ['labels', 'label_events'],
    setup: pushed,
    act: (store) => store.setLabel('summarize', 1, 'staging', ADA),
  },
  {
    what: 'archiving a version',
    action: 'version.archive',
    tables: ['version_archives'],
    setup: pushed,
    act: (store) => store.archive('summarize', 1, ADA, 'superseded'),
  },
  {
    what: 'opening a change request',
    action: 'cr.open',
    tables: ['change_requests'],
    setup: pushed,
    act: (store) => store.openChangeRequest({ prompt: 'summarize' }, ADA),
  },
  {
    what: 'a check run that rescores the risk',
    action: 'cr.check',
    tables: ['cr_checks', 'change_requests'],
    setup: async (store) => {
      cr = await opened(store);
    },
    act: (store) =>
      store.recordCheck(
        cr.number,
        {
          name: 'regression',
          status: 'fail',
          summary: 'worse',
          details: { passRateDelta: -0.5, regressed: 3 },
          versionHash: cr.versionHash,
        },
        'ci',
      ),
  },
  {
    what: 'an approval',
    action: 'cr.approve',
    tables: ['cr_reviews', 'change_requests'],
    setup: async (store) => {
      cr = await opened(store);
    },
    act: (store) => store.recordApproval(cr.number, { decision: 'approve' }, 'bo@acme.example'),
  },
  {
    what: 'a check override',
    action: 'policy.exception',
    tables: ['policy_exceptions', 'change_requests'],
    setup: async (store) => {
      cr = await opened(store);
      await store.recordCheck(
        cr.number,
        { name: 'lint', status: 'fail', summary: 'bad', versionHash: cr.versionHash },
        'ci',
      );
    },
    act: (store) =>
      store.overrideCheck(cr.number, { check: 'lint', justification: 'a known false positive' }, 'root'),
  },
  {
    what: 'closing a change request',
    action: 'cr.close',
    tables: ['change_requests'],
    setup: async (store) => {
      cr = await opened(store);
    },
    act: (store) => store.closeChangeRequest(cr.number, ADA),
  },
  {
    what: 'creating a project',
    action: 'project.create',
    tables: ['projects', 'role_bindings'],
    act: (store) => store.createProject('billing', ADA),
  },
  {
    what: 'creating a token',
    action: 'token.create',
    tables: ['api_tokens'],
    act: (store) => store.createToken({ subject: 'ci', name: 'pipeline' }, ADA),
  },
  {
    what: 'granting a role',
    action: 'role.grant',
    tables: ['role_bindings'],
    act: (store) => store.grantRole('bo@acme.example', 'reviewer', ADA),
  },
  {
    what: 'deciding a held review',
    action: 'review.%',
    tables: ['reviews'],
    setup: async (store) => {
      await store.createReview({
        id: 'rev-1',
        prompt: 'summarize',
        versionNumber: 1,
        stage: 'output',
        guardrail: 'pii',
        traceId: 'trace-1',
        createdAt: '2025-03-01T09:00:00.000Z',
        payload: {},
      });
    },
    act: (store) => store.decideReview('rev-1', 'approved', ADA),
  },
];

describe.each(reachableEngines(ENGINES))(
  'an audited write that cannot append its entry ($name)',
  (engine) => {
    let h: EngineHarness;

    beforeEach(async () => {
      h = await engine.open({ project: 'acme', environments: ['staging', 'production'] });
    });
    afterEach(async () => h.cleanup());

    it.each(CASES)('leaves nothing of $what behind', async (c) => {
      const { store } = h;
      await c.setup?.(store);
      const snapshot = async () => ({
        rows: await Promise.all(c.tables.map((t) => h.readRows!(t))),
        audit: (await h.readRows!('audit_log')).length,
      });
      const before = await snapshot();

      await sabotageAudit(engine.name, h, c.action);
      expect(String(((await rejection(c.act(store))) as Error).message)).toContain('simulated crash');
      expect(await snapshot()).toEqual(before);
      expect((await store.verifyAudit()).broken).toBeNull();

      // The same write goes through, with its entry, once the fault is gone.
      await sabotageAudit(engine.name, h, null);
      await c.act(store);
      expect((await h.readRows!('audit_log')).length).toBeGreaterThan(before.audit);
    });
  },
);
