import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PromptOpsError } from '../../errors.js';
import { appendCases, caseFromFeedback } from '../../eval/feedback-cases.js';
import type { Trace } from '../../observe/trace.js';
import { REDACTED } from '../../observe/trace.js';
import { loadCatalog } from '../../project/workspace.js';
import type { FeedbackRecord } from '../../store/index.js';
import { groupBy } from '../../store/store-context.js';
import { parseLimit, withStore } from '../context.js';
import { print, printJson } from '../output.js';
import type { FromTracesOptions } from './dataset-commands.js';

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
