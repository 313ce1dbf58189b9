import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PromptOpsError } from '../../errors.js';
import { CONFIG_FILE } from '../../project/config.js';
import { color, print } from '../output.js';
import type { InitOptions } from './init-commands.js';

const CONFIG = `# promptops project settings. Reference: docs/catalog.md
project: my-prompts
catalog: prompts
environments: [development, staging, production]
store:
  url: sqlite:.promptops/registry.db
defaults:
  model: offline/echo
  risk: low
  contract:
    policy: reject
policy:
  ownerRequiredFrom: high
`;

const PROMPT = `---
name: summarize
description: Summarises a document for a busy reader.
model: offline/echo
config:
  temperature: 0.2
input:
  schema:
    text: string, the document to summarise
    maxWords?: integer, upper bound on the summary length
  default:
    maxWords: 60
promptops.owner: you@example.com
promptops.risk: low
promptops.tags: [example]
promptops.contract:
  policy: reject
  maxInputChars: 20000
promptops.guardrails:
  input:
    - prompt-injection
  output:
    - name: length
      options: { max: 2000 }
---
{{role "system"}}
You write faithful, neutral summaries. Never add facts that are not in the text.

{{role "user"}}
Summarise the following in at most {{maxWords}} words:

{{text}}
`;

const TESTS = `# Test suite for summarize.prompt (run with \`promptops test\`).
description: summarize keeps the key facts
tests:
  - description: keeps the invoice number
    vars:
      text: Invoice 4411 is overdue by 30 days; the customer asked for a payment plan.
    assert:
      - type: icontains
        value: "4411"
`;

const GITIGNORE = '.promptops/\n';

/** `promptops init [dir]`: scaffolds a project that passes `promptops lint` as created. */
export async function init(dir: string | undefined, options: InitOptions): Promise<number> {
  const root = path.resolve(dir ?? '.');
  await mkdir(root, { recursive: true });
  const existing = await readdir(root);
  if (existing.includes(CONFIG_FILE) && !options.force) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `${path.join(root, CONFIG_FILE)} already exists; this folder is already a promptops project (use --force to overwrite the scaffold files)`,
    );
  }
  await mkdir(path.join(root, 'prompts'), { recursive: true });
  const files: [string, string][] = [
    [CONFIG_FILE, CONFIG.replace('my-prompts', projectName(root))],
    ['prompts/summarize.prompt', PROMPT],
    ['prompts/summarize.tests.yaml', TESTS],
  ];
  if (!existing.includes('.gitignore')) files.push(['.gitignore', GITIGNORE]);
  for (const [name, content] of files) {
    await writeFile(path.join(root, name), content);
    print(`${color.green('created')} ${path.relative(process.cwd(), path.join(root, name)) || name}`);
  }
  print();
  print(`next: ${color.bold('promptops lint')}, then ${color.bold('promptops push -m "first version"')}`);
  return 0;
}

function projectName(root: string): string {
  const base = path
    .basename(root)
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return base || 'my-prompts';
}
