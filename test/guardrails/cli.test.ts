import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyExamples, runCli, tempDir } from '../helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  await copyExamples(dir);
});
afterEach(async () => cleanup());

describe('promptops guardrails check', () => {
  it("runs a prompt's output guardrails on a text and exits 1 when it would be blocked", async () => {
    await runCli(['push'], { cwd: dir });
    const allowed = await runCli(
      ['guardrails', 'check', '--prompt', 'refund-decision', '--stage', 'output', '--text', 'Approve it.'],
      { cwd: dir },
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('allowed');
    const long = 'x'.repeat(2500);
    const blocked = await runCli(
      ['guardrails', 'check', '--prompt', 'refund-decision', '--stage', 'output', '--text', long, '--json'],
      { cwd: dir },
    );
    expect(blocked.code).toBe(1);
    expect(JSON.parse(blocked.stdout)).toMatchObject({
      blocked: true,
      guardrails: expect.arrayContaining([expect.objectContaining({ name: 'length', verdict: 'fail' })]),
    });
  });

  it('scores a JSONL file line by line', async () => {
    await runCli(['push'], { cwd: dir });
    const file = path.join(dir, 'cases.jsonl');
    await writeFile(
      file,
      `${JSON.stringify({ text: 'short' })}\n\n${JSON.stringify({ text: 'y'.repeat(3000) })}\n`,
    );
    const result = await runCli(
      ['guardrails', 'check', '--prompt', 'refund-decision', '--stage', 'output', '--jsonl', file],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.blocked)).toEqual([false, true]);
    const bad = path.join(dir, 'bad.jsonl');
    await writeFile(bad, '{"text": 1}\n');
    const refused = await runCli(
      ['guardrails', 'check', '--prompt', 'refund-decision', '--stage', 'output', '--jsonl', bad],
      { cwd: dir },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('bad.jsonl:1 has no "text" string');
  });

  it('explains usage mistakes', async () => {
    const none = await runCli(['guardrails', 'check', '--text', 'x'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--guardrail NAME or a prompt with --prompt');
    const needsOptions = await runCli(['guardrails', 'check', '--guardrail', 'banned-terms', '--text', 'x'], {
      cwd: dir,
    });
    expect(needsOptions.stderr).toContain('needs options (terms)');
    const wrongStage = await runCli(
      ['guardrails', 'check', '--guardrail', 'system-prompt-leak', '--text', 'x'],
      { cwd: dir },
    );
    expect(wrongStage.stderr).toContain('--stage output');
  });
});
