/** The browser harness's own checks: what `expectAccessible` refuses, and what it lets pass. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeInBrowser,
  expectAccessible,
  launchChromium,
  newPage,
  seriousViolations,
} from './browser.js';

const PAGE = (body: string) =>
  `<!doctype html><html lang="en"><head><title>t</title></head><body><main>${body}</main></body></html>`;

describeInBrowser('expectAccessible', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await newPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('passes a page whose controls are named', async () => {
    await page.setContent(
      PAGE('<h1>Sign in</h1><label>API token <input type="password"></label><button>Sign in</button>'),
    );
    await expectAccessible(page);
  });

  it('names the rule, its impact and the element of each violation', async () => {
    await page.setContent(PAGE('<h1>Sign in</h1><input type="password"><button></button>'));
    const text = (await seriousViolations(page)).join('\n');
    expect(text).toMatch(/\[critical\] button-name: Buttons must have discernible text/);
    expect(text).toMatch(/\[critical\] label: .*\n\s+at \["input"\]/);
  });

  it.fails('fails the test on a page with a critical violation', async () => {
    await page.setContent(PAGE('<h1>Sign in</h1><button></button>'));
    await expectAccessible(page);
  });
});
