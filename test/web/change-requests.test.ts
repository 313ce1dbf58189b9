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
import { promptItem } from '../store/fixtures.js';
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
    expect(text).toContain('risk');
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
    await page.getByLabel('Comment').fill('looks right');
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
    await page.getByRole('button', { name: 'Release', exact: true }).click();
    await page.getByRole('link', { name: 'See releases' }).waitFor();
    const [release] = await server.store.listReleases({ environment: 'staging', activeOnly: true });
    expect(release).toMatchObject({ changeRequest: approved, actor: RELEASER, canary: null });
    expect(await page.getByRole('status').textContent()).toContain(release!.id);
    expect(await seriousViolations(page)).toEqual([]);
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
