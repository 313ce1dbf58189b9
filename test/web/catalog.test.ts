/**
 * The console's catalog, prompt and audit pages in a real browser: `promptops serve` on a pushed
 * example project (support-reply@1 in production, a breaking @2 in staging), chromium signed in
 * with a viewer's token, and what a reader sees: the prompts with owner, risk and labels, a
 * version's contract, the breaking changes between two versions, the audit log and its chain.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  copyExamples,
  runCli,
  startServe,
  stopServe,
  supportReplyInProduction,
  tempDir,
} from '../helpers.js';
import {
  buildConsoleIfMissing,
  describeInBrowser,
  HAS_CHROMIUM,
  launchChromium,
  openSignedIn,
  seriousViolations,
} from './browser.js';

// tempDir, not useTempDir: biome's React rules take any use* call for a hook.
let project: Awaited<ReturnType<typeof tempDir>> | undefined;
const dir = () => (project as NonNullable<typeof project>).dir;
let served: Awaited<ReturnType<typeof startServe>> | undefined;
let browser: Browser | undefined;
let token = '';

/** support-reply@2: a new required input field and a removed output field (both breaking), a template line changed and one added. */
async function pushBreakingVersion(cwd: string): Promise<void> {
  const file = path.join(cwd, 'prompts', 'support-reply.prompt');
  const text = await readFile(file, 'utf8');
  await writeFile(
    file,
    text
      .replace(
        "    message: string, the customer's latest message\n",
        "    message: string, the customer's latest message\n    orderId: string, the order the ticket is about\n",
      )
      .replace('    reason?: string, why the ticket is escalated\n', '')
      .replace(
        'Answer as JSON with the keys reply, escalate, reason and category.',
        'Answer as JSON with the keys reply, escalate and category.\nKeep the reply under 120 words.',
      ),
  );
  for (const args of [['push'], ['label', 'set', 'support-reply@2', 'staging']]) {
    const result = await runCli(args, { cwd });
    if (result.code !== 0) throw new Error(`promptops ${args.join(' ')}: ${result.stdout}${result.stderr}`);
  }
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  buildConsoleIfMissing();
  project = await tempDir();
  await copyExamples(dir());
  token = await supportReplyInProduction(
    (args) => runCli(args, { cwd: dir() }),
    'reader@example.com',
    'viewer',
  );
  await pushBreakingVersion(dir());
  served = await startServe(dir());
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stopServe(served);
  await project?.cleanup();
});

/** A new browser context signed in through the console's form with the viewer's token, showing `at`. */
function signedIn(at: string): Promise<Page> {
  return openSignedIn(browser as Browser, { base: served?.url ?? '', token, at });
}

describeInBrowser('the console catalog', () => {
  it('lists each prompt with its owner, risk tier, the version each label points at and the latest version', async () => {
    const page = await signedIn('/catalog');
    const table = page.getByRole('table', { name: 'Prompts' });
    const row = table.getByRole('row').filter({ hasText: 'support-reply' });
    await expect.poll(() => row.textContent()).toContain('support-platform@acme.example');
    const headers = await table.getByRole('columnheader').allTextContents();
    expect(headers).toEqual(['Prompt', 'Owner', 'Risk', 'staging', 'production', 'Latest']);
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(0, 5)).toEqual(['support-reply', 'support-platform@acme.example', 'high', 'v2', 'v1']);
    expect(cells[5]).toMatch(/^v2\s*[0-9a-f]{12}$/);
    expect(await table.getByRole('row').count()).toBe(5);

    await page.getByLabel('Filter by prompt or label').fill('refund');
    await expect.poll(() => table.getByRole('row').count()).toBe(2);
    expect(await table.getByRole('row').nth(1).textContent()).toContain('refund-decision');
    await page.getByLabel('Filter by prompt or label').fill('');

    expect(await seriousViolations(page)).toEqual([]);
    // The header's product name is no heading (the page's h1 comes first), and the table's
    // focusable scrolling box is a region named as its table.
    expect(
      await page
        .getByRole('heading')
        .first()
        .evaluate((h) => h.tagName),
    ).toBe('H1');
    expect(await page.getByRole('region', { name: 'Prompts' }).count()).toBe(1);
    await row.getByRole('link', { name: 'support-reply' }).click();
    await page.getByRole('heading', { level: 1, name: 'support-reply' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/catalog/support-reply');
  });

  it('shows a version’s contract as field tables and its guardrails with their options', async () => {
    const page = await signedIn('/catalog/support-reply?version=2');
    await page.getByRole('heading', { name: 'Version 2: contract and guardrails' }).waitFor();
    const versions = page.getByRole('table', { name: 'Versions' });
    expect(await versions.getByRole('row').nth(1).textContent()).toContain('staging');
    expect(await versions.getByRole('row').nth(2).textContent()).toContain('production');

    const input = page.getByRole('table', { name: 'Input schema' });
    expect(
      await input.getByRole('row').filter({ hasText: 'orderId' }).getByRole('cell').allTextContents(),
    ).toEqual(['orderIdthe order the ticket is about', 'string', 'required', '']);
    expect(await input.getByRole('row').filter({ hasText: 'customer.tier' }).textContent()).toContain(
      'one of: "free", "pro", "enterprise"',
    );
    const output = page.getByRole('table', { name: 'Output schema' });
    expect(await output.textContent()).not.toContain('reason');
    const guardrails = page.getByRole('table', { name: 'Input guardrails' });
    expect(await guardrails.getByRole('row').filter({ hasText: 'pii' }).textContent()).toContain(
      'entities: email, phone, card',
    );

    await page.getByRole('button', { name: 'Show v1' }).click();
    await page.getByRole('heading', { name: 'Version 1: contract and guardrails' }).waitFor();
    expect(await page.getByRole('table', { name: 'Output schema' }).textContent()).toContain('reason');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('marks the breaking contract changes between two versions and shows their templates side by side', async () => {
    const page = await signedIn('/catalog/support-reply?from=1&to=2');
    const breaking = page.getByRole('status').filter({ hasText: 'Breaking changes: 2' });
    await breaking.waitFor();
    const items = await breaking.getByRole('listitem').allTextContents();
    expect(items).toEqual([
      expect.stringMatching(/Breaking.*input.*input\.orderId.*new required field/),
      expect.stringMatching(/Breaking.*output.*output\.reason.*output field removed/),
    ]);
    const template = page.getByRole('table', { name: 'Template, v1 against v2' });
    const changed = template.locator('tr[data-kind="changed"]');
    expect(await changed.count()).toBe(1);
    expect(await changed.getByRole('cell').allTextContents()).toEqual([
      '3',
      '− Answer as JSON with the keys reply, escalate, reason and category.',
      '3',
      '+ Answer as JSON with the keys reply, escalate and category.',
    ]);
    expect(await template.locator('tr[data-kind="added"]').textContent()).toContain(
      '+ Keep the reply under 120 words.',
    );
    expect(await page.getByRole('table', { name: 'Spec changes' }).textContent()).toContain(
      'input.schema.properties.orderId',
    );

    // The other way round, the input refuses unknown fields: callers now sending orderId break.
    await page.getByRole('textbox', { name: 'From version' }).click();
    await page.getByRole('option', { name: /^v2 / }).click();
    await page.getByRole('textbox', { name: 'To version' }).click();
    await page.getByRole('option', { name: /^v1 / }).click();
    const back = page.getByRole('status').filter({ hasText: 'Breaking changes: 1' });
    await back.waitFor();
    expect(await back.getByRole('listitem').allTextContents()).toEqual([
      expect.stringMatching(/input\.orderId.*field removed while unknown fields are rejected/),
    ]);
    expect(new URL(page.url()).search).toBe('?from=2&to=1');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('shows the audit log with filters and details, and says where the hash chain breaks when asked to verify', async () => {
    // The page's clock is the test's to move: its timers fire when the test says.
    const page = await openSignedIn(browser as Browser, {
      base: served?.url ?? '',
      token,
      at: '/audit',
      clock: new Date(),
    });
    await page.getByRole('status').filter({ hasText: 'Chain intact' }).waitFor();
    const table = page.getByRole('table', { name: 'Audit entries' });
    await page.getByRole('textbox', { name: 'Action' }).click();
    await page.getByRole('option', { name: 'label.set' }).click();
    const rows = table.getByRole('row');
    await expect.poll(() => rows.count()).toBe(3);
    const targets = await rows.evaluateAll((trs) => trs.slice(1).map((tr) => tr.children[4]?.textContent));
    expect(targets).toEqual(['support-reply:staging', 'support-reply:production']);
    await page.getByLabel('Text').fill('staging');
    await expect.poll(() => rows.count()).toBe(2);
    const seq = (await rows.nth(1).getByRole('cell').first().textContent()) ?? '';
    await page.getByRole('button', { name: `Show details of ${seq}` }).click();
    expect(await table.textContent()).toContain('After');
    expect(await seriousViolations(page)).toEqual([]);

    // Someone edits an entry behind the registry's back: the page names it.
    const db = new Database(path.join(dir(), '.promptops', 'registry.db'));
    try {
      db.prepare('update audit_log set actor = ? where seq = ?').run('mallory@example.com', Number(seq));
    } finally {
      db.close();
    }
    // Two minutes pass: the list is read again (once a minute), the whole-log verification is not.
    const isRead = (what: string) => (r: { url(): string }) => new URL(r.url()).pathname.endsWith(what);
    const verifications: string[] = [];
    page.on('request', (r) => {
      if (isRead('/audit/verify')(r)) verifications.push(r.url());
    });
    const listRead = page.waitForRequest(isRead('/audit'));
    await page.clock.fastForward('02:00');
    await listRead;
    expect(verifications).toEqual([]);
    expect(await page.getByText('the list is read again every minute').count()).toBe(1);
    await page.getByRole('button', { name: 'Verify now' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: `Chain broken at seq ${seq}` })
      .waitFor();
    expect(await page.getByRole('alert').textContent()).toContain(
      `entry ${seq} was changed after it was written`,
    );
    expect(await table.getByRole('row').filter({ hasText: 'Chain broken here' }).textContent()).toContain(
      'mallory@example.com',
    );
  });
});
