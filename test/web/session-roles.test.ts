/**
 * The console's session in a real browser: the roles it offers buttons by are read again while the
 * console is open, so a role an admin grants or revokes changes the buttons without a reload.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROJECT, startServer, type TestServer } from '../server/support.js';
import {
  buildConsoleIfMissing,
  CONSOLE_DIR,
  describeInBrowser,
  launchChromium,
  openSignedIn,
} from './browser.js';

const ADMIN = 'root@example.com';
const PERSON = 'ada@example.com';

describeInBrowser('the console session', () => {
  let server: TestServer;
  let browser: Browser;
  let adminToken: string;
  let token: string;

  beforeAll(async () => {
    buildConsoleIfMissing();
    server = await startServer({ consoleDir: CONSOLE_DIR });
    ({ token: adminToken } = await server.store.createToken({ subject: ADMIN, name: 'admin' }, 'test'));
    await server.store.grantRole(ADMIN, 'admin', 'test');
    ({ token } = await server.store.createToken({ subject: PERSON, name: 'console' }, 'test'));
    await server.store.grantRole(PERSON, 'viewer', 'test');
    await server.store.createReview({
      id: 'held-1',
      prompt: 'summarise',
      versionNumber: 1,
      stage: 'output',
      guardrail: 'pii',
      traceId: 'trace-held-1',
      createdAt: '2026-01-01T09:00:00.000Z',
      payload: {
        request: { input: { text: 'a question' }, environment: 'production' },
        text: 'call me on 555-0100',
      },
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Asks the server as the admin (an API call, as `promptops role grant|revoke` makes). */
  async function asAdmin(method: 'POST' | 'DELETE', url: string, body?: object): Promise<void> {
    const reply = await server.call(method, url, { token: adminToken, ...(body ? { body } : {}) });
    expect(reply.status, reply.text).toBeLessThan(300);
  }

  /** Moves the page's clock past the session's re-read and waits for that read's answer. */
  async function afterSessionReread(page: Page): Promise<void> {
    const read = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/session');
    await page.clock.fastForward('01:01');
    await read;
  }

  it('offers Approve once a reviewer role is granted, and takes it away once revoked, without a reload', async () => {
    const page = await openSignedIn(browser, { base: server.base, token, at: '/reviews', clock: new Date() });
    await page.getByText('call me on 555-0100').waitFor();
    const approve = page.getByRole('button', { name: 'Approve' });
    expect(await approve.count()).toBe(0);

    await asAdmin('POST', `/v1/projects/${PROJECT}/roles`, { subject: PERSON, role: 'reviewer' });
    await afterSessionReread(page);
    await approve.waitFor();

    await asAdmin('DELETE', `/v1/projects/${PROJECT}/roles/${encodeURIComponent(PERSON)}/reviewer`);
    await afterSessionReread(page);
    await approve.waitFor({ state: 'detached' });
    await page.context().close();
  }, 60_000);
});
