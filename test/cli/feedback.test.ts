import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cliJson, runCli, useTempDir } from '../helpers.js';

const dir = useTempDir();
const cli = (...args: string[]) => runCli(args, { cwd: dir() });

/** A classifier whose scripted model calls a greeting spam, unless the prompt says greetings are ham. */
const PROMPT = (rule = '') => `---
name: classify
model: offline/scripted
input:
  schema:
    text: string
---
Classify this message as spam or ham.${rule} Message: {{text}}
`;

beforeEach(async () => {
  await mkdir(path.join(dir(), 'prompts'));
  await mkdir(path.join(dir(), 'fixtures'));
  await writeFile(
    path.join(dir(), 'promptops.yaml'),
    `project: shop
catalog: prompts
environments: [production]
store:
  url: sqlite:.promptops/registry.db
providers:
  offline:
    fixtures: fixtures/offline.yaml
`,
  );
  await writeFile(
    path.join(dir(), 'fixtures', 'offline.yaml'),
    `rules:
  - when: { prompt: classify, contains: greetings are ham }
    respond: { text: ham }
  - when: { prompt: classify }
    respond: { text: spam }
`,
  );
  await writeFile(path.join(dir(), 'prompts', 'classify.prompt'), PROMPT());
  expect((await cli('push')).code).toBe(0);
});

/** Runs the classifier on `text`; the trace id of the run. */
async function traceOf(text: string): Promise<string> {
  const run = await cli('run', 'classify', '--input', JSON.stringify({ text }), '--json');
  return cliJson(run).traceId as string;
}

const suiteFile = () => path.join(dir(), 'prompts', 'classify.tests.yaml');

describe('feedback', () => {
  it('turns negative feedback with a corrected output into a case that fails until the prompt is fixed', async () => {
    const bad = await traceOf('hello there');
    const good = await traceOf('WIN A FREE CRUISE');
    await writeFile(path.join(dir(), 'fixed.json'), '"ham"\n');
    const given = await cli(
      'feedback',
      bad,
      '--thumbs',
      'down',
      '--comment',
      'a greeting',
      '--corrected',
      '@fixed.json',
    );
    expect(given.code, given.stderr).toBe(0);
    expect((await cli('feedback', good, '--thumbs', 'up')).code).toBe(0);

    const added = cliJson(await cli('dataset', 'add-from-traces', '--feedback', 'negative', '--json'));
    expect(added).toMatchObject({ added: 1, files: [{ file: path.join('prompts', 'classify.tests.yaml') }] });
    expect(parse(await readFile(suiteFile(), 'utf8')).tests).toEqual([
      {
        description: `from negative feedback on trace ${bad}: a greeting`,
        vars: { text: 'hello there' },
        assert: [{ type: 'equals', value: 'ham' }],
        tags: ['feedback'],
      },
    ]);

    // The version that answered badly fails the case: the regression is caught.
    const failing = await cli('test', '--no-store', 'classify');
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('0/1 passed');
    expect(failing.stdout).toContain('expected "ham", got "spam"');

    // The fix: the prompt now says what a greeting is.
    await writeFile(path.join(dir(), 'prompts', 'classify.prompt'), PROMPT(' Note: greetings are ham.'));
    const passing = await cli('test', '--no-store', 'classify');
    expect(passing.stdout).toContain('1/1 passed');
    expect(passing.code).toBe(0);

    // Run again, it adds nothing: the suite has a case for that trace.
    const again = cliJson(await cli('dataset', 'add-from-traces', '--feedback', 'negative', '--json'));
    expect(again).toMatchObject({ added: 0 });
  });

  it('without a corrected output, the case asserts the answer differs from the bad one', async () => {
    const bad = await traceOf('hi');
    expect((await cli('feedback', bad, '--score', '0.1')).code).toBe(0);
    await writeFile(suiteFile(), '# kept\ntests:\n  - description: smoke\n    vars: { text: x }\n');
    await cli('dataset', 'add-from-traces', '--feedback', 'negative', '--prompt', 'classify');
    const text = await readFile(suiteFile(), 'utf8');
    expect(text).toContain('# kept');
    expect(parse(text).tests[1].assert).toEqual([{ type: 'not-equals', value: 'spam' }]);
    expect((await cli('test', '--no-store', 'classify')).stdout).toContain('1/2 passed');
  });

  it("lists feedback, only the negative with --negative, one trace's with --trace", async () => {
    const hi = await traceOf('hi');
    await cli('feedback', hi, '--thumbs', 'down', '--comment', 'greeting');
    await cli('feedback', await traceOf('BUY NOW'), '--score', '0.9');
    const one = JSON.parse((await cli('feedback', 'ls', '--trace', hi, '--json')).stdout) as {
      traceId: string;
    }[];
    expect(one.map((f) => f.traceId)).toEqual([hi]);
    const all = JSON.parse((await cli('feedback', 'ls', '--json')).stdout) as { negative: boolean }[];
    expect(all.map((f) => f.negative).sort()).toEqual([false, true]);
    const negative = await cli('feedback', 'ls', '--negative', '--prompt', 'classify');
    expect(negative.stdout).toContain('thumbs down');
    expect(negative.stdout).not.toContain('score 0.9');
  });

  it('refuses feedback on a trace that does not exist, and records nothing', async () => {
    const refused = await cli('feedback', 'no-such-trace', '--thumbs', 'down');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('PO_ERR_TRACE_NOT_FOUND');
    expect(JSON.parse((await cli('feedback', 'ls', '--json')).stdout)).toEqual([]);
  });

  it('needs thumbs or a score, each of the right form', async () => {
    const trace = await traceOf('hi');
    for (const args of [[], ['--thumbs', 'sideways'], ['--score', '1.5'], ['--score', 'high']]) {
      const refused = await cli('feedback', trace, ...args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toContain('PO_ERR_USAGE');
    }
  });
});
