import { parseDuration } from '../../duration.js';
import { PromptOpsError } from '../../errors.js';
import { thresholdKeyOf } from '../../monitor/canary-plan.js';
import type { CanaryStatus } from '../../store/canary-store.js';
import { withStore } from '../context.js';
import { color, print, printJson, table } from '../output.js';
import type { CanaryStatusOptions } from './canary-commands.js';

const VERDICT_COLOR = {
  pass: color.green,
  fail: color.red,
  inconclusive: color.yellow,
  error: color.magenta,
} as const;

/** `promptops canary status [PROMPT] [--env ENV]`: each analysis's plan, step and judged intervals. */
export async function canaryStatus(
  prompt: string | undefined,
  options: CanaryStatusOptions,
): Promise<number> {
  const timeoutMs = options.watch ? watchTimeout(options.timeout) : 0;
  return withStore(options, async (store) => {
    const filter = { ...(prompt ? { prompt } : {}), ...(options.env ? { environment: options.env } : {}) };
    let analyses = await store.canaryStatus(filter);
    // --watch: the analysis runs in the control plane; ask again until nothing shown is running.
    const deadline = Date.now() + timeoutMs;
    while (options.watch && analyses.some((a) => a.state === 'running') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, WATCH_POLL_MS));
      analyses = await store.canaryStatus(filter);
    }
    const undecided = options.watch && analyses.some((a) => a.state === 'running');
    if (options.json) {
      printJson({ analyses });
      return undecided ? 1 : 0;
    }
    if (analyses.length === 0) {
      print(
        'no canary analyses yet; release a canary with a plan: "promptops release N --env ENV --canary 5" (promptops.yaml canary: or --analysis-plan FILE)',
      );
      return 0;
    }
    for (const a of analyses) printAnalysis(a);
    if (undecided) {
      process.stderr.write(`still running after ${options.timeout ?? '15m'}: no decision yet\n`);
      return 1;
    }
    return 0;
  });
}

const WATCH_POLL_MS = 2_000;

function watchTimeout(text: string | undefined): number {
  const ms = parseDuration(text ?? '15m');
  if (ms === null) {
    throw new PromptOpsError(
      'PO_ERR_USAGE',
      `--timeout must be a duration such as 90s or 15m, not "${text}"`,
    );
  }
  return ms;
}

function printAnalysis(a: CanaryStatus): void {
  const { plan } = a;
  const steps = plan.steps.map((w) =>
    w === a.canary.weight && a.state === 'running' ? color.bold(`[${w}%]`) : `${w}%`,
  );
  print(
    `${color.bold(a.prompt)} ${a.environment}: canary @${a.canary.version} beside @${a.stable} at ${a.canary.weight}% — ${a.state}`,
  );
  print(
    `  steps ${steps.join(' → ')}, interval ${plan.interval}, ${plan.intervalsPerStep} pass(es) per step`,
  );
  print(
    `  min ${plan.minSamples} samples per arm, rollback after ${plan.failureLimit} failed interval(s), significance ${plan.significance}`,
  );
  print(
    `  metrics: ${plan.metrics.map((m) => `${m.metric} ${thresholdKeyOf(m.metric)} ${m[thresholdKeyOf(m.metric)]}${m.minSamples === undefined ? '' : ` (min ${m.minSamples})`}`).join(', ')}`,
  );
  print(
    `  failed ${a.failures}/${plan.failureLimit}, passed this step ${a.passesThisStep}/${plan.intervalsPerStep}`,
  );
  if (a.intervals.length === 0) {
    print(color.dim('  no interval has ended yet'));
    print();
    return;
  }
  const rows: string[][] = [];
  for (const i of a.intervals) {
    const window = `${i.windowStart.slice(11, 16)}–${i.windowEnd.slice(11, 16)}`;
    const verdict = VERDICT_COLOR[i.verdict](i.verdict);
    if (i.evidence.metrics.length === 0) {
      rows.push([`${i.weight}%`, window, verdict, '-', i.evidence.error ?? '']);
      continue;
    }
    i.evidence.metrics.forEach((m, n) => {
      rows.push([
        n === 0 ? `${i.weight}%` : '',
        n === 0 ? window : '',
        n === 0 ? verdict : '',
        `${m.metric} ${VERDICT_COLOR[m.verdict](m.verdict)}`,
        m.reason,
      ]);
    });
  }
  print(table(['STEP', 'WINDOW (UTC)', 'VERDICT', 'METRIC', 'EVIDENCE'], rows));
  print();
}
