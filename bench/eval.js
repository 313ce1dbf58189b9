// End-to-end evaluation speed as a user runs it: `promptops test` from process start to exit, the
// run stored in the registry, for 1,000 and 10,000 cases × 3 assertions (contains, not-contains,
// regex) on the offline echo provider. Prints JSON. Reference (issue 5): promptfoo 0.121.20 takes
// 6.5 s / 290 MB and 40 s / 1.1 GB here; targets ≤ 0.33 s and ≤ 2 s, under 200 MB at 10,000.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineReferenceMs } from './lib/machine.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'promptops.cjs');

function project(cases) {
  const dir = mkdtempSync(path.join(tmpdir(), 'promptops-eval-bench-'));
  mkdirSync(path.join(dir, 'prompts'));
  writeFileSync(path.join(dir, 'promptops.yaml'), 'project: bench\ncatalog: prompts\n');
  writeFileSync(
    path.join(dir, 'prompts', 'echo.prompt'),
    '---\nname: echo\nmodel: offline/echo\ninput:\n  schema:\n    question: string\n---\n{{role "system"}}Answer briefly.\n{{role "user"}}{{question}}\n',
  );
  const lines = ['tests:'];
  for (let i = 0; i < cases; i++) {
    lines.push(
      `  - vars: { question: "What is item ${i}?" }`,
      '    assert:',
      `      - { type: contains, value: "item ${i}" }`,
      '      - { type: not-contains, value: "forbidden" }',
      '      - { type: regex, value: "item \\\\d+" }',
    );
  }
  writeFileSync(path.join(dir, 'prompts', 'echo.tests.yaml'), `${lines.join('\n')}\n`);
  return dir;
}

function measure(cases) {
  const dir = project(cases);
  try {
    spawnSync(process.execPath, [bin, 'test', '--no-cache'], { cwd: dir }); // warm the code cache and the store
    const runs = [];
    for (let i = 0; i < 5; i++) {
      const result = spawnSync(
        '/usr/bin/time',
        ['-f', '%e %M', process.execPath, bin, 'test', '--no-cache'],
        {
          cwd: dir,
          encoding: 'utf8',
        },
      );
      if (result.status !== 0)
        throw new Error(`promptops test exited ${result.status}: ${result.stdout}${result.stderr}`);
      const [seconds, kb] = result.stderr.trim().split('\n').at(-1).split(' ').map(Number);
      runs.push({ seconds, mb: kb / 1024 });
    }
    runs.sort((a, b) => a.seconds - b.seconds);
    const median = runs[Math.floor(runs.length / 2)];
    return {
      cases,
      assertions: cases * 3,
      medianSeconds: median.seconds,
      peakMb: Math.round(Math.max(...runs.map((r) => r.mb))),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  JSON.stringify(
    {
      bench: 'eval-end-to-end',
      // this machine's speed now: read the timings with it (bench/lib/machine.js)
      machineReferenceMs: machineReferenceMs(),
      results: [measure(1_000), measure(10_000)],
      promptfoo: { 1000: { seconds: 6.5, mb: 290 }, 10000: { seconds: 40, mb: 1100 } },
      targets: { 1000: { seconds: 0.33 }, 10000: { seconds: 2, mb: 200 } },
    },
    null,
    2,
  ),
);
