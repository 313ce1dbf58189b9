import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseContext } from '../../src/project/parse-context.js';
import { copyExamples, promptopsOnPath, REPO, runCli, runShell, useTempDir } from '../helpers.js';

const dir = useTempDir();

/** The `$ promptops …` lines of each ```console block in the README's tour, in order. */
async function tourBlocks(): Promise<string[][]> {
  const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
  const tour = readme.slice(
    readme.indexOf('## Five-minute tour'),
    readme.indexOf('## What a prompt looks like'),
  );
  return [...tour.matchAll(/```console\n([\s\S]*?)```/g)].map((m) =>
    m[1]!
      .split('\n')
      .filter((l) => l.startsWith('$ '))
      .map((l) => l.slice(2).replace(/\s+#.*$/, '')),
  );
}

describe('README', () => {
  it('shows SDK code that runs against the example catalog', async () => {
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    const code = /## Use it from code\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(code).toContain("from 'promptops'");
    const project = path.join(dir(), 'catalog');
    await copyExamples(project);
    expect((await runCli(['push'], { cwd: project })).code).toBe(0);
    expect((await runCli(['label', 'set', 'support-reply@1', 'production'], { cwd: project })).code).toBe(0);
    const script = code.replace(
      "from 'promptops'",
      `from ${JSON.stringify(pathToFileURL(path.join(REPO, 'dist', 'index.js')).href)}`,
    );
    await writeFile(
      path.join(project, 'app.mjs'),
      `${script}\nconsole.log(JSON.stringify({ output, traceId }));\n`,
    );
    const result = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, ['app.mjs'], { cwd: project }, (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, out: stdout + stderr }),
      ),
    );
    expect(result.out).toContain('"category":"billing"');
    expect(result.code).toBe(0);
    const traces = JSON.parse((await runCli(['traces', '--json'], { cwd: project })).stdout).traces;
    expect(traces[0].id).toBe(JSON.parse(result.out.trim().split('\n').at(-1)!).traceId);
  });

  it('shows a prompt file that lints clean', async () => {
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    const source = /```handlebars\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const { parsePrompt } = await import('../../src/catalog/parse.js');
    const { defaultProjectConfig } = await import('../../src/project/config.js');
    const result = await parsePrompt(source, 'support-reply.prompt', parseContext(defaultProjectConfig()));
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.promptops.guardrails.output).toEqual([{ name: 'pii', action: 'block', options: {} }]);
    // …and that runs: in the example catalog, in place of its own support-reply
    const project = path.join(dir(), 'catalog');
    await copyExamples(project);
    await writeFile(path.join(project, 'prompts', 'support-reply.prompt'), source);
    expect((await runCli(['push'], { cwd: project })).code).toBe(0);
    const ran = await runCli(['run', 'support-reply', '--input', '@inputs/support-reply.json', '--json'], {
      cwd: project,
    });
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout).output).toMatchObject({ escalate: false, category: 'billing' });
  });

  it('documents a promptops.yaml that validates', async () => {
    const doc = await readFile(path.join(REPO, 'docs', 'catalog.md'), 'utf8');
    const yaml = /## promptops.yaml\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const { parseProjectConfig } = await import('../../src/project/config.js');
    const { config, diagnostics } = parseProjectConfig(yaml, 'promptops.yaml');
    expect(diagnostics).toEqual([]);
    expect(config?.providers['local-vllm']).toEqual({
      type: 'openai-compatible',
      baseUrl: 'http://127.0.0.1:8000/v1',
      apiKeyEnv: 'VLLM_KEY',
    });
  });

  it('opens with the two set-up commands', async () => {
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toContain('npm install && npm run demo');
    expect(firstBlock).toContain('npm test');
  });

  it('runs the five-minute tour exactly as written', async () => {
    const blocks = await tourBlocks();
    expect(blocks).toHaveLength(4);
    const binDir = await promptopsOnPath(dir());
    const bash = (script: string, cwd: string) => runShell(script, { cwd, binDir });

    const first = await bash(blocks[0]!.join('\n'), dir());
    expect(first.output).toContain('production → summarize@1');
    expect(first.code).toBe(0);

    const project = path.join(dir(), 'my-prompts');
    const file = path.join(project, 'prompts', 'summarize.prompt');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        'in at most {{maxWords}} words',
        'in at most {{maxWords}} short words',
      ),
    );
    const second = await bash(blocks[1]!.join('\n'), project);
    expect(second.output).toMatch(/summarize\s+changed/);
    expect(second.output).toContain('created   summarize@2');
    expect(second.code).toBe(0);

    const third = await bash(blocks[2]!.join('\n'), project);
    expect(third.output).toContain('Invoice 4411 is 30 days overdue.');
    expect(third.output).toMatch(/summarize@1\s+production\s+ok\s+offline\/echo/);
    expect(third.output).toContain('1/1 passed');
    expect(third.code).toBe(0);

    const fourth = await bash(blocks[3]!.join('\n'), project);
    expect(fourth.output).toContain('opened change request #1');
    expect(fourth.output).toMatch(/regression\s+pass/);
    expect(fourth.output).toContain('released summarize staging → @2');
    expect(fourth.output).toContain('promoted summarize production → @2');
    expect(fourth.output).toContain('rolled back summarize production → @1');
    expect(fourth.output).toMatch(/audit log intact: \d+ entries verified/);
    expect(fourth.code).toBe(0);
  });
});
