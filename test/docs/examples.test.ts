/**
 * Every `promptops …` command line shown in README.md, CHANGELOG.md and docs/ is one the CLI
 * accepts: the command exists and takes those arguments and options. (What they do when run is
 * proven by pages.test.ts and the tests of the README tour, the team set-up and the SDK; this also
 * covers the pages nothing runs, CHANGELOG.md and the generated reference.)
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../cli/parse-support.js';
import { REPO } from '../helpers.js';
import { fencedBlocks, SHELL_LANGS } from './markdown.js';

/** Splits a shell command line into words: quotes kept together, a comment or an operator ends it. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else word = (word ?? '') + c;
      continue;
    }
    if (c === '$' && line[i + 1] === '(') {
      // A command substitution is one word, spaces and all: `checkpoints/$(date +%F).json`.
      const close = line.indexOf(')', i);
      word = (word ?? '') + line.slice(i, close + 1);
      i = close;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
      continue;
    }
    if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
      continue;
    }
    if (c === '#' && word === null) break;
    if ('|&;>'.includes(c)) break;
    word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  return words;
}

/** Each command line in a fenced block of a Markdown page, with where it is. */
function commandLines(markdown: string, file: string): { where: string; words: string[] }[] {
  return (
    fencedBlocks(markdown, file)
      // Shell sessions and scripts (and the generated pages' `text` examples), not diagrams or code.
      .filter((block) => [...SHELL_LANGS, 'text'].includes(block.lang))
      .flatMap((block) =>
        block.lines.flatMap(({ text, line }) => {
          // `$ promptops …`, `promptops …`, or `VAR=value promptops …`; not `X=$(promptops …)`.
          const match = /^\s*(?:\$ )?(?:[A-Z_]+=\S+ +)*promptops( .*)?$/.exec(text);
          return match ? [{ where: `${file}:${line}`, words: shellWords(match[1] ?? '') }] : [];
        }),
      )
  );
}

const pages = [
  'README.md',
  'CHANGELOG.md',
  ...(await readdir(path.join(REPO, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
];
const examples = (
  await Promise.all(
    pages.map(async (page) => commandLines(await readFile(path.join(REPO, page), 'utf8'), page)),
  )
).flat();

describe('command lines in the docs', () => {
  it('finds the command lines of every page', () => {
    expect(examples.length).toBeGreaterThan(100);
    expect(new Set(examples.map((e) => e.where.split(':')[0])).size).toBeGreaterThanOrEqual(6);
  });

  it('splits shell lines the way a shell would', () => {
    expect(shellWords(`run x --input '{"a": 1}' # note`)).toEqual(['run', 'x', '--input', '{"a": 1}']);
    expect(shellWords('change check "$CR" --json > checks.json')).toEqual([
      'change',
      'check',
      '$CR',
      '--json',
    ]);
    expect(shellWords('serve --port 0 & echo')).toEqual(['serve', '--port', '0']);
    expect(shellWords('audit checkpoint -o checkpoints/$(date +%F).json')).toEqual([
      'audit',
      'checkpoint',
      '-o',
      'checkpoints/$(date +%F).json',
    ]);
  });

  it.each(examples.map((e) => [e.where, e.words] as const))(
    '%s is a command line the CLI accepts',
    async (_, words) => {
      const parsed = await parseCommandLine(words).catch((err: { code?: string; message: string }) => {
        // --help and --version end the parse on purpose; anything else is a mistake in the page.
        if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 'exit';
        throw new Error(`promptops ${words.join(' ')}: ${err.message}`);
      });
      expect(parsed).not.toBeNull();
    },
  );
});
