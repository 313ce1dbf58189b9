/**
 * The behaviour every registry engine must have, written once against the `RegistryStore`
 * interface. Each engine's test file calls `describeRegistryStore` with a function that opens a
 * fresh, empty registry of that engine.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/catalog/canonical.js';
import { isPromptOpsError } from '../../src/errors.js';
import type { Trace } from '../../src/observe/trace.js';
import type { LabelEvent, PushItem, RegistryStore } from '../../src/store/index.js';
import {
  type ManualClock,
  manualClock,
  promptItem,
  promptOpsRejection,
  rejection,
  traceRecord,
  unserialisableItem,
} from './fixtures.js';
import { raceInProcesses } from './workers.js';

export interface OpenOptions {
  project: string;
  now?: () => Date;
}

export interface StoreHarness {
  /** A store on a fresh, empty registry. */
  store: RegistryStore;
  /**
   * Another store (its own connection) on the same registry. `project` and `now` default to the
   * ones given to `open`; the harness closes every store it opened in `cleanup`.
   */
  reopen: (opts?: Partial<OpenOptions>) => Promise<RegistryStore>;
  /** Closes every store still open and deletes the registry. */
  cleanup: () => Promise<void>;
  /** The URL `openStore` takes to reach this registry from another process (multi-process tests). */
  url?: string;
  /** Every row of a table read straight from the database, not through the store, ordered by insertion. */
  readRows?: (table: string) => Promise<Record<string, unknown>[]>;
}

export type OpenRegistry = (opts: OpenOptions) => Promise<StoreHarness>;

const PROJECT = 'acme';
const AUTHOR = 'ada@acme.example';

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this engine's test harness must provide ${what}`);
  return value;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function describeRegistryStore(engine: string, open: OpenRegistry): void {
  describe(`registry store (${engine})`, () => {
    let h: StoreHarness;
    let store: RegistryStore;
    let clock: ManualClock;

    beforeEach(async () => {
      clock = manualClock();
      h = await open({ project: PROJECT, now: clock.now });
      store = h.store;
    });

    afterEach(async () => {
      await h.cleanup();
    });

    /** Pushes `summarize` with each template in turn, one push each. */
    async function pushSummarize(...templates: string[]): Promise<PushItem[]> {
      const items: PushItem[] = [];
      for (const template of templates) {
        const item = await promptItem('summarize', template);
        clock.tick();
        await store.push([item], { author: AUTHOR, message: template });
        items.push(item);
      }
      return items;
    }

    describe('audit log', () => {
      it('records every version, label move, archive and review decision in one intact hash chain', async () => {
        await pushSummarize('one {{text}}', 'two {{text}}');
        await store.setLabel('summarize', 1, 'production', 'alice');
        await store.setLabel('summarize', 2, 'production', 'bob');
        await store.removeLabel('summarize', 'production', 'carol');
        await store.archive('summarize', 1, 'dave', 'superseded');
        const entries = await store.listAudit();
        expect(entries.map((e) => [e.seq, e.action, e.target, e.actor])).toEqual([
          [6, 'version.archive', 'summarize@1', 'dave'],
          [5, 'label.remove', 'summarize:production', 'carol'],
          [4, 'label.set', 'summarize:production', 'bob'],
          [3, 'label.set', 'summarize:production', 'alice'],
          [2, 'version.create', 'summarize@2', AUTHOR],
          [1, 'version.create', 'summarize@1', AUTHOR],
        ]);
        expect(entries[2]).toMatchObject({ before: { version: 1 }, after: { version: 2 } });
        expect(entries[0]!.prevHash).toBe(entries[1]!.hash);
        expect(await store.verifyAudit()).toMatchObject({ checked: 6, broken: null, mismatches: [] });
      });

      it('keeps one chain under concurrent writers', async () => {
        await pushSummarize('one {{text}}', 'two {{text}}');
        const others = await Promise.all(Array.from({ length: 4 }, () => h.reopen()));
        try {
          await Promise.all(
            others.map((o, i) => o.setLabel('summarize', (i % 2) + 1, `env${i}`, `writer${i}`)),
          );
        } finally {
          await Promise.all(others.map((o) => o.close()));
        }
        const result = await store.verifyAudit();
        // Replaying the four concurrent label moves gives exactly the labels table.
        expect(result).toMatchObject({ checked: 6, broken: null, mismatches: [] });
      });
    });

    describe('push', () => {
      it('registers a first push as version 1 with its author, message, time, canonical spec and hash', async () => {
        const item = await promptItem('summarize', 'Summarize the text in three bullet points.');

        const outcomes = await store.push([item], { author: AUTHOR, message: 'first version' });

        expect(outcomes).toEqual([
          { prompt: 'summarize', status: 'created', number: 1, hash: item.hash, previous: null },
        ]);
        const v1 = await store.resolve({ prompt: 'summarize', selector: { kind: 'number', number: 1 } });
        expect(v1).toEqual({
          prompt: 'summarize',
          number: 1,
          hash: item.hash,
          spec: item.spec,
          author: AUTHOR,
          message: 'first version',
          createdAt: '2025-03-01T09:00:00.000Z',
          parentNumber: null,
          labels: [],
          archived: null,
        });
        expect(v1.hash).toBe(sha256(canonicalJson(v1.spec)));
      });

      it('stores the spec as its canonical JSON, whose sha256 is the version hash', async () => {
        const readRows = required(h.readRows, 'readRows');
        const item = await promptItem('summarize', 'Summarize the text.');
        await store.push([item], { author: AUTHOR });

        const [row] = await readRows('prompt_versions');
        expect(row?.spec).toBe(canonicalJson(item.spec));
        expect(sha256(String(row?.spec))).toBe(item.hash);
      });

      it('records no message when the push has none', async () => {
        await store.push([await promptItem('summarize', 'Summarize.')], { author: AUTHOR });
        const v1 = await store.resolve({ prompt: 'summarize', selector: { kind: 'latest' } });
        expect(v1.message).toBeNull();
      });

      it('pushing the same content again reports it unchanged and adds no version', async () => {
        const item = await promptItem('summarize', 'Summarize the text.');
        await store.push([item], { author: AUTHOR });

        const again = await store.push([item], { author: 'someone-else@acme.example', message: 'again' });

        expect(again).toEqual([
          { prompt: 'summarize', status: 'unchanged', number: 1, hash: item.hash, previous: 1 },
        ]);
        const versions = await store.listVersions('summarize');
        expect(versions.map((v) => v.number)).toEqual([1]);
        expect(versions[0]?.author).toBe(AUTHOR);
      });

      it('pushing changed content creates version 2 whose parent is version 1', async () => {
        const [, v2item] = await pushSummarize('Summarize the text.', 'Summarize the text in one line.');
        const item3 = await promptItem('summarize', 'Summarize the text in one word.');

        const outcomes = await store.push([item3], { author: AUTHOR });

        expect(outcomes).toEqual([
          { prompt: 'summarize', status: 'created', number: 3, hash: item3.hash, previous: 2 },
        ]);
        const versions = await store.listVersions('summarize');
        expect(versions.map((v) => [v.number, v.parentNumber])).toEqual([
          [1, null],
          [2, 1],
          [3, 2],
        ]);
        expect(versions[1]?.hash).toBe(v2item?.hash);
        expect(versions[1]?.spec).toEqual(v2item?.spec);
      });

      it('pushing content equal to an older version (a revert) reports that version and writes nothing', async () => {
        const [v1item] = await pushSummarize('Summarize the text.', 'Summarize the text in one line.');

        const outcomes = await store.push([v1item!], { author: AUTHOR, message: 'revert' });

        expect(outcomes).toEqual([
          { prompt: 'summarize', status: 'matches', number: 1, hash: v1item?.hash, previous: 2 },
        ]);
        const versions = await store.listVersions('summarize');
        expect(versions.map((v) => v.number)).toEqual([1, 2]);
        expect(versions[0]?.message).toBe('Summarize the text.');
        if (h.readRows) expect(await h.readRows('prompt_versions')).toHaveLength(2);
      });

      it('a push of several prompts registers each one and reports each outcome in order', async () => {
        const [old] = await pushSummarize('Summarize the text.');
        const changed = await promptItem('summarize', 'Summarize the text briefly.');
        const fresh = await promptItem('translate', 'Translate the text to French.');
        const same = await promptItem('classify', 'Classify the text.');
        await store.push([same], { author: AUTHOR });

        const outcomes = await store.push([changed, fresh, same], { author: AUTHOR });

        expect(outcomes.map((o) => [o.prompt, o.status, o.number, o.previous])).toEqual([
          ['summarize', 'created', 2, 1],
          ['translate', 'created', 1, null],
          ['classify', 'unchanged', 1, 1],
        ]);
        const prompts = await store.listPrompts();
        expect(prompts).toEqual([
          { name: 'classify', versions: 1, latest: { number: 1, hash: same.hash }, labels: {} },
          { name: 'summarize', versions: 2, latest: { number: 2, hash: changed.hash }, labels: {} },
          { name: 'translate', versions: 1, latest: { number: 1, hash: fresh.hash }, labels: {} },
        ]);
        expect(old?.hash).not.toBe(changed.hash);
      });

      it.each(['nan', 'bigint'] as const)(
        'a push of several prompts is one transaction: when the last item fails (%s in its spec) none of the others are stored',
        async (poison) => {
          const [v1] = await pushSummarize('Summarize the text.');
          const before = h.readRows ? await h.readRows('prompt_versions') : [];
          const changed = await promptItem('summarize', 'Summarize the text briefly.');
          const fresh = await promptItem('translate', 'Translate the text to French.');
          const bad = unserialisableItem(fresh, 'broken', poison);

          await rejection(store.push([changed, fresh, bad], { author: AUTHOR }));

          expect(await store.listPrompts()).toEqual([
            { name: 'summarize', versions: 1, latest: { number: 1, hash: v1?.hash }, labels: {} },
          ]);
          const notFound = await promptOpsRejection(store.listVersions('translate'));
          expect(notFound.code).toBe('PO_ERR_PROMPT_NOT_FOUND');
          if (h.readRows) {
            expect(await h.readRows('prompt_versions')).toEqual(before);
            expect((await h.readRows('prompts')).map((p) => p.name)).toEqual(['summarize']);
          }

          const retried = await store.push([changed, fresh], { author: AUTHOR });
          expect(retried.map((o) => [o.prompt, o.status, o.number])).toEqual([
            ['summarize', 'created', 2],
            ['translate', 'created', 1],
          ]);
        },
      );
    });

    describe('immutability', () => {
      it('versions are never modified by label moves, archiving or later pushes', async () => {
        const readRows = required(h.readRows, 'readRows');
        const [v1] = await pushSummarize('Summarize the text.', 'Summarize briefly.');
        await store.push([await promptItem('translate', 'Translate to French.')], { author: AUTHOR });
        const before = await readRows('prompt_versions');
        expect(before).toHaveLength(3);

        clock.tick();
        await store.setLabel('summarize', 1, 'production', 'ops@acme.example');
        await store.setLabel('summarize', 2, 'staging', 'ops@acme.example');
        await store.setLabel('summarize', 2, 'production', 'ops@acme.example');
        await store.removeLabel('summarize', 'staging', 'ops@acme.example');
        await store.archive('summarize', 1, 'ops@acme.example', 'superseded');
        await store.setLabel('translate', 1, 'production', 'ops@acme.example');
        await pushSummarize('Summarize in one word.');
        await store.push([v1!], { author: 'reverter@acme.example', message: 'revert' });
        await store.push([v1!], { author: 'reverter@acme.example', message: 'revert again' });

        const after = await readRows('prompt_versions');
        expect(after).toHaveLength(4);
        for (const row of before) {
          expect(after.find((r) => r.id === row.id)).toStrictEqual(row);
        }
      });
    });

    describe('resolve', () => {
      beforeEach(async () => {
        await pushSummarize('Summarize the text.', 'Summarize briefly.', 'Summarize in one word.');
      });

      it('finds a version by its number', async () => {
        const v2 = await store.resolve({ prompt: 'summarize', selector: { kind: 'number', number: 2 } });
        expect(v2.number).toBe(2);
        expect(v2.spec.template).toBe('Summarize briefly.');
      });

      it('finds the version a label points at', async () => {
        await store.setLabel('summarize', 2, 'production', 'ops@acme.example');
        const prod = await store.resolve({
          prompt: 'summarize',
          selector: { kind: 'label', label: 'production' },
        });
        expect(prod.number).toBe(2);
        expect(prod.labels).toEqual(['production']);
      });

      it('latest is the newest version that is not archived', async () => {
        const latest = await store.resolve({ prompt: 'summarize', selector: { kind: 'latest' } });
        expect(latest.number).toBe(3);

        await store.archive('summarize', 3, 'ops@acme.example');
        const afterArchive = await store.resolve({ prompt: 'summarize', selector: { kind: 'latest' } });
        expect(afterArchive.number).toBe(2);
      });

      it('an unknown prompt fails with PO_ERR_PROMPT_NOT_FOUND and says to push it first', async () => {
        const err = await promptOpsRejection(
          store.resolve({ prompt: 'sumarize', selector: { kind: 'latest' } }),
        );
        expect(err.code).toBe('PO_ERR_PROMPT_NOT_FOUND');
        expect(err.message).toContain('"sumarize"');
        expect(err.message).toContain('promptops push');
        expect(err.details).toEqual({ prompt: 'sumarize' });
      });

      it('an unknown version number fails with PO_ERR_VERSION_NOT_FOUND and says how to list versions', async () => {
        const err = await promptOpsRejection(
          store.resolve({ prompt: 'summarize', selector: { kind: 'number', number: 9 } }),
        );
        expect(err.code).toBe('PO_ERR_VERSION_NOT_FOUND');
        expect(err.message).toContain('summarize@9');
        expect(err.message).toContain('promptops versions summarize');
      });

      it('an unknown label fails with PO_ERR_LABEL_NOT_FOUND, names the existing labels and says how to set one', async () => {
        await store.setLabel('summarize', 1, 'production', 'ops@acme.example');
        const err = await promptOpsRejection(
          store.resolve({ prompt: 'summarize', selector: { kind: 'label', label: 'staging' } }),
        );
        expect(err.code).toBe('PO_ERR_LABEL_NOT_FOUND');
        expect(err.message).toContain('production');
        expect(err.message).toContain('promptops label set summarize@N staging');
      });

      it('an unknown label on a prompt without labels says it has none yet', async () => {
        const err = await promptOpsRejection(
          store.resolve({ prompt: 'summarize', selector: { kind: 'label', label: 'production' } }),
        );
        expect(err.code).toBe('PO_ERR_LABEL_NOT_FOUND');
        expect(err.message).toContain('no labels yet');
      });

      it('latest of a prompt whose versions are all archived fails with PO_ERR_VERSION_NOT_FOUND', async () => {
        for (const n of [1, 2, 3]) await store.archive('summarize', n, 'ops@acme.example');
        const err = await promptOpsRejection(
          store.resolve({ prompt: 'summarize', selector: { kind: 'latest' } }),
        );
        expect(err.code).toBe('PO_ERR_VERSION_NOT_FOUND');
        expect(err.message).toContain('promptops versions summarize');
      });

      it('listing the versions of an unknown prompt fails with PO_ERR_PROMPT_NOT_FOUND', async () => {
        const err = await promptOpsRejection(store.listVersions('nope'));
        expect(err.code).toBe('PO_ERR_PROMPT_NOT_FOUND');
      });
    });

    describe('labels', () => {
      beforeEach(async () => {
        await pushSummarize('Summarize the text.', 'Summarize briefly.', 'Summarize in one word.');
      });

      it('setting a new label creates it and records a set event from nothing', async () => {
        const at = clock.tick();
        const event = await store.setLabel('summarize', 1, 'production', 'ops@acme.example');

        expect(event).toEqual({
          prompt: 'summarize',
          label: 'production',
          seq: 1,
          action: 'set',
          from: null,
          to: 1,
          actor: 'ops@acme.example',
          at,
        });
        expect(await store.listLabels('summarize')).toEqual([
          {
            prompt: 'summarize',
            label: 'production',
            number: 1,
            hash: (await store.resolve({ prompt: 'summarize', selector: { kind: 'number', number: 1 } }))
              .hash,
            updatedAt: at,
            updatedBy: 'ops@acme.example',
          },
        ]);
      });

      it('setting a label to the version it already points at changes nothing and returns null', async () => {
        await store.setLabel('summarize', 1, 'production', 'ops@acme.example');
        const [before] = await store.listLabels('summarize');
        clock.tick();

        const again = await store.setLabel('summarize', 1, 'production', 'someone-else@acme.example');

        expect(again).toBeNull();
        expect(await store.listLabels('summarize')).toEqual([before]);
        expect(await store.labelHistory('summarize', 'production')).toHaveLength(1);
      });

      it('moving a label points it at the new version and records where it moved from and to', async () => {
        await store.setLabel('summarize', 1, 'production', 'ops@acme.example');
        const at = clock.tick();

        const move = await store.setLabel('summarize', 3, 'production', 'release@acme.example');

        expect(move).toMatchObject({
          seq: 2,
          action: 'set',
          from: 1,
          to: 3,
          actor: 'release@acme.example',
          at,
        });
        const prod = await store.resolve({
          prompt: 'summarize',
          selector: { kind: 'label', label: 'production' },
        });
        expect(prod.number).toBe(3);
        const v1 = await store.resolve({ prompt: 'summarize', selector: { kind: 'number', number: 1 } });
        expect(v1.labels).toEqual([]);
      });

      it('removing a label deletes it, but its history keeps set, move and remove in order', async () => {
        const t1 = clock.tick();
        await store.setLabel('summarize', 1, 'production', 'ada@acme.example');
        const t2 = clock.tick();
        await store.setLabel('summarize', 2, 'production', 'bob@acme.example');
        const t3 = clock.tick();
        const removed = await store.removeLabel('summarize', 'production', 'cy@acme.example');

        expect(removed).toEqual({
          prompt: 'summarize',
          label: 'production',
          seq: 3,
          action: 'remove',
          from: 2,
          to: null,
          actor: 'cy@acme.example',
          at: t3,
        });
        expect(await store.listLabels('summarize')).toEqual([]);
        const err = await promptOpsRejection(
          store.resolve({ prompt: 'summarize', selector: { kind: 'label', label: 'production' } }),
        );
        expect(err.code).toBe('PO_ERR_LABEL_NOT_FOUND');
        const expected: LabelEvent[] = [
          {
            prompt: 'summarize',
            label: 'production',
            seq: 1,
            action: 'set',
            from: null,
            to: 1,
            actor: 'ada@acme.example',
            at: t1,
          },
          {
            prompt: 'summarize',
            label: 'production',
            seq: 2,
            action: 'set',
            from: 1,
            to: 2,
            actor: 'bob@acme.example',
            at: t2,
          },
          {
            prompt: 'summarize',
            label: 'production',
            seq: 3,
            action: 'remove',
            from: 2,
            to: null,
            actor: 'cy@acme.example',
            at: t3,
          },
        ];
        expect(await store.labelHistory('summarize', 'production')).toEqual(expected);
        expect(await store.labelHistory('summarize')).toEqual(expected);
      });

      it('a label set again after removal continues its history numbering', async () => {
        await store.setLabel('summarize', 1, 'production', 'ops@acme.example');
        await store.removeLabel('summarize', 'production', 'ops@acme.example');
        const again = await store.setLabel('summarize', 2, 'production', 'ops@acme.example');
        expect(again).toMatchObject({ seq: 3, action: 'set', from: null, to: 2 });
      });

      it('the history of one label is listed in the order it happened even if the clock went backwards', async () => {
        clock.set('2025-03-01T12:00:00.000Z');
        await store.setLabel('summarize', 1, 'production', 'ops@acme.example');
        clock.set('2025-03-01T11:00:00.000Z');
        await store.setLabel('summarize', 2, 'production', 'ops@acme.example');
        clock.set('2025-03-01T10:00:00.000Z');
        await store.removeLabel('summarize', 'production', 'ops@acme.example');

        const history = await store.labelHistory('summarize', 'production');
        expect(history.map((e) => [e.seq, e.action, e.from, e.to])).toEqual([
          [1, 'set', null, 1],
          [2, 'set', 1, 2],
          [3, 'remove', 2, null],
        ]);
      });

      it('the history of a prompt holds every label, each label numbered on its own', async () => {
        clock.tick();
        await store.setLabel('summarize', 1, 'production', 'ops@acme.example');
        clock.tick();
        await store.setLabel('summarize', 2, 'staging', 'ops@acme.example');
        clock.tick();
        await store.setLabel('summarize', 3, 'staging', 'ops@acme.example');

        const history = await store.labelHistory('summarize');
        expect(history.map((e) => [e.label, e.seq, e.from, e.to])).toEqual([
          ['production', 1, null, 1],
          ['staging', 1, null, 2],
          ['staging', 2, 2, 3],
        ]);
        expect((await store.labelHistory('summarize', 'staging')).map((e) => e.seq)).toEqual([1, 2]);
      });

      it('lists the labels of one prompt, or of every prompt', async () => {
        await store.push([await promptItem('translate', 'Translate to French.')], { author: AUTHOR });
        await store.setLabel('summarize', 3, 'staging', 'ops@acme.example');
        await store.setLabel('summarize', 2, 'production', 'ops@acme.example');
        await store.setLabel('translate', 1, 'production', 'ops@acme.example');

        expect((await store.listLabels('summarize')).map((l) => [l.prompt, l.label, l.number])).toEqual([
          ['summarize', 'production', 2],
          ['summarize', 'staging', 3],
        ]);
        expect((await store.listLabels()).map((l) => [l.prompt, l.label, l.number])).toEqual([
          ['summarize', 'production', 2],
          ['summarize', 'staging', 3],
          ['translate', 'production', 1],
        ]);
        const summary = (await store.listPrompts()).find((p) => p.name === 'summarize');
        expect(summary?.labels).toEqual({ production: 2, staging: 3 });
        const versions = await store.listVersions('summarize');
        expect(versions.map((v) => v.labels)).toEqual([[], ['production'], ['staging']]);
      });

      it('listing the labels of an unknown prompt fails with PO_ERR_PROMPT_NOT_FOUND', async () => {
        const err = await promptOpsRejection(store.listLabels('nope'));
        expect(err.code).toBe('PO_ERR_PROMPT_NOT_FOUND');
      });

      it.each([
        ['an empty name', ''],
        ['a space', 'prod env'],
        ['a leading dash', '-prod'],
        ['a dot', 'prod.eu'],
        ['a slash', 'prod/eu'],
        ['a colon', 'prod:eu'],
        ['an @', 'prod@2'],
        ['non-ASCII letters', 'prödüction'],
      ])('a label name with %s is refused with PO_ERR_LABEL_INVALID', async (_, label) => {
        const err = await promptOpsRejection(store.setLabel('summarize', 1, label, 'ops@acme.example'));
        expect(err.code).toBe('PO_ERR_LABEL_INVALID');
        expect(err.message).toMatch(/letters, digits/);
        expect(await store.listLabels()).toEqual([]);
        expect(await store.labelHistory('summarize')).toEqual([]);
      });

      it("the reserved label name 'latest' is refused with PO_ERR_LABEL_INVALID", async () => {
        const err = await promptOpsRejection(store.setLabel('summarize', 1, 'latest', 'ops@acme.example'));
        expect(err.code).toBe('PO_ERR_LABEL_INVALID');
        expect(err.message).toContain('reserved');
        expect(await store.listLabels()).toEqual([]);
      });

      it('labelling an archived version is refused with PO_ERR_VERSION_ARCHIVED', async () => {
        await store.archive('summarize', 1, 'ops@acme.example');
        const err = await promptOpsRejection(
          store.setLabel('summarize', 1, 'production', 'ops@acme.example'),
        );
        expect(err.code).toBe('PO_ERR_VERSION_ARCHIVED');
        expect(err.message).toContain('summarize@1');
        expect(await store.listLabels()).toEqual([]);
        expect(await store.labelHistory('summarize')).toEqual([]);
      });

      it('labelling a version that does not exist fails with PO_ERR_VERSION_NOT_FOUND', async () => {
        const err = await promptOpsRejection(
          store.setLabel('summarize', 7, 'production', 'ops@acme.example'),
        );
        expect(err.code).toBe('PO_ERR_VERSION_NOT_FOUND');
        const missing = await promptOpsRejection(store.setLabel('nope', 1, 'production', 'ops@acme.example'));
        expect(missing.code).toBe('PO_ERR_PROMPT_NOT_FOUND');
      });

      it('removing a label that is not set fails with PO_ERR_LABEL_NOT_FOUND and says how to list labels', async () => {
        const err = await promptOpsRejection(
          store.removeLabel('summarize', 'production', 'ops@acme.example'),
        );
        expect(err.code).toBe('PO_ERR_LABEL_NOT_FOUND');
        expect(err.message).toContain('promptops label ls summarize');
        expect(await store.labelHistory('summarize')).toEqual([]);
      });
    });

    describe('archive', () => {
      beforeEach(async () => {
        await pushSummarize('Summarize the text.', 'Summarize briefly.');
      });

      it('archiving a labelled version is refused with PO_ERR_VERSION_LABELLED naming its labels', async () => {
        await store.setLabel('summarize', 1, 'production', 'ops@acme.example');
        await store.setLabel('summarize', 1, 'staging', 'ops@acme.example');

        const err = await promptOpsRejection(store.archive('summarize', 1, 'ops@acme.example'));

        expect(err.code).toBe('PO_ERR_VERSION_LABELLED');
        expect(err.message).toContain('production, staging');
        expect(err.message).toContain('promptops label rm summarize');
        const v1 = await store.resolve({ prompt: 'summarize', selector: { kind: 'number', number: 1 } });
        expect(v1.archived).toBeNull();
      });

      it('once its labels are removed the version can be archived, recording who, when and why', async () => {
        await store.setLabel('summarize', 1, 'production', 'ops@acme.example');
        await store.removeLabel('summarize', 'production', 'ops@acme.example');
        const at = clock.tick();

        const archived = await store.archive('summarize', 1, 'retire@acme.example', 'superseded by v2');

        expect(archived).toMatchObject({
          prompt: 'summarize',
          number: 1,
          archived: { at, by: 'retire@acme.example', reason: 'superseded by v2' },
        });
      });

      it('archiving the same version twice is refused with PO_ERR_VERSION_ARCHIVED', async () => {
        await store.archive('summarize', 1, 'ops@acme.example');
        const err = await promptOpsRejection(store.archive('summarize', 1, 'ops@acme.example'));
        expect(err.code).toBe('PO_ERR_VERSION_ARCHIVED');
        expect(err.message).toContain('already archived');
      });

      it('an archived version stays resolvable by number and is listed with its archive record', async () => {
        const at = clock.tick();
        await store.archive('summarize', 1, 'ops@acme.example');

        const v1 = await store.resolve({ prompt: 'summarize', selector: { kind: 'number', number: 1 } });
        expect(v1.spec.template).toBe('Summarize the text.');
        expect(v1.archived).toEqual({ at, by: 'ops@acme.example', reason: null });
        const versions = await store.listVersions('summarize');
        expect(versions.map((v) => [v.number, v.archived?.by ?? null])).toEqual([
          [1, 'ops@acme.example'],
          [2, null],
        ]);
        expect((await store.listPrompts())[0]?.versions).toBe(2);
      });

      it('archiving a version that does not exist fails with PO_ERR_VERSION_NOT_FOUND', async () => {
        const err = await promptOpsRejection(store.archive('summarize', 5, 'ops@acme.example'));
        expect(err.code).toBe('PO_ERR_VERSION_NOT_FOUND');
      });

      it('after the newest version is archived, the next push still gets the next number', async () => {
        await store.archive('summarize', 2, 'ops@acme.example');
        const [item] = await pushSummarize('Summarize in one word.');
        const latest = await store.resolve({ prompt: 'summarize', selector: { kind: 'latest' } });
        expect([latest.number, latest.parentNumber, latest.hash]).toEqual([3, 2, item?.hash]);
      });
    });

    describe('projects', () => {
      it('two projects on the same database do not see each other’s prompts, versions or labels', async () => {
        const [ours] = await pushSummarize('Summarize the text.', 'Summarize briefly.');
        await store.setLabel('summarize', 1, 'production', 'ops@acme.example');
        const other = await h.reopen({ project: 'globex' });

        expect(await other.listPrompts()).toEqual([]);
        expect(await other.listLabels()).toEqual([]);
        const err = await promptOpsRejection(
          other.resolve({ prompt: 'summarize', selector: { kind: 'latest' } }),
        );
        expect(err.code).toBe('PO_ERR_PROMPT_NOT_FOUND');
        expect(err.message).toContain('"globex"');
        expect((await promptOpsRejection(other.labelHistory('summarize'))).code).toBe(
          'PO_ERR_PROMPT_NOT_FOUND',
        );

        const theirs = await promptItem('summarize', 'Résumez le texte.');
        expect(await other.push([theirs], { author: 'gus@globex.example' })).toEqual([
          { prompt: 'summarize', status: 'created', number: 1, hash: theirs.hash, previous: null },
        ]);
        // Content identical to one of ours is still new to them.
        expect((await other.push([ours!], { author: 'gus@globex.example' }))[0]).toMatchObject({
          status: 'created',
          number: 2,
        });
        await other.setLabel('summarize', 2, 'production', 'gus@globex.example');
        await other.archive('summarize', 1, 'gus@globex.example');

        const mine = await store.listVersions('summarize');
        expect(mine.map((v) => [v.number, v.author, v.archived, v.labels])).toEqual([
          [1, AUTHOR, null, ['production']],
          [2, AUTHOR, null, []],
        ]);
        expect((await store.listLabels()).map((l) => [l.prompt, l.label, l.number])).toEqual([
          ['summarize', 'production', 1],
        ]);
        expect(await store.labelHistory('summarize')).toHaveLength(1);
        expect((await other.labelHistory('summarize')).map((e) => [e.seq, e.to])).toEqual([[1, 2]]);
      });
    });

    describe('persistence', () => {
      it('everything is still there after closing and reopening the registry', async () => {
        await pushSummarize('Summarize the text.', 'Summarize briefly.', 'Summarize in one word.');
        await store.push([await promptItem('translate', 'Translate to French.')], { author: AUTHOR });
        await store.setLabel('summarize', 2, 'production', 'ops@acme.example');
        await store.setLabel('summarize', 3, 'production', 'ops@acme.example');
        await store.setLabel('translate', 1, 'staging', 'ops@acme.example');
        await store.archive('summarize', 1, 'ops@acme.example', 'old');
        const snapshot = async (s: RegistryStore) => ({
          prompts: await s.listPrompts(),
          summarize: await s.listVersions('summarize'),
          translate: await s.listVersions('translate'),
          labels: await s.listLabels(),
          history: await s.labelHistory('summarize'),
        });
        const before = await snapshot(store);
        await store.close();

        const reopened = await h.reopen();

        expect(await snapshot(reopened)).toEqual(before);
        const next = await reopened.push([await promptItem('summarize', 'Summarize in two words.')], {
          author: AUTHOR,
        });
        expect(next[0]).toMatchObject({ status: 'created', number: 4, previous: 3 });
      });

      it('reopening applies each migration only once and leaves the data alone', async () => {
        const readRows = required(h.readRows, 'readRows');
        await pushSummarize('Summarize the text.');
        const migrations = await readRows('kysely_migration');
        expect(migrations.length).toBeGreaterThan(0);
        await store.close();

        for (let i = 0; i < 3; i++) await (await h.reopen()).close();
        const reopened = await h.reopen();

        expect(await readRows('kysely_migration')).toEqual(migrations);
        expect((await reopened.listVersions('summarize')).map((v) => v.number)).toEqual([1]);
      });
    });

    describe('traces', () => {
      const traceOf = (id: string, over: Partial<Trace>) => traceRecord(id, { project: PROJECT, ...over });
      beforeEach(async () => {
        await store.writeTraces([
          traceOf('t1', { startedAt: '2026-12-07T09:00:00.000Z' }),
          traceOf('t2', {
            version: { number: 2, hash: 'b'.repeat(64) },
            environment: 'production',
            arm: 'canary',
          }),
          traceOf('t3', {
            status: 'error',
            startedAt: '2026-12-07T11:30:00.000Z',
            environment: 'production',
            arm: 'stable',
          }),
          traceOf('t4', { prompt: 'other', version: { number: 2, hash: 'c'.repeat(64) } }),
        ]);
      });
      const ids = async (filter: Parameters<RegistryStore['listTraces']>[0]) =>
        (await store.listTraces(filter)).map((t) => t.id).sort();

      it('filters by prompt, version, environment, status and time', async () => {
        expect(await ids({ prompt: 'summarize' })).toEqual(['t1', 't2', 't3']);
        expect(await ids({ prompt: 'summarize', version: 2 })).toEqual(['t2']);
        expect(await ids({ environment: 'production' })).toEqual(['t2', 't3']);
        expect(await ids({ status: 'error' })).toEqual(['t3']);
        // Bounds in any ISO form compare as times: since is inclusive, until exclusive.
        expect(await ids({ since: '2026-12-07T10:00:00Z' })).toEqual(['t2', 't3', 't4']);
        expect(await ids({ since: '2026-12-07T10:00:00Z', until: '2026-12-07T11:30:00Z' })).toEqual([
          't2',
          't4',
        ]);
        expect(await ids({ until: '2026-12-07T10:30:00+01:00' })).toEqual(['t1']);
      });

      it('filters by the canary arm a gateway routed the run to', async () => {
        expect(await ids({ arm: 'canary' })).toEqual(['t2']);
        expect(await ids({ arm: 'stable', environment: 'production' })).toEqual(['t3']);
        expect((await store.getTrace('t2')).arm).toBe('canary');
        expect((await store.getTrace('t1')).arm).toBeNull();
      });

      it('stores each trace once when a batch is written again (a replayed spool)', async () => {
        const before = await ids({});
        const stored = await store.getTrace('t1');
        await store.writeTraces([
          traceOf('t1', { startedAt: '2026-12-07T09:00:00.000Z' }),
          traceOf('t4', {}),
        ]);
        expect(await ids({})).toEqual(before);
        expect(await store.getTrace('t1')).toEqual(stored);
      });

      it('stores the new traces of a batch that mixes them with stored ones', async () => {
        await store.writeTraces([
          traceOf('t1', { status: 'error' }),
          traceOf('t5', { arm: 'canary' }),
          traceOf('t3', {}),
          traceOf('t6', {}),
        ]);
        expect(await ids({})).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
        // A replay never rewrites what was stored first.
        expect((await store.getTrace('t1')).status).toBe('ok');
        expect((await store.getTrace('t5')).arm).toBe('canary');
      });

      it('reads one trace by id, and names a missing one', async () => {
        expect(await store.getTrace('t3')).toEqual(
          traceOf('t3', {
            status: 'error',
            startedAt: '2026-12-07T11:30:00.000Z',
            environment: 'production',
            arm: 'stable',
          }),
        );
        expect(await promptOpsRejection(store.getTrace('nope'))).toMatchObject({
          code: 'PO_ERR_TRACE_NOT_FOUND',
        });
        const elsewhere = await h.reopen({ project: 'other-project' });
        expect(await promptOpsRejection(elsewhere.getTrace('t3'))).toMatchObject({
          code: 'PO_ERR_TRACE_NOT_FOUND',
        });
      });
    });

    describe('feedback', () => {
      beforeEach(async () => {
        await store.writeTraces([
          traceRecord('f1', { project: PROJECT, environment: 'production' }),
          traceRecord('f2', { project: PROJECT, version: { number: 2, hash: 'b'.repeat(64) } }),
          traceRecord('f3', { project: PROJECT, prompt: 'other' }),
        ]);
      });

      it('keeps several feedbacks per trace, with the trace prompt, version and environment', async () => {
        const first = await store.recordFeedback(
          { traceId: 'f1', thumbs: 'down', comment: 'wrong tone', correctedOutput: { tone: 'formal' } },
          AUTHOR,
        );
        clock.tick();
        await store.recordFeedback({ traceId: 'f1', score: 0.9 }, 'bob@acme.example');
        expect(first).toMatchObject({
          traceId: 'f1',
          prompt: 'summarize',
          version: 1,
          environment: 'production',
          thumbs: 'down',
          score: null,
          negative: true,
          comment: 'wrong tone',
          correctedOutput: { tone: 'formal' },
          by: AUTHOR,
        });
        const listed = await store.listFeedback({ prompt: 'summarize' });
        expect(listed.map((f) => [f.traceId, f.score, f.by])).toEqual([
          ['f1', 0.9, 'bob@acme.example'],
          ['f1', null, AUTHOR],
        ]);
        expect(listed[1]).toEqual(first);
      });

      it('counts thumbs down or a score under 0.5 as negative, and filters by it', async () => {
        await store.recordFeedback({ traceId: 'f1', thumbs: 'up' }, AUTHOR);
        await store.recordFeedback({ traceId: 'f2', score: 0.2 }, AUTHOR);
        await store.recordFeedback({ traceId: 'f3', score: 0.5, thumbs: 'down' }, AUTHOR);
        const traces = async (filter: Parameters<RegistryStore['listFeedback']>[0]) =>
          (await store.listFeedback(filter)).map((f) => f.traceId).sort();
        expect(await traces({ sentiment: 'negative' })).toEqual(['f2', 'f3']);
        expect(await traces({ sentiment: 'positive' })).toEqual(['f1']);
        expect(await traces({ sentiment: 'negative', prompt: 'summarize' })).toEqual(['f2']);
        expect(await traces({ version: 2 })).toEqual(['f2']);
        expect(await traces({ environment: 'production' })).toEqual(['f1']);
        expect(await traces({ traceId: 'f3' })).toEqual(['f3']);
        expect(await traces({ traceId: 'f3', sentiment: 'positive' })).toEqual([]);
        expect(await traces({ traceId: 'nope' })).toEqual([]);
        expect(await traces({ since: new Date(clock.now().getTime() + 1000).toISOString() })).toEqual([]);
      });

      it('refuses feedback on a trace the project does not have, and writes nothing', async () => {
        expect(
          await promptOpsRejection(store.recordFeedback({ traceId: 'nope', thumbs: 'down' }, AUTHOR)),
        ).toMatchObject({ code: 'PO_ERR_TRACE_NOT_FOUND' });
        const elsewhere = await h.reopen({ project: 'other-project' });
        expect(
          await promptOpsRejection(elsewhere.recordFeedback({ traceId: 'f1', thumbs: 'down' }, AUTHOR)),
        ).toMatchObject({ code: 'PO_ERR_TRACE_NOT_FOUND' });
        expect(await store.listFeedback({})).toEqual([]);
      });

      it('refuses feedback with neither a score nor thumbs', async () => {
        expect(
          await promptOpsRejection(store.recordFeedback({ traceId: 'f1', comment: 'meh' }, AUTHOR)),
        ).toMatchObject({ code: 'PO_ERR_REQUEST_INVALID' });
        expect(await store.listFeedback({})).toEqual([]);
      });
    });

    describe('concurrency', () => {
      const PARALLEL = 8;

      async function assertContiguousHistory(hashesPushed: string[]): Promise<void> {
        const versions = await store.listVersions('summarize');
        expect(versions.map((v) => v.number)).toEqual(versions.map((_, i) => i + 1));
        expect(versions.map((v) => v.parentNumber)).toEqual(versions.map((_, i) => (i === 0 ? null : i)));
        expect(new Set(versions.map((v) => v.hash)).size).toBe(versions.length);
        for (const hash of hashesPushed) expect(versions.map((v) => v.hash)).toContain(hash);
      }

      it('parallel pushes from separate connections get unique, contiguous version numbers and none is lost', async () => {
        await pushSummarize('Summarize the text.');
        const stores = await Promise.all(Array.from({ length: PARALLEL }, () => h.reopen()));
        const items = await Promise.all(
          stores.map((_, i) => promptItem('summarize', `Summarize, take ${i}.`)),
        );

        const settled = await Promise.allSettled(
          stores.map((s, i) => s.push([items[i]!], { author: `writer-${i}@acme.example` })),
        );

        for (const outcome of settled) {
          if (outcome.status === 'rejected') {
            expect(isPromptOpsError(outcome.reason), String(outcome.reason)).toBe(true);
          }
        }
        const created = settled.flatMap((o) => (o.status === 'fulfilled' ? o.value : []));
        expect(created.every((o) => o.status === 'created')).toBe(true);
        expect(created.map((o) => o.number).sort((a, b) => a - b)).toEqual(created.map((_, i) => i + 2));
        expect(created).toHaveLength(PARALLEL);
        await assertContiguousHistory(created.map((o) => o.hash));
        const versions = await store.listVersions('summarize');
        for (const o of created) expect(versions[o.number - 1]?.hash).toBe(o.hash);
      });

      it('parallel pushes from separate processes get unique, contiguous version numbers and none is lost', async () => {
        const url = required(h.url, 'url');
        await pushSummarize('Summarize the text.');
        const items = await Promise.all(
          Array.from({ length: 6 }, (_, i) => promptItem('summarize', `Summarize, process ${i}.`)),
        );

        const reports = await raceInProcesses(
          items.map((item, i) => ({
            urls: [url],
            root: process.cwd(),
            project: PROJECT,
            phase: 'open-then-wait' as const,
            op: 'push' as const,
            items: [item],
            author: `process-${i}@acme.example`,
          })),
        );
        const results = reports.flat();

        for (const r of results) {
          if (!r.ok) expect(r.code, `${r.name}: ${r.message}`).toMatch(/^PO_ERR_/);
        }
        const created = results.flatMap((r) =>
          r.ok ? (r.result as Array<{ number: number; hash: string }>) : [],
        );
        expect(created).toHaveLength(items.length);
        expect(created.map((o) => o.number).sort((a, b) => a - b)).toEqual(created.map((_, i) => i + 2));
        await assertContiguousHistory(created.map((o) => o.hash));
      });

      it('parallel moves of one label leave exactly one current value and one history event per effective move', async () => {
        await pushSummarize('One.', 'Two.', 'Three.', 'Four.');
        const targets = [1, 2, 3, 4, 2, 3, 4, 1];
        const stores = await Promise.all(targets.map(() => h.reopen()));

        const settled = await Promise.allSettled(
          stores.map((s, i) => s.setLabel('summarize', targets[i]!, 'production', `mover-${i}@acme.example`)),
        );

        for (const outcome of settled) {
          if (outcome.status === 'rejected') {
            expect(isPromptOpsError(outcome.reason), String(outcome.reason)).toBe(true);
          }
        }
        const events = settled.flatMap((o) => (o.status === 'fulfilled' && o.value ? [o.value] : []));
        expect(settled.every((o) => o.status === 'fulfilled')).toBe(true);
        const history = await store.labelHistory('summarize', 'production');
        expect(history).toHaveLength(events.length);
        expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
        expect([...history].sort((a, b) => a.actor.localeCompare(b.actor))).toEqual(
          [...events].sort((a, b) => a.actor.localeCompare(b.actor)),
        );
        // Each move starts where the previous one left the label.
        expect(history.map((e) => e.from)).toEqual([null, ...history.slice(0, -1).map((e) => e.to)]);
        for (const e of history) expect(e.from).not.toBe(e.to);
        const labels = await store.listLabels('summarize');
        expect(labels).toHaveLength(1);
        expect(labels[0]?.number).toBe(history.at(-1)?.to);
      });

      it('parallel label moves from separate processes keep one current value and a consistent history', async () => {
        const url = required(h.url, 'url');
        await pushSummarize('One.', 'Two.', 'Three.');
        const targets = [1, 2, 3, 1, 2, 3];

        const reports = await raceInProcesses(
          targets.map((number, i) => ({
            urls: [url],
            root: process.cwd(),
            project: PROJECT,
            phase: 'open-then-wait' as const,
            op: 'setLabel' as const,
            prompt: 'summarize',
            number,
            label: 'production',
            actor: `process-${i}@acme.example`,
          })),
        );
        const results = reports.flat();

        for (const r of results) expect(r.ok, r.ok ? '' : `${r.name} ${r.code}: ${r.message}`).toBe(true);
        const effective = results.filter((r) => r.ok && r.result !== null);
        const history = await store.labelHistory('summarize', 'production');
        expect(history).toHaveLength(effective.length);
        expect(history.map((e) => e.seq)).toEqual(history.map((_, i) => i + 1));
        expect(history.map((e) => e.from)).toEqual([null, ...history.slice(0, -1).map((e) => e.to)]);
        const labels = await store.listLabels('summarize');
        expect(labels.map((l) => l.number)).toEqual([history.at(-1)?.to]);
      });
    });
  });
}
