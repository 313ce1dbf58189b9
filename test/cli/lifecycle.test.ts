import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExamples, runCli, useTempDir } from '../helpers.js';

const dir = useTempDir();

/** The example project, copied to a fresh folder; returns its path. */
async function exampleProject(): Promise<string> {
  const target = path.join(dir(), 'catalog');
  await copyExamples(target);
  return target;
}

describe('a prompt through its lifecycle, with the built CLI', () => {
  it('scaffolds a project with init that passes lint as created', async () => {
    const init = await runCli(['init', 'proj'], { cwd: dir() });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('prompts/summarize.prompt');
    const lint = await runCli(['lint'], { cwd: path.join(dir(), 'proj') });
    expect(lint.stdout).toContain('1 prompt valid; 0 errors, 0 warnings');
    expect(lint.code).toBe(0);
    const again = await runCli(['init', 'proj'], { cwd: dir() });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already a promptops project');
  });

  it('pushes new versions, is idempotent, and moves, removes and remembers labels', async () => {
    const cwd = await exampleProject();
    const first = await runCli(['push', '-m', 'initial', '--json'], { cwd });
    expect(first.code).toBe(0);
    const created = JSON.parse(first.stdout).prompts;
    expect(created.map((p: { status: string }) => p.status)).toEqual([
      'created',
      'created',
      'created',
      'created',
    ]);

    const second = await runCli(['push', '--json'], { cwd });
    expect(JSON.parse(second.stdout).prompts.every((p: { status: string }) => p.status === 'unchanged')).toBe(
      true,
    );

    const file = path.join(cwd, 'prompts', 'contract-extractor.prompt');
    await writeFile(file, (await readFile(file, 'utf8')).replace('never guess dates', 'never invent dates'));
    const third = await runCli(['push', '-m', 'wording', '--json'], { cwd });
    const outcome = JSON.parse(third.stdout).prompts.find(
      (p: { prompt: string }) => p.prompt === 'contract-extractor',
    );
    expect(outcome).toMatchObject({ status: 'created', number: 2, previous: 1 });

    const versions = JSON.parse((await runCli(['versions', 'contract-extractor', '--json'], { cwd })).stdout);
    expect(
      versions.versions.map((v: { number: number; message: string; author: string }) => [
        v.number,
        v.message,
        v.author,
      ]),
    ).toEqual([
      [1, 'initial', 'tester@example.com'],
      [2, 'wording', 'tester@example.com'],
    ]);

    expect((await runCli(['label', 'set', 'contract-extractor@1', 'production'], { cwd })).code).toBe(0);
    const shown = JSON.parse(
      (await runCli(['show', 'contract-extractor:production', '--json'], { cwd })).stdout,
    );
    expect(shown.number).toBe(1);
    expect(shown.spec.template).toContain('never guess dates');

    const moved = await runCli(['label', 'set', 'contract-extractor@2', 'production'], { cwd });
    expect(moved.stdout).toContain('was @1');
    const removed = await runCli(['label', 'rm', 'contract-extractor', 'production'], { cwd });
    expect(removed.code).toBe(0);
    const gone = await runCli(['show', 'contract-extractor:production'], { cwd });
    expect(gone.code).toBe(3);
    expect(gone.stderr).toContain('PO_ERR_LABEL_NOT_FOUND');

    const history = JSON.parse(
      (await runCli(['label', 'history', 'contract-extractor', '--json'], { cwd })).stdout,
    );
    expect(
      history.events.map((e: { action: string; from: number | null; to: number | null }) => [
        e.action,
        e.from,
        e.to,
      ]),
    ).toEqual([
      ['set', null, 1],
      ['set', 1, 2],
      ['remove', 2, null],
    ]);
  });

  it('reports drift with status --check and names breaking changes in diff', async () => {
    const cwd = await exampleProject();
    await runCli(['push'], { cwd });
    const clean = await runCli(['status', '--check'], { cwd });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('in sync');

    const file = path.join(cwd, 'prompts', 'refund-decision.prompt');
    const source = await readFile(file, 'utf8');
    await writeFile(
      file,
      source
        .replace(
          "    reason: string, the customer's stated reason",
          "    reason: string, the customer's stated reason\n    country: string",
        )
        .replace("Customer's reason: {{reason}}", "Customer's reason: {{reason}} ({{country}})")
        .replace(
          '    rationale: string, two or three sentences a support agent can read to the customer\n',
          '',
        ),
    );
    const drift = await runCli(['status', '--check'], { cwd });
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(/refund-decision\s+changed/);
    expect(drift.stderr).toContain('PO_ERR_CATALOG_DRIFT');

    const working = await runCli(['diff', 'refund-decision', '--json'], { cwd });
    expect(working.code).toBe(0);
    const result = JSON.parse(working.stdout);
    expect(result.isBreaking).toBe(true);
    expect(result.breaking).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ area: 'input', path: 'input.country' }),
        expect.objectContaining({ area: 'output', path: 'output.rationale' }),
      ]),
    );
    const text = await runCli(['diff', 'refund-decision'], { cwd });
    expect(text.stdout).toContain("+Customer's reason: {{reason}} ({{country}})");
    expect(text.stdout).toContain('2 breaking changes');

    // For CI: breaking changes fail the command on request, and push warns about them.
    const gated = await runCli(['diff', 'refund-decision', '--fail-on-breaking'], { cwd });
    expect(gated.code).toBe(1);
    expect(gated.stdout).toContain('2 breaking changes');
    expect(gated.stderr).toContain('error[PO_ERR_CONTRACT_BREAKING]');
    expect(gated.stderr).toContain('refund-decision against @1 (input.country, output.rationale)');
    const unchanged = await runCli(['diff', 'support-reply', '--fail-on-breaking'], { cwd });
    expect(unchanged.code).toBe(0);
    const status = await runCli(['status', '--fail-on-breaking', '--json'], { cwd });
    expect(status.code).toBe(1);
    expect(JSON.parse(status.stdout).breaking).toEqual([
      expect.objectContaining({ prompt: 'refund-decision', against: 1 }),
    ]);
    expect(JSON.parse(status.stderr).error.code).toBe('PO_ERR_CONTRACT_BREAKING');
    const pushed = await runCli(['push', '-m', 'country'], { cwd });
    expect(pushed.code).toBe(0);
    expect(pushed.stderr).toContain(
      'warning: refund-decision@2 makes 2 breaking contract changes against @1',
    );
    expect(pushed.stderr).toContain('input.country');
    const after = await runCli(['status', '--check', '--fail-on-breaking'], { cwd });
    expect(after.code).toBe(0);
  });

  it('refuses to archive a labelled version and archives it once the label is gone', async () => {
    const cwd = await exampleProject();
    await runCli(['push'], { cwd });
    await runCli(['label', 'set', 'support-reply@1', 'staging'], { cwd });
    const refused = await runCli(['archive', 'support-reply@1'], { cwd });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('PO_ERR_VERSION_LABELLED');
    expect((await runCli(['archive', 'support-reply'], { cwd })).code).toBe(2);
    await runCli(['label', 'rm', 'support-reply', 'staging'], { cwd });
    const archived = await runCli(['archive', 'support-reply@1', '--reason', 'superseded'], { cwd });
    expect(archived.code).toBe(0);
    const relabel = await runCli(['label', 'set', 'support-reply@1', 'staging'], { cwd });
    expect(relabel.code).toBe(4);
    expect(relabel.stderr).toContain('archived');
  });

  it('runs the demo end to end', async () => {
    const result = await runCli(['demo', path.join(dir(), 'demo')], { cwd: dir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('created   support-reply@2');
    expect(result.stdout).toContain('input.locale: new required field');
    expect(result.stdout).toContain('blocked by guardrail "prompt-injection"');
    expect(result.stdout).toMatch(
      /support-reply@1\s+input\s+prompt-injection\s+block\s+\d+\s+1\s+1 \(100%\)/,
    );
    // The demo leaves a catalog whose suites pass, so the next command a user tries works.
    const tested = await runCli(['test', '--no-store'], { cwd: path.join(dir(), 'demo') });
    expect(tested.stdout).toContain('8 passed, 0 failed, 0 errors');
    expect(tested.code).toBe(0);
    const again = await runCli(['demo', path.join(dir(), 'demo')], { cwd: dir() });
    expect(again.code).toBe(0);
  });

  it('names the working copy as the working copy, not @0, when a suite breaks its contract', async () => {
    const cwd = await exampleProject();
    const suite = path.join(cwd, 'prompts', 'support-reply.tests.yaml');
    await writeFile(
      suite,
      (await readFile(suite, 'utf8')).replace('    customer: { name: Dana, tier: pro }\n', ''),
    );
    const result = await runCli(['test', 'support-reply', '--no-store'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('input for support-reply (working copy) breaks its contract');
    expect(result.stdout).not.toContain('@0');
  });
});
