import { shortHash } from '../../catalog/canonical.js';
import { projectDependencies } from '../../compose.js';
import { PromptOpsError } from '../../errors.js';
import { evalSettings, loadSuites } from '../../eval/suite-files.js';
import { type CheckName, CONTROL_PLANE } from '../../governance/policy.js';
import { workingCopy } from '../../project/working-copy.js';
import { loadCatalog } from '../../project/workspace.js';
import type { ChangeRequest, CheckInput } from '../../store/index.js';
import {
  type GlobalOptions,
  isOneOf,
  isRemote,
  parseTolerance,
  resolveActor,
  withStore,
} from '../context.js';
import { color, print, printJson, table } from '../output.js';
import type {
  ApprovalOptions,
  CheckChangeOptions,
  CloseChangeOptions,
  ListChangesOptions,
  OpenChangeOptions,
  OverrideChangeOptions,
  ShowChangeOptions,
} from './change-commands.js';

function crNumber(text: string | undefined): number {
  const n = Number(String(text ?? '').replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1)
    throw new PromptOpsError('PO_ERR_USAGE', `"${text}" is not a change request number (like 3 or #3)`);
  return n;
}

const STATUS_MARK: Record<string, string> = {
  pass: color.green('pass'),
  skipped: color.dim('skipped'),
  fail: color.red('fail'),
  error: color.yellow('error'),
  missing: color.yellow('missing'),
  overridden: color.yellow('overridden'),
};

/** Prints a change request: what it proposes, its risk breakdown, checks, reviews and gate. */
function printChangeRequest(cr: ChangeRequest): void {
  print(
    `${color.bold(`#${cr.number}`)} ${cr.title}  ${color.dim(`[${cr.status}]`)}\n` +
      `  ${cr.prompt}@${cr.version} ${color.dim(shortHash(cr.versionHash))} replaces ${cr.base === null ? `nothing in ${cr.baseLabel}` : `@${cr.base} (${cr.baseLabel})`}; opened by ${cr.author}${cr.authors.length > 1 ? `; authors (who may not approve or check it): ${cr.authors.join(', ')}` : ''}`,
  );
  if (cr.description) print(`  ${cr.description}`);
  print(
    `  risk ${color.bold(String(cr.risk.score))}/100 → ${cr.risk.level} (score says ${cr.risk.scoreLevel}, tier ${cr.risk.tier})`,
  );
  for (const f of cr.risk.factors)
    print(`    +${String(f.points).padEnd(3)} ${f.factor}: ${color.dim(f.detail)}`);
  print('  checks');
  for (const [name, state] of Object.entries(cr.gate.checks)) {
    const run = [...cr.checks].reverse().find((c) => c.name === name && c.versionHash === cr.versionHash);
    print(`    ${name.padEnd(11)} ${STATUS_MARK[state] ?? state}${run ? `  ${color.dim(run.summary)}` : ''}`);
  }
  if (cr.reviews.length > 0) {
    print('  reviews');
    for (const r of cr.reviews)
      print(
        `    ${r.reviewer}: ${r.decision.replace('_', ' ')}${r.comment ? ` — ${r.comment}` : ''} ${color.dim(r.at)}`,
      );
  }
  for (const o of cr.overrides) print(`  override of ${o.check} by ${o.actor}: ${o.justification}`);
  const needs = `${cr.gate.rule.required} approval(s)${cr.gate.rule.fromGroup ? `, one from ${cr.gate.rule.fromGroup}` : ''}`;
  if (cr.gate.ready)
    print(
      `  ${color.green('ready to release')} (${cr.gate.level} risk needs ${needs}; approved by ${cr.gate.approvedBy.join(', ') || 'nobody needed'})`,
    );
  else {
    print(`  ${color.red('blocked')} (${cr.gate.level} risk needs ${needs}):`);
    for (const b of cr.gate.blockers) print(`    - ${b}`);
  }
}

function output(cr: ChangeRequest, options: GlobalOptions): number {
  if (options.json) printJson({ changeRequest: cr });
  else printChangeRequest(cr);
  return 0;
}

/** `promptops change open NAME [--version N]`: proposes a pushed version for release. */
export async function openChange(prompt: string, options: OpenChangeOptions): Promise<number> {
  return withStore(options, async (store) => {
    const version = options.version === undefined ? undefined : crNumber(options.version);
    const cr = await store.openChangeRequest(
      {
        prompt,
        ...(version !== undefined ? { version } : {}),
        ...(options.title ? { title: options.title } : {}),
        ...(options.description ? { description: options.description } : {}),
      },
      resolveActor(options.author),
    );
    if (!options.json)
      print(
        `${color.green('opened')} change request #${cr.number}; run its checks with "promptops change check ${cr.number}"`,
      );
    return output(cr, options);
  });
}

/** `promptops change ls`: change requests, newest first. */
export async function listChanges(options: ListChangesOptions): Promise<number> {
  const status = options.status;
  if (status !== undefined && !isOneOf(status, ['open', 'closed', 'released']))
    throw new PromptOpsError('PO_ERR_USAGE', '--status is open, closed or released');
  return withStore(options, async (store) => {
    const crs = await store.listChangeRequests({
      ...(status ? { status } : {}),
      ...(options.prompt ? { prompt: options.prompt } : {}),
    });
    if (options.json) {
      printJson({ changeRequests: crs });
      return 0;
    }
    if (crs.length === 0) {
      print('no change requests; open one with "promptops change open NAME"');
      return 0;
    }
    print(
      table(
        ['#', 'PROMPT', 'VERSION', 'STATUS', 'RISK', 'GATE', 'AUTHOR', 'TITLE'],
        crs.map((cr) => [
          String(cr.number),
          cr.prompt,
          `@${cr.version}`,
          cr.status,
          `${cr.risk.score} ${cr.risk.level}`,
          cr.status !== 'open'
            ? '-'
            : cr.gate.ready
              ? color.green('ready')
              : color.red(`${cr.gate.blockers.length} blocker(s)`),
          cr.author,
          cr.title,
        ]),
      ),
    );
    return 0;
  });
}

/** `promptops change show N`: risk breakdown, checks, reviews and what blocks the release. */
export async function showChange(number: string, options: ShowChangeOptions): Promise<number> {
  return withStore(options, async (store) => output(await store.getChangeRequest(crNumber(number)), options));
}

/** `promptops change approve|request-changes|comment N`. */
export async function decideChange(
  number: string,
  decision: 'approve' | 'request_changes' | 'comment',
  options: ApprovalOptions,
): Promise<number> {
  return withStore(options, async (store) => {
    const cr = await store.recordApproval(
      crNumber(number),
      { decision, ...(options.comment ? { comment: options.comment } : {}) },
      resolveActor(options.author),
    );
    return output(cr, options);
  });
}

/** `promptops change override N CHECK --justification`: accepts a red check (a policy exception). */
export async function overrideChange(
  number: string,
  check: string,
  options: OverrideChangeOptions,
): Promise<number> {
  if (!options.justification)
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      'an override needs --justification "why this red check is acceptable"',
    );
  return withStore(options, async (store) => {
    const cr = await store.overrideCheck(
      crNumber(number),
      { check: check as CheckName, justification: options.justification! },
      resolveActor(options.author),
    );
    return output(cr, options);
  });
}

/** `promptops change close N`: closes a request without releasing it. */
export async function closeChange(number: string, options: CloseChangeOptions): Promise<number> {
  return withStore(options, async (store) =>
    output(await store.closeChangeRequest(crNumber(number), resolveActor(options.author)), options),
  );
}

/**
 * `promptops change check N`: runs the automated checks on the proposed version (which must be the
 * working copy, byte for byte) and records them with the change request: lint, the test suite, its
 * guardrail cases (every case with a `guardrail` assertion must pass), and the regression
 * comparison against the version the change replaces. Exit 1 when a check is red.
 */
export async function checkChange(number: string, options: CheckChangeOptions): Promise<number> {
  if (options.onServer) return checkOnServer(number, options);
  const tolerance = parseTolerance(options.tolerance);
  const actor = resolveActor(options.author);
  if (actor === CONTROL_PLANE) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `"${CONTROL_PLANE}" is reserved for the checks the control plane runs itself: ask it with "promptops change check ${number} --on-server" against the server`,
    );
  }
  return withStore(options, async (store, ws) => {
    const cr = await store.getChangeRequest(crNumber(number));
    const catalog = await loadCatalog(ws);
    const entry = catalog.entries.find((e) => e.spec.name === cr.prompt);
    if (!entry) {
      throw new PromptOpsError(
        'PO_ERR_PROMPT_NOT_FOUND',
        `${cr.prompt} is not in the working copy's catalog`,
        {
          prompt: cr.prompt,
        },
      );
    }
    if (entry.hash !== cr.versionHash) {
      throw new PromptOpsError(
        'PO_ERR_CHECK_STALE',
        `the working copy of ${cr.prompt} (${shortHash(entry.hash)}) is not the version change request #${cr.number} proposes (@${cr.version}, ${shortHash(cr.versionHash)}); check out the files that were pushed as @${cr.version}`,
        { number: cr.number, expected: cr.versionHash, got: entry.hash },
      );
    }
    const progress = (what: string) => progressNote(options, what);
    const { suites, diagnostics: suiteProblems } = await loadSuites([entry], [cr.prompt]);
    const suite = suites[0]?.suite;
    // Loaded here: the evaluation runner and the pipeline are only for this subcommand.
    const { runChangeChecks } = await import('../../eval/change-checks.js');
    const checks = await runChangeChecks(() => projectDependencies(ws), {
      change: cr,
      candidate: workingCopy(entry),
      baseline:
        suite && cr.base !== null
          ? await store.resolve({ prompt: cr.prompt, selector: { kind: 'number', number: cr.base } })
          : null,
      diagnostics: catalog.diagnostics.filter((d) => d.file === entry.file),
      suite,
      suiteProblems,
      tolerance,
      run: {
        concurrency: 8,
        ...evalSettings(ws, catalog.entries),
        ...(options.provider ? { provider: options.provider } : {}),
      },
      onRun: (run) =>
        progress(
          run === 'candidate'
            ? `running ${suite?.cases.length} cases of ${cr.prompt}.tests.yaml on @${cr.version}`
            : `running the same cases on @${cr.base} for the regression comparison`,
        ),
    });

    let latest = cr;
    for (const check of checks) latest = await store.recordCheck(cr.number, check, actor);
    return reportChecks(checks, latest, options);
  });
}

/** Prints recorded checks (or their JSON) and answers the exit code: 1 when a check is red. */
function reportChecks(checks: readonly CheckInput[], cr: ChangeRequest, options: GlobalOptions): number {
  if (options.json) printJson({ checks, changeRequest: cr });
  else printChangeRequest(cr);
  return checks.some((c) => c.status === 'fail' || c.status === 'error') ? 1 : 0;
}

/**
 * `promptops change check N --on-server`: the control plane runs the checks on the registered
 * version with its own suite and providers and records them as `control-plane` (what
 * `policy.checksBy: control-plane` requires). Only against a server: locally there is none.
 */
async function checkOnServer(number: string, options: CheckChangeOptions): Promise<number> {
  if (!isRemote()) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `--on-server asks a control plane to run the checks: set PROMPTOPS_URL (and log in); against the local registry run "promptops change check ${number}" without it`,
    );
  }
  const local = (['provider', 'tolerance', 'author'] as const).filter((name) => options[name] !== undefined);
  if (local.length > 0) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `the control plane runs the checks with its own providers and settings, as itself: ${local.map((n) => `--${n}`).join(', ')} cannot be given with --on-server`,
    );
  }
  return withStore(options, async (store) => {
    const { HttpStore } = await import('../../store/http-store.js');
    if (!(store instanceof HttpStore)) throw new Error('PROMPTOPS_URL is set but the store is not remote');
    progressNote(options, `the control plane is running the checks of #${number} (suites can take minutes)`);
    const { checks, changeRequest } = await store.runChecks(crNumber(number));
    return reportChecks(checks, changeRequest, options);
  });
}

/** Says what is running, on a terminal only (suites can take minutes on a network model). */
function progressNote(options: GlobalOptions, what: string): void {
  if (process.stderr.isTTY && !options.json) process.stderr.write(`${color.dim(`… ${what}`)}\n`);
}
