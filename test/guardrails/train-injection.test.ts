// The injection model's training script (scripts/train-injection.ts) checks its settings before it
// trains: a bad value stops it with a message naming the variable, and switching README rows off
// (DOCS=0) works with the default weights. Tiny settings (2 folds, 2 epochs, no synthetic rows)
// keep a full run to a few seconds; the shipped model's settings are not exercised here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
const DATASETS = process.env.PROMPTOPS_DATASETS ?? path.resolve(REPO, '..', 'shared', 'datasets');
const TRAIN = path.join(DATASETS, 'injection', 'train.jsonl');
const dir = mkdtempSync(path.join(tmpdir(), 'promptops-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TINY = {
  REPEATS: '1',
  FOLDS: '2',
  EPOCHS: '2',
  AUGMENT: '0',
  SYNTH: '0',
  TRIGGER_BENIGN: '0',
  TASKSWITCH: '0',
  BY_SOURCE: '0',
};

/** The script's settings that a developer's shell may hold; each run sets its own. */
const SETTINGS =
  /^(?:L2|EPOCHS|AUGMENT\w*|SYNTH\w*|SEED|SOURCE_\w+|GROUP_WEIGHTS|TRIGGER_BENIGN|DOC\w*|PARAGRAPH_DISCOUNT|FOLDS|REPEATS|EXTRA|TASKSWITCH|STRUCTURE|BY_SOURCE|OOF_DUMP|MLP_\w+|MODEL_OUT)$/;

function train(env: Record<string, string>, out: string) {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SETTINGS.test(k)));
  const run = spawnSync(TSX, ['scripts/train-injection.ts'], {
    cwd: REPO,
    env: { ...inherited, ...TINY, MODEL_OUT: out, ...env },
    encoding: 'utf8',
    // spawnSync blocks the test's own time limit, so a hung run is stopped here (far above normal)
    timeout: 240_000,
  });
  return { status: run.status, stderr: run.stderr };
}

describe.skipIf(!existsSync(TRAIN))('train-injection settings', () => {
  it('trains without README rows (DOCS=0) and records no README weight', () => {
    const out = path.join(dir, 'no-docs.json');
    const run = train({ DOCS: '0' }, out);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const model = JSON.parse(readFileSync(out, 'utf8'));
    expect(model.training.docs).toBeUndefined();
    expect(model.training.groupWeights).toEqual({ notinject: 2, 'wildguard-benign': 1.5 });
  });

  it('refuses a weight for README rows the run does not write', () => {
    const out = path.join(dir, 'refused.json');
    const run = train({ DOCS: '0', GROUP_WEIGHTS: 'docs:planted=0.1' }, out);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('GROUP_WEIGHTS: no source "docs:planted"');
    expect(run.stderr).toContain('see DOCS, DOC_PARAGRAPHS, DOC_PAIRS');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses values that are not numbers or flags, naming the variable', () => {
    for (const [env, message] of [
      [{ PARAGRAPH_DISCOUNT: 'abc' }, 'PARAGRAPH_DISCOUNT: expected a finite number'],
      [{ DOCS: 'yes' }, 'DOCS: expected 0 or 1, got "yes"'],
      [{ L2: 'abc' }, 'L2: expected a finite number ≥ 0, got "abc"'],
      [{ EPOCHS: '0' }, 'EPOCHS: expected an integer ≥ 1, got "0"'],
      [{ GROUP_WEIGHTS: 'notinject=0' }, 'GROUP_WEIGHTS: expected source=weight (weight > 0)'],
    ] as const) {
      const run = train(env, path.join(dir, 'bad.json'));
      expect(run.status, JSON.stringify(env)).not.toBe(0);
      expect(run.stderr).toContain(message);
    }
    expect(existsSync(path.join(dir, 'bad.json'))).toBe(false);
  });
});
