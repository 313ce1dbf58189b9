import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { cliJson, runCli, startServe, stopServe, useTempDir } from '../helpers.js';

/** `greet` as released to production (version 1); version 2 runs beside it as a 50 % canary. */
const GREET = `---
name: greet
description: Greets a customer by name.
model: offline/echo
input:
  schema:
    name: string, the customer's name
promptops.overrides:
  config: [temperature]
---
{{role "system"}}
You greet people. {{> tone}}

{{role "user"}}
Say hello to {{name}}.
`;

/** A prompt without role markers: one user message, a Langfuse text prompt. */
const SHOUT = `---
name: shout
description: Repeats a phrase loudly.
model: offline/echo
input:
  schema:
    phrase: string
    times?: integer
---
Repeat "{{phrase}}" loudly, {{times}} times.
`;

/** A prompt whose every answer a guardrail holds for human review (offline/echo repeats "hello"). */
const HELD = `---
name: held
description: Every answer waits for a person.
model: offline/echo
input:
  schema:
    text: string
promptops.guardrails:
  output:
    - name: banned-terms
      action: escalate
      options: { terms: [hello] }
---
Say hello to {{text}}.
`;

/** What the tests of a served project get: the server's address, an admin token and the folder. */
export interface ServedProject {
  url: string;
  token: string;
  dir: string;
}

/**
 * The example project served by `promptops serve` (its embedded gateway) for the tests of one
 * file: support-reply@1, contract-extractor@1, shout@1 and held@1 in production, greet@1 in production with greet@2 as a 50 %
 * canary (released through change requests, under a policy that needs no approvals).
 * `config` is appended to promptops.yaml (top-level settings).
 */
export function useServedProject(options: { config?: string } = {}): () => ServedProject {
  const dir = useTempDir({ examples: true, once: true });
  let server: Awaited<ReturnType<typeof startServe>> | undefined;
  let project: ServedProject | undefined;
  beforeAll(async () => {
    const cwd = dir();
    const cli = async (...args: string[]) => {
      const result = await runCli(args, { cwd });
      if (result.code !== 0) throw new Error(`promptops ${args.join(' ')}: ${result.stdout}${result.stderr}`);
      return result;
    };
    const config = path.join(cwd, 'promptops.yaml');
    await writeFile(
      config,
      `${await readFile(config, 'utf8')}  approvals: { low: { required: 0 }, medium: { required: 0 }, high: { required: 0 }, critical: { required: 0 } }\n  requiredChecks: []\n${options.config ?? ''}`,
    );
    await writeFile(path.join(cwd, 'prompts', 'greet.prompt'), GREET);
    await writeFile(path.join(cwd, 'prompts', 'shout.prompt'), SHOUT);
    await writeFile(path.join(cwd, 'prompts', 'held.prompt'), HELD);
    await cli('push');
    await cli('label', 'set', 'support-reply@1', 'production');
    await cli('label', 'set', 'shout@1', 'production');
    await cli('label', 'set', 'contract-extractor@1', 'production');
    await cli('label', 'set', 'held@1', 'production');
    await cli('change', 'open', 'greet');
    await cli('release', '1', '--env', 'production');
    await writeFile(
      path.join(cwd, 'prompts', 'greet.prompt'),
      GREET.replace('Say hello', 'Say hello warmly'),
    );
    await cli('push');
    await cli('change', 'open', 'greet');
    await cli('release', '2', '--env', 'production', '--canary', '50');
    const token = cliJson(
      await cli('token', 'create', '--subject', 'app@acme.example', '--role', 'admin', '--json'),
    ).token as string;
    server = await startServe(cwd);
    project = { url: server.url, token, dir: cwd };
  }, 60_000);
  afterAll(() => stopServe(server));
  return () => {
    if (!project) throw new Error('useServedProject: the project exists only inside tests');
    return project;
  };
}
