// The web console in a real browser, on loopback: how soon the catalog paints (first and largest
// contentful paint, PerformanceObserver, median of RUNS fresh loads), and how smoothly the traces
// page scrolls through 10,000 traces (requestAnimationFrame deltas while the list is scrolled a
// step per frame: p50/p95/max frame ms and frames over 50 ms; the rows in the DOM show whether
// the list is virtualised). Targets (issue 18): first meaningful paint ≤ 1 s, no janky frames.
// A control plane as `promptops serve` starts it (dist/server/control-plane.js), on SQLite in a
// temp folder, with the example catalog and 10,000 traces; Debian's chromium. Prints JSON; uses
// the built dist/ and dist/web (npm run build first).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { machineReferenceMs } from './lib/machine.js';
import { sampleTrace } from './lib/sample-trace.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(path.join(root, 'dist', ...file.split('/')));
const CHROMIUM = '/usr/bin/chromium';
const TRACES = 10_000;
const RUNS = 5;
/**
 * How long the scroll may take before it stops where it got to (ms of real time): 10,000 rows of
 * 40 px at 120 px a frame is about 3,350 frames, 56 s at 60 frames a second.
 */
const SCROLL_BUDGET_MS = 75_000;
const SCROLL_STEP_PX = 120;

if (!existsSync(CHROMIUM)) {
  console.log(JSON.stringify({ bench: 'console', skipped: `no chromium at ${CHROMIUM}` }));
  process.exit(0);
}
if (!existsSync(path.join(root, 'dist', 'web', 'index.html'))) {
  console.error('bench/console.js: dist/web/index.html is missing; run npm run build first');
  process.exit(1);
}

const { openWorkspace } = await dist('project/workspace.js');
const { startControlPlane } = await dist('server/control-plane.js');

const dir = await mkdtemp(path.join(tmpdir(), 'promptops-bench-console-'));
const cli = (...args) =>
  execFileSync(process.execPath, [path.join(root, 'bin', 'promptops.cjs'), ...args], {
    cwd: dir,
    env: { ...process.env, PROMPTOPS_AUTHOR: 'bench@acme.example', PROMPTOPS_DATABASE_URL: '' },
    encoding: 'utf8',
  });
await cp(path.join(root, 'examples'), dir, { recursive: true, filter: (src) => !src.includes('.promptops') });
cli('push');
cli('label', 'set', 'support-reply@1', 'production');
const token = JSON.parse(
  cli('token', 'create', '--subject', 'bench@acme.example', '--role', 'admin', '--json'),
).token;

const plane = await startControlPlane(await openWorkspace(dir), {
  port: 0,
  host: '127.0.0.1',
  monitorEveryMs: 60_000,
  logger: false,
  consoleDir: path.join(root, 'dist', 'web'),
  env: { ...process.env, PROMPTOPS_DATABASE_URL: '' },
});
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});

try {
  const served = await fetch(`${plane.address}/signin`, { headers: { accept: 'text/html' } });
  if (!(served.headers.get('content-type') ?? '').includes('text/html')) {
    throw new Error(`the control plane does not serve the console (GET /signin answered ${served.status})`);
  }
  await writeTraces(plane.store.forProject(plane.project));
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await signIn(await context.newPage());
  const paints = [];
  for (let i = 0; i < RUNS; i++) paints.push(await paintOf(await context.newPage(), '/catalog'));
  const scroll = await scrollTraces(await context.newPage());
  console.log(
    JSON.stringify(
      {
        bench: 'console',
        traces: TRACES,
        catalog: {
          runs: RUNS,
          firstContentfulPaintMs: median(paints.map((p) => p.fcp)),
          largestContentfulPaintMs: median(paints.map((p) => p.lcp)),
          worstLargestContentfulPaintMs: Math.max(...paints.map((p) => p.lcp ?? Number.NaN)),
          targetMs: 1000,
        },
        tracesScroll: scroll,
        machineReferenceMs: machineReferenceMs(),
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  await plane.close();
  await rm(dir, { recursive: true, force: true });
}

/** 10,000 traces of support-reply over the last day, stable and canary, one in 50 an error. */
async function writeTraces(store) {
  const now = Date.now();
  const batch = [];
  for (let i = 0; i < TRACES; i++) {
    batch.push({
      ...sampleTrace,
      id: `bench-${String(i).padStart(5, '0')}-${Math.random().toString(16).slice(2, 10)}`,
      project: plane.project,
      prompt: 'support-reply',
      version: { number: 1, hash: 'a'.repeat(64) },
      arm: i % 5 === 0 ? 'canary' : 'stable',
      status: i % 50 === 0 ? 'error' : 'ok',
      error: i % 50 === 0 ? { code: 'PO_ERR_PROVIDER_UNAVAILABLE', message: 'down' } : null,
      startedAt: new Date(now - i * 8_000).toISOString(),
    });
    if (batch.length === 1000) await store.writeTraces(batch.splice(0));
  }
  if (batch.length > 0) await store.writeTraces(batch);
}

/** Signs in through the console's form: the session cookie then serves every page of the context. */
async function signIn(page) {
  await page.goto(`${plane.address}/signin`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation').waitFor();
  await page.close();
}

/** First and largest contentful paint of a fresh load of `route` (ms since navigation start). */
async function paintOf(page, route) {
  await page.goto(`${plane.address}${route}`, { waitUntil: 'load' });
  await page.getByRole('main').waitFor();
  const paint = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const seen = { fcp: null, lcp: null };
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') seen.fcp = e.startTime;
        }).observe({ type: 'paint', buffered: true });
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) seen.lcp = e.startTime;
        }).observe({ type: 'largest-contentful-paint', buffered: true });
        // LCP settles once the page stops adding content: give it a moment after the main landmark.
        setTimeout(() => resolve(seen), 1000);
      }),
  );
  await page.close();
  return paint;
}

/**
 * Scrolls the traces list a step per animation frame to its end (loading more as it goes, when the
 * page pages), recording each frame's time. The list is the page's largest scrollable element.
 */
async function scrollTraces(page) {
  await page.goto(`${plane.address}/traces`);
  await page.getByRole('main').waitFor();
  // The list shows its first rows (a row, or a list item, naming a trace) before the scroll starts.
  await page.locator('[role="row"], [role="listitem"], tr').nth(5).waitFor({ timeout: 15_000 });
  const result = await page.evaluate(
    ({ step, budgetMs }) =>
      new Promise((resolve) => {
        const scrollable = [...document.querySelectorAll('*')]
          .filter((el) => {
            const style = getComputedStyle(el);
            return /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 10;
          })
          .sort((a, b) => b.scrollHeight - a.scrollHeight)[0];
        const target = scrollable ?? document.scrollingElement;
        const deltas = [];
        let maxDomRows = 0;
        let last = performance.now();
        const started = last;
        let stuckFrames = 0;
        const frame = (t) => {
          deltas.push(t - last);
          last = t;
          maxDomRows = Math.max(
            maxDomRows,
            document.querySelectorAll('[role="row"], [role="listitem"], tr').length,
          );
          const before = target.scrollTop;
          target.scrollTop = before + step;
          // At the end: a list that pages grows when more arrives; stop after half a second without.
          stuckFrames = target.scrollTop === before ? stuckFrames + 1 : 0;
          if (stuckFrames > 30 || t - started > budgetMs) {
            resolve({
              scrolledPx: target.scrollTop,
              scrollHeightPx: target.scrollHeight,
              reachedEnd: stuckFrames > 30,
              maxDomRows,
              deltas,
            });
          } else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    { step: SCROLL_STEP_PX, budgetMs: SCROLL_BUDGET_MS },
  );
  await page.close();
  const sorted = result.deltas.slice(1).sort((a, b) => a - b);
  const at = (q) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  return {
    frames: sorted.length,
    p50FrameMs: at(0.5),
    p95FrameMs: at(0.95),
    maxFrameMs: round(sorted[sorted.length - 1]),
    framesOver50Ms: sorted.filter((d) => d > 50).length,
    scrolledPx: result.scrolledPx,
    scrollHeightPx: result.scrollHeightPx,
    reachedEnd: result.reachedEnd,
    // A virtualised list keeps a few dozen rows in the DOM whatever the number of traces.
    maxRowsInDom: result.maxDomRows,
  };
}

function median(values) {
  const known = values.filter((v) => v !== null).sort((a, b) => a - b);
  return known.length === 0 ? null : round(known[Math.floor(known.length / 2)]);
}

function round(ms) {
  return Math.round(ms * 10) / 10;
}
