import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { PromptOpsError } from '../../errors.js';
import { REDACTED } from '../../observe/trace.js';
import { isOneOf, parseLimit, projectDir, withStore } from '../context.js';
import { print, printJson } from '../output.js';
import type { FromTracesOptions } from './dataset-commands.js';

/**
 * `promptops dataset add-from-traces`: appends the inputs of selected production traces to a JSONL
 * dataset (`{"vars": …, "source": {…}}` per line) that a suite can use with `dataset:`, so what
 * went wrong in production becomes a regression case. Traces already in the file are skipped;
 * traces whose input was redacted cannot be replayed and are counted apart.
 */
export async function addFromTraces(options: FromTracesOptions): Promise<number> {
  if (options.feedback !== undefined) return (await import('./dataset-feedback.js')).addFromFeedback(options);
  if (!options.prompt) throw new PromptOpsError('PO_ERR_USAGE', '--prompt NAME is required');
  if (!options.to?.endsWith('.jsonl'))
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      '--to must name a .jsonl file, e.g. prompts/support-reply.cases.jsonl',
    );
  const status = options.status || undefined;
  if (status !== undefined && !isOneOf(status, ['ok', 'error', 'held']))
    throw new PromptOpsError('PO_ERR_USAGE', '--status must be ok, error or held');
  const limit = parseLimit(options.limit, 1000);
  const target = path.resolve(projectDir(options), options.to);
  let existing = '';
  try {
    existing = await readFile(target, 'utf8');
  } catch {
    // a new dataset
  }
  const known = new Set(
    existing
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        try {
          return (JSON.parse(l) as { source?: { traceId?: string } }).source?.traceId;
        } catch {
          return undefined;
        }
      }),
  );
  return withStore(options, async (store) => {
    const traces = await store.listTraces({
      prompt: options.prompt!,
      ...(status ? { status } : {}),
      limit,
    });
    const selected = traces.filter(
      (t) =>
        (options.env === undefined || t.environment === options.env) &&
        (options.guardrail === undefined ||
          t.guardrails.some((g) => g.name === options.guardrail && g.isViolation)),
    );
    const redacted = selected.filter(
      (t) => t.input === REDACTED || JSON.stringify(t.input).includes(REDACTED),
    );
    const rows = selected
      .filter((t) => !redacted.includes(t) && !known.has(t.id))
      .map((t) =>
        JSON.stringify({
          vars: t.input,
          source: {
            traceId: t.id,
            version: t.version.number,
            status: t.status,
            error: t.error?.code ?? null,
            output: t.output,
            at: t.startedAt,
          },
        }),
      );
    if (rows.length > 0) {
      await mkdir(path.dirname(target), { recursive: true });
      await appendFile(target, `${rows.join('\n')}\n`);
    }
    const summary = {
      added: rows.length,
      alreadyPresent: selected.length - redacted.length - rows.length,
      redacted: redacted.length,
      file: path.relative(process.cwd(), target),
    };
    if (options.json) printJson(summary);
    else
      print(
        `added ${summary.added} case${summary.added === 1 ? '' : 's'} to ${summary.file}${summary.alreadyPresent ? `; ${summary.alreadyPresent} already there` : ''}${summary.redacted ? `; ${summary.redacted} skipped because their input was redacted` : ''}. Use it in a suite: - { description: from production, dataset: ${path.basename(target)}, assert: [...] }`,
      );
    return 0;
  });
}
