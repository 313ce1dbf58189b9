import { Command, CommanderError } from 'commander';
import { packageVersion } from './package-root.js';

// Only commander loads at start-up; each command's module (and the heavy libraries it needs) is
// imported when that command runs, so `promptops --version` and `--help` stay fast.

type Options = Record<string, unknown> & { json?: boolean; cwd?: string };
type Handler = (positional: (string | string[] | undefined)[], options: Options) => Promise<number>;

/** Wraps a command handler: collects positional args and global+local options, records the exit code. */
function run(handler: Handler) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const positional = args.slice(0, -2) as (string | string[] | undefined)[];
    process.exitCode = await handler(positional, command.optsWithGlobals() as Options);
  };
}

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** Builds the `promptops` command tree. */
export function buildProgram(): Command {
  const program = new Command('promptops')
    .description(
      'Run LLM instructions like production software: versioned prompts with contracts, tests and guardrails.',
    )
    .version(packageVersion(), '-v, --version', 'print the version')
    .option(CWD_FLAGS, CWD_HELP)
    // The program's own options (`--version` above all) count only before the command, so a
    // command's `--version <n>` reaches the command instead of printing the program's version.
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(text) })
    .addHelpText(
      'after',
      examples(
        'promptops init my-prompts',
        'promptops lint',
        'promptops push -m "tighten tone"',
        'promptops diff support-reply@1 support-reply@2',
      ),
    );

  program
    .command('init')
    .description('scaffold a project: promptops.yaml, an example prompt and its test suite')
    .argument('[dir]', 'folder to create the project in', '.')
    .option('--force', 'overwrite the scaffold files if they exist')
    .addHelpText('after', examples('promptops init', 'promptops init my-prompts'))
    .action(
      run(async ([dir], o) =>
        (await import('./commands/init.js')).init(dir as string, { force: Boolean(o.force) }),
      ),
    );

  program
    .command('lint')
    .description('check .prompt files: syntax, schemas, template variables, guardrails, models, owners')
    .argument('[paths...]', 'files or folders (default: the catalog folders of promptops.yaml)')
    .option('--json', 'print machine-readable results')
    .addHelpText('after', examples('promptops lint', 'promptops lint prompts/support-reply.prompt --json'))
    .action(run(async ([paths], o) => (await import('./commands/lint.js')).lint(paths as string[], o)));

  program
    .command('push')
    .description('register a new immutable version of every changed prompt (idempotent)')
    .argument('[paths...]', 'files or folders (default: the whole catalog)')
    .option('-m, --message <text>', 'what changed and why, stored with each new version')
    .option('--author <who>', 'author to record (default: PROMPTOPS_AUTHOR, git user.email, OS user)')
    .option('--dry-run', 'show what would be registered without writing')
    .option('--propose', 'open a change request for every new version')
    .option('--json', 'print machine-readable results')
    .addHelpText(
      'after',
      examples(
        'promptops push -m "escalate enterprise outages"',
        'promptops push --propose -m "softer tone"',
        'promptops push --dry-run',
      ),
    )
    .action(run(async ([paths], o) => (await import('./commands/push.js')).push(paths as string[], o)));

  program
    .command('status')
    .description('compare the files on disk with the registry: new, changed, unchanged')
    .option('--check', 'exit 1 when anything differs (for CI)')
    .option('--fail-on-breaking', 'exit 1 when a changed file breaks the contract of its latest version')
    .option('--json', 'print machine-readable results')
    .addHelpText('after', examples('promptops status', 'promptops status --check --fail-on-breaking'))
    .action(run(async (_, o) => (await import('./commands/status.js')).status(o)));

  program
    .command('ls')
    .description('list the prompts in the registry with their latest version and labels')
    .option('--json', 'print machine-readable results')
    .action(run(async (_, o) => (await import('./commands/versions.js')).listPrompts(o)));

  program
    .command('versions')
    .description('list the versions of a prompt, newest first')
    .argument('<name>', 'prompt name')
    .option('--json', 'print machine-readable results')
    .addHelpText('after', examples('promptops versions support-reply'))
    .action(run(async ([name], o) => (await import('./commands/versions.js')).versions(name as string, o)));

  program
    .command('show')
    .description('show one version: metadata, contract, guardrails and template')
    .argument('<ref>', 'NAME (latest), NAME@N or NAME:label')
    .option('--template', 'print only the template')
    .option('--json', 'print the full version record, spec included')
    .addHelpText(
      'after',
      examples(
        'promptops show support-reply',
        'promptops show support-reply@2',
        'promptops show support-reply:production --json',
      ),
    )
    .action(run(async ([ref], o) => (await import('./commands/versions.js')).show(ref as string, o)));

  program
    .command('diff')
    .description(
      'compare two versions (or a version and the working copy): template, structure, breaking changes',
    )
    .argument('<a>', 'NAME@N, NAME:label or NAME')
    .argument('[b]', 'the other version (default: the file in the working copy)')
    .option('--fail-on-breaking', 'exit 1 when B breaks the contract of A (for CI)')
    .option('--json', 'print machine-readable results')
    .addHelpText(
      'after',
      examples(
        'promptops diff support-reply@1 support-reply@2',
        'promptops diff support-reply:production',
        'promptops diff support-reply:production --fail-on-breaking',
      ),
    )
    .action(
      run(async ([a, b], o) =>
        (await import('./commands/diff.js')).diff(a as string, b as string | undefined, o),
      ),
    );

  const label = program
    .command('label')
    .description('move, remove and list labels (environments are labels); every move is kept in history')
    .addHelpText(
      'after',
      examples(
        'promptops label set support-reply@3 production',
        'promptops label rm support-reply staging',
        'promptops label ls',
        'promptops label history support-reply production',
      ),
    );
  label
    .command('set')
    .description('point LABEL at a version (creating or moving it)')
    .argument('<ref>', 'NAME@N (or NAME:other-label, or NAME for the latest)')
    .argument('<label>', 'label name, e.g. production')
    .option('--author <who>', 'actor to record')
    .option('--json', 'print machine-readable results')
    .action(
      run(async ([ref, name], o) =>
        (await import('./commands/label.js')).setLabel(ref as string, name as string, o),
      ),
    );
  label
    .command('rm')
    .description('remove a label from a prompt (the removal is kept in history)')
    .argument('<name>', 'prompt name')
    .argument('<label>', 'label to remove')
    .option('--author <who>', 'actor to record')
    .option('--json', 'print machine-readable results')
    .action(
      run(async ([name, l], o) =>
        (await import('./commands/label.js')).removeLabel(name as string, l as string, o),
      ),
    );
  label
    .command('ls')
    .description('list current labels')
    .argument('[name]', 'only this prompt')
    .option('--json', 'print machine-readable results')
    .action(
      run(async ([name], o) =>
        (await import('./commands/label.js')).listLabels(name as string | undefined, o),
      ),
    );
  label
    .command('history')
    .description("list every move of a prompt's labels, oldest first")
    .argument('<name>', 'prompt name')
    .argument('[label]', 'only this label')
    .option('--json', 'print machine-readable results')
    .action(
      run(async ([name, l], o) =>
        (await import('./commands/label.js')).labelHistory(name as string, l as string | undefined, o),
      ),
    );

  program
    .command('archive')
    .description('archive an unlabelled version: it stays readable but can no longer be labelled')
    .argument('<ref>', 'NAME@N')
    .option('--reason <text>', 'why it is archived')
    .option('--author <who>', 'actor to record')
    .option('--json', 'print machine-readable results')
    .addHelpText('after', examples('promptops archive support-reply@4 --reason "superseded by @5"'))
    .action(run(async ([ref], o) => (await import('./commands/label.js')).archive(ref as string, o)));

  program
    .command('run')
    .description('run a prompt: contract, render, model call, output contract, trace')
    .argument('<ref>', 'NAME (latest), NAME@N or NAME:label')
    .option('-i, --input <json>', 'input as JSON, or @file.json')
    .option('-e, --env <environment>', 'run the version this environment (label) points at')
    .option('--provider <name>', 'run on this provider instead, e.g. offline')
    .option('--model <provider/model>', 'another model, where the prompt allows it (promptops.overrides)')
    .option('--config <json>', 'model config values, where the prompt allows them, e.g. {"temperature":0}')
    .option('--json', 'print the whole result: output, version, model, usage, trace id')
    .addHelpText(
      'after',
      examples(
        `promptops run support-reply --input '{"customer":{"name":"Dana","tier":"pro"},"message":"Charged twice"}'`,
        'promptops run contract-extractor --input @contract.json --env production',
        'promptops run refund-decision@2 --input @case.json --provider offline',
      ),
    )
    .action(run(async ([ref], o) => (await import('./commands/run.js')).run(ref as string, o)));

  const traces = program
    .command('traces')
    .description(
      'list recent executions with their status, model, latency and tokens; "traces show ID" for one',
    )
    .option('--prompt <name>', 'only this prompt')
    .option('--version <n>', 'only this version of --prompt')
    .option('--env <environment>', 'only requests served for this environment')
    .option('--status <status>', 'only ok, error or held')
    .option('--since <when>', 'only since then: a duration back (30m, 2h, 7d) or a date/time')
    .option('--until <when>', 'only before then: a duration back or a date/time')
    .option('-n, --limit <n>', 'how many (default 20)')
    .option('--json', 'print full trace records')
    .addHelpText(
      'after',
      examples(
        'promptops traces',
        'promptops traces -n 5 --prompt support-reply --status error --since 2h',
        'promptops traces --prompt support-reply --version 2 --env production --json',
        'promptops traces show 1f0c…',
      ),
    )
    .action(run(async (_, o) => (await import('./commands/traces.js')).traces(o)));
  traces
    .command('show')
    .description('one execution: stages with timings, model calls, guardrail verdicts, contract mutations')
    .argument('<id>', 'the trace id (from "promptops traces" or a run\'s output)')
    .option('--json', 'print the full trace record')
    .action(run(async ([id], o) => (await import('./commands/traces.js')).showTrace(id as string, o)));

  program
    .command('test')
    .description("run each prompt's suite (NAME.tests.yaml) against the working copy")
    .argument('[names...]', 'only these prompts')
    .option('-j, --jobs <n>', 'cases in flight at once (default 8)')
    .option('--repeat <n>', 'run every case n times and report flaky verdicts')
    .option('--fail-on-flaky', 'with --repeat: exit 1 when any case changed verdict between runs')
    .option('--provider <name>', 'run on this provider instead, e.g. offline')
    .option(
      '--compare <ref>',
      'also run the suites on this version (a label like production, or @N) and fail on regressions',
    )
    .option(
      '--tolerance <fraction>',
      'with --compare: pass-rate drop allowed before it counts as a regression (default 0)',
    )
    .option('--retry-errors <n>', 'run cases that ended in ERROR up to n more times')
    .option('--junit <file>', 'also write JUnit XML for CI')
    .option('--html <file>', 'also write a self-contained HTML report with per-case detail and a chart')
    .option(
      '--no-cache',
      'call the model for every case (answers of network models are cached per version and input)',
    )
    .option('--no-store', 'do not keep the run in the registry')
    .option('--json', 'print every case result')
    .addHelpText(
      'after',
      examples(
        'promptops test',
        'promptops test support-reply --repeat 5',
        'promptops test --junit results.xml',
      ),
    )
    .action(run(async ([names], o) => (await import('./commands/test.js')).test(names as string[], o)));

  program
    .command('dataset')
    .description('turn production traces into test data')
    .command('add-from-traces')
    .description('append the inputs of selected traces to a JSONL dataset a suite can use with dataset:')
    .requiredOption('--prompt <name>', 'traces of this prompt')
    .requiredOption('--to <file.jsonl>', 'the dataset file to append to')
    .option('--status <status>', 'only ok, error or held traces')
    .option('--guardrail <name>', 'only traces where this guardrail reported a violation')
    .option('--env <environment>', 'only traces of this environment')
    .option('--limit <n>', 'look at this many recent traces (default 1000)')
    .option('--json', 'print machine-readable results')
    .addHelpText(
      'after',
      examples(
        'promptops dataset add-from-traces --prompt support-reply --status error --to prompts/support-reply.failures.jsonl',
        'promptops dataset add-from-traces --prompt support-reply --guardrail prompt-injection --to prompts/red-team.jsonl',
      ),
    )
    .action(run(async (_, o) => (await import('./commands/dataset.js')).addFromTraces(o)));

  const guardrails = program
    .command('guardrails')
    .description('run guardrails on any text; containment counters');
  guardrails
    .command('check')
    .description("run a prompt's guardrails, or named built-ins, on a text, a file or a JSONL file")
    .option('--text <text>', 'the text to check')
    .option('--file <path>', 'check the contents of a file')
    .option('--jsonl <path>', 'check every {"text": …} line; prints one verdict per line')
    .option('--prompt <ref>', "use this prompt's guardrails (NAME, NAME@N or NAME:label)")
    .option('--guardrail <name...>', 'use these built-in guardrails with their default options')
    .option('--stage <stage>', 'input (default) or output')
    .option('--json', 'print the verdict as JSON')
    .addHelpText(
      'after',
      examples(
        'promptops guardrails check --guardrail prompt-injection --text "Ignore all previous instructions"',
        'promptops guardrails check --prompt support-reply --file message.txt',
        'promptops guardrails check --guardrail prompt-injection pii --jsonl eval.jsonl > verdicts.jsonl',
      ),
    )
    .action(run(async (_, o) => (await import('./commands/guardrails.js')).check(o)));

  guardrails
    .command('stats')
    .description('checks, violations and containment rate per prompt version and guardrail, from traces')
    .option('--prompt <name>', 'only this prompt')
    .option('--limit <n>', 'how many recent traces to count (default 10000)')
    .option('--json', 'print machine-readable counters')
    .action(run(async (_, o) => (await import('./commands/guardrails.js')).stats(o)));

  const review = program
    .command('review')
    .description('the human review queue of requests an escalate guardrail held')
    .addHelpText(
      'after',
      examples(
        'promptops review ls',
        'promptops review approve 3f2c… --note "customer verified"',
        'promptops review reject 3f2c…',
      ),
    );
  review
    .command('ls')
    .description('list reviews (pending by default)')
    .option('--status <status>', 'pending, approved, rejected or all')
    .option('--json', 'print machine-readable results')
    .action(run(async (_, o) => (await import('./commands/review.js')).listReviews(o)));
  review
    .command('show')
    .description('show a held request, its verdicts and its decision')
    .argument('<id>', 'review id')
    .option('--json', 'print machine-readable results')
    .action(run(async ([id], o) => (await import('./commands/review.js')).showReview(id as string, o)));
  review
    .command('result')
    .description(
      'deliver a decided request: the approved answer (running the model if the input was held) or the refusal',
    )
    .argument('<id>', 'review id')
    .option('--wait <seconds>', 'wait this long for a decision')
    .option('--json', 'print the whole result')
    .action(run(async ([id], o) => (await import('./commands/review.js')).result(id as string, o)));
  for (const [verb, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    review
      .command(verb)
      .description(`${verb} a held request; the decision and who made it are recorded`)
      .argument('<id>', 'review id')
      .option('--note <text>', 'why')
      .option('--author <who>', 'reviewer to record')
      .option('--json', 'print machine-readable results')
      .action(
        run(async ([id], o) => (await import('./commands/review.js')).decide(id as string, decision, o)),
      );
  }

  const audit = program
    .command('audit')
    .description(
      'the tamper-evident audit log: versions, labels, reviews, change requests, releases, tokens, roles',
    )
    .addHelpText(
      'after',
      examples(
        'promptops audit ls',
        'promptops audit verify',
        'promptops audit checkpoint -o audit-checkpoint.json',
        'promptops audit verify --checkpoint audit-checkpoint.json',
      ),
    );
  audit
    .command('ls')
    .description('list audit entries, newest first')
    .option('--limit <n>', 'how many (default 50)')
    .option('--json', 'print machine-readable entries')
    .action(run(async (_, o) => (await import('./commands/audit.js')).listAudit(o)));
  audit
    .command('verify')
    .description(
      'recompute the hash chain and compare labels and releases with it; exit 1 naming what was edited, deleted, truncated or rewritten',
    )
    .option(
      '--checkpoint <file>',
      'also check a signed checkpoint (needs PROMPTOPS_AUDIT_PUBLIC_KEY or PROMPTOPS_AUDIT_SIGNING_KEY)',
    )
    .option('--json', 'print machine-readable results')
    .action(run(async (_, o) => (await import('./commands/audit.js')).verifyAudit(o)));
  audit
    .command('checkpoint')
    .description(
      'sign the head of the intact audit log (Ed25519 key in PROMPTOPS_AUDIT_SIGNING_KEY); keep the file outside the database',
    )
    .option('-o, --output <file>', 'write the checkpoint here (default: stdout)')
    .option('--json', 'print machine-readable results')
    .action(run(async (_, o) => (await import('./commands/audit.js')).checkpointAudit(o)));

  program
    .command('serve')
    .description('start the control-plane API (HTTP, OpenAPI at /openapi.json) on the project store')
    .option('-p, --port <port>', 'TCP port (default 4100; 0 picks a free one)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug (default info)')
    .addHelpText(
      'after',
      examples(
        'promptops serve',
        'PROMPTOPS_DATABASE_URL=postgres://db/promptops promptops serve --host 0.0.0.0',
      ),
    )
    .action(run(async (_, o) => (await import('./commands/serve.js')).serve(o)));

  program
    .command('login')
    .description('check a token against a server and save it for PROMPTOPS_URL')
    .argument('<url>', 'the server, e.g. http://127.0.0.1:4100')
    .option('--token <token>', 'the token (default: PROMPTOPS_TOKEN)')
    .option('--json', 'print machine-readable results')
    .action(run(async ([url], o) => (await import('./commands/token.js')).login(url as string, o)));
  program
    .command('logout')
    .description('forget the token saved for a server')
    .argument('<url>', 'the server')
    .option('--json', 'print machine-readable results')
    .action(run(async ([url], o) => (await import('./commands/token.js')).logout(url as string, o)));

  const token = program
    .command('token')
    .description('API tokens: shown once, stored as scrypt hashes')
    .addHelpText(
      'after',
      examples(
        'promptops token create --subject ada@acme.com --role admin',
        'promptops token ls',
        'promptops token revoke ID',
      ),
    );
  token
    .command('create')
    .description('mint a token for a subject (next to the database this bootstraps the first admin)')
    .option('--subject <who>', 'who the token acts for (a person or a service)')
    .option(
      '--role <role...>',
      'grant roles in this project too: viewer, author, reviewer, releaser, ci, admin',
    )
    .option('--name <name>', 'a label for the token (default cli)')
    .option('--expires <when>', 'a duration (30d, 12h) or a date')
    .option('--author <who>', 'who creates it (local mode)')
    .option('--json', 'print machine-readable results')
    .action(run(async (_, o) => (await import('./commands/token.js')).createToken(o)));
  token
    .command('ls')
    .description('list tokens (never their secrets)')
    .option('--json', 'print machine-readable results')
    .action(run(async (_, o) => (await import('./commands/token.js')).listTokens(o)));
  token
    .command('revoke')
    .description('revoke a token at once')
    .argument('<id>', 'the token id (from token ls)')
    .option('--author <who>', 'who revokes it (local mode)')
    .option('--json', 'print machine-readable results')
    .action(run(async ([id], o) => (await import('./commands/token.js')).revokeToken(id as string, o)));

  const role = program
    .command('role')
    .description('roles per project: who may read, author, review, release, administer');
  role
    .command('grant')
    .description("give a subject (a token's subject, e.g. an email) a role in the project")
    .argument('<subject>', 'who: the subject of their token')
    .argument('<role>', 'viewer, author, reviewer, releaser, ci or admin')
    .option('--author <who>', 'who grants it (local mode)')
    .option('--json', 'print machine-readable results')
    .action(
      run(async ([subject, r], o) =>
        (await import('./commands/token.js')).grantRole(subject as string, r as string, o),
      ),
    );
  role
    .command('revoke')
    .description('take a role away from a subject')
    .argument('<subject>', 'who: the subject of their token')
    .argument('<role>', 'the role to take away')
    .option('--author <who>', 'who revokes it (local mode)')
    .option('--json', 'print machine-readable results')
    .action(
      run(async ([subject, r], o) =>
        (await import('./commands/token.js')).revokeRole(subject as string, r as string, o),
      ),
    );
  role
    .command('ls')
    .description('list who holds which role in the project')
    .option('--json', 'print machine-readable results')
    .action(run(async (_, o) => (await import('./commands/token.js')).listRoles(o)));

  const change = program
    .command('change')
    .description(
      'change requests: propose a version, run its checks, review it; risk decides the approvals needed',
    )
    .addHelpText(
      'after',
      examples(
        'promptops change open support-reply -m "softer tone"',
        'promptops change check 3',
        'promptops change approve 3 --comment "reads well"',
        'promptops release 3 --env staging',
      ),
    );
  change
    .command('open')
    .description('propose a pushed version (default: the latest) for release')
    .argument('<prompt>', 'prompt name')
    .option('--version <n>', 'the version to propose')
    .option('-m, --title <text>', 'title (default: the version message)')
    .option('--description <text>', 'longer description')
    .option('--author <who>', 'author to record (local mode)')
    .option('--json', 'print machine-readable results')
    .action(run(async ([p], o) => (await import('./commands/change.js')).openChange(p as string, o)));
  change
    .command('ls')
    .description('list change requests, newest first')
    .option('--status <status>', 'open, closed or released')
    .option('--prompt <name>', 'only this prompt')
    .option('--json', 'print machine-readable results')
    .action(run(async (_, o) => (await import('./commands/change.js')).listChanges(o)));
  change
    .command('show')
    .description('a change request: risk breakdown, checks, reviews and what blocks its release')
    .argument('<number>', "the change request's number")
    .option('--json', 'print machine-readable results')
    .action(run(async ([n], o) => (await import('./commands/change.js')).showChange(n as string, o)));
  change
    .command('check')
    .description(
      'run lint, the test suite, its guardrail cases and the regression comparison, and record them',
    )
    .argument('<number>', "the change request's number")
    .option('--provider <name>', 'run the suites on this provider instead, e.g. offline')
    .option('--tolerance <fraction>', 'pass-rate drop allowed before the regression check fails (default 0)')
    .option('--author <who>', 'who ran the checks (local mode)')
    .option('--json', 'print machine-readable results')
    .action(run(async ([n], o) => (await import('./commands/change.js')).checkChange(n as string, o)));
  for (const [name, decision, description] of [
    ['approve', 'approve', 'approve a change request (never your own)'],
    ['request-changes', 'request_changes', 'block a change request until you approve it (needs --comment)'],
    ['comment', 'comment', 'comment without deciding'],
  ] as const) {
    change
      .command(name)
      .description(description)
      .argument('<number>', "the change request's number")
      .option('--comment <text>', 'what you think')
      .option('--author <who>', 'reviewer to record (local mode)')
      .option('--json', 'print machine-readable results')
      .action(
        run(async ([n], o) => (await import('./commands/change.js')).reviewChange(n as string, decision, o)),
      );
  }
  change
    .command('override')
    .description('accept a red check (admins; recorded as a policy exception)')
    .argument('<number>', "the change request's number")
    .argument('<check>', 'lint, tests, guardrails or regression')
    .option('--justification <text>', 'why it is acceptable (required)')
    .option('--author <who>', 'admin to record (local mode)')
    .option('--json', 'print machine-readable results')
    .action(
      run(async ([n, c], o) =>
        (await import('./commands/change.js')).overrideChange(n as string, c as string, o),
      ),
    );
  change
    .command('close')
    .description('close a change request without releasing it')
    .argument('<number>', "the change request's number")
    .option('--author <who>', 'who closes it (local mode)')
    .option('--json', 'print machine-readable results')
    .action(run(async ([n], o) => (await import('./commands/change.js')).closeChange(n as string, o)));

  program
    .command('approve')
    .description('approve a change request (the same as "change approve")')
    .argument('<number>', "the change request's number")
    .option('--comment <text>', 'what you think')
    .option('--author <who>', 'reviewer to record (local mode)')
    .option('--json', 'print machine-readable results')
    .action(
      run(async ([n], o) => (await import('./commands/change.js')).reviewChange(n as string, 'approve', o)),
    );

  program
    .command('release')
    .description('release an approved change request to an environment, optionally as a canary')
    .argument('<change-request>', 'its number')
    .option('--env <environment>', 'where to release it')
    .option('--canary <percent>', 'serve it to this share of traffic beside the current version')
    .option('--notes <text>', 'release notes')
    .option(
      '--force',
      'release an older version across a breaking input contract (admins; needs --justification)',
    )
    .option('--justification <text>', 'why callers may break')
    .option('--author <who>', 'releaser to record (local mode)')
    .option('--json', 'print machine-readable results')
    .addHelpText(
      'after',
      examples('promptops release 3 --env staging', 'promptops release 3 --env production --canary 10'),
    )
    .action(run(async ([n], o) => (await import('./commands/release.js')).release(n as string, o)));
  program
    .command('promote')
    .description(
      "promote an environment's canary to full traffic, or its release to the next environment (--to)",
    )
    .argument('<prompt>', 'prompt name')
    .option('--env <environment>', 'the environment whose release is promoted')
    .option('--to <environment>', 'promote onward to this environment')
    .option('--notes <text>', 'release notes')
    .option('--author <who>', 'releaser to record (local mode)')
    .option('--json', 'print machine-readable results')
    .addHelpText('after', examples('promptops promote support-reply --env staging --to production'))
    .action(run(async ([p], o) => (await import('./commands/release.js')).promote(p as string, o)));
  program
    .command('rollback')
    .description(
      'return an environment to its previous release (or --version N); refuses a breaking input contract',
    )
    .argument('<prompt>', 'prompt name')
    .option('--env <environment>', 'the environment to roll back')
    .option('--version <n>', 'the version to return to')
    .option('--force', 'roll back across a breaking input contract (admins; needs --justification)')
    .option('--justification <text>', 'why callers may break')
    .option('--notes <text>', 'release notes')
    .option('--author <who>', 'who rolls back (local mode)')
    .option('--json', 'print machine-readable results')
    .action(run(async ([p], o) => (await import('./commands/release.js')).rollback(p as string, o)));
  program
    .command('releases')
    .description('release history, newest first')
    .argument('[prompt]', 'only this prompt')
    .option('--env <environment>', 'only this environment')
    .option('--active', 'only the releases in force')
    .option('--limit <n>', 'how many (default 50)')
    .option('--json', 'print machine-readable results')
    .action(
      run(async ([p], o) => (await import('./commands/release.js')).listReleases(p as string | undefined, o)),
    );

  program
    .command('demo')
    .description(
      'copy the example catalog into a folder and walk it through lint, push, labels, diff, runs, guardrails and traces',
    )
    .argument('[dir]', 'folder for the demo project', 'promptops-demo')
    .action(run(async ([dir]) => (await import('./commands/demo.js')).demo(dir as string)));

  // `-C DIR` still works after the command (`promptops lint -C DIR`): every command takes it too.
  for (const command of allCommands(program)) {
    if (command !== program) command.option(CWD_FLAGS, CWD_HELP);
  }
  return program;
}

const CWD_FLAGS = '-C, --cwd <dir>';
const CWD_HELP = 'run as if started in <dir>';

/** `program` and every command below it, depth first. */
export function allCommands(program: Command): Command[] {
  return [program, ...program.commands.flatMap((command) => allCommands(command))];
}

/** Runs the CLI. Expected errors print their message (no stack) and exit with their code. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = await reportError(err, argv.includes('--json'));
  }
}

async function reportError(err: unknown, isJson: boolean): Promise<number> {
  if (err instanceof CommanderError) {
    // help and version exit through here with code 0; usage errors were already printed
    return err.exitCode === 0 ? 0 : 2;
  }
  const { isPromptOpsError } = await import('../errors.js');
  if (isPromptOpsError(err)) {
    if (isJson) process.stderr.write(`${JSON.stringify(err.toJSON())}\n`);
    else process.stderr.write(`error[${err.code}]: ${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`internal error: ${message}\n`);
  if (process.env.PROMPTOPS_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('set PROMPTOPS_DEBUG=1 for the stack trace, and please report it\n');
  return 70;
}
