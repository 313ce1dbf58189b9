/**
 * The issue's scenario in a real browser, against `promptops serve`'s control plane on PostgreSQL:
 * an author opens a change request, a reviewer approves it, a releaser releases it as a canary;
 * gateway traffic meets a scripted fault on the canary; the clock passes the canary's interval and
 * the analysis rolls it back; the releases page says why, and the failing trace opens from there.
 * Every page is checked for serious accessibility violations (and photographed with
 * PROMPTOPS_SCREENSHOTS=1, into docs/console/).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ControlPlane } from '../../src/server/control-plane.js';
import { POSTGRES_REACHABLE } from '../store/harness.js';
import {
  type ConsoleProject,
  consoleProject,
  damagedOrderTraffic,
  describeInBrowser,
  expectAccessible,
  launchChromium,
  type MovableClock,
  movableClock,
  newPage,
  nextMinute,
  openChangeRequest,
  openSignedIn,
  type Person,
  screenshot,
  startConsole,
} from './harness.js';

describeInBrowser.skipIf(!POSTGRES_REACHABLE)(
  'the web console, from change request to a rolled-back canary',
  () => {
    let project: ConsoleProject;
    let plane: ControlPlane;
    let clock: MovableClock;
    let browser: Browser;
    let number: number;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      project = await consoleProject();
      clock = movableClock();
      plane = await startConsole(project, { clock });
      browser = await launchChromium();
      number = await openChangeRequest(project, plane);
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await plane?.close();
      await project?.cleanup();
    });

    /**
     * A browser context of its own for `who` (its own cookie jar), its clock the server's: pages that
     * compute windows from `Date.now()` see the time the server does.
     */
    async function signIn(who: Person): Promise<Page> {
      const page = await openSignedIn(browser, {
        base: plane.address,
        token: project.tokens[who],
        at: '/signin',
        clock: clock(),
      });
      contexts.push(page.context());
      await expect.poll(() => page.getByRole('navigation').count()).toBe(1);
      await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).count()).toBe(1);
      await expectTokenNotKept(page, project.tokens[who]);
      return page;
    }

    /** Moves the server's clock and every open page's to `at`. */
    async function jumpTo(at: Date): Promise<void> {
      clock.jumpTo(at);
      for (const context of contexts) await context.clock.setSystemTime(clock());
    }

    /** Follows a link of the navigation landmark and waits for the page's heading. */
    async function navigate(page: Page, link: string, heading: string | RegExp): Promise<void> {
      await page.getByRole('navigation').getByRole('link', { name: link }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    }

    /** Signs out with the header's button: the sign-in form replaces the page, and stays after a reload. */
    async function signOut(page: Page): Promise<void> {
      await page.getByRole('button', { name: 'Sign out' }).click();
      const form = page.getByLabel('API token');
      const shown = await form.waitFor({ timeout: 5_000 }).then(
        () => true,
        () => false,
      );
      expect.soft(shown, `signing out leaves ${page.url()} on screen instead of the sign-in form`).toBe(true);
      // The session is gone on the server too: a reload asks for a token.
      await page.reload();
      await form.waitFor();
      contexts.splice(contexts.indexOf(page.context()), 1);
      await page.context().close();
    }

    // Long because it is one story: each step stands on the one before it, as the people in it do.
    it('an author proposes, a reviewer approves, a releaser releases, the analysis rolls the canary back', async () => {
      // The sign-in page, as anyone first sees it.
      const visitor = await newPage(browser);
      await visitor.goto(`${plane.address}/`);
      await visitor.getByLabel('API token').waitFor();
      await expectAccessible(visitor);
      await screenshot(visitor, 'signin');
      await visitor.context().close();

      // The author: the catalog, the prompt, and the change request they opened (no approving it).
      const author = await signIn('author');
      await navigate(author, 'Catalog', 'Catalog');
      await author.getByRole('link', { name: 'support-reply' }).first().waitFor();
      await expectAccessible(author);
      await screenshot(author, 'catalog');
      await author.getByRole('link', { name: 'support-reply' }).first().click();
      await author.getByRole('heading', { level: 1, name: /support-reply/ }).waitFor();
      await expectAccessible(author);
      await screenshot(author, 'prompt');
      await navigate(author, 'Change requests', 'Change requests');
      await author
        .getByRole('row')
        .filter({ hasText: 'quote the message verbatim' })
        .getByRole('link', { name: `#${number}` })
        .click();
      await author.getByRole('heading', { level: 1, name: new RegExp(`#${number}`) }).waitFor();
      await author.getByRole('table', { name: 'Checks on the proposed version' }).waitFor();
      // An author may not review (and never their own change): the console offers no decision.
      expect(await author.getByRole('button', { name: 'Approve' }).count()).toBe(0);
      await expectAccessible(author);
      await signOut(author);

      // The reviewer approves it.
      const reviewer = await signIn('reviewer');
      await reviewer.goto(`${plane.address}/change-requests/${number}`);
      await reviewer.getByRole('button', { name: 'Approve' }).click();
      await reviewer.getByRole('table', { name: 'Reviews' }).getByText('reviewer@acme.example').waitFor();
      await expectAccessible(reviewer);
      await screenshot(reviewer, 'change-request');
      await signOut(reviewer);

      // The releaser releases it to production as a 50% canary.
      const releaser = await signIn('releaser');
      await releaser.goto(`${plane.address}/change-requests/${number}`);
      const form = releaser.getByRole('region', { name: 'Release' });
      await form.getByRole('textbox', { name: 'Environment' }).click();
      await releaser.getByRole('option', { name: 'production' }).click();
      await form.getByRole('spinbutton', { name: 'Canary weight (%)' }).fill('50');
      await form.getByRole('button', { name: 'Release' }).click();
      await form
        .getByRole('status')
        .getByText(/as a canary at 50%/)
        .waitFor();
      await expectAccessible(releaser);
      await navigate(releaser, 'Releases', 'Releases');
      const canary = releaser.getByRole('region', { name: 'Canary of support-reply in production' });
      await releaser.getByRole('table', { name: 'What production serves' }).getByText('@2 at 50%').waitFor();
      // As `promptops release --canary` does, a canary released from the console carries the
      // project's analysis plan (promptops.yaml `canary:`); without one nothing would judge it.
      const analyses = await plane.store
        .forProject(plane.project)
        .canaryStatus({ prompt: 'support-reply', environment: 'production' });
      expect(analyses, "the console's canary release has no analysis plan").toHaveLength(1);
      await expectAccessible(releaser);
      await screenshot(releaser, 'releases-canary');

      // Traffic inside the canary's first interval (the first whole minute after the release); a
      // third of the canary's damaged-order answers fail.
      const first = nextMinute(clock());
      await jumpTo(new Date(first.getTime() + 5_000));
      const statuses = await damagedOrderTraffic(plane, project.tokens.app, 90);
      expect(statuses.filter((s) => s !== 200).length).toBeGreaterThan(0);
      await plane.gateway.rollups.flush();
      // Past the interval and its settling margin: the analysis's next tick judges it and rolls back.
      await jumpTo(new Date(first.getTime() + 66_000));

      // The page polls: the rollback appears without a reload.
      const outcome = canary.getByText('Rolled back by promptops-analysis');
      await expect.poll(() => outcome.count(), { timeout: 30_000, interval: 500 }).toBe(1);
      await canary.getByText(/rolled back by analysis: 1 failed interval/).waitFor();
      await canary
        .getByRole('table', { name: /Analysis intervals/ })
        .getByText('error_rate')
        .first()
        .waitFor();
      await expectAccessible(releaser);
      await screenshot(releaser, 'releases-rollback');

      // From the rollback to the canary's failed traces, and one of them.
      await canary.getByRole('link', { name: /Failed canary traces of @2/ }).click();
      await releaser.getByRole('heading', { level: 1, name: 'Traces' }).waitFor();
      const firstTrace = releaser.getByRole('table', { name: 'Traces' }).getByRole('link').first();
      await firstTrace.waitFor({ timeout: 15_000 });
      await expectAccessible(releaser);
      await screenshot(releaser, 'traces');
      await firstTrace.click();
      await releaser.waitForURL(/\/traces\/[0-9a-f-]{36}$/);
      await releaser.getByText('rejected').first().waitFor();
      await releaser
        .getByText(/canary/)
        .first()
        .waitFor();
      await expectAccessible(releaser);
      await screenshot(releaser, 'trace');

      // The other pages, each checked the same way.
      for (const [link, heading, name] of [
        ['Monitoring', 'Monitoring', 'monitoring'],
        ['Review queue', /Review/, 'reviews'],
        ['Audit', /Audit/, 'audit'],
        ['Change requests', 'Change requests', 'change-requests'],
      ] as const) {
        await navigate(releaser, link, heading);
        await releaser.waitForLoadState('networkidle');
        await expectAccessible(releaser);
        await screenshot(releaser, name);
      }
      await releaser.getByRole('navigation').getByRole('link', { name: 'Audit' }).click();
      await releaser.getByText('release.rollback').first().waitFor();
    }, 240_000);
  },
);

/**
 * The signed-in browser keeps a session cookie that scripts cannot read, and the API token
 * nowhere a script (or an extension, or an XSS) could: not in storage, not in a readable cookie.
 */
async function expectTokenNotKept(page: Page, token: string): Promise<void> {
  // A string evaluated in the page (the tests compile without the DOM's types).
  const kept = await page.evaluate<{ storage: string; cookies: string }>(
    '({ storage: JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }), cookies: document.cookie })',
  );
  expect(kept.storage).not.toContain(token);
  expect(kept.cookies).toBe('');
  const cookies = await page.context().cookies();
  expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([
    ['promptops_session', true, 'Strict'],
  ]);
  expect(cookies[0]!.value).not.toContain(token);
}
