import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PromptOpsError } from '../../errors.js';
import { appendCases, caseFromFeedback } from '../../eval/feedback-cases.js';
import { REDACTED, type Trace } from '../../observe/trace.js';
import { loadCatalog } from '../../project/workspace.js';
import type { FeedbackRecord } from '../../store/index.js';
import { groupBy } from '../../store/store-context.js';
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
  if (options.feedback !== undefined) return addFromFeedback(options);
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

/**
 * `promptops dataset add-from-traces --feedback negative`: each trace with negative feedback
 * becomes a case of its prompt's suite (`NAME.tests.yaml` beside the prompt, or `--out`), so the
 * next change request's suite runs it. Traces whose input was redacted cannot be replayed and are
 * counted apart; a trace the suite already has a case for is skipped.
 */
export async function addFromFeedback(options: FromTracesOptions): Promise<number> {
  if (options.feedback !== 'negative')
    throw new PromptOpsError('PO_ERR_USAGE', `--feedback takes "negative", not "${options.feedback}"`);
  if (options.out && !options.prompt)
    throw new PromptOpsError('PO_ERR_USAGE', '--out needs --prompt: a suite file tests one prompt');
  return withStore(options, async (store, ws) => {
    const feedback = await store.listFeedback({
      sentiment: 'negative',
      limit: parseLimit(options.limit, 1000),
      ...(options.prompt ? { prompt: options.prompt } : {}),
      ...(options.env ? { environment: options.env } : {}),
    });
    const byTrace = groupBy(feedback, (f) => f.traceId);
    const byPrompt = new Map<string, { trace: Trace; feedback: FeedbackRecord[] }[]>();
    let redacted = 0;
    for (const [traceId, given] of byTrace) {
      const trace = await store.getTrace(traceId);
      if (JSON.stringify(trace.input).includes(REDACTED)) {
        redacted++;
        continue;
      }
      byPrompt.set(trace.prompt, [...(byPrompt.get(trace.prompt) ?? []), { trace, feedback: given }]);
    }
    const files = await suiteFiles(ws, [...byPrompt.keys()], options.out);
    const written: { file: string; added: number }[] = [];
    for (const [prompt, found] of byPrompt) {
      const file = files.get(prompt) as string;
      const before = await readFile(file, 'utf8').catch(() => '');
      const cases = found.map((f) => ({
        traceId: f.trace.id,
        testCase: caseFromFeedback(f.trace, f.feedback),
      }));
      const { text, added } = appendCases(before, cases);
      if (added > 0) await writeFile(file, text);
      written.push({ file: path.relative(process.cwd(), file), added });
    }
    const added = written.reduce((sum, w) => sum + w.added, 0);
    if (options.json) printJson({ added, redacted, files: written });
    else
      print(
        `added ${added} case${added === 1 ? '' : 's'} from negative feedback${written.length ? ` to ${written.map((w) => w.file).join(', ')}` : ''}${redacted ? `; ${redacted} skipped because their input was redacted` : ''}. "promptops test" runs them.`,
      );
    return 0;
  });
}

/** Where each prompt's cases go: `--out`, or the `.tests.yaml` beside the prompt's file. */
async function suiteFiles(
  ws: Parameters<typeof loadCatalog>[0],
  prompts: readonly string[],
  out: string | undefined,
): Promise<Map<string, string>> {
  if (out) return new Map(prompts.map((p) => [p, path.resolve(ws.root, out)]));
  const { entries } = await loadCatalog(ws);
  const files = new Map<string, string>();
  for (const prompt of prompts) {
    const entry = entries.find((e) => e.spec.name === prompt);
    if (!entry)
      throw new PromptOpsError(
        'PO_ERR_PROMPT_NOT_FOUND',
        `negative feedback names prompt "${prompt}", which this project's catalog does not have; pass --prompt and --out FILE.tests.yaml`,
        { prompt },
      );
    files.set(prompt, path.resolve(entry.file).replace(/\.prompt$/, '.tests.yaml'));
  }
  return files;
}
