/**
 * The governance behaviour every store engine must have: change requests with checks, reviews and
 * a risk score, the approval gate, releases, canaries, promotion, rollback, tokens and roles.
 * Each engine's test file calls `describeGovernanceStore` with a function that opens a fresh,
 * empty registry of that engine. Nothing here mocks the database.
 */
import { afterAll, afterEach, beforeEach, describe, expect } from 'vitest';
import { OPERATIONS } from '../../src/api/operations.js';
import { hashSpec } from '../../src/catalog/canonical.js';
import { parsePrompt } from '../../src/catalog/parse.js';
import type { RiskTier } from '../../src/catalog/spec.js';
import { createAjv } from '../../src/contracts/json-schema.js';
import { isPromptOpsError } from '../../src/errors.js';
import {
  type ApprovalPolicy,
  CHECK_NAMES,
  CONTROL_PLANE,
  DEFAULT_APPROVAL_POLICY,
} from '../../src/governance/policy.js';
import { defaultProjectConfig } from '../../src/project/config.js';
import { parseContext } from '../../src/project/parse-context.js';
import type { ChangeRequest, PushItem, ReleaseRecord, Store } from '../../src/store/index.js';
import { type ManualClock, manualClock, promptOpsRejection } from './fixtures.js';
import type { EngineHarness, OpenEngine } from './harness.js';
import { type Skips, skipping } from './skips.js';
import { raceInProcesses } from './workers.js';

const PROJECT = 'acme';
const AUTHOR = 'ada@acme.example';
const REVIEWERS = ['rita@acme.example', 'ravi@acme.example', 'rosa@acme.example'] as const;
const RELEASER = 'rel@acme.example';
const ADMIN = 'root@acme.example';
const CI = 'ci@acme.example';
const ENVIRONMENTS = ['staging', 'production'] as const;
const JUSTIFICATION = 'the flaky lint rule is being fixed in #42; shipping the hotfix now';

/** What a test prompt looks like; everything else is the parser's default. */
export interface PromptShape {
  template: string;
  /** Required string inputs. */
  required?: string[];
  /** Optional string inputs (default: `text`). */
  optional?: string[];
  risk?: RiskTier;
  model?: string;
  /** YAML list entries under `promptops.guardrails.input` / `.output`. */
  inputGuardrails?: string[];
  outputGuardrails?: string[];
}

/** A push item for a prompt of the given shape, parsed from real `.prompt` source as the CLI would. */
export async function shapedItem(name: string, shape: PromptShape): Promise<PushItem> {
  const lines = ['---', `name: ${name}`, `model: ${shape.model ?? 'offline/echo'}`, 'input:', '  schema:'];
  for (const field of shape.optional ?? ['text']) lines.push(`    ${field}?: string`);
  for (const field of shape.required ?? []) lines.push(`    ${field}: string`);
  lines.push('promptops.owner: prompts@acme.example', `promptops.risk: ${shape.risk ?? 'low'}`);
  if (shape.inputGuardrails || shape.outputGuardrails) {
    lines.push('promptops.guardrails:');
    if (shape.inputGuardrails) lines.push('  input:', ...shape.inputGuardrails.map((g) => `    - ${g}`));
    if (shape.outputGuardrails) lines.push('  output:', ...shape.outputGuardrails.map((g) => `    - ${g}`));
  }
  lines.push('---', shape.template, '');
  const { spec, diagnostics } = await parsePrompt(
    lines.join('\n'),
    `${name}.prompt`,
    parseContext(defaultProjectConfig()),
  );
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!spec || errors.length > 0) {
    throw new Error(`fixture ${name}.prompt does not parse: ${errors.map((d) => d.message).join('; ')}`);
  }
  return { spec, hash: hashSpec(spec) };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this engine's test harness must provide ${what}`);
  return value;
}

function policyWith(approvals: Partial<ApprovalPolicy['approvals']>, groups = {}): ApprovalPolicy {
  return {
    ...DEFAULT_APPROVAL_POLICY,
    approvals: { ...DEFAULT_APPROVAL_POLICY.approvals, ...approvals },
    groups,
  };
}

function factorsOf(cr: ChangeRequest): Record<string, number> {
  return Object.fromEntries(cr.risk.factors.map((f) => [f.factor, f.points]));
}

/**
 * Codes of the transient conflicts the store retries (PostgreSQL serialization failure and deadlock,
 * SQLite busy). Under heavy contention the store's retry budget can run out and one of these reaches
 * the caller; that is a clean, rolled-back failure which must not break any invariant.
 */
const TRANSIENT_CONFLICT = /^PO_ERR_STORE_CONFLICT$/;

/** The rejections that are not exhausted transient conflicts, described for an assertion message. */
function unexpectedFailures(settled: readonly PromiseSettledResult<unknown>[]): string[] {
  return settled.flatMap((s) => {
    if (s.status === 'fulfilled') return [];
    const code = (s.reason as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && TRANSIENT_CONFLICT.test(code)) return [];
    return [isPromptOpsError(s.reason) ? s.reason.code : String(s.reason)];
  });
}

/** The suite on one engine; `skips` names the tests it cannot run there, with the reason. */
export function describeGovernanceStore(engine: string, open: OpenEngine, skips: Skips = {}): void {
  const { it, checkSkips } = skipping(engine, skips);
  describe(`governance store (${engine})`, () => {
    let h: EngineHarness;
    let store: Store;
    let clock: ManualClock;

    beforeEach(async () => {
      clock = manualClock();
      h = await open({ project: PROJECT, now: clock.now, environments: ENVIRONMENTS });
      store = h.store;
    });

    afterEach(async () => {
      await h.cleanup();
    });

    /** Pushes one version of `prompt` (a template, or a whole shape) and returns its number and hash. */
    async function pushVersion(
      shape: PromptShape | string,
      prompt = 'summarize',
      author = AUTHOR,
    ): Promise<{ number: number; hash: string }> {
      const item = await shapedItem(prompt, typeof shape === 'string' ? { template: shape } : shape);
      clock.tick();
      const [outcome] = await store.push([item], {
        author,
        message: `change ${item.hash.slice(0, 6)}`,
      });
      expect(outcome?.status).toBe('created');
      return { number: outcome!.number, hash: item.hash };
    }

    /** Records every check as passing (regression with no change) on the change request's version. */
    async function passChecks(cr: ChangeRequest, on: Store = store): Promise<ChangeRequest> {
      let latest = cr;
      for (const name of CHECK_NAMES) {
        clock.tick();
        latest = await on.recordCheck(
          cr.number,
          {
            name,
            status: 'pass',
            summary: `${name} ok`,
            versionHash: cr.versionHash,
            ...(name === 'regression' ? { details: { passRateDelta: 0, regressed: 0 } } : {}),
          },
          CI,
        );
      }
      return latest;
    }

    /** Opens a change request for `version` (default latest), passes its checks and approves it as needed. */
    async function readyCr(
      prompt = 'summarize',
      version?: number,
      on: Store = store,
    ): Promise<ChangeRequest> {
      clock.tick();
      const opened = await on.openChangeRequest(
        { prompt, ...(version === undefined ? {} : { version }) },
        AUTHOR,
      );
      const checked = await passChecks(opened, on);
      for (const reviewer of REVIEWERS.slice(0, checked.gate.rule.required)) {
        clock.tick();
        await on.recordApproval(checked.number, { decision: 'approve' }, reviewer);
      }
      const ready = await on.getChangeRequest(opened.number);
      expect(ready.gate.blockers).toEqual([]);
      expect(ready.gate.ready).toBe(true);
      return ready;
    }

    /** Pushes a version, takes it through a change request and releases it fully to `environment`. */
    async function ship(
      shape: PromptShape | string,
      environment = 'production',
      prompt = 'summarize',
    ): Promise<{ number: number; hash: string; cr: ChangeRequest; release: ReleaseRecord }> {
      const version = await pushVersion(shape, prompt);
      const cr = await readyCr(prompt, version.number);
      clock.tick();
      const release = await store.release({ changeRequest: cr.number, environment }, RELEASER);
      return { ...version, cr, release };
    }

    /** The version number `environment`'s label points at, or null. */
    async function serving(
      environment: string,
      prompt = 'summarize',
      on: Store = store,
    ): Promise<number | null> {
      const labels = await on.listLabels(prompt);
      return labels.find((l) => l.label === environment)?.number ?? null;
    }

    async function active(environment: string, prompt = 'summarize'): Promise<ReleaseRecord[]> {
      return store.listReleases({ prompt, environment, activeOnly: true });
    }

    // ---- change requests ----------------------------------------------------------------------

    describe('opening change requests', () => {
      it('proposes the latest version by default, against what the production label serves', async () => {
        const v1 = await ship('Summarize {{text}}.');
        await pushVersion('Summarize {{text}} briefly.');
        const v3 = await pushVersion('Summarize {{text}} in one line.');

        clock.tick();
        const cr = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);

        expect(cr).toMatchObject({
          number: 2,
          prompt: 'summarize',
          version: v3.number,
          versionHash: v3.hash,
          base: v1.number,
          baseLabel: 'production',
          author: AUTHOR,
          status: 'open',
          description: null,
          checks: [],
          reviews: [],
          overrides: [],
          createdAt: clock.now().toISOString(),
        });
        expect(cr.title).toMatch(/^summarize@3: change /);
        expect(cr.gate.ready).toBe(false);
        expect(await store.getChangeRequest(2)).toEqual(cr);
      });

      it('proposes a named version, with the title and description given', async () => {
        await ship('Summarize {{text}}.');
        const v2 = await pushVersion('Summarize {{text}} briefly.');
        await pushVersion('Summarize {{text}} in one line.');

        const cr = await store.openChangeRequest(
          {
            prompt: 'summarize',
            version: v2.number,
            title: '  Shorter summaries ',
            description: 'Users asked.',
          },
          AUTHOR,
        );

        expect([cr.version, cr.versionHash, cr.base, cr.title, cr.description]).toEqual([
          2,
          v2.hash,
          1,
          'Shorter summaries',
          'Users asked.',
        ]);
      });

      it('a first release has no base and carries the new-prompt factor', async () => {
        await pushVersion('Summarize {{text}}.');
        const cr = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);
        expect(cr.base).toBeNull();
        expect(cr.risk).toMatchObject({ score: 10, scoreLevel: 'low', tier: 'low', level: 'low' });
        expect(cr.risk.factors).toEqual([expect.objectContaining({ factor: 'new-prompt', points: 10 })]);
        expect(cr.gate.rule.required).toBe(0);
      });

      it('refuses an archived version with PO_ERR_VERSION_ARCHIVED; "latest" skips archived versions', async () => {
        await pushVersion('Summarize {{text}}.');
        await pushVersion('Summarize {{text}} briefly.');
        await store.archive('summarize', 2, AUTHOR, 'wrong direction');

        const err = await promptOpsRejection(
          store.openChangeRequest({ prompt: 'summarize', version: 2 }, AUTHOR),
        );
        expect(err.code).toBe('PO_ERR_VERSION_ARCHIVED');
        expect(await store.listChangeRequests()).toEqual([]);
        expect((await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR)).version).toBe(1);
      });

      it('refuses a second open change request for the same version with PO_ERR_CR_EXISTS, but not after closing', async () => {
        await pushVersion('Summarize {{text}}.');
        const first = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);

        const err = await promptOpsRejection(
          store.openChangeRequest({ prompt: 'summarize', version: 1 }, 'someone@acme.example'),
        );
        expect(err.code).toBe('PO_ERR_CR_EXISTS');
        expect(err.details).toEqual({ number: first.number });

        clock.tick();
        const closed = await store.closeChangeRequest(first.number, AUTHOR);
        expect(closed.status).toBe('closed');
        const again = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);
        expect([again.number, again.version, again.status]).toEqual([2, 1, 'open']);
      });

      it('refuses a version identical to what production serves with PO_ERR_CR_NOTHING_TO_CHANGE', async () => {
        await ship('Summarize {{text}}.');
        const err = await promptOpsRejection(store.openChangeRequest({ prompt: 'summarize' }, AUTHOR));
        expect(err.code).toBe('PO_ERR_CR_NOTHING_TO_CHANGE');
        expect(err.details).toMatchObject({ prompt: 'summarize', number: 1, label: 'production' });
        expect((await store.listChangeRequests()).map((c) => c.number)).toEqual([1]);
      });

      it('refuses an unknown prompt or version with not-found errors', async () => {
        await pushVersion('Summarize {{text}}.');
        expect((await promptOpsRejection(store.openChangeRequest({ prompt: 'nope' }, AUTHOR))).code).toBe(
          'PO_ERR_PROMPT_NOT_FOUND',
        );
        expect(
          (await promptOpsRejection(store.openChangeRequest({ prompt: 'summarize', version: 9 }, AUTHOR)))
            .code,
        ).toBe('PO_ERR_VERSION_NOT_FOUND');
        expect((await promptOpsRejection(store.getChangeRequest(1))).code).toBe('PO_ERR_CR_NOT_FOUND');
      });

      it('numbers change requests 1, 2, 3… per project, across prompts, and lists and filters them', async () => {
        await pushVersion('Summarize {{text}}.');
        await pushVersion('Translate {{text}}.', 'translate');
        await pushVersion('Summarize {{text}} briefly.');
        const a = await store.openChangeRequest({ prompt: 'summarize', version: 1 }, AUTHOR);
        const b = await store.openChangeRequest({ prompt: 'translate' }, AUTHOR);
        const c = await store.openChangeRequest({ prompt: 'summarize', version: 2 }, AUTHOR);
        expect([a.number, b.number, c.number]).toEqual([1, 2, 3]);
        await store.closeChangeRequest(1, AUTHOR);

        expect((await store.listChangeRequests()).map((cr) => cr.number)).toEqual([3, 2, 1]);
        expect((await store.listChangeRequests({ status: 'open' })).map((cr) => cr.number)).toEqual([3, 2]);
        expect((await store.listChangeRequests({ prompt: 'summarize' })).map((cr) => cr.number)).toEqual([
          3, 1,
        ]);
        expect(await store.listChangeRequests({ status: 'released' })).toEqual([]);

        const other = await h.reopen({ project: 'globex' });
        expect(await other.listChangeRequests()).toEqual([]);
        expect((await promptOpsRejection(other.getChangeRequest(1))).code).toBe('PO_ERR_CR_NOT_FOUND');
        await other.push([await shapedItem('summarize', { template: 'Résumez {{text}}.' })], {
          author: 'gus@globex.example',
        });
        expect((await other.openChangeRequest({ prompt: 'summarize' }, 'gus@globex.example')).number).toBe(1);
        expect((await store.openChangeRequest({ prompt: 'summarize', version: 1 }, AUTHOR)).number).toBe(4);
      });
    });

    describe('risk of a change request', () => {
      it('adding a required input field adds the breaking-contract factor', async () => {
        await ship('Summarize {{text}}.');
        await pushVersion({ template: 'Summarize {{text}} for {{audience}}.', required: ['audience'] });
        const cr = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);
        const breaking = cr.risk.factors.find((f) => f.factor === 'breaking-contract');
        expect(breaking?.points).toBe(20);
        expect(breaking?.detail).toContain('new required field');
        expect(cr.risk.score).toBeGreaterThanOrEqual(20);
        expect(cr.risk.level).not.toBe('low');
        expect(cr.gate.rule.required).toBeGreaterThanOrEqual(1);
      });

      it('removing a guardrail adds the guardrails-weakened factor', async () => {
        await ship({ template: 'Summarize {{text}}.', outputGuardrails: ['{ name: pii, action: block }'] });
        await pushVersion({ template: 'Summarize {{text}}.' });
        const cr = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);
        expect(cr.risk.factors).toEqual([
          expect.objectContaining({
            factor: 'guardrails-weakened',
            points: 15,
            detail: 'output guardrail pii removed',
          }),
        ]);
      });

      it('changing the model to another provider adds the model-change factor', async () => {
        await ship('Summarize {{text}}.');
        await pushVersion({ template: 'Summarize {{text}}.', model: 'openai/gpt-4o-mini' });
        const cr = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);
        expect(cr.risk.factors).toEqual([expect.objectContaining({ factor: 'model-change', points: 15 })]);
        expect(cr.risk.factors[0]?.detail).toContain('offline/echo → openai/gpt-4o-mini');
      });

      it("the prompt's risk tier is a floor on the level, whatever the score", async () => {
        await ship({ template: 'Summarize {{text}}.', risk: 'high' });
        await pushVersion({ template: 'Summarize {{text}} briefly.', risk: 'high' });
        const cr = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);
        expect(cr.risk).toMatchObject({ tier: 'high', scoreLevel: 'medium', level: 'high' });
        expect(cr.gate.level).toBe('high');
        expect(cr.gate.rule.required).toBe(2);
      });
    });

    // ---- checks -------------------------------------------------------------------------------

    describe('checks', () => {
      let cr: ChangeRequest;
      let v1hash: string;

      beforeEach(async () => {
        v1hash = (await ship('Summarize {{text}}.')).hash;
        await pushVersion('Summarize {{text}} briefly.');
        clock.tick();
        cr = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);
      });

      it('an author of the change cannot record its checks (PO_ERR_SELF_CHECK), whoever opened it', async () => {
        // Reopen @2 (pushed by ada) as rita: the pusher and the opener are both its authors.
        await store.closeChangeRequest(cr.number, AUTHOR);
        clock.tick();
        const byOther = await store.openChangeRequest({ prompt: 'summarize' }, REVIEWERS[0]);
        for (const who of [AUTHOR, REVIEWERS[0]]) {
          const err = await promptOpsRejection(
            store.recordCheck(
              byOther.number,
              { name: 'lint', status: 'pass', summary: 'ok', versionHash: byOther.versionHash },
              who,
            ),
          );
          expect(err.code, who).toBe('PO_ERR_SELF_CHECK');
        }
        expect((await store.getChangeRequest(byOther.number)).checks).toEqual([]);
        const checked = await passChecks(byOther);
        expect(checked.gate.checks).toEqual({
          lint: 'pass',
          tests: 'pass',
          guardrails: 'pass',
          regression: 'pass',
        });
      });

      it('a check that ran on another version is refused with PO_ERR_CHECK_STALE and not recorded', async () => {
        const err = await promptOpsRejection(
          store.recordCheck(
            cr.number,
            { name: 'lint', status: 'pass', summary: 'ok', versionHash: v1hash },
            CI,
          ),
        );
        expect(err.code).toBe('PO_ERR_CHECK_STALE');
        expect(err.details).toMatchObject({ number: cr.number, expected: cr.versionHash, got: v1hash });
        expect((await store.getChangeRequest(cr.number)).checks).toEqual([]);
      });

      it('an unknown check name is refused with PO_ERR_USAGE', async () => {
        const err = await promptOpsRejection(
          store.recordCheck(
            cr.number,
            // biome-ignore lint/suspicious/noExplicitAny: deliberately not a check name
            { name: 'vibes' as any, status: 'pass', summary: 'ok', versionHash: cr.versionHash },
            CI,
          ),
        );
        expect(err.code).toBe('PO_ERR_USAGE');
      });

      it('records the check with its details, actor and time; every check missing blocks the gate', async () => {
        expect(cr.gate.checks).toEqual({
          lint: 'missing',
          tests: 'missing',
          guardrails: 'missing',
          regression: 'missing',
        });
        for (const name of CHECK_NAMES)
          expect(cr.gate.blockers).toContain(`check "${name}" has not run on this version`);

        const at = clock.tick();
        const after = await store.recordCheck(
          cr.number,
          {
            name: 'lint',
            status: 'pass',
            summary: '0 errors',
            details: { warnings: 2 },
            versionHash: cr.versionHash,
          },
          CI,
        );
        expect(after.checks).toEqual([
          {
            name: 'lint',
            status: 'pass',
            summary: '0 errors',
            details: { warnings: 2 },
            versionHash: cr.versionHash,
            actor: CI,
            at,
          },
        ]);
        expect(after.updatedAt).toBe(at);
        expect(after.gate.checks.lint).toBe('pass');
        expect(after.gate.blockers).not.toContain('check "lint" has not run on this version');
      });

      it("only each check's latest run counts", async () => {
        const run = async (status: 'pass' | 'fail' | 'error') => {
          clock.tick();
          return store.recordCheck(
            cr.number,
            { name: 'lint', status, summary: status, versionHash: cr.versionHash },
            CI,
          );
        };
        await passChecks(cr);
        expect((await run('fail')).gate.checks.lint).toBe('fail');
        const passed = await run('pass');
        expect(passed.gate.checks.lint).toBe('pass');
        expect(passed.gate.ready).toBe(true);
        const errored = await run('error');
        expect(errored.gate.checks.lint).toBe('error');
        expect(errored.gate.ready).toBe(false);
        expect(errored.gate.blockers.join('\n')).toContain('check "lint" is error');
        expect(errored.checks.filter((c) => c.name === 'lint')).toHaveLength(4);
      });

      it('a regression measured by the regression check raises the risk score; a later clean run lowers it again', async () => {
        const before = cr.risk.score;
        clock.tick();
        const regressed = await store.recordCheck(
          cr.number,
          {
            name: 'regression',
            status: 'fail',
            summary: '3 cases regressed',
            details: { passRateDelta: -0.2, regressed: 3 },
            versionHash: cr.versionHash,
          },
          CI,
        );
        expect(factorsOf(regressed)).toMatchObject({ 'eval-regression': 20, 'regressed-cases': 6 });
        expect(regressed.risk.score).toBe(before + 26);
        expect(regressed.risk.level).toBe('medium');
        expect(regressed.gate.rule.required).toBe(1);
        // The stored score is what everyone else sees.
        expect((await (await h.reopen()).getChangeRequest(cr.number)).risk).toEqual(regressed.risk);

        clock.tick();
        const clean = await store.recordCheck(
          cr.number,
          {
            name: 'regression',
            status: 'pass',
            summary: 'no regressions',
            details: { passRateDelta: 0.05, regressed: 0 },
            versionHash: cr.versionHash,
          },
          CI,
        );
        expect(factorsOf(clean)).not.toHaveProperty('eval-regression');
        expect(factorsOf(clean)).not.toHaveProperty('regressed-cases');
        expect(clean.risk.score).toBe(before);
      });

      it('a skipped tests check adds the no-tests factor; a later passing run removes it', async () => {
        clock.tick();
        const skipped = await store.recordCheck(
          cr.number,
          { name: 'tests', status: 'skipped', summary: 'no suite', versionHash: cr.versionHash },
          CI,
        );
        expect(factorsOf(skipped)).toHaveProperty('no-tests', 10);
        expect(skipped.risk.score).toBe(cr.risk.score + 10);
        expect(skipped.gate.checks.tests).toBe('skipped');
        clock.tick();
        const tested = await store.recordCheck(
          cr.number,
          { name: 'tests', status: 'pass', summary: '4/4', versionHash: cr.versionHash },
          CI,
        );
        expect(factorsOf(tested)).not.toHaveProperty('no-tests');
      });

      it('a closed change request takes no more checks (PO_ERR_CR_CLOSED)', async () => {
        await store.closeChangeRequest(cr.number, AUTHOR);
        const err = await promptOpsRejection(
          store.recordCheck(
            cr.number,
            { name: 'lint', status: 'pass', summary: 'ok', versionHash: cr.versionHash },
            CI,
          ),
        );
        expect(err.code).toBe('PO_ERR_CR_CLOSED');
        expect((await promptOpsRejection(store.closeChangeRequest(cr.number, AUTHOR))).code).toBe(
          'PO_ERR_CR_CLOSED',
        );
      });
    });

    // ---- reviews ------------------------------------------------------------------------------

    describe('reviews', () => {
      /** An open change request for a medium-tier prompt (one approval needed), checks green. */
      async function mediumCr(on: Store = store): Promise<ChangeRequest> {
        await pushVersion({ template: 'Summarize {{text}}.', risk: 'medium' });
        clock.tick();
        const cr = await passChecks(await on.openChangeRequest({ prompt: 'summarize' }, AUTHOR), on);
        expect(cr.gate.level).toBe('medium');
        expect(cr.gate.blockers[0]).toBe(
          'medium risk needs 1 approval(s) from someone other than the author; it has 0',
        );
        return cr;
      }

      async function review(
        cr: ChangeRequest,
        decision: 'approve' | 'request_changes' | 'comment',
        reviewer: string,
        comment?: string,
        on: Store = store,
      ): Promise<ChangeRequest> {
        clock.tick();
        return on.recordApproval(cr.number, { decision, ...(comment ? { comment } : {}) }, reviewer);
      }

      it('the author cannot approve or request changes on their own change request (PO_ERR_SELF_APPROVAL); comments are fine', async () => {
        const cr = await mediumCr();
        expect((await promptOpsRejection(review(cr, 'approve', AUTHOR))).code).toBe('PO_ERR_SELF_APPROVAL');
        expect((await promptOpsRejection(review(cr, 'request_changes', AUTHOR, 'hmm'))).code).toBe(
          'PO_ERR_SELF_APPROVAL',
        );
        const commented = await review(cr, 'comment', AUTHOR, 'context for reviewers');
        expect(commented.reviews).toEqual([
          {
            reviewer: AUTHOR,
            decision: 'comment',
            comment: 'context for reviewers',
            at: commented.updatedAt,
          },
        ]);
        expect(commented.gate.approvedBy).toEqual([]);
        expect(commented.gate.ready).toBe(false);
      });

      it('whoever pushed a version in the change cannot approve it either, though someone else opened it', async () => {
        await ship('Summarize {{text}}.');
        // rosa pushes @2, ada builds @3 on it and opens the request: both authored what it ships.
        await pushVersion(
          { template: 'Summarize {{text}} briefly.', risk: 'medium' },
          'summarize',
          REVIEWERS[2],
        );
        await pushVersion({ template: 'Summarize {{text}} in one line.', risk: 'medium' });
        clock.tick();
        const cr = await passChecks(await store.openChangeRequest({ prompt: 'summarize' }, REVIEWERS[0]));
        expect(cr.authors).toEqual([AUTHOR, REVIEWERS[0], REVIEWERS[2]].sort());
        for (const who of [AUTHOR, REVIEWERS[2], REVIEWERS[0]]) {
          const err = await promptOpsRejection(review(cr, 'approve', who));
          expect(err.code, who).toBe('PO_ERR_SELF_APPROVAL');
        }
        const shown = await store.getChangeRequest(cr.number);
        expect(shown.reviews).toEqual([]);
        expect(shown.gate.ready).toBe(false);
        const approved = await review(cr, 'approve', REVIEWERS[1]);
        expect(approved.gate).toMatchObject({ approvedBy: [REVIEWERS[1]], ready: true });
        expect((await store.listChangeRequests()).find((c) => c.number === cr.number)?.authors).toEqual(
          cr.authors,
        );
      });

      it('an approval from someone else opens the gate', async () => {
        const cr = await mediumCr();
        const approved = await review(cr, 'approve', REVIEWERS[0]);
        expect(approved.gate).toMatchObject({ approvedBy: [REVIEWERS[0]], blockers: [], ready: true });
      });

      it('requesting changes needs a comment, blocks the gate, and a later approval by the same reviewer replaces it', async () => {
        const cr = await mediumCr();
        expect((await promptOpsRejection(review(cr, 'request_changes', REVIEWERS[0]))).code).toBe(
          'PO_ERR_USAGE',
        );
        expect((await promptOpsRejection(review(cr, 'request_changes', REVIEWERS[0], '   '))).code).toBe(
          'PO_ERR_USAGE',
        );

        const blocked = await review(cr, 'request_changes', REVIEWERS[0], 'tighten the wording');
        expect(blocked.gate.changesRequestedBy).toEqual([REVIEWERS[0]]);
        expect(blocked.gate.blockers).toContain(`changes requested by ${REVIEWERS[0]}`);
        // Someone else's approval does not override a request for changes.
        const stillBlocked = await review(cr, 'approve', REVIEWERS[1]);
        expect(stillBlocked.gate.approvedBy).toEqual([REVIEWERS[1]]);
        expect(stillBlocked.gate.ready).toBe(false);

        const replaced = await review(cr, 'approve', REVIEWERS[0]);
        expect(replaced.gate.changesRequestedBy).toEqual([]);
        expect(replaced.gate.approvedBy).toEqual([...REVIEWERS.slice(0, 2)].sort());
        expect(replaced.gate.ready).toBe(true);
        expect(replaced.reviews.map((r) => [r.reviewer, r.decision])).toEqual([
          [REVIEWERS[0], 'request_changes'],
          [REVIEWERS[1], 'approve'],
          [REVIEWERS[0], 'approve'],
        ]);

        // …and a later request for changes replaces the approval again.
        const withdrawn = await review(cr, 'request_changes', REVIEWERS[1], 'found a typo');
        expect(withdrawn.gate.approvedBy).toEqual([REVIEWERS[0]]);
        expect(withdrawn.gate.changesRequestedBy).toEqual([REVIEWERS[1]]);
        expect(withdrawn.gate.ready).toBe(false);
      });

      it('decisions and check runs in the same millisecond keep their order: the later one counts', async () => {
        const cr = await mediumCr();
        // No clock tick between these: the store's clock reads the same instant for all of them.
        await store.recordApproval(cr.number, { decision: 'approve' }, REVIEWERS[0]);
        const after = await store.recordApproval(
          cr.number,
          { decision: 'request_changes', comment: 'on second thought, no' },
          REVIEWERS[0],
        );
        expect(after.reviews.map((r) => r.decision)).toEqual(['approve', 'request_changes']);
        expect(after.reviews[1]!.at > after.reviews[0]!.at).toBe(true);
        expect(after.gate.changesRequestedBy).toEqual([REVIEWERS[0]]);
        expect(after.gate.ready).toBe(false);
        expect((await store.getChangeRequest(cr.number)).gate.changesRequestedBy).toEqual([REVIEWERS[0]]);

        const run = (status: 'pass' | 'fail') =>
          store.recordCheck(
            cr.number,
            { name: 'tests', status, summary: `tests ${status}`, versionHash: cr.versionHash },
            CI,
          );
        await run('pass');
        const failed = await run('fail');
        const tests = failed.checks.filter((c) => c.name === 'tests');
        expect(tests.at(-1)!.status).toBe('fail');
        expect(tests.at(-1)!.at > tests.at(-2)!.at).toBe(true);
        expect(failed.gate.blockers.some((b) => b.includes('tests'))).toBe(true);
      });

      it('comments do not count as approvals, and do not replace an earlier decision', async () => {
        const cr = await mediumCr();
        const commented = await review(cr, 'comment', REVIEWERS[0], 'looks fine to me');
        expect(commented.gate.approvedBy).toEqual([]);
        expect(commented.gate.ready).toBe(false);
        await review(cr, 'approve', REVIEWERS[0]);
        const after = await review(cr, 'comment', REVIEWERS[0], 'one more thought');
        expect(after.gate.approvedBy).toEqual([REVIEWERS[0]]);
        expect(after.gate.ready).toBe(true);
      });

      it('a policy with fromGroup needs an approval from a member of that group', async () => {
        const strict = await h.reopen({
          policy: policyWith(
            { medium: { required: 1, fromGroup: 'leads', greenChecks: false } },
            { leads: ['lena@acme.example'] },
          ),
        });
        const cr = await mediumCr(strict);
        const outsider = await review(cr, 'approve', REVIEWERS[0], undefined, strict);
        expect(outsider.gate.approvedBy).toEqual([REVIEWERS[0]]);
        expect(outsider.gate.blockers).toEqual(['medium risk needs an approval from group "leads"']);
        const lead = await review(cr, 'approve', 'lena@acme.example', undefined, strict);
        expect(lead.gate.ready).toBe(true);
        // The same records under the default policy: any one approval was already enough.
        expect((await store.getChangeRequest(cr.number)).gate.ready).toBe(true);
      });

      it('a released or closed change request takes no more reviews (PO_ERR_CR_CLOSED)', async () => {
        const cr = await mediumCr();
        await review(cr, 'approve', REVIEWERS[0]);
        await store.release({ changeRequest: cr.number, environment: 'production' }, RELEASER);
        expect((await promptOpsRejection(review(cr, 'approve', REVIEWERS[1]))).code).toBe('PO_ERR_CR_CLOSED');
        expect((await promptOpsRejection(store.getChangeRequest(99))).code).toBe('PO_ERR_CR_NOT_FOUND');
        expect(
          (await promptOpsRejection(store.recordApproval(99, { decision: 'approve' }, REVIEWERS[0]))).code,
        ).toBe('PO_ERR_CR_NOT_FOUND');
      });
    });

    // ---- the gate -----------------------------------------------------------------------------

    describe('the release gate', () => {
      it('a release without the approvals the policy requires is refused with PO_ERR_POLICY_BLOCKED, and nothing moves', async () => {
        await pushVersion({ template: 'Summarize {{text}}.', risk: 'medium' });
        const cr = await passChecks(await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR));

        const err = await promptOpsRejection(
          store.release({ changeRequest: cr.number, environment: 'production' }, RELEASER),
        );

        expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
        expect(err.details).toMatchObject({
          number: cr.number,
          level: 'medium',
          blockers: ['medium risk needs 1 approval(s) from someone other than the author; it has 0'],
        });
        expect(err.message).toContain('needs 1 approval');
        expect(await store.listReleases()).toEqual([]);
        expect(await serving('production')).toBeNull();
        expect((await store.getChangeRequest(cr.number)).status).toBe('open');
      });

      it('missing checks block the release', async () => {
        await pushVersion('Summarize {{text}}.');
        const cr = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);
        clock.tick();
        await store.recordCheck(
          cr.number,
          { name: 'lint', status: 'pass', summary: 'ok', versionHash: cr.versionHash },
          CI,
        );

        const err = await promptOpsRejection(
          store.release({ changeRequest: cr.number, environment: 'staging' }, RELEASER),
        );

        expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
        expect(err.details.blockers).toEqual([
          'check "tests" has not run on this version',
          'check "guardrails" has not run on this version',
          'check "regression" has not run on this version',
        ]);
      });

      it('a failed check blocks until an admin overrides it with a justification, which is recorded as a policy exception', async () => {
        await pushVersion('Summarize {{text}}.');
        const cr = await passChecks(await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR));
        clock.tick();
        await store.recordCheck(
          cr.number,
          { name: 'lint', status: 'fail', summary: '1 error', versionHash: cr.versionHash },
          CI,
        );
        const blocked = await promptOpsRejection(
          store.release({ changeRequest: cr.number, environment: 'production' }, RELEASER),
        );
        expect(blocked.code).toBe('PO_ERR_POLICY_BLOCKED');
        expect(blocked.details.blockers).toEqual([
          'check "lint" is fail: fix it, or an admin may override it with a justification',
        ]);

        const short = await promptOpsRejection(
          store.overrideCheck(cr.number, { check: 'lint', justification: '  because ' }, ADMIN),
        );
        expect(short.code).toBe('PO_ERR_USAGE');
        expect(await store.listPolicyExceptions()).toEqual([]);

        const at = clock.tick();
        const overridden = await store.overrideCheck(
          cr.number,
          { check: 'lint', justification: `  ${JUSTIFICATION}  ` },
          ADMIN,
        );
        expect(overridden.overrides).toEqual([
          { check: 'lint', actor: ADMIN, justification: JUSTIFICATION, at },
        ]);
        expect(overridden.gate.checks.lint).toBe('overridden');
        expect(overridden.gate.ready).toBe(true);
        const exceptions = await store.listPolicyExceptions();
        expect(exceptions).toEqual([
          {
            id: expect.any(String),
            kind: 'check-override',
            target: `cr#${cr.number}:lint`,
            actor: ADMIN,
            justification: JUSTIFICATION,
            details: { check: 'lint' },
            at,
          },
        ]);

        clock.tick();
        const release = await store.release(
          { changeRequest: cr.number, environment: 'production' },
          RELEASER,
        );
        expect(release.version).toBe(1);
        // Another project sees none of our exceptions.
        expect(await (await h.reopen({ project: 'globex' })).listPolicyExceptions()).toEqual([]);
      });

      it('an override belongs to its own change request only (cr#1 is not a prefix of cr#10)', async () => {
        await pushVersion('Summarize {{text}}.');
        await pushVersion('Summarize {{text}} briefly.');
        const first = await store.openChangeRequest({ prompt: 'summarize', version: 1 }, AUTHOR);
        for (let i = 2; i <= 10; i++) {
          const cr = await store.openChangeRequest({ prompt: 'summarize', version: 2 }, AUTHOR);
          expect(cr.number).toBe(i);
          if (i < 10) await store.closeChangeRequest(cr.number, AUTHOR);
        }
        for (const [number, check] of [
          [10, 'tests'],
          [first.number, 'lint'],
        ] as const) {
          const { versionHash } = await store.getChangeRequest(number);
          await store.recordCheck(number, { name: check, status: 'fail', summary: 'red', versionHash }, CI);
        }
        clock.tick();
        await store.overrideCheck(10, { check: 'tests', justification: JUSTIFICATION }, ADMIN);
        await store.overrideCheck(first.number, { check: 'lint', justification: JUSTIFICATION }, ADMIN);

        expect((await store.getChangeRequest(1)).overrides.map((o) => o.check)).toEqual(['lint']);
        expect((await store.getChangeRequest(10)).overrides.map((o) => o.check)).toEqual(['tests']);
        expect((await store.getChangeRequest(2)).overrides).toEqual([]);

        // The list loads a page in a few queries; each entry must equal what get returns for it.
        await store.recordApproval(10, { decision: 'approve' }, REVIEWERS[0]);
        await store.recordApproval(1, { decision: 'comment', comment: 'looks fine' }, REVIEWERS[1]);
        const listed = await store.listChangeRequests();
        expect(listed.map((cr) => cr.number)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
        for (const cr of listed) expect(cr).toEqual(await store.getChangeRequest(cr.number));
        expect(listed[0]!.overrides.map((o) => o.check)).toEqual(['tests']);
        expect(listed[0]!.reviews.map((r) => r.reviewer)).toEqual([REVIEWERS[0]]);
        expect(listed.at(-1)!.checks.map((c) => c.name)).toEqual(['lint']);
        expect((await store.listChangeRequests({ status: 'open' })).map((cr) => cr.number)).toEqual([10, 1]);
      });

      it('only a failed or errored check of this version can be overridden', async () => {
        await pushVersion('Summarize {{text}}.');
        const cr = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);
        const notRun = await promptOpsRejection(
          store.overrideCheck(cr.number, { check: 'tests', justification: JUSTIFICATION }, ADMIN),
        );
        expect(notRun.code).toBe('PO_ERR_USAGE');
        await store.recordCheck(
          cr.number,
          { name: 'tests', status: 'pass', summary: 'green', versionHash: cr.versionHash },
          CI,
        );
        const green = await promptOpsRejection(
          store.overrideCheck(cr.number, { check: 'tests', justification: JUSTIFICATION }, ADMIN),
        );
        expect(green.message).toContain('is pass');
        expect(await store.listPolicyExceptions()).toEqual([]);
      });

      it('at critical risk every check must be green: an override is refused', async () => {
        await pushVersion({ template: 'Summarize {{text}}.', risk: 'critical' });
        const cr = await passChecks(await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR));
        clock.tick();
        await store.recordCheck(
          cr.number,
          { name: 'tests', status: 'fail', summary: '1/4', versionHash: cr.versionHash },
          CI,
        );
        for (const reviewer of REVIEWERS.slice(0, 2)) {
          clock.tick();
          await store.recordApproval(cr.number, { decision: 'approve' }, reviewer);
        }

        const err = await promptOpsRejection(
          store.overrideCheck(cr.number, { check: 'tests', justification: JUSTIFICATION }, ADMIN),
        );

        expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
        expect(err.details).toMatchObject({ level: 'critical' });
        expect(await store.listPolicyExceptions()).toEqual([]);
        const gate = (await store.getChangeRequest(cr.number)).gate;
        expect(gate.blockers).toEqual([
          'check "tests" is fail; critical risk needs every check green (no override)',
        ]);
      });

      it('an override stops counting when a later regression raises the change to critical', async () => {
        await ship({ template: 'Summarize {{text}}.', risk: 'high' });
        await pushVersion({ template: 'Summarize {{text}} briefly.', risk: 'high' });
        const cr = await readyCr();
        expect(cr.risk.level).toBe('high');
        clock.tick();
        await store.recordCheck(
          cr.number,
          { name: 'lint', status: 'fail', summary: 'x', versionHash: cr.versionHash },
          CI,
        );
        clock.tick();
        expect(
          (await store.overrideCheck(cr.number, { check: 'lint', justification: JUSTIFICATION }, ADMIN)).gate
            .ready,
        ).toBe(true);

        clock.tick();
        const worse = await store.recordCheck(
          cr.number,
          {
            name: 'regression',
            status: 'pass',
            summary: 'within tolerance',
            details: { passRateDelta: -0.5, regressed: 5 },
            versionHash: cr.versionHash,
          },
          CI,
        );

        expect(worse.risk.level).toBe('critical');
        expect(worse.gate.checks.lint).toBe('fail');
        expect(worse.gate.ready).toBe(false);
        expect(
          (
            await promptOpsRejection(
              store.release({ changeRequest: cr.number, environment: 'production' }, RELEASER),
            )
          ).code,
        ).toBe('PO_ERR_POLICY_BLOCKED');
      });
    });

    // ---- releases -----------------------------------------------------------------------------

    describe('releases', () => {
      it('a release moves the environment label, records the release and marks the change request released', async () => {
        const v1 = await pushVersion('Summarize {{text}}.');
        const cr = await readyCr();
        const at = clock.tick();

        const release = await store.release(
          { changeRequest: cr.number, environment: 'staging', notes: 'first' },
          RELEASER,
        );

        expect(release).toEqual({
          id: expect.any(String),
          prompt: 'summarize',
          environment: 'staging',
          seq: 1,
          kind: 'release',
          version: 1,
          versionHash: v1.hash,
          canary: null,
          changeRequest: cr.number,
          exception: null,
          notes: 'first',
          actor: RELEASER,
          at,
          active: true,
        });
        const resolved = await store.resolve({
          prompt: 'summarize',
          selector: { kind: 'label', label: 'staging' },
        });
        expect(resolved.number).toBe(1);
        expect(await serving('production')).toBeNull();
        expect(await store.listReleases()).toEqual([release]);
        expect(await store.listReleases({ environment: 'production' })).toEqual([]);
        expect((await store.getChangeRequest(cr.number)).status).toBe('released');
        expect((await store.listChangeRequests({ status: 'released' })).map((c) => c.number)).toEqual([
          cr.number,
        ]);
        const history = await store.labelHistory('summarize', 'staging');
        expect(history.map((e) => [e.from, e.to, e.actor])).toEqual([[null, 1, RELEASER]]);
      });

      it('a second release retires the first: one active release, history kept in order', async () => {
        const first = await ship('Summarize {{text}}.');
        const second = await ship('Summarize {{text}} briefly.');
        const all = await store.listReleases({ prompt: 'summarize', environment: 'production' });
        expect(all.map((r) => [r.seq, r.version, r.active, r.changeRequest])).toEqual([
          [2, 2, true, second.cr.number],
          [1, 1, false, first.cr.number],
        ]);
        expect((await active('production')).map((r) => r.id)).toEqual([second.release.id]);
        expect(await serving('production')).toBe(2);
        expect(await store.listReleases({ limit: 1 })).toEqual([all[0]]);
      });

      it('a closed change request cannot be released (PO_ERR_CR_CLOSED)', async () => {
        await pushVersion('Summarize {{text}}.');
        const cr = await readyCr();
        await store.closeChangeRequest(cr.number, AUTHOR);
        const err = await promptOpsRejection(
          store.release({ changeRequest: cr.number, environment: 'production' }, RELEASER),
        );
        expect(err.code).toBe('PO_ERR_CR_CLOSED');
        expect(await store.listReleases()).toEqual([]);
      });

      it('an environment that is not configured is refused with PO_ERR_USAGE everywhere', async () => {
        await pushVersion('Summarize {{text}}.');
        const cr = await readyCr();
        // Each call is made when its turn comes, so that no refusal waits unhandled for the loop.
        for (const attempt of [
          () => store.release({ changeRequest: cr.number, environment: 'prod' }, RELEASER),
          () => store.rollback({ prompt: 'summarize', environment: 'qa' }, RELEASER),
          () => store.promote({ prompt: 'summarize', environment: 'dev' }, RELEASER),
          () => store.promote({ prompt: 'summarize', environment: 'staging', to: 'prod' }, RELEASER),
          () => store.snapshot('prod'),
        ]) {
          const err = await promptOpsRejection(attempt());
          expect(err.code).toBe('PO_ERR_USAGE');
          expect(err.message).toContain('staging, production');
        }
        expect(await store.listReleases()).toEqual([]);
      });

      it('promoting staging to production carries the change request and moves the production label', async () => {
        const staged = await ship('Summarize {{text}}.', 'staging');
        const at = clock.tick();

        const promoted = await store.promote(
          { prompt: 'summarize', environment: 'staging', to: 'production' },
          RELEASER,
        );

        expect(promoted).toMatchObject({
          environment: 'production',
          seq: 1,
          kind: 'promote',
          version: 1,
          versionHash: staged.hash,
          canary: null,
          changeRequest: staged.cr.number,
          actor: RELEASER,
          at,
          active: true,
        });
        expect(await serving('production')).toBe(1);
        expect(await serving('staging')).toBe(1);
        expect((await active('staging')).map((r) => r.id)).toEqual([staged.release.id]);
      });

      it('promotion re-checks the gate under the policy in force', async () => {
        await ship('Summarize {{text}}.', 'staging');
        const stricter = await h.reopen({ policy: policyWith({ low: { required: 1, greenChecks: false } }) });
        const err = await promptOpsRejection(
          stricter.promote({ prompt: 'summarize', environment: 'staging', to: 'production' }, RELEASER),
        );
        expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
        expect(err.details.blockers).toEqual([
          'low risk needs 1 approval(s) from someone other than the author; it has 0',
        ]);
        expect(await serving('production')).toBeNull();
        expect(await store.listReleases({ environment: 'production' })).toEqual([]);
      });

      it('promote refuses what it cannot do: nothing active, no canary to promote, a canary still running, a rollback', async () => {
        expect(
          (await promptOpsRejection(store.promote({ prompt: 'summarize', environment: 'staging' }, RELEASER)))
            .code,
        ).toBe('PO_ERR_RELEASE_NOT_FOUND');
        await ship('Summarize {{text}}.', 'staging');
        expect(
          (await promptOpsRejection(store.promote({ prompt: 'summarize', environment: 'staging' }, RELEASER)))
            .code,
        ).toBe('PO_ERR_RELEASE_INVALID');

        await pushVersion('Summarize {{text}} briefly.');
        const cr = await readyCr();
        await store.release({ changeRequest: cr.number, environment: 'staging', canaryWeight: 20 }, RELEASER);
        expect(
          (
            await promptOpsRejection(
              store.promote({ prompt: 'summarize', environment: 'staging', to: 'production' }, RELEASER),
            )
          ).code,
        ).toBe('PO_ERR_RELEASE_INVALID');

        await store.rollback({ prompt: 'summarize', environment: 'staging' }, RELEASER); // aborts the canary
        const err = await promptOpsRejection(
          store.promote({ prompt: 'summarize', environment: 'staging', to: 'production' }, RELEASER),
        );
        expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
        expect(await store.listReleases({ environment: 'production' })).toEqual([]);
      });

      it('a canary keeps the label on the stable version and records the canary; promoting it moves the label', async () => {
        const v1 = await ship('Summarize {{text}}.');
        const v2 = await pushVersion('Summarize {{text}} briefly.');
        const cr = await readyCr();
        clock.tick();

        const canary = await store.release(
          { changeRequest: cr.number, environment: 'production', canaryWeight: 10 },
          RELEASER,
        );

        expect(canary).toMatchObject({
          seq: 2,
          kind: 'canary',
          version: 1,
          versionHash: v1.hash,
          canary: { version: 2, hash: v2.hash, weight: 10 },
          changeRequest: cr.number,
          active: true,
        });
        expect(await serving('production')).toBe(1);
        expect((await active('production')).map((r) => r.id)).toEqual([canary.id]);
        expect((await store.getChangeRequest(cr.number)).status).toBe('released');

        clock.tick();
        const promoted = await store.promote({ prompt: 'summarize', environment: 'production' }, RELEASER);

        expect(promoted).toMatchObject({
          seq: 3,
          kind: 'promote',
          version: 2,
          versionHash: v2.hash,
          canary: null,
          changeRequest: cr.number,
          active: true,
        });
        expect(await serving('production')).toBe(2);
        expect((await active('production')).map((r) => r.id)).toEqual([promoted.id]);
      });

      it('a second canary does not replace one that is still running; the running one may ramp', async () => {
        await ship('Summarize {{text}}.');
        await pushVersion('Summarize {{text}} briefly.');
        const first = await readyCr();
        const running = await store.release(
          { changeRequest: first.number, environment: 'production', canaryWeight: 10 },
          RELEASER,
        );
        await pushVersion('Summarize {{text}} in one line.');
        const second = await readyCr();

        const err = await promptOpsRejection(
          store.release(
            { changeRequest: second.number, environment: 'production', canaryWeight: 25 },
            RELEASER,
          ),
        );
        expect(err.code).toBe('PO_ERR_RELEASE_INVALID');
        expect(err.message).toContain('production is running a canary of summarize@2');
        // Nothing changed: the first canary still runs, the second request can be released later.
        expect((await active('production')).map((r) => r.id)).toEqual([running.id]);
        expect((await store.getChangeRequest(second.number)).status).toBe('open');
        expect(await serving('production')).toBe(1);

        // The running canary's own request may still change its weight (a ramp).
        clock.tick();
        const ramped = await store.release(
          { changeRequest: first.number, environment: 'production', canaryWeight: 50 },
          RELEASER,
        );
        expect(ramped).toMatchObject({ kind: 'canary', version: 1, canary: { version: 2, weight: 50 } });
        expect((await active('production')).map((r) => r.id)).toEqual([ramped.id]);
        expect(await serving('production')).toBe(1);
      });

      it('releasing what is already active changes nothing: the same release comes back, no new row or audit entry', async () => {
        const { cr, release } = await ship('One {{text}}.');
        const staged = await store.release({ changeRequest: cr.number, environment: 'staging' }, RELEASER);
        const releases = await store.listReleases({ prompt: 'summarize', limit: 1000 });
        const audit = await store.listAudit({ limit: 1000 });
        clock.tick();
        expect(
          await store.release({ changeRequest: cr.number, environment: 'production' }, RELEASER),
        ).toEqual(release);
        expect(await store.release({ changeRequest: cr.number, environment: 'staging' }, ADMIN)).toEqual(
          staged,
        );
        expect(await store.listReleases({ prompt: 'summarize', limit: 1000 })).toEqual(releases);
        expect(await store.listAudit({ limit: 1000 })).toEqual(audit);

        // A canary at the weight it already runs at is the same release; another weight is a ramp.
        const next = await readyCr('summarize', (await pushVersion('Two {{text}}.')).number);
        const canary = await store.release(
          { changeRequest: next.number, environment: 'production', canaryWeight: 10 },
          RELEASER,
        );
        clock.tick();
        expect(
          await store.release(
            { changeRequest: next.number, environment: 'production', canaryWeight: 10 },
            RELEASER,
          ),
        ).toEqual(canary);
        const ramp = await store.release(
          { changeRequest: next.number, environment: 'production', canaryWeight: 50 },
          RELEASER,
        );
        expect(ramp.seq).toBe(canary.seq + 1);
      });

      it('a canary of the version already served as stable is refused (PO_ERR_RELEASE_INVALID), so promotion stays possible', async () => {
        const { cr } = await ship('One {{text}}.');
        const before = await store.listReleases({ prompt: 'summarize', limit: 1000 });
        const err = await promptOpsRejection(
          store.release({ changeRequest: cr.number, environment: 'production', canaryWeight: 10 }, RELEASER),
        );
        expect(err.code).toBe('PO_ERR_RELEASE_INVALID');
        expect(err.message).toContain('already serves summarize@1 as its stable version');
        expect(await store.listReleases({ prompt: 'summarize', limit: 1000 })).toEqual(before);
        // Nothing is left running beside production: the next change releases and promotes normally.
        const next = await readyCr('summarize', (await pushVersion('Two {{text}}.')).number);
        await store.release(
          { changeRequest: next.number, environment: 'production', canaryWeight: 10 },
          RELEASER,
        );
        const promoted = await store.promote({ prompt: 'summarize', environment: 'production' }, RELEASER);
        expect(promoted).toMatchObject({ kind: 'promote', version: next.version, canary: null });
      });

      it('a promotion onto an environment serving a newer version is re-validated like a rollback', async () => {
        // production serves v1 (requires locale); staging got v2 (locale optional) first.
        await ship({ template: 'Summarize {{text}} in {{locale}}.', required: ['locale'] });
        const v2 = await pushVersion({
          template: 'Summarize {{text}} in {{locale}}.',
          optional: ['text', 'locale'],
        });
        const cr = await readyCr('summarize', v2.number);
        await store.release({ changeRequest: cr.number, environment: 'staging' }, RELEASER);
        const err = await promptOpsRejection(
          store.promote({ prompt: 'summarize', environment: 'production', to: 'staging' }, RELEASER),
        );
        expect(err.code).toBe('PO_ERR_ROLLBACK_BREAKING');
        expect(await serving('staging')).toBe(2);
      });

      it('a canary needs a whole weight from 1 to 99 and a stable version beside it', async () => {
        await pushVersion('Summarize {{text}}.');
        const cr = await readyCr();
        for (const weight of [0, 100, 12.5, -3]) {
          const err = await promptOpsRejection(
            store.release(
              { changeRequest: cr.number, environment: 'production', canaryWeight: weight },
              RELEASER,
            ),
          );
          expect(err.code).toBe('PO_ERR_USAGE');
        }
        const err = await promptOpsRejection(
          store.release({ changeRequest: cr.number, environment: 'production', canaryWeight: 5 }, RELEASER),
        );
        expect(err.code).toBe('PO_ERR_RELEASE_INVALID');
        expect(await store.listReleases()).toEqual([]);
        expect((await store.getChangeRequest(cr.number)).status).toBe('open');
      });

      it('rolling back a canary aborts it and leaves the stable version serving', async () => {
        const v1 = await ship('Summarize {{text}}.');
        await pushVersion('Summarize {{text}} briefly.');
        const cr = await readyCr();
        await store.release(
          { changeRequest: cr.number, environment: 'production', canaryWeight: 10 },
          RELEASER,
        );
        clock.tick();

        const aborted = await store.rollback(
          { prompt: 'summarize', environment: 'production' },
          'oncall@acme.example',
        );

        expect(aborted).toMatchObject({
          seq: 3,
          kind: 'rollback',
          version: 1,
          versionHash: v1.hash,
          canary: null,
          changeRequest: null,
          exception: null,
          actor: 'oncall@acme.example',
          active: true,
        });
        expect(aborted.notes).toContain('aborted');
        expect(await serving('production')).toBe(1);
        expect((await active('production')).map((r) => r.id)).toEqual([aborted.id]);
      });

      it('a rollback returns the environment to the version released before the current one', async () => {
        await ship('Summarize {{text}}.');
        await ship('Summarize {{text}} briefly.');
        await ship('Summarize {{text}} in one line.');
        clock.tick();

        const back = await store.rollback(
          { prompt: 'summarize', environment: 'production', notes: 'errors spiking' },
          'oncall@acme.example',
        );

        expect(back).toMatchObject({
          seq: 4,
          kind: 'rollback',
          version: 2,
          changeRequest: null,
          notes: 'errors spiking',
        });
        expect(await serving('production')).toBe(2);
        const explicit = await store.rollback(
          { prompt: 'summarize', environment: 'production', to: 1 },
          'oncall@acme.example',
        );
        expect([explicit.seq, explicit.version]).toEqual([5, 1]);
        expect(await serving('production')).toBe(1);
        expect((await active('production')).map((r) => r.id)).toEqual([explicit.id]);
        const history = await store.labelHistory('summarize', 'production');
        expect(history.map((e) => e.to)).toEqual([1, 2, 3, 2, 1]);
      });

      it('a rollback with nothing to go back to, or to what already serves, is refused', async () => {
        expect(
          (
            await promptOpsRejection(
              store.rollback({ prompt: 'summarize', environment: 'production' }, RELEASER),
            )
          ).code,
        ).toBe('PO_ERR_PROMPT_NOT_FOUND');
        await ship('Summarize {{text}}.');
        expect(
          (
            await promptOpsRejection(
              store.rollback({ prompt: 'summarize', environment: 'staging' }, RELEASER),
            )
          ).code,
        ).toBe('PO_ERR_RELEASE_NOT_FOUND');
        expect(
          (
            await promptOpsRejection(
              store.rollback({ prompt: 'summarize', environment: 'production' }, RELEASER),
            )
          ).code,
        ).toBe('PO_ERR_RELEASE_NOT_FOUND');
        expect(
          (
            await promptOpsRejection(
              store.rollback({ prompt: 'summarize', environment: 'production', to: 1 }, RELEASER),
            )
          ).code,
        ).toBe('PO_ERR_RELEASE_INVALID');
        expect(
          (
            await promptOpsRejection(
              store.rollback({ prompt: 'summarize', environment: 'production', to: 7 }, RELEASER),
            )
          ).code,
        ).toBe('PO_ERR_VERSION_NOT_FOUND');
        expect(await store.listReleases()).toHaveLength(1);
      });

      it('rolling back twice walks back twice (v3 → v2 → v1), then says there is nothing earlier', async () => {
        await ship('One {{text}}.');
        await ship('Two {{text}}.');
        await ship('Three {{text}}.');
        const rollback = () => store.rollback({ prompt: 'summarize', environment: 'production' }, RELEASER);
        expect((await rollback()).version).toBe(2);
        expect((await rollback()).version).toBe(1);
        expect(await serving('production')).toBe(1);
        expect((await promptOpsRejection(rollback())).code).toBe('PO_ERR_RELEASE_NOT_FOUND');
      });

      it('rolls back to what the label served before releases existed (a hand-set label)', async () => {
        const v1 = await pushVersion('One {{text}}.');
        await store.setLabel('summarize', v1.number, 'production', ADMIN);
        await ship('Two {{text}}.');
        const back = await store.rollback({ prompt: 'summarize', environment: 'production' }, RELEASER);
        expect(back.version).toBe(v1.number);
        expect(await serving('production')).toBe(v1.number);
      });

      it('refuses a change request whose base has moved on since it was reviewed', async () => {
        await ship('One {{text}}.');
        const stale = await readyCr('summarize', (await pushVersion('Two {{text}}.')).number);
        await ship('Three {{text}}.');
        const err = await promptOpsRejection(
          store.release({ changeRequest: stale.number, environment: 'production' }, RELEASER),
        );
        expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
        expect(err.message).toContain('now serves summarize@3, not @1');
        expect(await serving('production')).toBe(3);
        // Other environments are not its base: staging may still take it.
        await store.release({ changeRequest: stale.number, environment: 'staging' }, RELEASER);
        expect(await serving('staging')).toBe(2);
      });

      it('a promotion onward is refused too when production moved past the request’s base', async () => {
        await ship('One {{text}}.');
        const slow = await readyCr('summarize', (await pushVersion('Two {{text}}.')).number);
        await store.release({ changeRequest: slow.number, environment: 'staging' }, RELEASER);
        await ship('Three {{text}}.');
        const err = await promptOpsRejection(
          store.promote({ prompt: 'summarize', environment: 'staging', to: 'production' }, RELEASER),
        );
        expect(err.code).toBe('PO_ERR_POLICY_BLOCKED');
        expect(await serving('production')).toBe(3);
      });

      it('rolls back only to a version the environment has served, unless an admin forces it', async () => {
        await ship('One {{text}}.');
        await ship('Two {{text}}.');
        const unreviewed = await pushVersion('Never reviewed {{text}}.');
        const refused = await promptOpsRejection(
          store.rollback({ prompt: 'summarize', environment: 'production', to: unreviewed.number }, RELEASER),
        );
        expect(refused.code).toBe('PO_ERR_POLICY_BLOCKED');
        expect(refused.message).toContain('never served summarize@3');
        expect(await serving('production')).toBe(2);
        const forced = await store.rollback(
          {
            prompt: 'summarize',
            environment: 'production',
            to: unreviewed.number,
            force: { justification: JUSTIFICATION },
          },
          ADMIN,
        );
        expect(forced.version).toBe(3);
        const [exception] = await store.listPolicyExceptions();
        expect(exception).toMatchObject({
          kind: 'rollback-unreviewed',
          actor: ADMIN,
          justification: JUSTIFICATION,
        });
        expect(forced.exception).toBe(exception?.id);
      });

      it('neither a full release nor a promotion lands on top of a running canary', async () => {
        await ship('One {{text}}.', 'staging');
        await store.promote({ prompt: 'summarize', environment: 'staging', to: 'production' }, RELEASER);
        const canary = await readyCr('summarize', (await pushVersion('Two {{text}}.')).number);
        await store.release(
          { changeRequest: canary.number, environment: 'production', canaryWeight: 10 },
          RELEASER,
        );
        const other = await readyCr('summarize', (await pushVersion('Three {{text}}.')).number);
        await store.release({ changeRequest: other.number, environment: 'staging' }, RELEASER);
        const full = await promptOpsRejection(
          store.release({ changeRequest: other.number, environment: 'production' }, RELEASER),
        );
        expect(full.code).toBe('PO_ERR_RELEASE_INVALID');
        const promoted = await promptOpsRejection(
          store.promote({ prompt: 'summarize', environment: 'staging', to: 'production' }, RELEASER),
        );
        expect(promoted.code).toBe('PO_ERR_RELEASE_INVALID');
        expect((await active('production'))[0]?.canary).toMatchObject({ version: 2, weight: 10 });
      });

      describe('across a breaking input contract', () => {
        let first: ChangeRequest;
        let second: ChangeRequest;

        beforeEach(async () => {
          // v1 requires `locale`; v2 made it optional, so callers of v2 may omit it.
          first = (await ship({ template: 'Summarize {{text}} in {{locale}}.', required: ['locale'] })).cr;
          second = (
            await ship({ template: 'Summarize {{text}} in {{locale}}.', optional: ['text', 'locale'] })
          ).cr;
        });

        /** v1 then v2 released to staging, as in production. */
        async function stageBoth(): Promise<void> {
          for (const cr of [first, second]) {
            clock.tick();
            await store.release({ changeRequest: cr.number, environment: 'staging' }, RELEASER);
          }
          expect(await serving('staging')).toBe(2);
        }

        it('re-releasing the older change request is refused like the rollback (PO_ERR_ROLLBACK_BREAKING), and nothing moves', async () => {
          await stageBoth();
          const rollback = await promptOpsRejection(
            store.rollback({ prompt: 'summarize', environment: 'staging' }, RELEASER),
          );
          expect(rollback.code).toBe('PO_ERR_ROLLBACK_BREAKING');
          const releasesBefore = await store.listReleases({ prompt: 'summarize', limit: 1000 });
          const err = await promptOpsRejection(
            store.release({ changeRequest: first.number, environment: 'staging' }, RELEASER),
          );
          expect(err.code).toBe('PO_ERR_ROLLBACK_BREAKING');
          expect(err.details).toMatchObject({ prompt: 'summarize', environment: 'staging', from: 2, to: 1 });
          expect(JSON.stringify(err.details.breaking)).toContain('locale');
          expect(await serving('staging')).toBe(2);
          expect(await store.listReleases({ prompt: 'summarize', limit: 1000 })).toEqual(releasesBefore);
          expect(await store.listPolicyExceptions()).toEqual([]);
          // A canary of the older version would serve its contract to some callers: refused too.
          const canary = await promptOpsRejection(
            store.release(
              { changeRequest: first.number, environment: 'staging', canaryWeight: 10 },
              RELEASER,
            ),
          );
          expect(canary.code).toBe('PO_ERR_ROLLBACK_BREAKING');
        });

        it('an admin may force the re-release with a justification, recorded as a policy exception', async () => {
          await stageBoth();
          const short = await promptOpsRejection(
            store.release(
              { changeRequest: first.number, environment: 'staging', force: { justification: 'oops' } },
              ADMIN,
            ),
          );
          expect(short.code).toBe('PO_ERR_USAGE');
          const at = clock.tick();
          const back = await store.release(
            {
              changeRequest: first.number,
              environment: 'staging',
              force: { justification: 'v2 corrupts summaries; every caller sends locale' },
            },
            ADMIN,
          );
          expect(back).toMatchObject({
            kind: 'release',
            version: 1,
            changeRequest: first.number,
            active: true,
          });
          expect(await serving('staging')).toBe(1);
          const [exception] = await store.listPolicyExceptions();
          expect(exception).toMatchObject({
            id: back.exception,
            kind: 'release-breaking',
            target: 'summarize:staging',
            actor: ADMIN,
            details: { from: 2, to: 1 },
            at,
          });
        });

        it('is refused with PO_ERR_ROLLBACK_BREAKING, and nothing moves', async () => {
          const err = await promptOpsRejection(
            store.rollback({ prompt: 'summarize', environment: 'production' }, RELEASER),
          );
          expect(err.code).toBe('PO_ERR_ROLLBACK_BREAKING');
          expect(err.details).toMatchObject({
            prompt: 'summarize',
            environment: 'production',
            from: 2,
            to: 1,
          });
          expect(JSON.stringify(err.details.breaking)).toContain('locale');
          expect(await serving('production')).toBe(2);
          expect((await active('production')).map((r) => r.version)).toEqual([2]);
          expect(await store.listPolicyExceptions()).toEqual([]);
        });

        it('with a too-short justification is refused with PO_ERR_USAGE', async () => {
          const err = await promptOpsRejection(
            store.rollback(
              { prompt: 'summarize', environment: 'production', force: { justification: 'oops' } },
              ADMIN,
            ),
          );
          expect(err.code).toBe('PO_ERR_USAGE');
          expect(await serving('production')).toBe(2);
        });

        it('forced with a justification, succeeds and records a policy exception', async () => {
          const at = clock.tick();
          const back = await store.rollback(
            {
              prompt: 'summarize',
              environment: 'production',
              force: { justification: 'v2 corrupts summaries; every caller sends locale' },
            },
            ADMIN,
          );
          expect(back).toMatchObject({ kind: 'rollback', version: 1, actor: ADMIN, at, active: true });
          expect(back.exception).toEqual(expect.any(String));
          expect(await serving('production')).toBe(1);
          const [exception] = await store.listPolicyExceptions();
          expect(exception).toMatchObject({
            id: back.exception,
            kind: 'rollback-breaking',
            target: 'summarize:production',
            actor: ADMIN,
            justification: 'v2 corrupts summaries; every caller sends locale',
            details: { from: 2, to: 1 },
            at,
          });
          // The exception, the label move and the release commit together, in that order.
          const actions = (await store.listAudit({ limit: 3 })).map((e) => e.action);
          expect(actions).toEqual(['release.rollback', 'label.set', 'policy.exception']);
        });
      });
    });

    // ---- environment snapshot -----------------------------------------------------------------

    describe('environment snapshot', () => {
      /** The snapshot, held to the schema its operation documents (closed: no field unlisted). */
      async function snapshot(environment: string, on: Store = store) {
        const found = await on.snapshot(environment);
        const schema = OPERATIONS.find((op) => op.name === 'snapshot')?.output;
        const validate = createAjv({ allowUnionTypes: true }).compile(required(schema, 'an output schema'));
        expect(validate(found), JSON.stringify(validate.errors)).toBe(true);
        return found;
      }

      async function head(on: Store = store): Promise<number> {
        return (await on.listAudit({ limit: 1 }))[0]?.seq ?? 0;
      }

      it('serves each prompt’s stable version and canary with their specs, and a revision that moves with them', async () => {
        expect(await snapshot('production')).toEqual({ environment: 'production', revision: 0, prompts: [] });
        const v1 = await ship('Summarize {{text}}.');
        await pushVersion('Summarize {{text}} in one line.');
        const spec = async (number: number, prompt = 'summarize') =>
          (await store.resolve({ prompt, selector: { kind: 'number', number } })).spec;

        const shipped = await snapshot('production');
        expect(shipped).toEqual({
          environment: 'production',
          revision: await head(),
          prompts: [
            { prompt: 'summarize', stable: { number: 1, hash: v1.hash, spec: await spec(1) }, canary: null },
          ],
        });
        expect(shipped.revision).toBeGreaterThan(0);
        expect((await snapshot('staging')).prompts).toEqual([]);

        const cr = await readyCr();
        clock.tick();
        await store.release(
          { changeRequest: cr.number, environment: 'production', canaryWeight: 10 },
          RELEASER,
        );
        const canary = await snapshot('production');
        expect(canary.prompts).toEqual([
          {
            prompt: 'summarize',
            stable: { number: 1, hash: v1.hash, spec: await spec(1) },
            canary: { number: 2, hash: cr.versionHash, spec: await spec(2), weight: 10 },
          },
        ]);
        expect(canary.revision).toBe(await head());
        expect(canary.revision).toBeGreaterThan(shipped.revision);
        // Reading changes nothing: the same revision, the same snapshot.
        expect(await snapshot('production')).toEqual(canary);

        clock.tick();
        await store.promote({ prompt: 'summarize', environment: 'production' }, RELEASER);
        expect((await snapshot('production')).prompts).toEqual([
          {
            prompt: 'summarize',
            stable: { number: 2, hash: cr.versionHash, spec: await spec(2) },
            canary: null,
          },
        ]);
      });

      it('serves a version labelled by hand, lists prompts by name and leaves out what an environment does not serve', async () => {
        const zeta = await pushVersion('Translate {{text}}.', 'zeta');
        await pushVersion('Classify {{text}}.', 'alpha');
        const alpha = await ship('Classify {{text}} briefly.', 'staging', 'alpha');
        await pushVersion('Unreleased {{text}}.', 'draft');
        clock.tick();
        await store.setLabel('zeta', zeta.number, 'staging', ADMIN);
        await store.setLabel('draft', 1, 'beta', ADMIN);

        const found = await snapshot('staging');
        expect(found.prompts.map((p) => [p.prompt, p.stable.number, p.stable.hash, p.canary])).toEqual([
          ['alpha', alpha.number, alpha.hash, null],
          ['zeta', zeta.number, zeta.hash, null],
        ]);
        expect(found.prompts[1]?.stable.spec.name).toBe('zeta');
        expect(found.revision).toBe(await head());
        expect((await snapshot('production')).prompts).toEqual([]);

        const globex = await h.reopen({ project: 'globex' });
        expect(await snapshot('staging', globex)).toEqual({
          environment: 'staging',
          revision: 0,
          prompts: [],
        });
      });
    });

    // ---- concurrency --------------------------------------------------------------------------

    describe('concurrency', () => {
      /** Exactly one active release per environment, seqs 1..n, and the label on the active stable version. */
      async function assertReleaseInvariants(prompt: string, environments: readonly string[]): Promise<void> {
        const readRows = required(h.readRows, 'readRows');
        const rows = (await readRows('releases')).filter((r) => r.prompt === prompt);
        for (const environment of environments) {
          const own = rows.filter((r) => r.environment === environment);
          expect(
            own.filter((r) => Number(r.active) === 1),
            `active rows in ${environment}`,
          ).toHaveLength(1);
          const seqs = own.map((r) => Number(r.seq)).sort((a, b) => a - b);
          expect(seqs, `release seqs in ${environment}`).toEqual(seqs.map((_, i) => i + 1));
          const [current] = await store.listReleases({ prompt, environment, activeOnly: true });
          expect(current?.seq).toBe(Math.max(...seqs));
          expect(await serving(environment, prompt)).toBe(current?.version);
        }
        expect((await store.verifyAudit()).broken).toBeNull();
      }

      it('parallel releases and rollbacks on separate connections keep exactly one active release per environment', async () => {
        // v1 and v2 are in both environments, so every rollback has somewhere to go.
        for (const template of ['One {{text}}.', 'Two {{text}}.']) {
          const shipped = await ship(template, 'staging');
          await store.release({ changeRequest: shipped.cr.number, environment: 'production' }, RELEASER);
        }
        const crs: ChangeRequest[] = [];
        for (let i = 3; i <= 7; i++)
          crs.push(await readyCr('summarize', (await pushVersion(`Take ${i}: {{text}}.`)).number));
        const before = (await store.listReleases({ prompt: 'summarize' })).length;
        // Every request was reviewed against production's v2: once one of them (or a rollback) moves
        // production, the others are refused for production (base moved); staging takes them all.
        const ops: Array<{
          kind: 'production' | 'staging' | 'rollback';
          run: (s: Store) => Promise<ReleaseRecord>;
        }> = [
          ...crs.map((cr) => ({
            kind: 'production' as const,
            run: (s: Store) => s.release({ changeRequest: cr.number, environment: 'production' }, RELEASER),
          })),
          ...crs.map((cr) => ({
            kind: 'staging' as const,
            run: (s: Store) => s.release({ changeRequest: cr.number, environment: 'staging' }, RELEASER),
          })),
          ...(['production', 'production', 'staging'] as const).map((environment, i) => ({
            kind: 'rollback' as const,
            run: (s: Store) => s.rollback({ prompt: 'summarize', environment }, `oncall-${i}@acme.example`),
          })),
        ];
        const stores = await Promise.all(ops.map(() => h.reopen()));

        const settled = await Promise.allSettled(ops.map((op, i) => op.run(stores[i]!)));

        const allowed: Record<string, RegExp> = {
          production: /^PO_ERR_POLICY_BLOCKED$/,
          staging: /^$/,
          rollback: /^PO_ERR_RELEASE_(NOT_FOUND|INVALID)$/,
        };
        settled.forEach((outcome, i) => {
          if (outcome.status === 'fulfilled') return;
          const code = isPromptOpsError(outcome.reason) ? outcome.reason.code : String(outcome.reason);
          expect(code, `${ops[i]!.kind}: ${(outcome.reason as Error).message}`).toMatch(
            allowed[ops[i]!.kind]!,
          );
        });
        const records = settled.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        expect(records.filter((r) => r.environment === 'staging' && r.kind === 'release')).toHaveLength(
          crs.length,
        );
        expect(await store.listReleases({ prompt: 'summarize', limit: 1000 })).toHaveLength(
          before + records.length,
        );
        await assertReleaseInvariants('summarize', ENVIRONMENTS);
        const audits = (await store.listAudit({ limit: 1000 })).filter((e) =>
          e.action.startsWith('release.'),
        );
        expect(audits).toHaveLength(before + records.length);
      });

      it('parallel releases from separate processes keep exactly one active release and gap-free seqs', async () => {
        const url = required(h.url, 'url');
        await ship('One {{text}}.');
        await ship('Two {{text}}.');
        const crs: ChangeRequest[] = [];
        for (let i = 3; i <= 6; i++)
          crs.push(await readyCr('summarize', (await pushVersion(`Take ${i}: {{text}}.`)).number));
        // Four processes release to staging while a fifth rolls production back (v2 → v1).
        const jobs = [
          ...crs.map((cr, i) => ({
            op: 'release' as const,
            changeRequest: cr.number,
            environment: 'staging',
            actor: `process-${i}@acme.example`,
          })),
          {
            op: 'rollback' as const,
            prompt: 'summarize',
            environment: 'production',
            actor: 'oncall@acme.example',
          },
        ];

        const reports = await raceInProcesses(
          jobs.map((job) => ({
            urls: [url],
            root: process.cwd(),
            project: PROJECT,
            phase: 'open-then-wait' as const,
            ...job,
          })),
        );

        const results = reports.flat();
        for (const r of results) {
          if (!r.ok) expect(r.code, `${r.name} ${r.code}: ${r.message}`).toMatch(TRANSIENT_CONFLICT);
        }
        const succeeded = results.filter((r) => r.ok).length;
        expect(succeeded).toBe(jobs.length);
        expect(await store.listReleases({ prompt: 'summarize', environment: 'staging' })).toHaveLength(
          crs.length,
        );
        expect(await store.listReleases({ prompt: 'summarize', environment: 'production' })).toHaveLength(3);
        expect(await serving('production')).toBe(1);
        await assertReleaseInvariants('summarize', ENVIRONMENTS);
      });

      it('releasing one change request 20 times in parallel makes one release and one audit entry', async () => {
        await ship('One {{text}}.');
        const cr = await readyCr('summarize', (await pushVersion('Two {{text}}.')).number);
        const releasesBefore = (await store.listReleases({ prompt: 'summarize', limit: 1000 })).length;
        const auditBefore = (await store.listAudit({ limit: 1000 })).length;
        const stores = await Promise.all(Array.from({ length: 20 }, () => h.reopen()));

        const settled = await Promise.allSettled(
          stores.map((s) => s.release({ changeRequest: cr.number, environment: 'staging' }, RELEASER)),
        );

        expect(unexpectedFailures(settled)).toEqual([]);
        const records = settled.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
        expect(records.length).toBeGreaterThan(0);
        expect(new Set(records.map((r) => r.id)).size).toBe(1);
        expect(await store.listReleases({ prompt: 'summarize', limit: 1000 })).toHaveLength(
          releasesBefore + 1,
        );
        const audit = await store.listAudit({ limit: 1000 });
        expect(audit).toHaveLength(auditBefore + 2); // the release and its label move, once
        expect(
          audit.filter((e) => e.action === 'release.release' && e.target === 'summarize:staging'),
        ).toHaveLength(1);
        await assertReleaseInvariants('summarize', ['staging']);
      });

      it('concurrent approvals by different reviewers are all kept', async () => {
        const reviewers = Array.from({ length: 6 }, (_, i) => `reviewer-${i}@acme.example`);
        await pushVersion('Summarize {{text}}.');
        const cr = await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR);
        const stores = await Promise.all(reviewers.map(() => h.reopen()));

        const settled = await Promise.allSettled(
          reviewers.map((reviewer, i) =>
            stores[i]!.recordApproval(cr.number, { decision: 'approve' }, reviewer),
          ),
        );

        expect(unexpectedFailures(settled)).toEqual([]);
        // Every approval the store acknowledged is kept, each exactly once, and audited.
        const acknowledged = reviewers.filter((_, i) => settled[i]?.status === 'fulfilled').sort();
        expect(acknowledged).toHaveLength(reviewers.length);
        const after = await store.getChangeRequest(cr.number);
        expect(after.reviews.map((r) => r.reviewer).sort()).toEqual(acknowledged);
        expect(after.gate.approvedBy).toEqual(acknowledged);
        const approvals = (await store.listAudit()).filter((e) => e.action === 'cr.approve');
        expect(approvals.map((e) => e.actor).sort()).toEqual(acknowledged);
        expect((await store.verifyAudit()).broken).toBeNull();
      });

      it('parallel change requests get unique, sequential numbers', async () => {
        const versions: number[] = [];
        for (let i = 1; i <= 6; i++) versions.push((await pushVersion(`Take ${i}: {{text}}.`)).number);
        const stores = await Promise.all(versions.map(() => h.reopen()));
        const settled = await Promise.allSettled(
          versions.map((version, i) =>
            stores[i]!.openChangeRequest({ prompt: 'summarize', version }, AUTHOR),
          ),
        );
        expect(unexpectedFailures(settled)).toEqual([]);
        const numbers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.number] : []));
        expect(numbers).toHaveLength(versions.length);
        expect(numbers.sort((a, b) => a - b)).toEqual(numbers.map((_, i) => i + 1));
        expect((await store.listChangeRequests()).map((cr) => cr.number).sort((a, b) => a - b)).toEqual(
          numbers,
        );
      });
    });

    // ---- audit --------------------------------------------------------------------------------

    describe('audit', () => {
      it('appends every governance action to the one intact chain', async () => {
        await store.ensureProject(PROJECT, ADMIN);
        await store.grantRole(REVIEWERS[0], 'reviewer', ADMIN);
        const { record: token } = await store.createToken({ subject: 'ci-bot', name: 'ci' }, ADMIN);
        await store.revokeToken(token.id, ADMIN);
        await ship('Summarize {{text}}.', 'staging');
        await store.promote({ prompt: 'summarize', environment: 'staging', to: 'production' }, RELEASER);
        await pushVersion({ template: 'Summarize {{text}} briefly.', risk: 'medium' });
        const cr = await passChecks(await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR));
        clock.tick();
        await store.recordCheck(
          cr.number,
          { name: 'lint', status: 'fail', summary: 'x', versionHash: cr.versionHash },
          CI,
        );
        await store.overrideCheck(cr.number, { check: 'lint', justification: JUSTIFICATION }, ADMIN);
        clock.tick();
        await store.recordApproval(cr.number, { decision: 'comment', comment: 'nice' }, REVIEWERS[1]);
        clock.tick();
        await store.recordApproval(
          cr.number,
          { decision: 'request_changes', comment: 'fix x' },
          REVIEWERS[0],
        );
        clock.tick();
        await store.recordApproval(cr.number, { decision: 'approve' }, REVIEWERS[0]);
        await store.release(
          { changeRequest: cr.number, environment: 'production', canaryWeight: 25 },
          RELEASER,
        );
        await store.promote({ prompt: 'summarize', environment: 'production' }, RELEASER);
        await store.rollback({ prompt: 'summarize', environment: 'production' }, RELEASER);
        await pushVersion('Summarize {{text}} in one word.');
        await store.closeChangeRequest(
          (await store.openChangeRequest({ prompt: 'summarize' }, AUTHOR)).number,
          AUTHOR,
        );
        await store.revokeRole(REVIEWERS[0], 'reviewer', ADMIN);

        const entries = await store.listAudit({ limit: 1000 });
        const actions = new Set(entries.map((e) => e.action));
        for (const action of [
          'project.create',
          'role.grant',
          'role.revoke',
          'token.create',
          'token.revoke',
          'cr.open',
          'cr.check',
          'cr.comment',
          'cr.request_changes',
          'cr.approve',
          'cr.close',
          'policy.exception',
          'release.release',
          'release.canary',
          'release.promote',
          'release.rollback',
        ]) {
          expect(actions, action).toContain(action);
        }
        const canary = entries.find((e) => e.action === 'release.canary');
        expect(canary).toMatchObject({
          target: 'summarize:production',
          actor: RELEASER,
          before: { version: 1, canary: null },
          after: { version: 1, canary: { version: 2, weight: 25 }, changeRequest: cr.number },
        });
        expect(entries.filter((e) => e.action === 'cr.open').map((e) => e.target)).toEqual([
          'cr#3',
          'cr#2',
          'cr#1',
        ]);
        expect(await store.verifyAudit()).toEqual({
          project: PROJECT,
          checked: entries.length,
          broken: null,
          head: { seq: entries.length, hash: entries[0]!.hash },
          mismatches: [],
        });
      });
    });

    // ---- identity -----------------------------------------------------------------------------

    describe('projects', () => {
      it('ensureProject creates a project once and lists projects by name', async () => {
        const created = await store.ensureProject('zeta', ADMIN);
        expect(created).toEqual({ name: 'zeta', createdAt: clock.now().toISOString(), createdBy: ADMIN });
        clock.tick();
        expect(await store.ensureProject('zeta', 'someone-else')).toEqual(created);
        await store.ensureProject('alpha', ADMIN);
        expect((await store.listProjects()).map((p) => p.name)).toEqual(['alpha', 'zeta']);
        expect((await store.listAudit()).filter((e) => e.action === 'project.create')).toHaveLength(2);
      });

      it('createProject makes its creator the admin, and refuses a name that exists', async () => {
        await store.createProject('fresh', ADMIN);
        expect(await store.forProject('fresh').rolesOf(ADMIN)).toEqual(['admin']);
        const again = await promptOpsRejection(store.createProject('fresh', 'someone-else'));
        expect(again.code).toBe('PO_ERR_PROJECT_EXISTS');
        expect(await store.forProject('fresh').rolesOf('someone-else')).toEqual([]);
      });
    });

    describe('tokens', () => {
      const TOKEN_SHAPE = /^po_([A-Za-z0-9_-]{12})_([A-Za-z0-9_-]{43})$/;

      it('createToken returns a po_ token once; listings and the audit log never contain its secret or hash', async () => {
        const { token, record } = await store.createToken({ subject: 'ci-bot', name: 'CI pipeline' }, ADMIN);
        const match = TOKEN_SHAPE.exec(token);
        expect(match).not.toBeNull();
        const [, id, secret] = match!;
        expect(record).toEqual({
          id,
          subject: 'ci-bot',
          name: 'CI pipeline',
          createdAt: clock.now().toISOString(),
          createdBy: ADMIN,
          expiresAt: null,
          revokedAt: null,
          revokedBy: null,
        });
        const listed = await store.listTokens();
        expect(listed).toEqual([record]);
        const shown = JSON.stringify({ listed, audit: await store.listAudit() });
        expect(shown).not.toContain(secret);
        expect(shown).not.toContain('scrypt');

        const readRows = required(h.readRows, 'readRows');
        const [row] = await readRows('api_tokens');
        expect(String(row?.secret_hash)).toMatch(/^scrypt\$/);
        expect(String(row?.secret_hash)).not.toContain(secret);
        expect(JSON.stringify(await readRows('api_tokens'))).not.toContain(token);
        expect(JSON.stringify(await readRows('audit_log'))).not.toContain(secret);
      });

      it('authenticate maps a valid token to its subject', async () => {
        const { token, record } = await store.createToken(
          { subject: 'ada@acme.example', name: 'laptop' },
          ADMIN,
        );
        expect(await store.authenticate(token)).toEqual({
          subject: 'ada@acme.example',
          tokenId: record.id,
          expiresAt: null,
        });
        // Any connection (and project) can authenticate it: tokens identify a subject, not a project.
        expect(await (await h.reopen({ project: 'globex' })).authenticate(token)).toEqual({
          subject: 'ada@acme.example',
          tokenId: record.id,
          expiresAt: null,
        });
      });

      it('a wrong secret, a malformed token or an unknown id authenticates nobody', async () => {
        const { token } = await store.createToken({ subject: 'ci-bot', name: 'ci' }, ADMIN);
        const other = (await store.createToken({ subject: 'other-bot', name: 'other' }, ADMIN)).token;
        const [, id, secret] = TOKEN_SHAPE.exec(token)!;
        const [, , otherSecret] = TOKEN_SHAPE.exec(other)!;
        const flipped = `${secret!.slice(0, -1)}${secret!.endsWith('A') ? 'B' : 'A'}`;
        for (const presented of [
          `po_${id}_${flipped}`,
          `po_${id}_${otherSecret}`,
          `po_${'A'.repeat(12)}_${secret}`,
          token.slice(0, -1),
          `${token}x`,
          token.replace(/^po_/, 'pk_'),
          `Bearer ${token}`,
          '',
          'po_',
          'po_short_secret',
        ]) {
          expect(await store.authenticate(presented), presented).toBeNull();
        }
        expect(await store.authenticate(token)).not.toBeNull();
      });

      it('a revoked token authenticates nobody; revoking is recorded once and unknown ids are PO_ERR_TOKEN_NOT_FOUND', async () => {
        const { token, record } = await store.createToken({ subject: 'ci-bot', name: 'ci' }, ADMIN);
        const at = clock.tick();
        const revoked = await store.revokeToken(record.id, 'sec@acme.example');
        expect(revoked).toEqual({ ...record, revokedAt: at, revokedBy: 'sec@acme.example' });
        expect(await store.authenticate(token)).toBeNull();
        clock.tick();
        expect(await store.revokeToken(record.id, ADMIN)).toEqual(revoked);
        expect((await store.listAudit()).filter((e) => e.action === 'token.revoke')).toHaveLength(1);
        expect(await store.listTokens()).toEqual([revoked]);
        expect((await promptOpsRejection(store.revokeToken('nope', ADMIN))).code).toBe(
          'PO_ERR_TOKEN_NOT_FOUND',
        );
      });

      it('an expired token authenticates nobody', async () => {
        const expiresAt = new Date(clock.now().getTime() + 3_600_000).toISOString();
        const { token, record } = await store.createToken(
          { subject: 'ci-bot', name: 'ci', expiresAt },
          ADMIN,
        );
        expect(record.expiresAt).toBe(expiresAt);
        clock.tick(3_599_000);
        expect(await store.authenticate(token)).not.toBeNull();
        clock.tick(1_000);
        expect(await store.authenticate(token)).toBeNull();
        clock.tick(86_400_000);
        expect(await store.authenticate(token)).toBeNull();
      });

      it('an expiry written with a UTC offset is honoured at the instant it names', async () => {
        // 10:00 at +02:00 is 08:00Z, an hour before the clock's 09:00Z: already expired.
        const { token, record } = await store.createToken(
          { subject: 'ci-bot', name: 'ci', expiresAt: '2025-03-01T10:00:00+02:00' },
          ADMIN,
        );
        expect(record.expiresAt).toBe('2025-03-01T08:00:00.000Z');
        expect(await store.authenticate(token)).toBeNull();
      });

      it('a malformed expiry or subject is refused with PO_ERR_USAGE', async () => {
        expect(
          (
            await promptOpsRejection(
              store.createToken({ subject: 'ci-bot', name: 'ci', expiresAt: 'tomorrow' }, ADMIN),
            )
          ).code,
        ).toBe('PO_ERR_USAGE');
        for (const subject of ['', 'has space', 'a:b']) {
          expect((await promptOpsRejection(store.createToken({ subject, name: 'x' }, ADMIN))).code).toBe(
            'PO_ERR_USAGE',
          );
        }
        expect(await store.listTokens()).toEqual([]);
      });

      it('no token and no role can be given to control-plane, the subject of the server’s own check runs', async () => {
        const token = await promptOpsRejection(
          store.createToken({ subject: CONTROL_PLANE, name: 'x' }, ADMIN),
        );
        expect(token.code).toBe('PO_ERR_USAGE');
        expect(token.message).toContain('reserved for the control plane');
        for (const role of ['ci', 'admin'] as const) {
          expect((await promptOpsRejection(store.grantRole(CONTROL_PLANE, role, ADMIN))).code).toBe(
            'PO_ERR_USAGE',
          );
        }
        expect((await store.listTokens()).filter((t) => t.subject === CONTROL_PLANE)).toEqual([]);
        expect(await store.rolesOf(CONTROL_PLANE)).toEqual([]);
      });
    });

    describe('roles', () => {
      it('grantRole, rolesOf and revokeRole manage one project’s bindings', async () => {
        await store.grantRole('ada@acme.example', 'author', ADMIN);
        clock.tick();
        await store.grantRole('ada@acme.example', 'admin', ADMIN);
        await store.grantRole('ada@acme.example', 'viewer', ADMIN);
        const again = await store.grantRole('ada@acme.example', 'author', 'someone-else');
        expect(again).toMatchObject({ project: PROJECT, role: 'author', createdBy: ADMIN });

        expect(await store.rolesOf('ada@acme.example')).toEqual(['viewer', 'author', 'admin']);
        expect(await store.rolesOf('nobody@acme.example')).toEqual([]);
        expect((await store.listRoleBindings()).map((b) => [b.subject, b.role])).toEqual([
          ['ada@acme.example', 'admin'],
          ['ada@acme.example', 'author'],
          ['ada@acme.example', 'viewer'],
        ]);

        await store.revokeRole('ada@acme.example', 'admin', ADMIN);
        expect(await store.rolesOf('ada@acme.example')).toEqual(['viewer', 'author']);
        expect((await store.listAudit()).filter((e) => e.action === 'role.grant')).toHaveLength(3);
      });

      it('revoking a role not held is refused with PO_ERR_ROLE_NOT_FOUND', async () => {
        await store.grantRole('ada@acme.example', 'author', ADMIN);
        const err = await promptOpsRejection(store.revokeRole('ada@acme.example', 'admin', ADMIN));
        expect(err.code).toBe('PO_ERR_ROLE_NOT_FOUND');
        expect(err.details).toEqual({ subject: 'ada@acme.example', role: 'admin' });
        expect(await store.rolesOf('ada@acme.example')).toEqual(['author']);
      });

      it('roles are per project; bindings in project "*" apply everywhere', async () => {
        await store.grantRole('ada@acme.example', 'releaser', ADMIN);
        const globex = await h.reopen({ project: 'globex' });
        expect(await globex.rolesOf('ada@acme.example')).toEqual([]);
        expect(await globex.listRoleBindings()).toEqual([]);
        expect(
          (await promptOpsRejection(globex.revokeRole('ada@acme.example', 'releaser', ADMIN))).code,
        ).toBe('PO_ERR_ROLE_NOT_FOUND');

        const everywhere = await h.reopen({ project: '*' });
        await everywhere.grantRole('ada@acme.example', 'reviewer', ADMIN);
        expect(await globex.rolesOf('ada@acme.example')).toEqual(['reviewer']);
        expect(await store.rolesOf('ada@acme.example')).toEqual(['reviewer', 'releaser']);
        // A project's own listing shows its own bindings only; the "*" one is revoked where it lives.
        expect((await store.listRoleBindings()).map((b) => b.role)).toEqual(['releaser']);
        expect((await promptOpsRejection(store.revokeRole('ada@acme.example', 'reviewer', ADMIN))).code).toBe(
          'PO_ERR_ROLE_NOT_FOUND',
        );
        await everywhere.revokeRole('ada@acme.example', 'reviewer', ADMIN);
        expect(await globex.rolesOf('ada@acme.example')).toEqual([]);
      });

      it('an invalid subject is refused with PO_ERR_USAGE', async () => {
        expect((await promptOpsRejection(store.grantRole('a b', 'viewer', ADMIN))).code).toBe('PO_ERR_USAGE');
      });
    });
    afterAll(checkSkips);
  });
}
