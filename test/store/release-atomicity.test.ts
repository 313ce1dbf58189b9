/**
 * A release is one transaction: retiring the active release, inserting the new one, moving the
 * environment label (with its event and audit entry), marking the change request released and
 * auditing the release. A database trigger makes the last of those steps fail, as a crash between
 * steps would; nothing of the earlier steps may remain. Runs on both engines.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { ENGINES, sabotageAudit } from './audit-sabotage.js';
import { promptItem, rejection } from './fixtures.js';
import { type EngineHarness, reachableEngines } from './harness.js';

const ACTOR = 'rel@acme.example';

async function approvedChange(store: Store, template: string): Promise<number> {
  const [outcome] = await store.push([await promptItem('summarize', template)], {
    author: 'ada@acme.example',
  });
  const cr = await store.openChangeRequest(
    { prompt: 'summarize', version: outcome!.number },
    'ada@acme.example',
  );
  for (const name of ['lint', 'tests', 'guardrails', 'regression'] as const)
    await store.recordCheck(
      cr.number,
      { name, status: 'pass', summary: 'ok', versionHash: cr.versionHash },
      'ci',
    );
  return cr.number;
}

describe.each(reachableEngines(ENGINES))(
  'a release that fails between its steps leaves nothing behind ($name)',
  (engine) => {
    let h: EngineHarness;

    beforeEach(async () => {
      h = await engine.open({ project: 'acme', environments: ['staging', 'production'] });
    });
    afterEach(async () => h.cleanup());

    it('keeps the previous release, label, label history, change request and audit chain as they were', async () => {
      const { store } = h;
      await store.release(
        { changeRequest: await approvedChange(store, 'One {{text}}.'), environment: 'production' },
        ACTOR,
      );
      const second = await approvedChange(store, 'Two {{text}}.');
      const snapshot = async () => ({
        releases: await h.readRows!('releases'),
        labels: await h.readRows!('labels'),
        events: await h.readRows!('label_events'),
        audit: (await h.readRows!('audit_log')).length,
        status: (await store.getChangeRequest(second)).status,
      });
      const before = await snapshot();

      await sabotageAudit(engine.name, h, 'release.%');
      const err = await rejection(store.release({ changeRequest: second, environment: 'production' }, ACTOR));
      expect(String((err as Error).message)).toContain('simulated crash');

      expect(await snapshot()).toEqual(before);
      expect(before.status).toBe('open');
      expect((await store.listReleases({ activeOnly: true })).map((r) => r.version)).toEqual([1]);
      expect((await store.verifyAudit()).broken).toBeNull();

      // The same release goes through once the fault is gone.
      await sabotageAudit(engine.name, h, null);
      const done = await store.release({ changeRequest: second, environment: 'production' }, ACTOR);
      expect(done.version).toBe(2);
      expect(
        (await store.resolve({ prompt: 'summarize', selector: { kind: 'label', label: 'production' } }))
          .number,
      ).toBe(2);
    });
  },
);
