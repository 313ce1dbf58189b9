/**
 * The console's change-request and review-queue pages in a real browser, against a real server on
 * SQLite with data made through the store: who is offered which button (an author never "Approve"
 * on their own change, a viewer nothing), a reviewer's approval and a release landing in the store,
 * a held response approved and another rejected from the queue, and no serious accessibility fault.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Role } from '../../src/governance/rbac.js';
import { startServer, type TestServer } from '../server/support.js';
import { passAllChecks, promptItem } from '../store/fixtures.js';
import { shapedItem } from '../store/governance.suite.js';
import {
  buildConsoleIfMissing,
  CONSOLE_DIR,
  describeInBrowser,
  launchChromium,
  openSignedIn,
  seriousViolations,
} from './browser.js';

const AUTHOR = 'ada@example.com';
const REVIEWER = 'rita@example.com';
const VIEWER = 'vic@example.com';
const RELEASER = 'rel@example.com';

describeInBrowser('the change-request and review pages', () => {
  let server: TestServer;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  let pending: number;
  let approved: number;

  beforeAll(async () => {
    buildConsoleIfMissing();
    server = await startServer({ consoleDir: CONSOLE_DIR });
    const { store } = server;
    // The author may also review (others' changes): the page must still not offer Approve on their own.
    const roles: [string, Role][] = [
      [AUTHOR, 'author'],
      [AUTHOR, 'reviewer'],
      [REVIEWER, 'reviewer'],
      [VIEWER, 'viewer'],
      [RELEASER, 'releaser'],
    ];
    for (const [subject, role] of roles) {
      tokens[subject] ??= (await store.createToken({ subject, name: 'console' }, 'test')).token;
      await store.grantRole(subject, role, 'test');
    }
    pending = await changeRequest(server, 'Summarise: {{text}}', false);
    approved = await changeRequest(server, 'Summarise briefly: {{text}}', true);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A fresh browser signed in as `subject` through the sign-in form, on `url`. */
  function signedIn(subject: string, url: string): Promise<Page> {
    return openSignedIn(browser, { base: server.base, token: tokens[subject]!, at: url });
  }

  it('lists the change requests with their prompt, author, state and risk, linking to each', async () => {
    const page = await signedIn(VIEWER, '/change-requests');
    const table = page.getByRole('table');
    await table.getByRole('link', { name: `#${approved}` }).waitFor();
    const text = await table.textContent();
    expect(text).toContain('summarise@1');
    expect(text).toContain(AUTHOR);
    expect(text).toContain('approved');
    // The risk column: the score and the level's word (the badge's colour only repeats it).
    const { risk } = await server.store.getChangeRequest(approved);
    const cells = await table
      .getByRole('row')
      .filter({ hasText: `#${approved}` })
      .getByRole('cell')
      .allTextContents();
    expect(cells[5]).toBe(`${risk.score}${risk.level}`);
    expect(await seriousViolations(page)).toEqual([]);
    // On a phone the table scrolls inside its container; the page itself does not scroll sideways.
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await table.getByRole('link', { name: `#${pending}` }).click();
    await page.getByRole('heading', { name: `Change request #${pending}` }).waitFor();
    await page.context().close();
  });

  it('offers a viewer no action at all', async () => {
    const page = await signedIn(VIEWER, `/change-requests/${approved}`);
    await page.getByRole('heading', { name: 'Checks' }).waitFor();
    for (const name of ['Approve', 'Request changes', 'Comment', 'Run checks', 'Release']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    }
    await page.context().close();
  });

  it('offers the author a comment but never Approve on their own change, and records the comment', async () => {
    const page = await signedIn(AUTHOR, `/change-requests/${pending}`);
    await page.getByRole('heading', { name: 'Review' }).waitFor();
    expect(await page.getByRole('button', { name: 'Approve', exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Request changes' }).count()).toBe(0);
    await page.getByLabel('Comment').fill('ready when you are');
    await page.getByRole('button', { name: 'Comment', exact: true }).click();
    await page.getByRole('cell', { name: 'ready when you are' }).waitFor();
    const cr = await server.store.getChangeRequest(pending);
    expect(cr.reviews.map((r) => [r.reviewer, r.decision])).toEqual([[AUTHOR, 'comment']]);
    // Authors may ask for the checks; this server has no project folder to run them from, and says so.
    await page.getByRole('button', { name: 'Run checks' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('PO_ERR_CHECKS_UNAVAILABLE');
    await page.context().close();
  });

  it('lets a reviewer approve, shows the checks and risk breakdown, and the store holds the approval', async () => {
    const page = await signedIn(REVIEWER, `/change-requests/${pending}`);
    const checks = page.getByRole('table', { name: 'Checks on the proposed version' });
    await checks.waitFor();
    expect(await checks.textContent()).toContain('Not run on this version');
    const factors = await page.getByRole('table', { name: 'Risk factors' }).textContent();
    expect(factors).toContain('new-prompt');
    expect(await seriousViolations(page)).toEqual([]);
    // The server refuses "request changes" without a comment: the button waits for one.
    const requestChanges = page.getByRole('button', { name: 'Request changes' });
    expect(await requestChanges.isDisabled()).toBe(true);
    await page.getByLabel('Comment').fill('looks right');
    expect(await requestChanges.isDisabled()).toBe(false);
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.getByRole('cell', { name: 'looks right' }).waitFor();
    const cr = await server.store.getChangeRequest(pending);
    expect(cr.reviews.find((r) => r.reviewer === REVIEWER)).toMatchObject({
      decision: 'approve',
      comment: 'looks right',
    });
    expect(cr.gate.approvedBy).toContain(REVIEWER);
    await page.context().close();
  });

  it('releases an approved change request from its Release form and links to the releases', async () => {
    const page = await signedIn(RELEASER, `/change-requests/${approved}`);
    await page.getByRole('heading', { name: 'Release' }).waitFor();
    await page.getByRole('textbox', { name: 'Environment' }).click();
    await page.getByRole('option', { name: 'staging' }).click();
    await page.getByLabel('Canary weight (%)').fill('150');
    await page.getByRole('button', { name: 'Release', exact: true }).click();
    await page.getByText('A canary weight is a whole percent from 1 to 99').waitFor();
    await page.getByLabel('Canary weight (%)').fill('');
    // A reason typed in is kept as the release's notes, never sent as a force (a releaser may not force).
    expect(await page.getByLabel('Justification').count()).toBe(0);
    await page.getByLabel('Notes').fill('first of the week');
    await page.getByRole('button', { name: 'Release', exact: true }).click();
    await page.getByRole('link', { name: 'See releases' }).waitFor();
    const [release] = await server.store.listReleases({ environment: 'staging', activeOnly: true });
    expect(release).toMatchObject({
      changeRequest: approved,
      actor: RELEASER,
      canary: null,
      notes: 'first of the week',
    });
    expect(await server.store.listPolicyExceptions()).toEqual([]);
    expect(await page.getByRole('status').textContent()).toContain(release!.id);
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('offers an admin, and only an admin, the force after a refusal it overrides, and records it as a policy exception', async () => {
    // staging serves contract@2 (locale optional); re-releasing @1 (locale required) breaks callers.
    const [older] = await contractReleases(server);
    const releaser = await signedIn(RELEASER, `/change-requests/${older}`);
    await releaseTo(releaser, 'staging');
    await releaser.getByText('PO_ERR_ROLLBACK_BREAKING').waitFor();
    expect(await releaser.getByLabel('Force past the policy (recorded as a policy exception)').count()).toBe(
      0,
    );
    await releaser.context().close();

    await grantAdmin(server, tokens);
    const page = await signedIn(ADMIN, `/change-requests/${older}`);
    await page.getByRole('heading', { name: 'Release' }).waitFor();
    const force = page.getByLabel('Force past the policy (recorded as a policy exception)');
    expect(await force.count()).toBe(0);
    // Notes typed by an admin are notes: the release is refused, not forced.
    await page.getByLabel('Notes').fill('callers migrated already');
    await releaseTo(page, 'staging');
    await page.getByText('PO_ERR_ROLLBACK_BREAKING').waitFor();
    expect(await server.store.listPolicyExceptions()).toEqual([]);
    await force.check();
    await page.getByLabel('Justification').fill('callers of @2 all send a locale');
    await page.getByRole('button', { name: 'Release', exact: true }).click();
    await page.getByRole('link', { name: 'See releases' }).waitFor();
    const [exception] = await server.store.listPolicyExceptions();
    expect(exception).toMatchObject({ actor: ADMIN, justification: 'callers of @2 all send a locale' });
    const [active] = await server.store.listReleases({
      prompt: 'contract',
      environment: 'staging',
      activeOnly: true,
    });
    expect(active).toMatchObject({ version: 1, actor: ADMIN, notes: 'callers migrated already' });
    expect(await seriousViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('keeps the roll-back modal and its notes through a refresh, acts on the release it showed, and lets an admin force it', async () => {
    await grantAdmin(server, tokens);
    const page = await signedIn(ADMIN, '/releases');
    const row = page
      .getByRole('table', { name: 'What staging serves' })
      .getByRole('row')
      .filter({ hasText: 'contract' });
    await row.getByText('@1').waitFor();
    await row.getByRole('button', { name: 'Roll back' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Notes').fill('undo');
    // Someone else releases @2 meanwhile; the page's next poll rebuilds the row under the modal.
    const [, newer] = await contractNumbers(server);
    await server.store.release({ changeRequest: newer!, environment: 'staging' }, RELEASER);
    await row.getByText('@2').waitFor({ timeout: 15_000 });
    expect(await dialog.getByLabel('Notes').inputValue()).toBe('undo');
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await dialog.getByText('PO_ERR_RELEASE_SUPERSEDED').waitFor();
    expect(await serving(server, 'staging')).toBe(2);
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Opened again on what staging now serves: the rollback to @1 breaks callers; the admin forces it.
    await row.getByRole('button', { name: 'Roll back' }).click();
    await dialog.getByLabel('Notes').fill('undo');
    const force = dialog.getByLabel('Force past the policy (recorded as a policy exception)');
    expect(await force.count()).toBe(0);
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await dialog.getByText('PO_ERR_ROLLBACK_BREAKING').waitFor();
    await force.check();
    await dialog.getByLabel('Justification').fill('short');
    expect(await dialog.getByRole('button', { name: 'Roll back' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Justification').fill('callers still send a locale');
    await dialog.getByRole('button', { name: 'Roll back' }).click();
    await dialog.waitFor({ state: 'detached' });
    const [rollback] = await server.store.listReleases({
      prompt: 'contract',
      environment: 'staging',
      activeOnly: true,
    });
    expect(rollback).toMatchObject({ kind: 'rollback', version: 1, actor: ADMIN, notes: 'undo' });
    const exceptions = await server.store.listPolicyExceptions();
    expect(exceptions.map((e) => e.justification)).toContain('callers still send a locale');
    await page.context().close();
  });

  it('shows held responses pending first; a reviewer approves one and rejects another after confirming', async () => {
    const hold = (id: string, createdAt: string, answer: string) =>
      server.store.createReview({
        id,
        prompt: 'summarise',
        versionNumber: 1,
        stage: 'output',
        guardrail: 'pii',
        traceId: `trace-${id}`,
        createdAt,
        payload: { request: { input: { text: `question ${id}` }, environment: 'production' }, text: answer },
      });
    await hold('held-1', '2026-01-01T09:00:00.000Z', 'call me on 555-0100');
    await hold('held-2', '2026-01-01T10:00:00.000Z', 'my card is 4111');

    const viewer = await signedIn(VIEWER, '/reviews');
    await viewer.getByText('call me on 555-0100').waitFor();
    expect(await viewer.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await viewer.context().close();

    const page = await signedIn(REVIEWER, '/reviews');
    const first = page.getByRole('article').first();
    await first.getByText('my card is 4111').waitFor();
    expect(await first.textContent()).toContain('question held-2');
    expect(await seriousViolations(page)).toEqual([]);
    await first.getByRole('button', { name: 'Reject' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Note (optional)').fill('leaks a card number');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await page.getByText('my card is 4111').waitFor({ state: 'detached' });
    await page.getByRole('article').first().getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Nothing is waiting for review.').waitFor();
    expect(await server.store.getReview('held-2')).toMatchObject({
      status: 'rejected',
      decidedBy: REVIEWER,
      note: 'leaks a card number',
    });
    expect(await server.store.getReview('held-1')).toMatchObject({ status: 'approved', decidedBy: REVIEWER });
    await page.context().close();
  });
});

/** A change request on a new version of `summarise`: open, or ready to release (checks green, approved). */
async function changeRequest(server: TestServer, template: string, ready: boolean): Promise<number> {
  const { store } = server;
  const [pushed] = await store.push([await promptItem('summarise', template)], { author: AUTHOR });
  const cr = await store.openChangeRequest(
    { prompt: 'summarise', version: pushed!.number, title: template },
    AUTHOR,
  );
  if (!ready) return cr.number;
  for (const name of ['lint', 'tests', 'guardrails', 'regression'] as const) {
    await store.recordCheck(
      cr.number,
      { name, status: 'pass', summary: `${name} passed`, versionHash: cr.versionHash },
      'ci',
    );
  }
  await store.recordApproval(cr.number, { decision: 'approve' }, 'other-reviewer@example.com');
  return cr.number;
}

const ADMIN = 'adm@example.com';

/** Gives ADMIN a console token and the admin role (once). */
async function grantAdmin(server: TestServer, tokens: Record<string, string>): Promise<void> {
  if (tokens[ADMIN]) return;
  tokens[ADMIN] = (await server.store.createToken({ subject: ADMIN, name: 'console' }, 'test')).token;
  await server.store.grantRole(ADMIN, 'admin', 'test');
}

/** Chooses `environment` in the Release form and submits it. */
async function releaseTo(page: Page, environment: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Environment' }).click();
  await page.getByRole('option', { name: environment }).click();
  await page.getByRole('button', { name: 'Release', exact: true }).click();
}

/**
 * `contract`@1 (locale required) and @2 (locale optional), each on a ready change request, both
 * released to staging in turn: staging serves @2, and moving it back to @1 would reject callers
 * that omit the locale. Answers the two change requests' numbers.
 */
async function contractReleases(server: TestServer): Promise<number[]> {
  const { store } = server;
  const numbers: number[] = [];
  for (const shape of [{ required: ['locale'] }, { optional: ['text', 'locale'] }]) {
    const item = await shapedItem('contract', { template: 'Summarise {{text}} in {{locale}}.', ...shape });
    const [pushed] = await store.push([item], { author: AUTHOR });
    const cr = await store.openChangeRequest(
      { prompt: 'contract', version: pushed!.number, title: 'contract' },
      AUTHOR,
    );
    await passAllChecks(store, cr, 'ci');
    await store.recordApproval(cr.number, { decision: 'approve' }, 'other-reviewer@example.com');
    await store.release({ changeRequest: cr.number, environment: 'staging' }, RELEASER);
    numbers.push(cr.number);
  }
  return numbers;
}

/** The change requests of `contract`, oldest first. */
async function contractNumbers(server: TestServer): Promise<number[]> {
  const all = await server.store.listChangeRequests({ prompt: 'contract' });
  return all.map((cr) => cr.number).sort((a, b) => a - b);
}

/** The version `environment`'s label points at for `contract`. */
async function serving(server: TestServer, environment: string): Promise<number | undefined> {
  return (await server.store.listLabels('contract')).find((l) => l.label === environment)?.number;
}
