import { canonicalJson, shortHash } from '../../catalog/canonical.js';
import { PromptOpsError } from '../../errors.js';
import type { Trace } from '../../observe/trace.js';
import type { TraceFilter } from '../../store/index.js';
import { isOneOf, parseDuration, parseLimit, withStore } from '../context.js';
import { color, formatWhen, print, printJson, table, truncate } from '../output.js';
import type { ShowTraceOptions, TracesOptions } from './traces-commands.js';

const STATUSES = ['ok', 'error', 'held'] as const;
const ARMS = ['stable', 'canary'] as const;

/**
 * A point in time from the command line: a duration back from `now` (`30m`, `2h`, `7d`) or a date
 * or time (`2026-12-07`, `2026-12-07T10:00:00Z`). Returned as ISO 8601.
 */
export function parseWhen(text: string, flag: string, now = Date.now()): string {
  const ago = parseDuration(text);
  if (ago !== null) return new Date(now - ago).toISOString();
  const at = Date.parse(text);
  if (/^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(at)) return new Date(at).toISOString();
  throw new PromptOpsError(
    'PO_ERR_USAGE',
    `${flag} takes a duration back from now (30m, 2h, 7d) or a date or time (2026-12-07, 2026-12-07T10:00:00Z), not "${text}"`,
  );
}

/** `promptops traces`: recent executions, newest first, filtered by prompt, status, version, environment, arm and time. */
export async function traces(options: TracesOptions): Promise<number> {
  const filter: TraceFilter = { limit: parseLimit(options.limit, 20) };
  const status = options.status;
  if (status !== undefined) {
    if (!isOneOf(status, STATUSES)) {
      throw new PromptOpsError(
        'PO_ERR_USAGE',
        `--status must be ${STATUSES.join(', ')}, not "${options.status}"`,
      );
    }
    filter.status = status;
  }
  if (options.arm !== undefined) {
    if (!isOneOf(options.arm, ARMS)) {
      throw new PromptOpsError('PO_ERR_USAGE', `--arm must be ${ARMS.join(' or ')}, not "${options.arm}"`);
    }
    filter.arm = options.arm;
  }
  if (options.version !== undefined) {
    const version = Number(options.version.replace(/^@/, ''));
    if (!Number.isInteger(version) || version < 1 || version > 999_999_999) {
      throw new PromptOpsError(
        'PO_ERR_USAGE',
        `--version must be a version number such as 3, not "${options.version}"`,
      );
    }
    if (options.prompt === undefined) {
      throw new PromptOpsError('PO_ERR_USAGE', '--version needs --prompt: version numbers count per prompt');
    }
    filter.version = version;
  }
  if (options.prompt !== undefined) filter.prompt = options.prompt;
  if (options.env !== undefined) filter.environment = options.env;
  if (options.since !== undefined) filter.since = parseWhen(options.since, '--since');
  if (options.until !== undefined) filter.until = parseWhen(options.until, '--until');
  return withStore(options, async (store) => {
    const list = await store.listTraces(filter);
    if (options.json) {
      printJson({ traces: list });
      return 0;
    }
    if (list.length === 0) {
      const filtered = Object.keys(filter).length > 1;
      print(
        filtered
          ? 'no traces match these filters'
          : 'no traces yet; run a prompt with "promptops run NAME --input \'{…}\'"',
      );
      return 0;
    }
    print(
      table(
        ['WHEN', 'PROMPT', 'ENV', 'STATUS', 'MODEL', 'MS', 'TOKENS', 'TRACE'],
        list.map((t) => [
          formatWhen(t.startedAt),
          `${t.prompt}@${t.version.number}`,
          // The arm a gateway routed the request to, beside the environment it served.
          t.arm ? `${t.environment ?? '-'} (${t.arm})` : (t.environment ?? '-'),
          statusOf(t),
          t.model ?? '-',
          t.timings.total.toFixed(1),
          `${t.usage.inputTokens}+${t.usage.outputTokens}`,
          color.dim(t.id),
        ]),
      ),
    );
    print(color.dim('"promptops traces show ID" shows one in full'));
    return 0;
  });
}

/** `promptops traces show ID`: one execution, readable: stages, attempts, guardrail verdicts, mutations. */
export async function showTrace(id: string, options: ShowTraceOptions): Promise<number> {
  return withStore(options, async (store) => {
    const trace = await store.getTrace(id);
    if (options.json) printJson(trace);
    else printTrace(trace);
    return 0;
  });
}

/** A trace's outcome in colour: ok, held, or the error code it failed with. */
function statusOf(t: Trace): string {
  if (t.status === 'ok') return color.green('ok');
  if (t.status === 'held') return color.yellow('held');
  return color.red(t.error?.code ?? 'error');
}

function printTrace(t: Trace): void {
  print(color.bold(`trace ${t.id}`));
  print(`  ${t.prompt}@${t.version.number} ${color.dim(shortHash(t.version.hash))}  ${statusOf(t)}`);
  print(`  started     ${t.startedAt} (${formatWhen(t.startedAt)})`);
  print(`  environment ${t.environment ?? '-'}`);
  if (t.arm) print(`  arm         ${t.arm} (routed by a gateway)`);
  print(`  model       ${t.model ?? '- (no model call)'}`);
  print(
    `  usage       ${t.usage.inputTokens} in + ${t.usage.outputTokens} out tokens${t.costUsd === null ? '' : `, $${t.costUsd.toFixed(6)}`}`,
  );
  if (t.error) print(`  error       ${color.red(t.error.code)} ${t.error.message}`);
  if (t.review) print(`  review      ${t.review.decision} by ${t.review.decidedBy} (${t.review.id})`);
  for (const [key, value] of Object.entries(t.metadata)) print(`  ${key.padEnd(11)} ${value}`);

  print(color.bold('\nstages (ms)'));
  const stages = ['resolve', 'validate', 'guardrails', 'render', 'model', 'output'] as const;
  print(
    table(
      [...stages.map((s) => s.toUpperCase()), 'TOTAL'],
      [[...stages.map((s) => t.timings[s].toFixed(1)), t.timings.total.toFixed(1)]],
    ),
  );

  if (t.attempts.length > 0) {
    print(color.bold(`\nmodel calls (${t.attempts.length}${t.reasks ? `, ${t.reasks} re-ask` : ''})`));
    for (const [i, a] of t.attempts.entries()) print(`  ${i + 1}. ${describeAttempt(a)}`);
  }
  if (t.mutations.length > 0) {
    print(color.bold('\ncontract mutations'));
    for (const m of t.mutations) {
      print(`  ${m.path || '(input)'}: ${m.rule}  ${color.dim(`${short(m.before)} → ${short(m.after)}`)}`);
    }
  }
  if (t.guardrails.length > 0) {
    print(color.bold('\nguardrails'));
    print(
      table(
        ['GUARDRAIL', 'FIELD', 'ACTION', 'VERDICT', 'SCORE', 'REASONS'],
        t.guardrails.map((g) => [
          g.name,
          g.field ?? '(answer)',
          g.action,
          g.isViolation ? color.red('violation') : color.green('pass'),
          g.score.toFixed(2),
          g.reasons.join('; ') || '-',
        ]),
      ),
    );
  }
  print(color.bold('\ninput'));
  print(`  ${short(t.input, 2_000)}`);
  print(color.bold('output'));
  print(`  ${short(t.output, 2_000)}`);
}

function describeAttempt(a: Trace['attempts'][number]): string {
  const waited = a.waitedMs ? `, after waiting ${a.waitedMs.toFixed(0)} ms` : '';
  const outcome = a.error ? `${color.red(a.error.code)} ${a.error.message}` : color.green('answered');
  return `${a.model} (try ${a.attempt}) ${a.durationMs.toFixed(1)} ms${waited}: ${outcome}`;
}

function short(value: unknown, max = 80): string {
  return truncate(typeof value === 'string' ? value : canonicalJson(value ?? null), max);
}
