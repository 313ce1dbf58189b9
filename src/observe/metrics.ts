import { Counter, Gauge, type Metric, Registry } from 'prom-client';
import type { Trace } from './trace.js';
import type { TraceSink, TraceSinkStats } from './trace-sink.js';

/** Distinct label sets one metric keeps; beyond it, new sets are folded into `other`. */
export const MAX_LABEL_SETS = 1_000;
export const FOLDED = 'other';

/**
 * Labels whose values come from a closed list (an arm, a status, a stage, an action, a direction):
 * they keep their value when a label set is folded, so `other` still splits ok from error.
 */
const CLOSED_LABELS: ReadonlySet<string> = new Set([
  'arm',
  'status',
  'stage',
  'action',
  'direction',
  'method',
]);

/** Seconds, from 1 ms to a minute: the spread of a prompt execution, cached to model-bound. */
export const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

const STAGES = ['resolve', 'validate', 'guardrails', 'render', 'model', 'output'] as const;

/** A level of a metric's label sets: one branch per value of the next label, the cell at the end. */
interface LabelNode<Cell> {
  children: Map<string, LabelNode<Cell>>;
  cell: Cell | null;
}

/**
 * A metric's label sets and their values, bounded: up to `max` distinct sets; later sets have their
 * open labels (prompt, version, environment, model, guardrail, code, route) replaced by `other`, and
 * the folded sets are few because the closed labels are. Values are plain numbers updated on the
 * request path: one map lookup per label (no key is built: the label strings keep their hashes),
 * then an add; prom-client reads them only when Prometheus scrapes.
 */
abstract class BoundedCells<Names extends string, Cell extends { labels: Record<Names, string> }> {
  private readonly root: LabelNode<Cell> = { children: new Map(), cell: null };
  private readonly cells: Cell[] = [];

  constructor(private readonly max: number) {}

  protected abstract create(labels: Record<Names, string>): Cell;

  /** The cell of `labels`, created on first use, folded once the metric is full. */
  protected cell(labels: Record<Names, string>): Cell {
    const known = this.walk(labels, false)?.cell;
    if (known) return known;
    const kept = this.cells.length < this.max ? labels : folded(labels);
    const node = this.walk(kept, true) as LabelNode<Cell>;
    if (!node.cell) {
      node.cell = this.create(kept);
      this.cells.push(node.cell);
    }
    return node.cell;
  }

  all(): readonly Cell[] {
    return this.cells;
  }

  private walk(labels: Record<Names, string>, create: boolean): LabelNode<Cell> | null {
    let node = this.root;
    for (const name in labels) {
      const value = labels[name];
      let next = node.children.get(value);
      if (!next) {
        if (!create) return null;
        next = { children: new Map(), cell: null };
        node.children.set(value, next);
      }
      node = next;
    }
    return node;
  }
}

/** `labels` with every open label's value replaced by `other`. */
function folded<Names extends string>(labels: Record<Names, string>): Record<Names, string> {
  const out = { ...labels };
  for (const name in out) if (!CLOSED_LABELS.has(name)) out[name] = FOLDED;
  return out;
}

/** A Prometheus counter whose label sets are bounded and whose updates cost an add. */
export class BoundedCounter<Names extends string> extends BoundedCells<
  Names,
  { labels: Record<Names, string>; value: number }
> {
  constructor(
    config: { name: string; help: string; labelNames: Names[]; registers: Registry[] },
    max = MAX_LABEL_SETS,
  ) {
    super(max);
    const cells = this;
    new Counter({
      ...config,
      collect() {
        this.reset();
        for (const cell of cells.all()) this.inc(cell.labels, cell.value);
      },
    });
  }

  protected create(labels: Record<Names, string>) {
    return { labels, value: 0 };
  }

  inc(labels: Record<Names, string>, value = 1): void {
    this.cell(labels).value += value;
  }
}

interface HistogramCell<Names extends string> {
  labels: Record<Names, string>;
  /** Observations per bucket (not cumulative); the last one is above every bound. */
  counts: Float64Array;
  sum: number;
  count: number;
}

/** A Prometheus histogram whose label sets are bounded and whose updates cost a bucket search and adds. */
export class BoundedHistogram<Names extends string> extends BoundedCells<Names, HistogramCell<Names>> {
  constructor(
    config: { name: string; help: string; labelNames: Names[]; registers: Registry[] },
    private readonly bounds = LATENCY_BUCKETS,
    max = MAX_LABEL_SETS,
  ) {
    super(max);
    exposeHistogram(config, bounds, this);
  }

  protected create(labels: Record<Names, string>): HistogramCell<Names> {
    return { labels, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
  }

  observe(labels: Record<Names, string>, value: number): void {
    const cell = this.cell(labels);
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    (cell.counts[i] as number)++;
    cell.sum += value;
    cell.count++;
  }
}

/**
 * Shows a BoundedHistogram's cells in `registers`: a metric object with prom-client's `get()` (what
 * a Registry reads to render and merge), its buckets cumulative as the exposition format wants.
 */
function exposeHistogram<Names extends string>(
  config: { name: string; help: string; registers: Registry[] },
  bounds: readonly number[],
  cells: BoundedHistogram<Names>,
): void {
  const { name, help } = config;
  const get = async () => {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const cell of cells.all()) {
      let cumulative = 0;
      bounds.forEach((le, i) => {
        cumulative += cell.counts[i] as number;
        values.push({ labels: { le, ...cell.labels }, value: cumulative, metricName: `${name}_bucket` });
      });
      values.push({
        labels: { le: '+Inf', ...cell.labels },
        value: cell.count,
        metricName: `${name}_bucket`,
      });
      values.push({ labels: cell.labels, value: cell.sum, metricName: `${name}_sum` });
      values.push({ labels: cell.labels, value: cell.count, metricName: `${name}_count` });
    }
    return { name, help, type: 'histogram', aggregator: 'sum', values };
  };
  const metric = { name, help, type: 'histogram', aggregator: 'sum', get };
  for (const registry of config.registers) registry.registerMetric(metric as unknown as Metric);
}

/**
 * The metrics a gateway derives from its traces, in their own registry: executions, latency per
 * stage, errors, guardrail verdicts, contract outcomes, tokens and cost, and the trace sink's
 * depth (read from its stats at scrape time). Labels are what is released (prompt, version,
 * environment), the arm, and closed lists; never a user, a sticky key or a trace id.
 */
export class TraceMetrics {
  readonly registry = new Registry();
  private readonly executions;
  private readonly duration;
  private readonly stages;
  private readonly errors;
  private readonly guardrailChecks;
  private readonly guardrailViolations;
  private readonly contractRejections;
  private readonly contractMutations;
  private readonly reasks;
  private readonly tokens;
  private readonly cost;
  private sink: TraceSink | null = null;

  constructor(max = MAX_LABEL_SETS) {
    const registers = [this.registry];
    const counter = <N extends string>(name: string, help: string, labelNames: N[]) =>
      new BoundedCounter<N>({ name, help, labelNames, registers }, max);
    const histogram = <N extends string>(name: string, help: string, labelNames: N[]) =>
      new BoundedHistogram<N>({ name, help, labelNames, registers }, LATENCY_BUCKETS, max);
    this.executions = counter('promptops_executions_total', 'Prompt executions by outcome.', [
      'prompt',
      'version',
      'environment',
      'arm',
      'status',
    ]);
    this.duration = histogram('promptops_execution_duration_seconds', 'Time of a whole prompt execution.', [
      'prompt',
      'environment',
      'arm',
    ]);
    this.stages = histogram(
      'promptops_execution_stage_duration_seconds',
      'Time of each stage of a prompt execution (resolve, validate, guardrails, render, model, output).',
      ['prompt', 'environment', 'arm', 'stage'],
    );
    this.errors = counter('promptops_execution_errors_total', 'Failed prompt executions by error code.', [
      'prompt',
      'environment',
      'arm',
      'code',
    ]);
    this.guardrailChecks = counter('promptops_guardrail_checks_total', 'Guardrail checks run.', [
      'prompt',
      'guardrail',
      'stage',
    ]);
    this.guardrailViolations = counter(
      'promptops_guardrail_violations_total',
      'Guardrail checks that found a violation, by the action taken.',
      ['prompt', 'guardrail', 'stage', 'action'],
    );
    this.contractRejections = counter(
      'promptops_contract_rejections_total',
      'Inputs refused for breaking their contract.',
      ['prompt', 'environment'],
    );
    this.contractMutations = counter(
      'promptops_contract_mutations_total',
      'Changes the input contract made to inputs (defaults, coercions, trims, truncations, removals).',
      ['prompt', 'rule'],
    );
    this.reasks = counter('promptops_reasks_total', 'Times the model was asked again for a better answer.', [
      'prompt',
    ]);
    this.tokens = counter('promptops_tokens_total', 'Model tokens used.', ['prompt', 'model', 'direction']);
    this.cost = counter('promptops_cost_usd_total', 'Model cost in US dollars.', ['prompt', 'model']);
    this.sinkMetrics(registers);
  }

  /** Counts one execution. Only counter and histogram updates: it runs on the request path. */
  observe(trace: Trace): void {
    const prompt = trace.prompt;
    const environment = trace.environment ?? 'none';
    const arm = trace.arm ?? 'none';
    this.executions.inc({
      prompt,
      version: String(trace.version.number),
      environment,
      arm,
      status: trace.status,
    });
    const timings = trace.timings;
    this.duration.observe({ prompt, environment, arm }, timings.total / 1000);
    for (const stage of STAGES) {
      this.stages.observe({ prompt, environment, arm, stage }, timings[stage] / 1000);
    }
    if (trace.error) {
      this.errors.inc({ prompt, environment, arm, code: trace.error.code });
      if (trace.error.code === 'PO_ERR_CONTRACT_VIOLATION')
        this.contractRejections.inc({ prompt, environment });
    }
    for (const verdict of trace.guardrails) {
      const stage = verdict.field === null ? 'output' : 'input';
      this.guardrailChecks.inc({ prompt, guardrail: verdict.name, stage });
      if (verdict.isViolation) {
        this.guardrailViolations.inc({ prompt, guardrail: verdict.name, stage, action: verdict.action });
      }
    }
    for (const mutation of trace.mutations) this.contractMutations.inc({ prompt, rule: mutation.rule });
    if (trace.reasks > 0) this.reasks.inc({ prompt }, trace.reasks);
    this.countUsage(trace, prompt);
  }

  /** Reads `sink`'s stats at each scrape (the spool's depth and its counters). */
  watch(sink: TraceSink): void {
    this.sink = sink;
  }

  private countUsage(trace: Trace, prompt: string): void {
    const model = trace.model ?? 'none';
    const { inputTokens, outputTokens } = trace.usage;
    if (inputTokens > 0) this.tokens.inc({ prompt, model, direction: 'input' }, inputTokens);
    if (outputTokens > 0) this.tokens.inc({ prompt, model, direction: 'output' }, outputTokens);
    if (trace.costUsd) this.cost.inc({ prompt, model }, trace.costUsd);
  }

  /** The sink's numbers, set from its `stats` when Prometheus scrapes: nothing on the request path. */
  private sinkMetrics(registers: Registry[]): void {
    const stats = () => (this.sink?.stats ?? null) as (TraceSinkStats & Record<string, unknown>) | null;
    const read = (field: string) => {
      const value = stats()?.[field];
      return typeof value === 'number' ? value : 0;
    };
    const gauge = (name: string, help: string, field: string) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(field));
        },
      });
    const total = (name: string, help: string, field: string) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          // The sink keeps the running total; the counter only shows it.
          this.reset();
          this.inc(read(field));
        },
      });
    gauge('promptops_trace_spool_pending', 'Traces taken but not yet shipped to the store.', 'pending');
    gauge('promptops_trace_spool_pending_bytes', 'Bytes of traces on disk not yet shipped.', 'pendingBytes');
    total('promptops_traces_enqueued_total', 'Traces handed to the trace spool.', 'enqueued');
    total('promptops_traces_recorded_total', 'Traces written to disk and fsynced.', 'recorded');
    total('promptops_traces_shipped_total', 'Traces accepted by the store.', 'shipped');
    total(
      'promptops_traces_dropped_total',
      'Traces refused (spool full, closed or unserialisable).',
      'dropped',
    );
  }
}

/**
 * `sink` with every trace it takes counted in `metrics` (and in `rollups`, when given) first: the
 * request path pays a few counter updates, and the counts never depend on the sink keeping up.
 */
export function meteredSink(
  sink: TraceSink,
  metrics: TraceMetrics,
  rollups?: { observe(trace: Trace): void },
): TraceSink {
  metrics.watch(sink);
  return {
    enqueue(trace) {
      metrics.observe(trace);
      rollups?.observe(trace);
      return sink.enqueue(trace);
    },
    get stats() {
      return sink.stats;
    },
    flush: () => sink.flush(),
  };
}
