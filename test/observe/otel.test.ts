/**
 * Traces out over OpenTelemetry: a real `promptops serve` (its embedded gateway) on a copy of the
 * examples, exporting to a local OTLP/HTTP receiver that decodes every request it gets. Spans carry
 * the GenAI conventions' attributes and promptops' own, never the input; nothing is sent unless
 * an OTLP endpoint is set.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpSink } from '../../src/observe/otel.js';
import { otlpSinkFromEnv } from '../../src/observe/otel-env.js';
import type { Trace } from '../../src/observe/trace.js';
import { cliJson, runCli, startServe, stopServe, supportReplyInProduction, useTempDir } from '../helpers.js';
import { traceRecord } from '../store/fixtures.js';

type AnyValue = {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
};
type KeyValue = { key: string; value: AnyValue };
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  events?: { name: string; attributes: KeyValue[] }[];
  status?: { code?: number; message?: string };
}
interface Received {
  path: string;
  body: string;
  service: string | undefined;
  spans: OtlpSpan[];
}

/** An OTLP/HTTP receiver that accepts everything and decodes the JSON export requests. */
async function startReceiver(port = 0): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const decoded = JSON.parse(body) as {
        resourceSpans: { resource: { attributes: KeyValue[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const resource of decoded.resourceSpans) {
        received.push({
          path: request.url ?? '',
          body,
          service: value(resource.resource.attributes, 'service.name') as string | undefined,
          spans: resource.scopeSpans.flatMap((scope) => scope.spans),
        });
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

/** An attribute's value, decoded from OTLP's typed form. */
function value(attributes: KeyValue[] | undefined, key: string): string | number | boolean | undefined {
  const found = attributes?.find((a) => a.key === key)?.value;
  if (!found) return undefined;
  if (found.intValue !== undefined) return Number(found.intValue);
  return found.stringValue ?? found.doubleValue ?? found.boolValue;
}

const INPUT = { customer: { name: 'Ann', tier: 'pro' }, message: 'I was charged twice for my March invoice' };

describe('traces out over OTLP', () => {
  const dir = useTempDir({ examples: true, once: true });
  const cli = (args: string[]) => runCli(args, { cwd: dir() });
  let token = '';
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let defaultPort: Awaited<ReturnType<typeof startReceiver>> | null = null;

  const run = async <T = unknown>(url: string, input: unknown) => {
    const response = await fetch(`${url}/v1/run/support-reply`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input, stickyKey: 'user-1' }),
    });
    return { status: response.status, json: (await response.json()) as T };
  };

  beforeAll(async () => {
    token = await supportReplyInProduction(cli, 'admin@acme.example', 'admin');
    receiver = await startReceiver();
    // The SDK's default endpoint: were export on by default, spans would arrive here.
    defaultPort = await startReceiver(4318).catch(() => null);
  });
  afterAll(async () => {
    receiver?.server.close();
    defaultPort?.server.close();
  });

  it('sends nothing when no OTLP endpoint is set', async () => {
    const sink = {
      enqueue: () => true,
      stats: { enqueued: 0, dropped: 0, pending: 0 },
      flush: async () => {},
    };
    expect(await otlpSinkFromEnv(sink, {}, 'promptops-gateway')).toBeNull();
    const server = await startServe(dir(), {
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '',
    });
    try {
      expect((await run(server.url, INPUT)).status).toBe(200);
    } finally {
      await stopServe(server);
    }
    expect(receiver.received).toEqual([]);
    expect(defaultPort?.received ?? []).toEqual([]);
  });

  it('exports a root span per run with its stages, GenAI attributes, the arm, and errors with their code', async () => {
    const server = await startServe(dir(), {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'support-gateway',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    let ok: { status: number; json: { traceId: string } };
    let failed: { status: number; json: { error: { code: string; details: { traceId: string } } } };
    try {
      ok = await run<{ traceId: string }>(server.url, INPUT);
      expect(ok.status).toBe(200);
      failed = await run<{ error: { code: string; details: { traceId: string } } }>(server.url, {
        customer: 'Ann',
      });
      expect(failed.status).toBe(422);
    } finally {
      // Stopping drains the gateway: the batched spans are exported before it exits.
      await stopServe(server);
    }
    const stored = cliJson(await cli(['traces', '--json', '--limit', '10'])).traces as {
      id: string;
      usage: { inputTokens: number; outputTokens: number };
    }[];
    const spans = receiver.received.flatMap((r) => r.spans);
    expect(receiver.received.every((r) => r.path === '/v1/traces' && r.service === 'support-gateway')).toBe(
      true,
    );
    const roots = spans.filter((s) => !s.parentSpanId);
    expect(roots).toHaveLength(2);
    const rootOf = (traceId: string) =>
      roots.find((s) => value(s.attributes, 'promptops.trace_id') === traceId)!;

    const root = rootOf(ok!.json.traceId);
    // The run's trace id is the spans' trace id: the id a caller got finds its spans.
    expect(root.traceId).toBe(ok!.json.traceId.replaceAll('-', ''));
    expect(Object.fromEntries(root.attributes.map((a) => [a.key, value([a], a.key)]))).toMatchObject({
      'promptops.prompt': 'support-reply',
      'promptops.version': 1,
      'promptops.version.hash': expect.stringMatching(/^[0-9a-f]{8,}/),
      'promptops.environment': 'production',
      'promptops.arm': 'stable',
      'promptops.status': 'ok',
    });
    expect(root.status?.code ?? 0).not.toBe(2);
    const children = spans
      .filter((s) => s.parentSpanId === root.spanId)
      .sort((a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano)));
    expect(children.map((s) => s.name)).toEqual([
      'promptops.resolve',
      'promptops.validate',
      'promptops.guardrails',
      'promptops.render',
      'chat scripted',
      'promptops.output',
    ]);
    expect(children.every((s) => s.traceId === root.traceId)).toBe(true);
    expect(BigInt(children[0]!.startTimeUnixNano)).toBe(BigInt(root.startTimeUnixNano));
    const usage = stored.find((t) => t.id === ok!.json.traceId)!.usage;
    const model = children[4]!;
    expect({
      operation: value(model.attributes, 'gen_ai.operation.name'),
      provider: value(model.attributes, 'gen_ai.provider.name'),
      requested: value(model.attributes, 'gen_ai.request.model'),
      answered: value(model.attributes, 'gen_ai.response.model'),
      input: value(model.attributes, 'gen_ai.usage.input_tokens'),
      output: value(model.attributes, 'gen_ai.usage.output_tokens'),
    }).toEqual({
      operation: 'chat',
      provider: 'offline',
      requested: 'scripted',
      answered: 'scripted',
      input: usage.inputTokens,
      output: usage.outputTokens,
    });
    expect(usage.inputTokens).toBeGreaterThan(0);
    const verdicts = children[2]!.events ?? [];
    expect(verdicts.map((e) => value(e.attributes, 'promptops.guardrail.name'))).toContain(
      'prompt-injection',
    );

    const error = rootOf(failed!.json.error.details.traceId);
    expect(error.status).toMatchObject({ code: 2, message: 'PO_ERR_CONTRACT_VIOLATION' });
    expect(value(error.attributes, 'promptops.error.code')).toBe('PO_ERR_CONTRACT_VIOLATION');
    expect(value(error.attributes, 'promptops.status')).toBe('error');

    // Neither the input nor its parts travel: only names, numbers and verdicts.
    const everything = receiver.received.map((r) => r.body).join('\n');
    expect(everything).not.toContain('charged twice');
    expect(everything).not.toContain('Ann');
  });

  it('exports the runs of the SDK in local mode too (promptops run)', async () => {
    const before = receiver.received.length;
    const ran = await runCli(['run', 'support-reply', '--input', JSON.stringify(INPUT), '--json'], {
      cwd: dir(),
      env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces` },
    });
    expect(ran.code).toBe(0);
    const spans = receiver.received.slice(before).flatMap((r) => r.spans);
    const root = spans.find((s) => !s.parentSpanId)!;
    expect(root.name).toBe('promptops.run support-reply');
    expect(value(root.attributes, 'promptops.trace_id')).toBe(cliJson(ran).traceId);
    expect(spans.filter((s) => s.parentSpanId === root.spanId)).toHaveLength(6);
    expect(receiver.received.slice(before).map((r) => r.service)).toContain('promptops');
  });
});

describe('otlpSink', () => {
  const failedOver = traceRecord('trace-1', {
    prompt: 'support-reply',
    version: { number: 3, hash: 'f'.repeat(64) },
    environment: 'production',
    arm: 'canary',
    status: 'held',
    model: 'anthropic/claude-haiku',
    timings: { resolve: 1, validate: 2, guardrails: 3, render: 4, model: 500, output: 5, total: 515 },
    usage: { inputTokens: 40, outputTokens: 9 },
    input: { message: 'my card is 4111 1111 1111 1111' },
    attempts: [
      {
        model: 'openai/gpt-4o-mini',
        attempt: 1,
        durationMs: 300,
        error: { code: 'PO_ERR_PROVIDER_TIMEOUT', message: 'timed out' },
      },
      { model: 'anthropic/claude-haiku', attempt: 1, durationMs: 200 },
    ],
    guardrails: [
      {
        name: 'pii',
        action: 'escalate',
        isViolation: true,
        score: 1,
        reasons: ['card 4111 1111 1111 1111'],
        spans: [],
        field: 'message',
      },
    ],
  });

  it('passes every trace on, and reports the fallback that answered, the escalation and no text', async () => {
    const taken: Trace[] = [];
    const inner = {
      enqueue: (t: Trace) => taken.push(t) > 0,
      stats: { enqueued: 0, dropped: 0, pending: 0 },
      flush: async () => {},
    };
    const exporter = new InMemorySpanExporter();
    const sink = otlpSink(inner, exporter, 'test');
    expect(sink.enqueue(failedOver)).toBe(true);
    expect(taken).toEqual([failedOver]);
    await sink.flush();
    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => !s.parentSpanContext)!;
    expect(root.attributes).toMatchObject({ 'promptops.status': 'held', 'promptops.arm': 'canary' });
    expect(root.status.code).not.toBe(2);
    expect(root.endTime[0] * 1e3 + root.endTime[1] / 1e6 - Date.parse(failedOver.startedAt)).toBeCloseTo(
      515,
      3,
    );
    const model = spans.find((s) => s.name.startsWith('chat '))!;
    expect(model.name).toBe('chat claude-haiku');
    expect(model.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'claude-haiku',
      'gen_ai.usage.input_tokens': 40,
      'gen_ai.usage.output_tokens': 9,
    });
    expect(model.attributes['error.type']).toBeUndefined();
    const guardrails = spans.find((s) => s.name === 'promptops.guardrails')!;
    expect(guardrails.events.map((e) => e.attributes)).toEqual([
      {
        'promptops.guardrail.name': 'pii',
        'promptops.guardrail.stage': 'input',
        'promptops.guardrail.action': 'escalate',
        'promptops.guardrail.violation': true,
        'promptops.guardrail.score': 1,
      },
    ]);
    expect(JSON.stringify(spans.map((s) => [s.attributes, s.events]))).not.toContain('4111');
    // A trace that cannot become spans is counted, and never thrown at the event loop.
    sink.enqueue({ ...failedOver, id: 'trace-2', timings: null as never });
    await sink.flush();
    expect(sink.spansDropped).toBe(1);
    await sink.shutdown();
  });
});
