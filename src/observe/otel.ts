import {
  type Attributes,
  type Context,
  trace as otelTrace,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  RandomIdGenerator,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { StageTimings, Trace } from './trace.js';
import type { TraceSink } from './trace-sink.js';

/** The stages of an execution, in the order they run; each becomes a child span of the run. */
const STAGES = [
  'resolve',
  'validate',
  'guardrails',
  'render',
  'model',
  'output',
] as const satisfies readonly (keyof StageTimings)[];

/** Traces waiting to become spans; beyond this the oldest work is refused (counted), never the request. */
const MAX_PENDING = 4096;

/** A trace sink that also exports every trace as OpenTelemetry spans, and how to stop its exporter. */
export interface OtlpSink extends TraceSink {
  /** Traces not turned into spans: too many waited (the exporter is behind), or one was malformed. */
  readonly spansDropped: number;
  /** Exports what is batched, then stops the exporter. */
  shutdown(): Promise<void>;
}

/**
 * The OTLP/HTTP (JSON) exporter, configured by the SDK from `OTEL_EXPORTER_OTLP_*`: the endpoint
 * (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`), `OTEL_EXPORTER_OTLP_HEADERS`, the timeout.
 */
export function otlpHttpExporter(): SpanExporter {
  return new OTLPTraceExporter();
}

/**
 * Wraps `sink` so every trace it takes is also exported as spans through `exporter`: one root span
 * per execution and one child per stage. The request path only appends the trace to a list; spans
 * are built on a later turn of the event loop and sent by a batching processor. `OTEL_SERVICE_NAME`
 * and `OTEL_RESOURCE_ATTRIBUTES` name the service (default `serviceName`); `OTEL_BSP_*` tune the batches.
 */
export function otlpSink(sink: TraceSink, exporter: SpanExporter, serviceName = 'promptops'): OtlpSink {
  const detected = envDetector.detect().attributes ?? {};
  const ids = traceIds();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }).merge(resourceFromAttributes(detected)),
    spanProcessors: [new BatchSpanProcessor(exporter)],
    idGenerator: ids,
  });
  const tracer = provider.getTracer('promptops');
  let pending: Trace[] = [];
  let scheduled = false;
  let spansDropped = 0;
  const drain = () => {
    scheduled = false;
    const batch = pending;
    pending = [];
    for (const trace of batch) {
      // Telemetry must never take the gateway down: a trace that cannot become spans is counted.
      try {
        ids.next = trace.id.replaceAll('-', '');
        exportTrace(tracer, trace);
      } catch {
        spansDropped++;
      }
    }
  };
  return {
    enqueue(trace) {
      const taken = sink.enqueue(trace);
      if (pending.length >= MAX_PENDING) spansDropped++;
      else pending.push(trace);
      if (!scheduled) {
        scheduled = true;
        setImmediate(drain);
      }
      return taken;
    },
    get stats() {
      return sink.stats;
    },
    get spansDropped() {
      return spansDropped;
    },
    async flush() {
      drain();
      await Promise.all([sink.flush(), provider.forceFlush()]);
    },
    async shutdown() {
      drain();
      await provider.shutdown();
    },
  };
}

/**
 * Span ids at random; the trace id of a run's spans is the run's own trace id (a UUID, as 32 hex
 * digits), so the id a caller got in `x-promptops-trace-id` finds its spans in the tracing backend.
 */
function traceIds() {
  const random = new RandomIdGenerator();
  return {
    next: '',
    generateTraceId() {
      const id = this.next;
      this.next = '';
      return /^[0-9a-f]{32}$/.test(id) && !/^0+$/.test(id) ? id : random.generateTraceId();
    },
    generateSpanId: () => random.generateSpanId(),
  };
}

type Tracer = ReturnType<BasicTracerProvider['getTracer']>;

/** The spans of one finished execution: the run, then its stages laid end to end from its start. */
function exportTrace(tracer: Tracer, trace: Trace): void {
  const start = Date.parse(trace.startedAt);
  const root = tracer.startSpan(
    `promptops.run ${trace.prompt}`,
    { kind: SpanKind.SERVER, startTime: start, attributes: runAttributes(trace) },
    ROOT_CONTEXT,
  );
  if (trace.status === 'error') {
    root.setStatus({ code: SpanStatusCode.ERROR, message: trace.error?.code ?? 'error' });
  }
  const parent = otelTrace.setSpan(ROOT_CONTEXT, root);
  let at = start;
  for (const stage of STAGES) {
    const ms = trace.timings[stage];
    exportStage(tracer, parent, trace, stage, at, at + ms);
    at += ms;
  }
  root.end(start + Math.max(trace.timings.total, at - start));
}

function exportStage(
  tracer: Tracer,
  parent: Context,
  trace: Trace,
  stage: (typeof STAGES)[number],
  start: number,
  end: number,
): void {
  const isModel = stage === 'model' && trace.model !== null;
  const span = tracer.startSpan(
    isModel ? `chat ${modelName(trace.model)}` : `promptops.${stage}`,
    {
      kind: isModel ? SpanKind.CLIENT : SpanKind.INTERNAL,
      startTime: start,
      attributes: isModel ? modelAttributes(trace) : { 'promptops.stage': stage },
    },
    parent,
  );
  const failed = isModel ? trace.attempts.at(-1)?.error : undefined;
  if (failed) span.setStatus({ code: SpanStatusCode.ERROR, message: failed.code });
  if (stage === 'guardrails') {
    for (const verdict of trace.guardrails) {
      // Name, verdict and score only: reasons and spans may quote the (redacted) text.
      span.addEvent(
        'promptops.guardrail',
        {
          'promptops.guardrail.name': verdict.name,
          'promptops.guardrail.stage': verdict.field === null ? 'output' : 'input',
          'promptops.guardrail.action': verdict.action,
          'promptops.guardrail.violation': verdict.isViolation,
          'promptops.guardrail.score': verdict.score,
        },
        start,
      );
    }
  }
  span.end(end);
}

/** What identifies the run: never its input or output, which may hold what guardrails redacted. */
function runAttributes(trace: Trace): Attributes {
  const attributes: Attributes = {
    'promptops.trace_id': trace.id,
    'promptops.project': trace.project,
    'promptops.prompt': trace.prompt,
    'promptops.version': trace.version.number,
    'promptops.version.hash': trace.version.hash,
    'promptops.status': trace.status,
    'gen_ai.operation.name': 'chat',
  };
  if (trace.environment !== null) attributes['promptops.environment'] = trace.environment;
  if (trace.arm !== null) attributes['promptops.arm'] = trace.arm;
  if (trace.error) {
    attributes['promptops.error.code'] = trace.error.code;
    attributes['error.type'] = trace.error.code;
  }
  if (trace.costUsd !== null) attributes['promptops.cost_usd'] = trace.costUsd;
  if (trace.reasks > 0) attributes['promptops.reasks'] = trace.reasks;
  if (trace.review) attributes['promptops.review.decision'] = trace.review.decision;
  return attributes;
}

/** The GenAI semantic conventions' attributes of the model call (gen_ai.system is the older name). */
function modelAttributes(trace: Trace): Attributes {
  const provider = providerName(trace.model);
  const requested = modelName(trace.attempts[0]?.model ?? trace.model);
  const attributes: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': provider,
    'gen_ai.system': provider,
    'gen_ai.request.model': requested,
    'gen_ai.response.model': modelName(trace.model),
    'gen_ai.usage.input_tokens': trace.usage.inputTokens,
    'gen_ai.usage.output_tokens': trace.usage.outputTokens,
    'promptops.attempts': trace.attempts.length,
  };
  const failed = trace.attempts.at(-1)?.error;
  if (failed) attributes['error.type'] = failed.code;
  return attributes;
}

/** `openai/gpt-4o` → `openai`. */
function providerName(model: string | null): string {
  const slash = model?.indexOf('/') ?? -1;
  return slash > 0 ? model!.slice(0, slash) : (model ?? 'unknown');
}

/** `openai/gpt-4o` → `gpt-4o`. */
function modelName(model: string | null): string {
  if (model === null) return 'unknown';
  const slash = model.indexOf('/');
  return slash >= 0 ? model.slice(slash + 1) : model;
}
