import type { OtlpSink } from './otel.js';
import type { TraceSink } from './trace-sink.js';

/**
 * True when the standard OpenTelemetry variables ask for traces to be exported: the OTLP endpoint
 * for all signals or for traces. Export is off otherwise.
 */
export function isOtlpEnabled(env: Record<string, string | undefined>): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/**
 * `sink`, also exporting its traces over OTLP/HTTP (JSON) when `env` sets an OTLP endpoint; null
 * when it does not. The OpenTelemetry SDK is loaded only then (a third of a second of start-up
 * that a gateway without export never pays). The exporter reads its endpoint, headers and timeout
 * from the process's `OTEL_EXPORTER_OTLP_*` variables, as every OpenTelemetry SDK does.
 */
export async function otlpSinkFromEnv(
  sink: TraceSink,
  env: Record<string, string | undefined>,
  serviceName: string,
): Promise<OtlpSink | null> {
  if (!isOtlpEnabled(env)) return null;
  const { otlpSink, otlpHttpExporter } = await import('./otel.js');
  return otlpSink(sink, otlpHttpExporter(), serviceName);
}
