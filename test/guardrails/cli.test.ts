import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../helpers.js';

const dir = useTempDir({ examples: true });

describe('promptops guardrails check', () => {
  it("runs a prompt's output guardrails on a text and exits 1 when it would be blocked", async () => {
    await runCli(['push'], { cwd: dir() });
    const allowed = await runCli(
      ['guardrails', 'check', '--prompt', 'refund-decision', '--stage', 'output', '--text', 'Approve it.'],
      { cwd: dir() },
    );
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('allowed');
    const long = 'x'.repeat(2500);
    const blocked = await runCli(
      ['guardrails', 'check', '--prompt', 'refund-decision', '--stage', 'output', '--text', long, '--json'],
      { cwd: dir() },
    );
    expect(blocked.code).toBe(1);
    expect(JSON.parse(blocked.stdout)).toMatchObject({
      blocked: true,
      guardrails: expect.arrayContaining([expect.objectContaining({ name: 'length', verdict: 'fail' })]),
    });
  });

  it('scores a JSONL file line by line', async () => {
    await runCli(['push'], { cwd: dir() });
    const file = path.join(dir(), 'cases.jsonl');
    await writeFile(
      file,
      `${JSON.stringify({ text: 'short' })}\n\n${JSON.stringify({ text: 'y'.repeat(3000) })}\n`,
    );
    const result = await runCli(
      ['guardrails', 'check', '--prompt', 'refund-decision', '--stage', 'output', '--jsonl', file],
      { cwd: dir() },
    );
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.blocked)).toEqual([false, true]);
    const bad = path.join(dir(), 'bad.jsonl');
    await writeFile(bad, '{"text": 1}\n');
    const refused = await runCli(
      ['guardrails', 'check', '--prompt', 'refund-decision', '--stage', 'output', '--jsonl', bad],
      { cwd: dir() },
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('bad.jsonl:1 has no "text" string');
  });

  it('explains usage mistakes', async () => {
    const none = await runCli(['guardrails', 'check', '--text', 'x'], { cwd: dir() });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--guardrail NAME or a prompt with --prompt');
    const needsOptions = await runCli(['guardrails', 'check', '--guardrail', 'banned-terms', '--text', 'x'], {
      cwd: dir(),
    });
    expect(needsOptions.stderr).toContain('needs options (terms)');
    const wrongStage = await runCli(
      ['guardrails', 'check', '--guardrail', 'system-prompt-leak', '--text', 'x'],
      { cwd: dir() },
    );
    expect(wrongStage.stderr).toContain('--stage output');
  });
});

describe('custom guardrails from the command line', () => {
  const MJS = `export function check(text, context, options) {
  const amount = Number(/(\\d+)\\s*EUR/.exec(text)?.[1] ?? 0);
  return amount > (options.max ?? 500)
    ? { isViolation: true, reasons: [\`\${amount} EUR is above the limit\`] }
    : false;
}
`;
  const CJS = `exports.check = (text) => /chargeback/i.test(text);\n`;

  it('loads .mjs and CommonJS .js modules for run, test and guardrails check', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.join(dir(), 'guardrails'), { recursive: true });
    await writeFile(path.join(dir(), 'guardrails', 'refund-amount.mjs'), MJS);
    await writeFile(path.join(dir(), 'guardrails', 'chargeback.js'), CJS);
    await writeFile(
      path.join(dir(), 'promptops.yaml'),
      `project: custom\ncatalog: refunds\nguardrails:\n  custom:\n    refund-amount: ./guardrails/refund-amount.mjs\n    chargeback: ./guardrails/chargeback.js\n`,
    );
    await mkdir(path.join(dir(), 'refunds'), { recursive: true });
    await writeFile(
      path.join(dir(), 'refunds', 'refund.prompt'),
      `---
name: refund
model: offline/echo
input:
  schema:
    text: string
promptops.guardrails:
  input:
    - { name: refund-amount, action: block, options: { max: 500 } }
    - { name: chargeback, action: block }
---
{{text}}
`,
    );
    await writeFile(
      path.join(dir(), 'refunds', 'refund.tests.yaml'),
      `tests:
  - description: small refunds pass
    vars: { text: please refund 20 EUR }
    assert:
      - { type: contains, value: 20 EUR }
`,
    );
    const pushed = await runCli(['push'], { cwd: dir() });
    expect(pushed.stderr).toBe('');
    expect(pushed.code).toBe(0);

    const blocked = await runCli(['run', 'refund', '--input', '{"text":"please refund 900 EUR"}'], {
      cwd: dir(),
    });
    expect(blocked.stderr).toContain('PO_ERR_GUARDRAIL_BLOCKED');
    expect(blocked.stderr).toContain('900 EUR is above the limit');
    const charged = await runCli(['run', 'refund', '--input', '{"text":"or I file a chargeback"}'], {
      cwd: dir(),
    });
    expect(charged.stderr).toContain('chargeback');
    expect(charged.stderr).toContain('PO_ERR_GUARDRAIL_BLOCKED');
    const allowed = await runCli(['run', 'refund', '--input', '{"text":"please refund 20 EUR"}'], {
      cwd: dir(),
    });
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).not.toContain('error');
    expect(allowed.stdout).toContain('20 EUR');

    const checked = await runCli(
      ['guardrails', 'check', '--prompt', 'refund', '--text', 'refund 900 EUR', '--json'],
      { cwd: dir() },
    );
    expect(checked.code).toBe(1);
    expect(JSON.parse(checked.stdout)).toMatchObject({
      blocked: true,
      guardrails: expect.arrayContaining([
        expect.objectContaining({ name: 'refund-amount', verdict: 'fail' }),
      ]),
    });
    const tested = await runCli(['test'], { cwd: dir() });
    expect(tested.stderr).toBe('');
    expect(tested.code).toBe(0);
  });
});
