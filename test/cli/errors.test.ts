import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, useTempDir } from '../helpers.js';

const dir = useTempDir({ examples: true });

// biome-ignore lint/suspicious/noControlCharactersInRegex: detects ANSI colour escapes
const ANSI = /\u001b\[/;

describe('bad input gets a clear error and nothing stored changes', () => {
  it.each([
    ['bad YAML', '---\nname: [unclosed\n---\nhello\n', 'yaml-syntax'],
    ['binary junk', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe]), 'file-encoding'],
    ['wrong types', '---\nname: 5\nmodel: [1, 2]\npromptops.risk: extreme\n---\nhi\n', 'frontmatter-invalid'],
    ['an unclosed frontmatter', '---\nname: x\nhello {{x}}\n', 'frontmatter-unclosed'],
  ])(
    'refuses a push of a catalog with %s, exit 1, no stack trace, registry untouched',
    async (_, content, rule) => {
      expect((await runCli(['push', '-m', 'baseline'], { cwd: dir() })).code).toBe(0);
      const before = (await runCli(['ls', '--json'], { cwd: dir() })).stdout;
      const support = path.join(dir(), 'prompts', 'support-reply.prompt');
      await writeFile(
        support,
        (await readFile(support, 'utf8')).replace('Latest message:', 'Newest message:'),
      );
      await writeFile(path.join(dir(), 'prompts', 'broken.prompt'), content);

      const push = await runCli(['push'], { cwd: dir() });
      expect(push.code).toBe(1);
      expect(push.stderr).toContain(rule);
      expect(push.stderr).toContain('PO_ERR_CATALOG_INVALID');
      expect(push.stderr).toContain('Nothing was written');
      expect(push.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
      expect((await runCli(['ls', '--json'], { cwd: dir() })).stdout).toBe(before);
    },
  );

  it('rejects a 10 MB .prompt without reading it as a template', async () => {
    await writeFile(path.join(dir(), 'prompts', 'huge.prompt'), Buffer.alloc(10 * 1024 * 1024, 'a'));
    const lint = await runCli(['lint', '--json'], { cwd: dir() });
    expect(lint.code).toBe(1);
    const result = JSON.parse(lint.stdout);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ rule: 'file-too-large', file: path.join('prompts', 'huge.prompt') }),
    ]);
    expect(result.diagnostics[0].message).toContain('10.0 MB');
  });

  it('prints file:line:col, the rule and a fix for each lint problem', async () => {
    await writeFile(
      path.join(dir(), 'prompts', 'typo.prompt'),
      '---\nname: typo\nmodle: openai/gpt-4o\ninput:\n  schema:\n    question: string\n---\nAnswer {{questoin}}\n',
    );
    const lint = await runCli(['lint', 'prompts/typo.prompt'], { cwd: dir() });
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain(
      'prompts/typo.prompt:3:1 error unknown frontmatter key "modle" (did you mean "model"?)',
    );
    expect(lint.stdout).toContain('prompts/typo.prompt:8:10 error the template reads "questoin"');
    expect(lint.stdout).toContain('(did you mean "question"?) [undeclared-variable]');
    expect(lint.stdout).toContain('prompts/typo.prompt:6:5 warning required input "question" is never used');
    expect(lint.stdout).not.toMatch(ANSI);
  });

  it('exits 3 with a hint for an unknown prompt, 2 for a malformed reference', async () => {
    await runCli(['push'], { cwd: dir() });
    const missing = await runCli(['show', 'nope'], { cwd: dir() });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('error[PO_ERR_PROMPT_NOT_FOUND]: prompt "nope" is not in the registry');
    const json = await runCli(['show', 'nope@7', '--json'], { cwd: dir() });
    expect(JSON.parse(json.stderr).error.code).toBe('PO_ERR_PROMPT_NOT_FOUND');
    const bad = await runCli(['show', 'bad ref!'], { cwd: dir() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('NAME@3');
    const version = await runCli(['show', 'support-reply@9'], { cwd: dir() });
    expect(version.code).toBe(3);
    expect(version.stderr).toContain('PO_ERR_VERSION_NOT_FOUND');
  });

  it('tells the user to run init outside a project, and rejects unknown commands', async () => {
    const { dir: empty, cleanup: done } = await tempDir();
    try {
      const push = await runCli(['push'], { cwd: empty });
      expect(push.code).toBe(2);
      expect(push.stderr).toContain('promptops init');
      // lint, too, says there is no project instead of walking every file below the folder
      const { mkdir } = await import('node:fs/promises');
      await mkdir(path.join(empty, 'deep', 'er'), { recursive: true });
      await writeFile(path.join(empty, 'deep', 'er', 'stray.prompt'), '---\nname: [unclosed\n---\nhi\n');
      const lint = await runCli(['lint'], { cwd: empty });
      expect(lint.code).toBe(2);
      expect(lint.stderr).toContain('PO_ERR_CONFIG_NOT_FOUND');
      expect(lint.stderr).toContain('promptops init');
      expect(lint.stdout).not.toContain('stray.prompt');
      // a file named on the command line is linted without a project
      const named = await runCli(['lint', path.join('deep', 'er', 'stray.prompt')], { cwd: empty });
      expect(named.code).toBe(1);
      expect(named.stdout).toContain('yaml-syntax');
      const unknown = await runCli(['pusj'], { cwd: empty });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('(Did you mean push?)');
    } finally {
      await done();
    }
  });

  it('reports an invalid promptops.yaml with its line', async () => {
    await writeFile(
      path.join(dir(), 'promptops.yaml'),
      'project: x\nproviders:\n  openai:\n    apiKey: sk-live-123\n',
    );
    const result = await runCli(['push'], { cwd: dir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('promptops.yaml:4:5');
    expect(result.stderr).toContain('apiKeyEnv');
    expect(result.stderr).not.toContain('sk-live-123');
  });

  it('shows examples in --help and the version with --version', async () => {
    const help = await runCli(['push', '--help'], { cwd: dir() });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('$ promptops push -m');
    const version = await runCli(['--version'], { cwd: dir() });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
