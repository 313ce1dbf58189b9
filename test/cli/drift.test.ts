import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { RecordingAlertSink } from '../../src/monitor/alert-sink.js';
import { DEFAULT_THRESHOLDS } from '../../src/monitor/drift.js';
import { DriftMonitor } from '../../src/monitor/drift-monitor.js';
import { emptyValues, type RollupCell } from '../../src/monitor/rollup.js';
import { openStore } from '../../src/store/index.js';
import { cliJson, runCli, useTempDir } from '../helpers.js';

const dir = useTempDir();
const cli = (...args: string[]) => runCli(args, { cwd: dir() });

beforeEach(async () => {
  await mkdir(path.join(dir(), 'prompts'));
  await writeFile(
    path.join(dir(), 'promptops.yaml'),
    'project: shop\ncatalog: prompts\nenvironments: [production]\nstore:\n  url: sqlite:.promptops/registry.db\n',
  );
  await writeFile(
    path.join(dir(), 'prompts', 'classify.prompt'),
    '---\nname: classify\nmodel: offline/echo\ninput:\n  schema:\n    text: string\n---\nClassify {{text}}\n',
  );
  expect((await cli('push')).code).toBe(0);
});

/** `n` minutes of 10 requests each from `from`, `every` minutes apart, with these `lang` counts. */
function minutes(from: string, n: number, every: number, lang: Record<string, number>): RollupCell[] {
  return Array.from({ length: n }, (_, i) => ({
    prompt: 'classify',
    version: 1,
    environment: 'production',
    arm: null,
    minute: new Date(Date.parse(from) + i * every * 60_000).toISOString(),
    values: { ...emptyValues(), requests: 10, inputs: { lang: { ...lang } } },
  }));
}

/** Releases classify@1 to production a day ago and lets the monitor see an hour of shifted traffic. */
async function monitored(): Promise<void> {
  let now = new Date('2026-12-01T00:00:00.000Z');
  const store = await openStore('sqlite:.promptops/registry.db', dir(), { project: 'shop', now: () => now });
  try {
    await store.setLabel('classify', 1, 'production', 'ada');
    await store.addRollups('gw', minutes('2026-12-01T00:00:00.000Z', 72, 20, { en: 8, de: 2 }));
    await store.addRollups('gw', minutes('2026-12-02T11:00:00.000Z', 60, 1, { en: 3, de: 7 }));
    now = new Date('2026-12-02T12:00:00.000Z');
    const config = {
      reference: 'release-day' as const,
      window: '1h',
      every: '5m',
      prompts: [],
      environments: [],
      thresholds: DEFAULT_THRESHOLDS,
    };
    const sink = new RecordingAlertSink();
    await new DriftMonitor({ store, sink, clock: () => now, config, environments: ['production'] }).tick();
  } finally {
    await store.close();
  }
}

describe('promptops drift', () => {
  it('says there is no report before the monitor ran', async () => {
    const result = await cli('drift');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no drift report yet');
  });

  it("shows each prompt's last report and its shifted checks, and all of it with --json", async () => {
    await monitored();
    const result = await cli('drift', '--env', 'production');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/classify@1\s+production\s+major\s+600 vs 720/);
    expect(result.stdout).toContain('input.lang: PSI 1.117 (major), most from "de" 20.0% → 70.0%');
    const json = await cli('drift', 'classify', '--json');
    const [report] = cliJson(json) as unknown as { inputs: { name: string; psi: number }[] }[];
    // (0.7 − 0.2)·ln(3.5) + (0.3 − 0.8)·ln(0.375)
    expect(report!.inputs[0]!.psi).toBeCloseTo(0.5 * Math.log(3.5) + 0.5 * Math.log(1 / 0.375), 9);
    expect(cliJson(await cli('drift', 'other', '--json'))).toEqual([]);
  });
});
