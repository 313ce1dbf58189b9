import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const dir = useTempDir();

beforeEach(async () => {
  await mkdir(path.join(dir(), 'prompts'));
  await writeFile(path.join(dir(), 'promptops.yaml'), 'project: report\ncatalog: prompts\n');
  await writeFile(
    path.join(dir(), 'prompts', 'echo.prompt'),
    '---\nname: echo\nmodel: offline/echo\ninput:\n  schema:\n    q: string\n---\n{{role "user"}}{{q}}\n',
  );
  await writeFile(
    path.join(dir(), 'prompts', 'echo.tests.yaml'),
    `tests:
  - description: repeats the question
    vars: { q: "what is <b>bold</b>?" }
    assert: [{ type: contains, value: "<b>bold</b>" }]
  - description: fails on purpose
    vars: { q: "hello" }
    assert: [{ type: contains, value: "goodbye" }]
`,
  );
});

// .ci/run installs Debian's chromium; on a machine without it this test cannot run.
describe.skipIf(!existsSync(CHROMIUM))('the HTML report', () => {
  it('opens in a real browser and shows every case, its status and a chart', async () => {
    const result = await runCli(['test', '--no-store', '--html', 'report.html'], { cwd: dir() });
    expect(result.code).toBe(1);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(path.join(dir(), 'report.html')).href);
      expect(await page.textContent('#summary')).toContain('2 cases: 1 passed, 1 failed, 0 errors');
      const rows = page.locator('tr.case');
      expect(await rows.count()).toBe(2);
      expect(await rows.nth(0).textContent()).toContain('repeats the question');
      expect(await page.locator('tr.case.fail').textContent()).toContain('fails on purpose');
      // the answer is shown as text, never interpreted as HTML
      await page.locator('tr.case.pass summary').click();
      expect(await page.locator('tr.case.pass pre').textContent()).toContain('what is <b>bold</b>?');
      expect(await page.locator('tr.case.pass pre b').count()).toBe(0);
      const bar = page.locator('svg g[data-suite="echo"] rect.pass-rate');
      expect(Number(await bar.getAttribute('width'))).toBeGreaterThan(0);
      expect(await bar.boundingBox()).not.toBeNull();
    } finally {
      await browser.close();
    }
  });
});
