/**
 * What every browser test of the web console shares: Debian's chromium (and the skip without it),
 * the built console, a person signed in through the sign-in form, the accessibility check and
 * screenshots. test/web/harness.ts re-exports it with the PostgreSQL project of the scenario test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { REPO } from '../helpers.js';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Whether the browser tests can run. Without Debian's chromium they are skipped with a loud
 * warning, so `npm test` works on a laptop; CI sets PROMPTOPS_REQUIRE_CHROMIUM=1 (and installs it),
 * and then a missing chromium fails them instead.
 */
export const HAS_CHROMIUM: boolean = (() => {
  if (existsSync(CHROMIUM)) return true;
  const why = `no chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  if (process.env.PROMPTOPS_REQUIRE_CHROMIUM) throw new Error(`the browser tests are required here: ${why}`);
  console.warn(`\n!!! SKIPPING the web console's browser tests: ${why}\n`);
  return false;
})();

/** `describe`, or `describe.skip` when there is no chromium (see HAS_CHROMIUM). */
export const describeInBrowser = (HAS_CHROMIUM ? describe : describe.skip) as typeof describe;

/** Debian's chromium, headless, as test/eval/html.test.ts drives it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Where `npm run build` puts the console, which the servers under test serve at `/`. */
export const CONSOLE_DIR = path.join(REPO, 'dist', 'web');

/**
 * Builds the console into CONSOLE_DIR when it was never built (a fresh checkout running one test
 * file). An older build is used as it is: `npm run build` refreshes it.
 */
export function buildConsoleIfMissing(): void {
  if (existsSync(path.join(CONSOLE_DIR, 'index.html'))) return;
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.mjs', '--logLevel', 'warn'], {
    cwd: REPO,
    stdio: 'inherit',
  });
}

/** The console's desktop viewport (a laptop screen). */
export const DESKTOP = { width: 1280, height: 800 } as const;

/**
 * A page in a context of its own (its own cookies: one signed-in person), at the desktop viewport.
 * Axe needs the page to come from a context made with `browser.newContext()`.
 */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: DESKTOP });
  return context.newPage();
}

/** Where and as whom `openSignedIn` signs in. */
export interface SignIn {
  /** The server's address, e.g. `http://127.0.0.1:41234`. */
  base: string;
  /** The API token typed into the sign-in form. */
  token: string;
  /** The console's path to open first (the sign-in form shows there, then the page). */
  at?: string;
  /**
   * Installs the page's clock at this time: pages that compute windows from `Date.now()` see the
   * server's time, and the test can move the page's timers (`page.clock`).
   */
  clock?: Date;
}

/**
 * A new page (see `newPage`) that opens `at`, signs in with the token through the sign-in form and
 * returns once the signed-in header shows.
 */
export async function openSignedIn(
  browser: Browser,
  { base, token, at = '/', clock }: SignIn,
): Promise<Page> {
  const page = await newPage(browser);
  if (clock) await page.context().clock.install({ time: clock });
  await page.goto(`${base}${at}`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

/** A violation as axe reports it, the parts a reader needs. */
interface Violation {
  id: string;
  impact?: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown; failureSummary?: string }[];
}

/** One of axe's violations as a paragraph: rule, impact, what to fix, and where. */
function describeViolation(v: Violation): string {
  const where = v.nodes
    .slice(0, 5)
    .map(
      (n) =>
        `    at ${JSON.stringify(n.target)}${n.failureSummary ? `: ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`,
    )
    .join('\n');
  const more = v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : '';
  return `[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${where}${more}`;
}

/**
 * What axe finds of serious or critical impact on the page as it is now (or only inside the
 * elements `within` selects), one paragraph each; an accessible page gives an empty list.
 */
export async function seriousViolations(page: Page, within?: string): Promise<string[]> {
  const axe = new AxeBuilder({ page });
  const { violations } = await (within ? axe.include(within) : axe).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map(describeViolation);
}

/**
 * Fails the test when axe finds a violation of serious or critical impact on the page as it is now.
 * The failure is soft: the test goes on, so one run lists the violations of every page it visits.
 */
export async function expectAccessible(page: Page): Promise<void> {
  const found = await seriousViolations(page);
  expect.soft(found.length, `accessibility violations on ${page.url()}:\n${found.join('\n')}\n`).toBe(0);
}

/** Where screenshots of the console are kept (the issue's closing note shows them). */
export const SCREENSHOTS = path.join(REPO, 'docs', 'console');

/**
 * Saves the page as docs/console/NAME.png at the desktop viewport, only when PROMPTOPS_SCREENSHOTS=1:
 * a normal run does not rewrite files of the repository.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.PROMPTOPS_SCREENSHOTS !== '1') return;
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`screenshot names are kebab-case: "${name}"`);
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}
