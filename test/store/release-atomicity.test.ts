/**
 * A release is one transaction: retiring the active release, inserting the new one, moving the
 * environment label (with its event and audit entry), marking the change request released and
 * auditing the release. A database trigger makes the last of those steps fail, as a crash between
 * steps would; nothing of the earlier steps may remain. Runs on both engines.
 */
import Sqlite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/index.js';
import { promptItem, rejection } from './fixtures.js';
import {
  type EngineHarness,
  type OpenEngine,
  openPostgresHarness,
  openSqliteHarness,
  reachableEngines,
  withClient,
} from './harness.js';

interface Engine {
  name: string;
  open: OpenEngine;
  /** Installs (or removes) a trigger that fails the insert of a `release.*` audit entry. */
  sabotage: (h: EngineHarness, on: boolean) => Promise<void>;
}

const ENGINES: Engine[] = [
  {
    name: 'sqlite',
    open: openSqliteHarness,
    sabotage: async (h, on) => {
      const db = new Sqlite(h.url!.slice('sqlite:'.length));
      db.exec(
        on
          ? `CREATE TRIGGER crash_mid_release BEFORE INSERT ON audit_log
             WHEN NEW.action LIKE 'release.%' BEGIN SELECT RAISE(ABORT, 'simulated crash'); END`
          : 'DROP TRIGGER crash_mid_release',
      );
      db.close();
    },
  },
  {
    name: 'postgres',
    open: openPostgresHarness,
    sabotage: async (h, on) => {
      const schema = new URL(h.url!).searchParams.get('schema');
      await withClient(schema, (client) =>
        client.query(
          on
            ? `CREATE FUNCTION crash_mid_release() RETURNS trigger AS $$
               BEGIN IF NEW.action LIKE 'release.%' THEN RAISE EXCEPTION 'simulated crash'; END IF; RETURN NEW; END
               $$ LANGUAGE plpgsql;
               CREATE TRIGGER crash_mid_release BEFORE INSERT ON audit_log
               FOR EACH ROW EXECUTE FUNCTION crash_mid_release();`
            : 'DROP TRIGGER crash_mid_release ON audit_log; DROP FUNCTION crash_mid_release();',
        ),
      );
    },
  },
];

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

      await engine.sabotage(h, true);
      const err = await rejection(store.release({ changeRequest: second, environment: 'production' }, ACTOR));
      expect(String((err as Error).message)).toContain('simulated crash');

      expect(await snapshot()).toEqual(before);
      expect(before.status).toBe('open');
      expect((await store.listReleases({ activeOnly: true })).map((r) => r.version)).toEqual([1]);
      expect((await store.verifyAudit()).broken).toBeNull();

      // The same release goes through once the fault is gone.
      await engine.sabotage(h, false);
      const done = await store.release({ changeRequest: second, environment: 'production' }, ACTOR);
      expect(done.version).toBe(2);
      expect(
        (await store.resolve({ prompt: 'summarize', selector: { kind: 'label', label: 'production' } }))
          .number,
      ).toBe(2);
    });
  },
);
