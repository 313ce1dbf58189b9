/**
 * Signing out of the console in a real browser against a real server: the sign-in form comes back
 * only when the server ended the session (204, or 401 when it had ended already). A sign-out the
 * server did not take (the network failed, a 403) says so and leaves the browser signed in, as the
 * session still is.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type TestServer } from '../server/support.js';
import { describeInBrowser, launchChromium, newPage } from './harness.js';

const CONSOLE_DIR = path.resolve(import.meta.dirname, '../../dist/web');

let server: TestServer;
let browser: Browser;
let token: string;

describeInBrowser('signing out of the console', () => {
  beforeAll(async () => {
    if (!existsSync(path.join(CONSOLE_DIR, 'index.html'))) {
      throw new Error(`no console in ${CONSOLE_DIR}: build it first with "npm run build"`);
    }
    server = await startServer({ consoleDir: CONSOLE_DIR });
    ({ token } = await server.store.createToken({ subject: 'root@example.com', name: 'console' }, 'test'));
    await server.store.grantRole('root@example.com', 'viewer', 'test');
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signedIn(): Promise<Page> {
    const page = await newPage(browser);
    await page.goto(`${server.base}/audit`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    return page;
  }

  /** Whether the server still knows the browser's session. */
  async function sessionIsLive(page: Page): Promise<boolean> {
    const cookies = await page.context().cookies();
    const id = cookies.find((c) => c.name === 'promptops_session')?.value;
    const reply = await server.call('GET', '/v1/session', {
      headers: { cookie: `promptops_session=${id}` },
    });
    return reply.status === 200;
  }

  it('stays signed in, and says why, when the sign-out does not reach the server or is refused', async () => {
    const page = await signedIn();
    const signOut = page.getByRole('button', { name: 'Sign out' });

    await page.route('**/v1/session', (route) =>
      route.request().method() === 'DELETE' ? route.abort('connectionfailed') : route.fallback(),
    );
    await signOut.click();
    const alert = page.getByRole('alert').filter({ hasText: 'Not signed out' });
    await alert.waitFor();
    expect(await page.getByLabel('API token').count()).toBe(0);
    expect(await signOut.isVisible()).toBe(true);
    expect(await sessionIsLive(page)).toBe(true);

    await page.unroute('**/v1/session');
    await page.route('**/v1/session', (route) =>
      route.request().method() === 'DELETE'
        ? route.fulfill({
            status: 403,
            contentType: 'application/json',
            body: JSON.stringify({
              error: { code: 'PO_ERR_CSRF', message: 'refused by a proxy in the way', details: {} },
            }),
          })
        : route.fallback(),
    );
    await signOut.click();
    await page.getByRole('alert').filter({ hasText: 'refused by a proxy in the way' }).waitFor();
    if (process.env.PROMPTOPS_SCREENSHOTS)
      await page.screenshot({ path: '/tmp/console-sign-out-refused.png' });
    expect(await page.getByLabel('API token').count()).toBe(0);
    expect(await sessionIsLive(page)).toBe(true);

    // Through to the server: signed out there and here.
    await page.unroute('**/v1/session');
    await signOut.click();
    await page.getByLabel('API token').waitFor();
    expect(await sessionIsLive(page)).toBe(false);
    await page.context().close();
  }, 60_000);

  it('shows the sign-in form when the session had already ended (401)', async () => {
    const page = await signedIn();
    const cookie = (await page.context().cookies()).find((c) => c.name === 'promptops_session');
    if (!cookie) throw new Error('no session cookie after signing in');
    // Ended elsewhere (another tab): the server has no such session any more.
    await page.context().clearCookies();
    await page.context().addCookies([{ ...cookie, value: `${cookie.value}x` }]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'Not signed out' }).count()).toBe(0);
    await page.context().close();
  }, 60_000);
});
